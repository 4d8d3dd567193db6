"""A site page printed to PDF by a headless Chromium, with the site's print stylesheet.

Chromium is not a Python package: it is used when one is found (``--chromium PATH``, or a
``chromium`` / ``google-chrome`` program on PATH), and :class:`~vccap.errors.ChromiumNotFound`
says in French how to get one otherwise. The page is opened as ``file://…#impression``:
``vccap.js`` then draws every chart at print width and opens the tables behind the charts,
and the print stylesheet gives A4 pages, the running title, page numbers and no heading left
alone at the bottom of a page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from vccap.errors import ChromiumNotFound

#: Program names looked for on PATH, in this order.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Milliseconds of page time given to draw the charts before printing.
BUDGET_MS = 20000


def find_chromium(given: str | os.PathLike[str] | None = None) -> str:
    """The Chromium to print with: ``given`` if it is an executable file (or a program name
    on PATH), else the first of :data:`CHROMIUM_NAMES` found on PATH.

    Raises :class:`~vccap.errors.ChromiumNotFound` (facts: ``given``, ``searched``).
    """
    if given:
        path = Path(given)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        found = shutil.which(str(given))
        if found:
            return found
        raise ChromiumNotFound(given=str(given), searched=[])
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFound(given=None, searched=list(CHROMIUM_NAMES))


def chromium_command(chromium: str, page: Path, target: Path, profile: Path) -> list[str]:
    """The command line that prints ``page`` (an HTML file) to ``target``."""
    flags = [
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={BUDGET_MS}",
        f"--print-to-pdf={target}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return [chromium, *flags, Path(page).resolve().as_uri() + "#impression"]


def write_pdf(page: Path, target: Path, chromium: str, *, timeout: float = 180) -> None:
    """Print the site page ``page`` (a file of a built site, assets beside it) to ``target``.

    Written through a temporary file. Raises ``RuntimeError`` with Chromium's last words when
    it fails or writes nothing.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vccap-pdf-") as work:
        tmp = Path(work) / "page.pdf"
        try:
            done = subprocess.run(
                chromium_command(chromium, page, tmp, Path(work) / "profil"),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RuntimeError(f"Chromium : {exc}") from None
        if not tmp.exists() or tmp.stat().st_size == 0:
            lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
            raise RuntimeError(lines[-1] if lines else f"Chromium : code {done.returncode}")
        final = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(tmp, final)
        os.replace(final, target)
