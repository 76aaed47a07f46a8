#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for the PTO pipeline. Idempotent.
#   - system packages: tesseract with Russian data, LibreOffice Writer, Cyrillic fonts, poppler;
#     for the Celery deployment (deploy/local-cluster.sh) and its tests: nginx, Redis, openssl
#   - .venv with the pinned Python packages (requirements.txt) and this package (editable)
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng
  libreoffice-writer-nogui
  fonts-liberation fonts-liberation2 fonts-dejavu-core fonts-freefont-ttf
  poppler-utils
  nginx redis-server openssl
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them as root:  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
  echo "installing system packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

tesseract --list-langs 2>/dev/null | grep -qx rus || { echo "tesseract has no Russian data (tesseract-ocr-rus)" >&2; exit 2; }

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || {
    echo "could not create .venv with $PYTHON: install python3-venv (Debian/Ubuntu) or set PYTHON" >&2
    exit 2
  }
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt
.venv/bin/python -m pip install -q --no-deps -e .
echo "setup done: .venv/bin/pto-pipeline is ready" >&2
