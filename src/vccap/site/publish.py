"""Executed notebooks -> static HTML pages, site index and shared assets.

The site is read offline and printed: pages reference their assets relatively
(``root`` is the path from a page to the site root, ``""`` or ``"../"``), carry
no remote URL, and two renderings of the same input are byte-identical.

- :class:`PageRenderer` converts notebooks in-process with one reused
  ``HTMLExporter`` and the ``vccap`` nbconvert template
  (``templates/nbconvert/vccap``).
- :func:`render_site_page` renders the other pages (``templates/site/*.html.j2``)
  with an autoescaping jinja2 environment.
- :func:`copy_assets` writes ``assets/`` (plotly.min.js, vccap.css, vccap.js, favicon.svg).
- :func:`figure_html` and :func:`scroll_tables` write the markup of charts and tables (the
  nbconvert template and the Quarto export share them).
- :func:`write_text_atomic` writes every page.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from importlib import resources as importlib_resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import markupsafe

from vccap.site.atomic import write_text_atomic

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
NBCONVERT_TEMPLATES_DIR = TEMPLATES_DIR / "nbconvert"
SITE_TEMPLATES_DIR = TEMPLATES_DIR / "site"
NBCONVERT_TEMPLATE_NAME = "vccap"

ASSETS_DIRNAME = "assets"
PLOTLY_JS = "plotly.min.js"
SITE_CSS = "vccap.css"
SITE_JS = "vccap.js"
FAVICON = "favicon.svg"
ACCESSIBILITY_PAGE = "accessibilite.html"

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
DEFAULT_SITE_TITLE = "Actions ville-campagne"

#: Plotly config of every chart (the figure's own config, if any, comes first).
#: No toolbar: it covered chart titles on a phone and put focusable buttons inside an image.
PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "displayModeBar": False,
    "locale": "fr",
}

#: Cell tags that drop a whole cell, or its outputs, from the page.
REMOVE_CELL_TAGS = frozenset({"remove-cell", "remove_cell", "papermill-error-cell-tag"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "remove_output"})

#: Output mimetypes never published (arbitrary code, widgets, CDN-bound renderers).
UNPUBLISHED_MIMETYPES = frozenset(
    {
        "application/javascript",
        "application/vnd.jupyter.widget-view+json",
        "application/vnd.jupyter.widget-state+json",
        "text/vnd.mermaid",
        "application/pdf",
    }
)

_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")
_TAG_RE = re.compile(r"<[^>]*>")
_REMOTE_REF_RE = re.compile(
    r"""\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]*)"""
    r"""|url\(\s*["']?\s*((?:https?:)?//[^"')\s]*)""",
    re.IGNORECASE,
)

Breadcrumb = list[tuple[str, str | None]]

_TABLE_OPEN_RE = re.compile(r"<table\b[^>]*>(?:\s*<caption\b[^>]*>(.*?)</caption>)?", re.DOTALL)
_TABLE_CLOSE_RE = re.compile(r"</table\s*>")


# ---- helpers ---------------------------------------------------------------


def root_for(page: str | PurePosixPath) -> str:
    """Relative path from a page to the site root: ``"actions/x.html"`` -> ``"../"``."""
    depth = len(PurePosixPath(page).parts) - 1
    return "../" * depth


def script_json(value: Any) -> str:
    """JSON safe to embed in an inline ``<script>`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE_RE.sub(lambda match: _SCRIPT_UNSAFE[match.group()], text)


_LINK_TAG_RE = re.compile(r"<(\s*/?\s*a\b)", re.IGNORECASE)


def defuse_links(value: Any) -> Any:
    """A plotly figure (or any JSON value) whose strings hold no live link.

    plotly.js draws ``<a href=...>`` written inside a title, a label, a tick or a hover text
    as a real link: a territory or structure name holding one would put a link on the
    site. Every ``<a`` (and ``</a``) becomes ``&lt;a``, which plotly shows as typed text;
    the kit's own markup (``<br>``, ``<b>``) is kept.
    """
    if isinstance(value, str):
        return _LINK_TAG_RE.sub(r"&lt;\1", value) if "<" in value else value
    if isinstance(value, dict):
        return {k: defuse_links(v) for k, v in value.items()}
    if isinstance(value, list):
        return [defuse_links(v) for v in value]
    return value


def remote_references(page: str) -> list[str]:
    """Remote URLs a page would load (``src``/``href``/``url()``): must stay empty.

    The site is read offline; a notebook output pulling a CDN script (a plotly
    renderer such as ``notebook_connected``, a widget) shows up here.
    """
    return [first or second for first, second in _REMOTE_REF_RE.findall(page)]


def figure_label(figure: dict[str, Any]) -> str:
    """Accessible name of a plotly figure: "Graphique : <title>" or "Graphique"."""
    title = figure.get("layout", {}).get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if isinstance(text, str):
        text = " ".join(html.unescape(_TAG_RE.sub(" ", text)).split())
        if text:
            return f"Graphique : {text}"
    return "Graphique"


def css_string(text: Any) -> markupsafe.Markup:
    """Text as the inside of a CSS string, safe in an HTML ``<style>`` element.

    Every character other than a letter, a digit or a space becomes a CSS hex escape, so
    that neither quotes, backslashes nor ``</style>`` can end the string or the element.
    """
    out = []
    for char in " ".join(str(text).split()):
        out.append(char if char.isalnum() or char == " " else f"\\{ord(char):x} ")
    return markupsafe.Markup("".join(out))


def figure_html(figure: dict[str, Any], meta: dict[str, Any]) -> str:
    """The markup of one chart: an empty box with its accessible name, and its JSON.

    ``figure``: the plotly JSON (``data``, ``layout``); ``meta``: ``{id, label, config}`` (see
    :class:`vccap.site.render.PublishPreprocessor`). ``vccap.js`` draws the chart when it
    comes near the screen (or before printing); the box keeps the chart's height meanwhile,
    so nothing moves. Deterministic.
    """
    layout = figure.get("layout", {}) or {}
    height = layout.get("height")
    style = f' style="min-height:{int(height)}px"' if isinstance(height, int | float) else ""
    spec = {"data": figure.get("data", []), "layout": layout, "config": meta.get("config", {})}
    ident = html.escape(str(meta["id"]))
    return (
        '\n<figure class="vc-figure">\n'
        f'<div id="{ident}" class="vc-graphique" role="img" '
        f'aria-label="{html.escape(str(meta.get("label") or "Graphique"))}"{style}></div>\n'
        '<noscript><p class="vc-alerte">Ce graphique s\'affiche avec JavaScript, qui est '
        "désactivé dans ce navigateur. Les valeurs représentées figurent dans le texte et les "
        "tableaux de la page lorsqu'ils sont fournis.</p></noscript>\n"
        f'<script type="application/json" class="vc-graphique-donnees" data-pour="{ident}">'
        f"{script_json(spec)}</script>\n"
        "</figure>"
    )


def scroll_tables(fragment: str) -> str:
    """Put every ``<table>`` of an HTML fragment in a box that scrolls sideways on its own.

    The box is a named region (the table's caption, or « Tableau »); ``vccap.js`` makes it
    focusable when it does scroll, so that it can be scrolled with the keyboard.
    """

    def opening(match: re.Match[str]) -> str:
        caption = match.group(1)
        name = " ".join(html.unescape(_TAG_RE.sub(" ", caption or "")).split()) or "Tableau"
        return (
            f'<div class="vc-defilement" role="region" aria-label="{html.escape(name)}">'
            + match.group(0)
        )

    if "<table" not in fragment:
        return fragment
    fragment = _TABLE_OPEN_RE.sub(opening, fragment)
    return _TABLE_CLOSE_RE.sub(lambda m: m.group(0) + "</div>", fragment)


# ---- site pages --------------------------------------------------------------


@functools.cache
def _site_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SITE_TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env


def render_site_text(template_name: str, *, root: str, **context: Any) -> str:
    """Render a site template (``templates/site/<template_name>``) to a string.

    Common variables: ``site_title``, ``title`` (defaults to ``site_title``),
    ``root``, ``fictitious``, ``breadcrumb`` (as for notebook pages).
    """
    context.setdefault("site_title", DEFAULT_SITE_TITLE)
    context.setdefault("fictitious", False)
    context.setdefault("breadcrumb", [])
    template = _site_environment().get_template(template_name)
    return template.render(root=root, **context)


def render_site_page(template_name: str, *, out_path: Path, root: str, **context: Any) -> None:
    """Render a site template and write it atomically to ``out_path``.

    ``index.html.j2`` takes ``intro`` and ``sections`` (see the template header).
    """
    write_text_atomic(out_path, render_site_text(template_name, root=root, **context))


# ---- assets --------------------------------------------------------------------


def plotly_js_path() -> Path:
    """The plotly.min.js shipped with the installed plotly package."""
    return Path(str(importlib_resources.files("plotly") / "package_data" / PLOTLY_JS))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_file_content(source: Path, target: Path) -> bool:
    return (
        target.is_file()
        and target.stat().st_size == source.stat().st_size
        and _sha256(target) == _sha256(source)
    )


def _copy_atomic(source: Path, target: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp_name)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def copy_assets(out_dir: Path) -> list[Path]:
    """Write ``out_dir/assets/``: plotly.min.js, vccap.css, vccap.js, favicon.svg.

    A file already identical is left untouched (plotly.min.js is compared by size
    then hash). Returns the paths written or rewritten.
    """
    assets = Path(out_dir) / ASSETS_DIRNAME
    assets.mkdir(parents=True, exist_ok=True)
    written = []
    sources: Iterable[tuple[Path, Path]] = (
        (plotly_js_path(), assets / PLOTLY_JS),
        (SITE_TEMPLATES_DIR / SITE_CSS, assets / SITE_CSS),
        (SITE_TEMPLATES_DIR / SITE_JS, assets / SITE_JS),
        (SITE_TEMPLATES_DIR / FAVICON, assets / FAVICON),
    )
    for source, target in sources:
        if not _same_file_content(source, target):
            _copy_atomic(source, target)
            written.append(target)
    return written
