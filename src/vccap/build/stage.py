"""Atomic publishing: the site is built in a staging folder, audited, then swapped in.

The staging folder sits next to the published one (``.<OUT>.vccap-en-cours``, same file
system) and starts as hard links to the previous site's files (copies where links cannot be
made): unchanged pages cost nothing, and every writer replaces a file rather than writing
into it (:func:`vccap.site.publish.write_text_atomic`), so the previous site is never
touched. Executed notebooks and the build state of older versions (``.vccap/``) are not
carried over. :meth:`Staging.publish` swaps the folders; :meth:`Staging.discard` drops the
staging folder (failed audit, interrupted build): the previous site stays whole.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from vccap.build.state import STATE_DIR

NOT_CARRIED = (".ipynb",)


class Staging:
    """The staging folder of one build of ``out``."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.dir = self.out.parent / f".{self.out.name}.vccap-en-cours"
        self.old = self.out.parent / f".{self.out.name}.vccap-ancien"

    def recover(self) -> None:
        """Finish or undo what an interrupted build left: the previous site back in place."""
        if self.old.exists():
            if not self.out.exists():
                os.replace(self.old, self.out)
            else:
                shutil.rmtree(self.old, ignore_errors=True)
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)

    def prepare(self) -> Path:
        """A fresh staging folder holding the previous site (hard links); returns it."""
        self.recover()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.dir.mkdir()
        if self.out.is_dir():
            _link_tree(self.out, self.dir)
        return self.dir

    def publish(self) -> None:
        """Swap the staging folder in: the site at ``out`` is the new one."""
        if self.out.exists():
            os.replace(self.out, self.old)
        os.replace(self.dir, self.out)
        shutil.rmtree(self.old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        rel = here.relative_to(source)
        if rel == Path("."):
            dirs[:] = [d for d in dirs if d != STATE_DIR]
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        (target / rel).mkdir(exist_ok=True)
        for name in files:
            path = here / name
            if path.is_symlink() or name.endswith(NOT_CARRIED) or name.startswith("."):
                continue
            try:
                os.link(path, target / rel / name)
            except OSError:
                shutil.copy2(path, target / rel / name)
