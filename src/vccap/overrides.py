"""Where a workspace's own templates take the place of the kit's.

A region adapts its pages without touching the package:

- ``carnets/<name>.ipynb`` in the workspace replaces the kit's notebook of the same name
  (``action_report.ipynb``, ``method_sheet.ipynb``…); an action type of ``types_action.yml``
  may also name its own report notebook (``carnet: bilan_bourse.ipynb``), looked up there;
- ``gabarits/<name>.html.j2`` replaces the kit's HTML fragment of the same name.

The kit's notebooks ship inside the package (:mod:`vccap.notebooks`, mapped from the
project's top-level ``notebooks/`` folder); its fragments in ``vccap/fragments/``.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from vccap.errors import TemplateNotFound
from vccap.paths import inside

NOTEBOOKS_DIR = "carnets"
FRAGMENTS_DIR = "gabarits"


def kit_notebooks_dir() -> Path:
    """The folder of the kit's notebook templates (inside the installed package)."""
    return Path(str(resources.files("vccap.notebooks")))


def kit_fragments_dir() -> Path:
    return Path(str(resources.files("vccap").joinpath("fragments")))


def kit_notebooks() -> list[Path]:
    """The kit's notebook templates, sorted by name."""
    return sorted(kit_notebooks_dir().glob("*.ipynb"))


def notebook(workspace: Path | None, name: str) -> tuple[Path, bool]:
    """The notebook template ``name`` and whether it is the workspace's own.

    Raises :class:`TemplateNotFound` when neither the workspace nor the kit has it.
    """
    searched = []
    if workspace is not None:
        own = Path(workspace) / NOTEBOOKS_DIR / name
        searched.append(own.parent)
        if own.is_file() and inside(workspace, own):
            return own, True
    kit = kit_notebooks_dir() / name
    searched.append(kit.parent)
    if kit.is_file():
        return kit, False
    raise TemplateNotFound(name, searched)


def fragment_files(workspace: Path | None) -> list[Path]:
    """The workspace's own fragments (``gabarits/*.j2``), sorted by name."""
    if workspace is None:
        return []
    folder = Path(workspace) / FRAGMENTS_DIR
    if not folder.is_dir() or not inside(workspace, folder):
        return []
    return sorted(p for p in folder.glob("*.j2") if p.is_file() and inside(workspace, p))


def fragments_dirs(workspace: Path | None) -> list[Path]:
    """Where fragments are looked up, first match wins: the workspace's, then the kit's."""
    dirs = []
    if workspace is not None and (Path(workspace) / FRAGMENTS_DIR).is_dir():
        dirs.append(Path(workspace) / FRAGMENTS_DIR)
    return [*dirs, kit_fragments_dir()]


def fragment_loader(workspace: Path | None):
    """The jinja2 loader of fragments: the workspace's own (:func:`fragment_files`, links out
    of the workspace left out), then the kit's."""
    import jinja2

    own = {p.name: p.read_text(encoding="utf-8") for p in fragment_files(workspace)}
    return jinja2.ChoiceLoader(
        [jinja2.DictLoader(own), jinja2.FileSystemLoader(str(kit_fragments_dir()))]
    )


def clean_notebook(path: Path) -> Any:
    """A template as a person should receive it: no outputs, no execution counts."""
    import nbformat  # here: its import (jsonschema) costs seconds a no-op build never needs

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).pop("papermill", None)
    nb.metadata.pop("papermill", None)
    return nb


def copy_kit_notebooks(folder: Path, *, overwrite: bool = False) -> tuple[list[Path], list[Path]]:
    """Copy the kit's notebooks into ``folder`` (a workspace's ``carnets/``) to adapt them.

    Returns ``(written, kept)``: a notebook already there is kept unless ``overwrite``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for path in kit_notebooks():
        target = folder / path.name
        if target.exists() and not overwrite:
            kept.append(target)
            continue
        import nbformat

        target.write_text(nbformat.writes(clean_notebook(path)) + "\n", encoding="utf-8")
        written.append(target)
    return written, kept


def copy_kit_fragments(folder: Path) -> list[Path]:
    """Copy the kit's fragments into ``folder`` (for reference when writing one's own)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in sorted(kit_fragments_dir().glob("*.j2")):
        shutil.copyfile(path, folder / path.name)
        out.append(folder / path.name)
    return out
