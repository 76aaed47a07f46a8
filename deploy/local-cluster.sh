#!/usr/bin/env bash
# The Celery deployment (SPEC §12) on one machine:
#   PostgreSQL-backed Dagster webserver (127.0.0.1 only), daemon (sensor, schedule, run
#   queue, run retries), N dagster-celery workers with their own working directories,
#   and nginx on 127.0.0.1:$PTO_UI_PORT asking for a login before the UI.
#
#   PTO_UI_PASSWORD=... deploy/local-cluster.sh up | status | down
#
# Settings (environment): PTO_UI_USER (default pto), PTO_UI_PASSWORD (required for up, no
# default), PTO_DATA_DIR (default ./data), DAGSTER_PG_URL (default
# postgresql://postgres@127.0.0.1:5432/pto_cluster, created when missing),
# PTO_CELERY_BROKER (default redis://127.0.0.1:6379/0), PTO_CLUSTER_DIR (state: pid
# files, logs, DAGSTER_HOME; default /tmp/pto-cluster), PTO_WEB_PORT (3000), PTO_UI_PORT
# (8080), PTO_CLUSTER_WORKERS (2), PTO_WORKER_SLOTS (tasks per worker at once, 1),
# PTO_OCR_STEP_PAGES (pages per OCR step, 12), PTO_VENV (default ./.venv).
# `up` is idempotent (starts what is not running); `down` stops only what `up` started,
# by the pid files under $PTO_CLUSTER_DIR/pids.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
RUN_DIR="${PTO_CLUSTER_DIR:-/tmp/pto-cluster}"
PIDS="$RUN_DIR/pids"
LOGS="$RUN_DIR/logs"
VENV="${PTO_VENV:-$REPO/.venv}"
WEB_PORT="${PTO_WEB_PORT:-3000}"
UI_PORT="${PTO_UI_PORT:-8080}"
WORKERS="${PTO_CLUSTER_WORKERS:-2}"
SLOTS="${PTO_WORKER_SLOTS:-1}"
UI_USER="${PTO_UI_USER:-pto}"

export DAGSTER_HOME="$RUN_DIR/dagster_home"
export DAGSTER_PG_URL="${DAGSTER_PG_URL:-postgresql://postgres@127.0.0.1:5432/pto_cluster}"
export PTO_CELERY_BROKER="${PTO_CELERY_BROKER:-redis://127.0.0.1:6379/0}"
export PTO_DATA_DIR
PTO_DATA_DIR="$(realpath -m "${PTO_DATA_DIR:-$REPO/data}")"
export PTO_EXECUTOR=celery
export PTO_OCR_STEP_PAGES="${PTO_OCR_STEP_PAGES:-12}"

die() { echo "local-cluster: $*" >&2; exit 2; }
say() { echo "local-cluster: $*" >&2; }

# --- processes we started ---------------------------------------------------------

# A pid file names a process of ours only while that process still runs the command we
# started (a pid reused by another program is not ours).
alive() {
  local name="$1" pid
  [ -f "$PIDS/$name.pid" ] || return 1
  pid="$(cat "$PIDS/$name.pid")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(cat "$PIDS/$name.cmd")"
}

# start NAME MARKER WORKDIR COMMAND...: run in its own session (so `down` can stop the
# process and its children together), log to $LOGS/NAME.log, remember the pid.
start() {
  local name="$1" marker="$2" workdir="$3"
  shift 3
  if alive "$name"; then
    say "$name already running (pid $(cat "$PIDS/$name.pid"))"
    return 0
  fi
  mkdir -p "$workdir"
  (cd "$workdir" && exec setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null) &
  echo "$!" >"$PIDS/$name.pid"
  echo "$marker" >"$PIDS/$name.cmd"
  say "$name started (pid $!)"
}

stop() {
  local name="$1" pid i
  if ! alive "$name"; then
    rm -f "$PIDS/$name.pid" "$PIDS/$name.cmd"
    return 0
  fi
  pid="$(cat "$PIDS/$name.pid")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PIDS/$name.pid" "$PIDS/$name.cmd"
  say "$name stopped"
}

components() {
  echo webserver daemon
  for i in $(seq 1 "$WORKERS"); do echo "worker$i"; done
  echo nginx
}

# --- prerequisites ----------------------------------------------------------------

need_nginx() {
  command -v nginx >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "nginx is missing: run as root  apt-get install -y nginx"
  say "installing nginx (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
}

check_services() {
  "$VENV/bin/python" - <<'EOF' || exit 2
import os, sys
import redis, sqlalchemy
from sqlalchemy.engine import make_url

broker = os.environ["PTO_CELERY_BROKER"]
try:
    redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    sys.exit(f"local-cluster: the Celery broker {broker} does not answer ({exc}); start Redis")
url = make_url(os.environ["DAGSTER_PG_URL"])
try:
    admin = sqlalchemy.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        exists = con.execute(
            sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}
        ).first()
        if not exists:
            con.execute(sqlalchemy.text(f'CREATE DATABASE "{url.database}"'))
            print(f"local-cluster: created database {url.database}", file=sys.stderr)
except sqlalchemy.exc.SQLAlchemyError as exc:
    sys.exit(f"local-cluster: PostgreSQL at DAGSTER_PG_URL is not usable: {exc.orig or exc}")
EOF
}

write_htpasswd() {
  local file="$RUN_DIR/nginx/htpasswd" hash tmp
  # The password goes through stdin (never a command line) and only its hash is stored,
  # under the run directory, readable by root and the nginx workers' group only.
  hash="$(printf '%s' "$PTO_UI_PASSWORD" | openssl passwd -6 -stdin)"
  tmp="$file.tmp.$$"
  (umask 027 && printf '%s:%s\n' "$UI_USER" "$hash" >"$tmp")
  [ -n "$NGINX_USER" ] && chgrp "$(id -gn "$NGINX_USER")" "$tmp"
  mv -f "$tmp" "$file"
}

write_nginx_conf() {
  local dir="$RUN_DIR/nginx" user_line=""
  mkdir -p "$dir/tmp"
  [ -n "$NGINX_USER" ] && user_line="user $NGINX_USER;"
  [ -n "$NGINX_USER" ] && chown "$NGINX_USER" "$dir/tmp"
  cat >"$dir/nginx.conf.tmp" <<EOF
# Written by deploy/local-cluster.sh: the Dagster UI behind a login.
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$UI_PORT;
    auth_basic "PTO pipeline";
    auth_basic_user_file $dir/htpasswd;
    client_max_body_size 50m;
    location / {
      proxy_pass http://127.0.0.1:$WEB_PORT;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_read_timeout 1h;
    }
  }
}
EOF
  mv -f "$dir/nginx.conf.tmp" "$dir/nginx.conf"
}

wait_for() { # wait_for WHAT SECONDS COMMAND...
  local what="$1" seconds="$2" i
  shift 2
  for i in $(seq 1 $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "$what not ready after ${seconds}s (logs: $LOGS)"
}

worker_ready() { grep -q "ready\." "$LOGS/$1.log"; }

# --- commands -----------------------------------------------------------------------

up() {
  [ -n "${PTO_UI_PASSWORD:-}" ] || die "PTO_UI_PASSWORD is not set: the UI needs a login (there is no default password)"
  [ -x "$VENV/bin/dagster" ] || die "no $VENV: run scripts/setup.sh first"
  case "$WORKERS$SLOTS" in *[!0-9]*) die "PTO_CLUSTER_WORKERS and PTO_WORKER_SLOTS must be whole numbers" ;; esac
  need_nginx
  check_services
  local started=$SECONDS
  mkdir -p "$PIDS" "$LOGS" "$DAGSTER_HOME" "$PTO_DATA_DIR/projects"
  cp "$REPO/deploy/celery/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"
  NGINX_USER=""
  if [ "$(id -u)" -eq 0 ]; then
    NGINX_USER="$(id -un www-data >/dev/null 2>&1 && echo www-data || echo nobody)"
  fi
  write_nginx_conf
  write_htpasswd
  if [ -n "$NGINX_USER" ] && ! runuser -u "$NGINX_USER" -- test -r "$RUN_DIR/nginx/htpasswd"; then
    die "nginx's user $NGINX_USER cannot read $RUN_DIR/nginx/htpasswd: choose a PTO_CLUSTER_DIR its parents let others enter"
  fi
  export PATH="$VENV/bin:$PATH"
  # Creates the instance's tables once (before several processes race to), sizes the
  # `ocr` pool to the workers' slots (that many OCR steps run at once) and sets the
  # `warehouse` pool: left to its default, concurrent runs race to insert its row and
  # all but one fail (a unique-key violation in concurrency_limits).
  { dagster instance concurrency set ocr $((WORKERS * SLOTS)) && dagster instance concurrency set warehouse 1; } >>"$LOGS/instance.log" 2>&1 ||
    die "could not prepare the Dagster instance (see $LOGS/instance.log)"

  start webserver "dagster-webserver" "$RUN_DIR" \
    dagster-webserver -h 127.0.0.1 -p "$WEB_PORT" -w "$REPO/workspace.yaml"
  start daemon "dagster-daemon run" "$RUN_DIR" dagster-daemon run -w "$REPO/workspace.yaml"
  local i
  for i in $(seq 1 "$WORKERS"); do
    # One tesseract process per task slot: the parallelism is the workers' slots.
    start "worker$i" "-n pto-worker$i -- " "$RUN_DIR/worker$i" \
      env PTO_WORKERS=1 dagster-celery worker start -A dagster_celery.app -y "$REPO/deploy/celery/celery.yaml" \
      -n "pto-worker$i" -- --concurrency "$SLOTS"
  done
  if alive nginx; then
    kill -HUP "$(cat "$PIDS/nginx.pid")" # new password or ports
  else
    start nginx "nginx: master process" "$RUN_DIR" \
      nginx -e "$RUN_DIR/nginx/error.log" -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -g "daemon off;"
  fi
  wait_for webserver 180 curl -sf "http://127.0.0.1:$WEB_PORT/server_info"
  for i in $(seq 1 "$WORKERS"); do wait_for "worker$i" 120 worker_ready "worker$i"; done
  wait_for nginx 20 curl -s -o /dev/null "http://127.0.0.1:$UI_PORT/"
  say "up in $((SECONDS - started)) s: UI http://127.0.0.1:$UI_PORT (user $UI_USER), data $PTO_DATA_DIR"
}

status() {
  local name rc=0 code
  for name in $(components); do
    if alive "$name"; then
      echo "$name: running (pid $(cat "$PIDS/$name.pid"))"
    else
      echo "$name: stopped"
      rc=3
    fi
  done
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$UI_PORT/server_info" || true)"
  echo "proxy http://127.0.0.1:$UI_PORT: HTTP $code without login (401 expected)"
  return $rc
}

down() {
  local name
  # The proxy first (no new logins), then the schedulers, then the workers.
  for name in nginx daemon webserver; do stop "$name"; done
  for name in "$PIDS"/worker*.pid; do
    [ -e "$name" ] && stop "$(basename "$name" .pid)"
  done
  return 0
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
