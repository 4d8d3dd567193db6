"""Atomic writes: a reader never sees a half-written file.

Every file of the site, the build state and its stamp are written through a temporary file
in the same folder and ``os.replace`` (:func:`write_text_atomic`, :func:`write_bytes_atomic`).
Kept apart from :mod:`vccap.site.publish` (jinja2) so that light modules can use them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and ``os.replace``.

    Readers never see a half-written page; the parent directory is created.
    """
    write_bytes_atomic(path, text.encode("utf-8"))  # as written: no newline translation


def write_bytes_atomic(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace`` (mode 644)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
