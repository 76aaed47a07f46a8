"""LibreOffice headless conversion (DOCX/XLSX -> PDF)."""

from __future__ import annotations

import contextlib
import hashlib
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


def convert_cached(sources: list[Path], out_dir: Path, cache_dir: Path | None) -> list[Path]:
    """`convert_to_pdf`, with each PDF kept under `cache_dir` by its source's bytes: an
    act that did not change is not converted again. Only the misses go to LibreOffice,
    in one call. A damaged or unwritable cache only costs a conversion."""
    if cache_dir is None:
        return convert_to_pdf(sources, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(source.read_bytes()).hexdigest() for source in sources]
    results: list[Path | None] = []
    for source, key in zip(sources, keys, strict=True):
        cached = cache_dir / key[:2] / f"{key}.pdf"
        target = out_dir / f"{source.stem}.pdf"
        if _usable_pdf(cached):
            shutil.copyfile(cached, target)
            results.append(target)
        else:
            results.append(None)
    misses = [source for source, done in zip(sources, results, strict=True) if done is None]
    converted = iter(convert_to_pdf(misses, out_dir))
    pdfs = []
    for key, done in zip(keys, results, strict=True):
        pdf = done or next(converted)
        if done is None:
            _keep(pdf, cache_dir / key[:2] / f"{key}.pdf")
        pdfs.append(pdf)
    return pdfs


def _usable_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-" and path.stat().st_size > 100
    except OSError:
        return False


def _keep(pdf: Path, cached: Path) -> None:
    with contextlib.suppress(OSError):  # a full disk: converted again next time
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(pdf, tmp)
        os.replace(tmp, cached)
