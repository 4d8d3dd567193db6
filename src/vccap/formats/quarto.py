"""A Quarto website project of a workspace, made from the pages vccap has built.

``vccap quarto WS -o DIR`` builds the site as usual (incremental, into ``DIR/_vccap``, which
Quarto ignores), then writes:

- ``_quarto.yml``: a French website (``lang: fr``), a navigation bar mirroring the site (home,
  action reports by year, method sheets, yearly reviews, territories, accessibility), the
  house stylesheet, ``execute: freeze: auto``;
- one ``.qmd`` per page (``actions/<id>.qmd``…): its front matter carries the page's vccap hash
  (``vccap.empreinte``: everything the page depends on, data included), its body the
  notebook's code cells (what Quarto would run);
- the freeze record of each page, ``_freeze/<kind>/<key>/execute-results/html.json``: the
  result of the notebook vccap executed (the page's content as markdown and raw HTML), with
  the MD5 of the ``.qmd`` as Quarto computes it. Quarto finds the hash unchanged and uses
  the record: it never runs again what vccap has run. When the data change, vccap's hash
  changes, so the ``.qmd`` and its record are written anew, which Quarto's own freeze cannot
  do (it only looks at the source file, not at the data);
- ``index.qmd`` and ``accessibilite.qmd`` (the front page and the accessibility statement, as
  raw HTML), ``assets/`` (vccap.css, vccap.js, plotly.min.js once for the whole site,
  favicon).

Only files whose content changed are rewritten. Rendering needs Quarto (not a Python
package): :func:`render` runs ``quarto render`` when a ``quarto`` program is found.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from vccap.errors import QuartoFailed
from vccap.site.publish import (
    ASSETS_DIRNAME,
    REMOVE_CELL_TAGS,
    copy_assets,
    write_text_atomic,
)

#: Where :func:`export` keeps the executed notebooks, in the build state folder.
QUARTO_NOTEBOOKS_DIR = "carnets-quarto"
SITE_DIRNAME = "_vccap"
FREEZE_DIRNAME = "_freeze"
KIND_MENUS = {
    "actions": "Bilans d'action",
    "fiches": "Fiches méthode",
    "annees": "Bilans annuels",
    "territoires": "Territoires",
}
_MAIN_RE = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL)
_BLOCK_SPLIT_RE = re.compile(r'(?=<div class="vc-bloc vc-(?:texte|sorties)">)')


@dataclass
class QuartoProject:
    """What :func:`write_project` did: the project folder, the pages, the files rewritten."""

    root: Path
    pages: list[str] = field(default_factory=list)  # page ids, e.g. "actions/<id>"
    written: list[str] = field(default_factory=list)  # paths relative to root


def freeze_hash(text: str) -> str:
    """The hash Quarto keeps for a frozen source: MD5 of its text with LF line ends."""
    return hashlib.md5(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def _write(project: QuartoProject, rel: str, text: str) -> None:
    path = project.root / rel
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    write_text_atomic(path, text)
    project.written.append(rel)


def _front_matter(data: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"


def page_markdown(page_html: str, nb: nbformat.NotebookNode) -> str:
    """A page's content for Quarto: text cells as markdown (real headings, in Quarto's table
    of contents), outputs as the raw HTML of the site page (same figures, same tables).

    ``page_html``: the page vccap wrote; ``nb``: its executed notebook. The page's blocks
    (``vc-bloc``) follow the notebook's published cells in order.
    """
    found = _MAIN_RE.search(page_html)
    if not found:
        raise ValueError("page sans élément <main>")
    blocks = [b for b in _BLOCK_SPLIT_RE.split(found.group(1)) if b.startswith("<div class")]
    head = _BLOCK_SPLIT_RE.split(found.group(1))[0].strip()
    markdown_cells = iter(
        cell.source
        for cell in nb.cells
        if cell.cell_type == "markdown"
        and not set(cell.get("metadata", {}).get("tags", [])) & REMOVE_CELL_TAGS
    )
    parts = [f"```{{=html}}\n{head}\n```\n"] if head else []
    for block in blocks:
        if block.startswith('<div class="vc-bloc vc-texte">'):
            source = next(markdown_cells, None)
            if source is not None:
                parts.append(source.strip() + "\n")
                continue
        parts.append(f"```{{=html}}\n{block.strip()}\n```\n")
    return "\n".join(parts)


def page_source(nb: nbformat.NotebookNode, title: str, digest: str, page_id: str, ws: str) -> str:
    """The ``.qmd`` of a page: front matter (title, vccap's hash) and the notebook's code.

    ``ws``: the workspace's folder name (no machine path): if a page's source is edited,
    Quarto runs it again, and the page finds the workspace in a parent folder, as notebooks
    do (see :func:`vccap.pages.display.resolve_workspace`).
    """
    front = _front_matter(
        {
            "title": title,
            "jupyter": "python3",
            "vccap": {"page": page_id, "empreinte": digest},
        }
    )
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type != "code" or tags & REMOVE_CELL_TAGS:
            continue
        if "injected-parameters" in tags or "parameters" in tags:
            continue
        cells.append(f"```{{python}}\n{cell.source.strip()}\n```\n")
    params = {k: v for k, v in _parameters(nb).items() if k != "workspace"}
    setup = "\n".join([f"workspace = {ws!r}"] + [f"{k} = {v!r}" for k, v in params.items()])
    return front + "\n" + f"```{{python}}\n#| include: false\n{setup}\n```\n\n" + "\n".join(cells)


def _parameters(nb: nbformat.NotebookNode) -> dict[str, Any]:
    return dict(nb.metadata.get("papermill", {}).get("parameters", {}))


def freeze_record(source: str, markdown: str, root: str, has_figures: bool) -> str:
    """The JSON Quarto reads in ``_freeze/…/execute-results/html.json`` for one page."""
    header = f'<link rel="icon" href="{root}{ASSETS_DIRNAME}/favicon.svg" type="image/svg+xml">\n'
    plotly = f' data-plotly="{root}{ASSETS_DIRNAME}/plotly.min.js"' if has_figures else ""
    header += f'<script defer src="{root}{ASSETS_DIRNAME}/vccap.js"{plotly}></script>\n'
    result = {
        "engine": "jupyter",
        "markdown": markdown,
        "supporting": [],
        "filters": [],
        "includes": {"include-in-header": [header]},
    }
    return (
        json.dumps({"hash": freeze_hash(source), "result": result}, ensure_ascii=False, indent=1)
        + "\n"
    )


def _raw_page(page_html: str, title: str) -> str:
    found = _MAIN_RE.search(page_html)
    body = found.group(1).strip() if found else ""
    return _front_matter({"title": title, "pagetitle": title}) + f"\n```{{=html}}\n{body}\n```\n"


def quarto_config(site_title: str, menus: dict[str, list[tuple[str, str]]]) -> str:
    """``_quarto.yml``: French website, navigation mirroring the site, house stylesheet."""
    left: list[dict[str, Any]] = [{"href": "index.qmd", "text": "Accueil"}]
    for kind_name, label in KIND_MENUS.items():
        items = menus.get(kind_name)
        if items:
            left.append(
                {"text": label, "menu": [{"href": href, "text": text} for text, href in items]}
            )
    config = {
        "project": {
            "type": "website",
            "output-dir": "_site",
            "resources": [f"{ASSETS_DIRNAME}/"],
        },
        "lang": "fr",
        "website": {
            "title": site_title,
            "navbar": {
                "left": left,
                "right": [{"href": "accessibilite.qmd", "text": "Accessibilité"}],
            },
            "page-footer": {
                "left": f"{site_title} — site produit avec vccap",
                "right": [{"href": "accessibilite.qmd", "text": "Déclaration d'accessibilité"}],
            },
        },
        "format": {
            "html": {
                "css": [f"{ASSETS_DIRNAME}/vccap.css"],
                "toc": True,
                "toc-title": "Sur cette page",
                "title-block-style": "none",
                "anchor-sections": False,
            }
        },
        "execute": {"freeze": "auto", "echo": False, "warning": False},
    }
    header = (
        "# Projet Quarto écrit par « vccap quarto » : relancer cette commande après un\n"
        "# changement des données (elle ne refait que les pages touchées),\n"
        "# puis « quarto render ».\n"
    )
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def write_project(
    root: Path,
    site: Path,
    *,
    site_title: str,
    workspace: Path,
    pages: list[dict[str, Any]],
    notebooks: Path | None = None,
) -> QuartoProject:
    """Write the Quarto project in ``root`` from the site vccap built in ``site``.

    ``pages``: the built pages, each ``{"id", "kind", "title", "digest", "label"}`` (label:
    the page's name in the menus), in the site's order.
    """
    root = Path(root)
    project = QuartoProject(root)
    copy_assets(root)
    menus: dict[str, list[tuple[str, str]]] = {}
    for page in pages:
        page_id = page["id"]
        html_path = site / f"{page_id}.html"
        nb_path = (notebooks or site) / f"{page_id}.ipynb"
        if not html_path.exists() or not nb_path.exists():
            continue
        nb = nbformat.read(nb_path, as_version=4)
        page_html = html_path.read_text(encoding="utf-8")
        depth = page_id.count("/")
        source = page_source(nb, page["title"], page["digest"], page_id, workspace.name)
        record = freeze_record(
            source,
            page_markdown(page_html, nb),
            "../" * depth,
            'class="vc-graphique"' in page_html,
        )
        _write(project, f"{page_id}.qmd", source)
        _write(project, f"{FREEZE_DIRNAME}/{page_id}/execute-results/html.json", record)
        project.pages.append(page_id)
        menus.setdefault(page["kind"], []).append((page["label"], f"{page_id}.qmd"))
    for name, title in (("index", site_title), ("accessibilite", "Déclaration d'accessibilité")):
        built = site / f"{name}.html"
        if built.exists():
            _write(project, f"{name}.qmd", _raw_page(built.read_text(encoding="utf-8"), title))
    _write(project, "_quarto.yml", quarto_config(site_title, menus))
    _write(
        project,
        ".gitignore",
        "/_site/\n/.quarto/\n/" + SITE_DIRNAME + "/\n",
    )
    return project


def find_quarto(given: str | None = None) -> str | None:
    """The ``quarto`` program: ``given`` (a path or a name on PATH) or ``quarto`` on PATH."""
    if given:
        path = Path(given)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        return shutil.which(given)
    return shutil.which("quarto")


def render(project: Path, quarto: str, *, timeout: float = 1800) -> str:
    """Run ``quarto render`` in the project; returns the site folder (``_site``).

    Raises :class:`~vccap.errors.QuartoFailed` with Quarto's last lines when it fails.
    """
    try:
        done = subprocess.run(
            [quarto, "render", str(project)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=project,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise QuartoFailed(Path(project), -1, str(exc)) from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-15:])
        raise QuartoFailed(Path(project), done.returncode, tail)
    return str(Path(project) / "_site")


def project_from_site(
    workspace: str | Path, site: Path, out: str | Path, notebooks: Path | None = None
) -> QuartoProject:
    """Write the Quarto project in ``out`` from a site vccap built (``site``: its folder;
    ``notebooks``: where the build kept the executed notebooks) of ``workspace``."""
    from vccap.build.state import BuildState, state_dir
    from vccap.loading import load_workspace
    from vccap.pages.registry import kinds

    ws = load_workspace(workspace)
    state = BuildState.load(state_dir(ws.root, Path(site).resolve()))
    pages = []
    for page_kind in kinds():
        for key in page_kind.keys(ws):
            page_id = page_kind.page_id(key)
            if page_id not in state.jobs:
                continue
            title = page_kind.title(ws, key)
            pages.append(
                {
                    "id": page_id,
                    "kind": page_kind.name,
                    "title": title,
                    "digest": state.jobs[page_id],
                    "label": title
                    if page_kind.name == "actions"
                    else page_kind.breadcrumb(ws, key)[-1][0],
                }
            )
    return write_project(
        Path(out),
        Path(site),
        site_title=ws.demarche.nom,
        workspace=Path(ws.root),
        pages=pages,
        notebooks=notebooks,
    )


def export(
    workspace: str | Path,
    out: str | Path,
    *,
    jobs: int | None = None,
    reporter: Any = None,
) -> QuartoProject:
    """Build the workspace's site into ``OUT/_vccap`` (incremental), then write the Quarto
    project in ``OUT`` (:func:`project_from_site`). Raises what :func:`vccap.build.build`
    raises; a failed page is left out of the project, and
    :class:`~vccap.errors.BuildFailed` is raised after writing it.

    The executed notebooks the project is made from are kept in the workspace, beside the
    build state (``.vccap/sites/…/carnets-quarto``), never in ``OUT``: they hold the
    workspace's raw rows. A page whose notebook is missing there is built again.
    """
    from vccap.build import build
    from vccap.build.state import BuildState, state_dir
    from vccap.errors import BuildFailed
    from vccap.loading import load_workspace

    out = Path(out).resolve()
    site = out / SITE_DIRNAME
    folder = state_dir(load_workspace(workspace).root, site)
    notebooks = folder / QUARTO_NOTEBOOKS_DIR
    state = BuildState.load(folder)
    missing = any(not (notebooks / f"{page}.ipynb").exists() for page in state.jobs)
    failure: BuildFailed | None = None
    try:
        build(
            workspace,
            site,
            jobs=jobs,
            force=missing,
            notebooks=notebooks,
            **({"reporter": reporter} if reporter else {}),
        )
    except BuildFailed as exc:
        failure = exc
    project = project_from_site(workspace, site, out, notebooks=notebooks)
    audit_project(workspace, out)
    if failure is not None:
        raise failure
    return project


def audit_project(workspace: str | Path, root: Path) -> None:
    """The privacy audit of the project's own files (the site in ``_vccap`` was audited by
    the build). Raises :class:`~vccap.errors.AuditFailed`."""
    from vccap import privacy
    from vccap.errors import AuditFailed
    from vccap.loading import load_workspace

    root = Path(root)
    values = load_workspace(workspace).personal_values

    def skip(path: Path) -> bool:
        first = path.relative_to(root).parts[0]
        return first in (SITE_DIRNAME, "_site", ".quarto") or first == ASSETS_DIRNAME

    hits = privacy.audit(root, values, skip=skip)
    if hits:
        raise AuditFailed(hits)
