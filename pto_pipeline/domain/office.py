"""LibreOffice headless conversion (DOCX/XLSX -> PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pto_pipeline.domain.scratch import scratch_prefix


class OfficeUnavailable(RuntimeError):
    """LibreOffice is not installed or failed to convert."""


def soffice_binary() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(sources: list[Path], out_dir: Path, timeout: float = 300.0) -> list[Path]:
    """Convert documents to PDF into `out_dir`; return the PDFs in input order.

    A private user profile per call lets several conversions run at once
    (LibreOffice refuses a second instance on a shared profile).
    """
    binary = soffice_binary()
    if binary is None:
        raise OfficeUnavailable("LibreOffice (soffice) не найден: установите libreoffice-writer")
    if not sources:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("lo")) as profile:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *[str(s) for s in sources],
        ]
        env = {**os.environ, "HOME": profile}
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise OfficeUnavailable(f"LibreOffice не ответил за {timeout:.0f} с") from exc
    pdfs = [out_dir / (Path(s).stem + ".pdf") for s in sources]
    missing = [p.name for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        detail = proc.stderr.decode("utf-8", "replace").strip()[-500:]
        raise OfficeUnavailable(f"LibreOffice не создал {', '.join(missing) or 'PDF'}: {detail}")
    return pdfs
