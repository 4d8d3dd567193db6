"""Shared fixtures: the example workspace, and temporary copies of it to break."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data"
SALON_2016 = "2016-06-salon-entrepreneurs-lyon"
SESSION_2016 = "2016-05-session-vivre-travailler-lyon"
PRO_2016 = "2016-03-professionnalisation-vienne"


#: What a build or a command may write in a workspace: its key and the build state.
NOT_RAW = (".cle_pseudonymisation", ".vccap")


def tree_digest(folder: Path, skip: tuple[str, ...] = NOT_RAW) -> dict[str, str]:
    """Hash of every file of a folder (to prove raw files are left untouched)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not set(p.relative_to(folder).parts) & set(skip)
    }


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the example workspace, free to modify (key file left out)."""
    target = tmp_path / "data"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(*NOT_RAW))
    return target


class ExampleSite:
    """The example workspace (a private copy), the site built from it and the executed
    notebooks that build kept (``notebooks``)."""

    def __init__(self, workspace: Path, out: Path, notebooks: Path) -> None:
        self.workspace = workspace
        self.out = out
        self.notebooks = notebooks

    def copy(self, root: Path, out: Path | None = None) -> ExampleSite:
        """A writable copy in ``root`` (workspace, site in ``out`` or ``root/site``, and the
        build state moved to the new site's place, so a build there only does what changed)."""
        from vccap.build.state import state_dir

        workspace, out = root / "data", out or root / "site"
        shutil.copytree(self.workspace, workspace)
        shutil.copytree(self.out, out)
        state_dir(workspace, self.out).rename(state_dir(workspace, out))
        return ExampleSite(workspace, out, self.notebooks)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> ExampleSite:
    """One build of the example workspace for the whole session (read-only for tests)."""
    from vccap.build import build

    root = tmp_path_factory.mktemp("exemple")
    workspace = root / "data"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns(*NOT_RAW))
    out = root / "site"
    notebooks = root / "carnets"
    build(workspace, out, jobs=2, notebooks=notebooks)
    return ExampleSite(workspace, out, notebooks)
