"""Executed notebooks -> site pages, with the ``vccap`` nbconvert template.

Separate from :mod:`vccap.publish` so that nbconvert (slow to import) is loaded only by
processes that convert notebooks.
"""

from __future__ import annotations

import re

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from vccap.site.publish import (
    DEFAULT_SITE_TITLE,
    NBCONVERT_TEMPLATE_NAME,
    NBCONVERT_TEMPLATES_DIR,
    PLOTLY_CONFIG,
    PLOTLY_MIMETYPE,
    REMOVE_CELL_TAGS,
    REMOVE_OUTPUT_TAGS,
    SITE_CSS,
    SITE_JS,
    SITE_TEMPLATES_DIR,
    TEMPLATES_DIR,
    UNPUBLISHED_MIMETYPES,
    Breadcrumb,
    css_string,
    defuse_links,
    figure_html,
    figure_label,
    plotly_js_path,
    script_json,
    scroll_tables,
)

# ---- notebook pages ----------------------------------------------------------


class PublishPreprocessor(Preprocessor):
    """Prepare an executed notebook (nbconvert's own copy) for publication.

    Drops removed cells (tags), stderr streams, unpublished mimetypes and code
    cells left without output; gives each plotly figure a deterministic id
    ``fig-<cell index>-<output index>`` (indices in the original notebook) and
    sets ``resources["vccap"]["has_figures"]``.
    """

    def preprocess(self, nb, resources):
        has_figures = False
        cells = []
        for cell_index, cell in enumerate(nb.cells):
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & REMOVE_CELL_TAGS:
                continue
            if cell.cell_type != "code":
                cells.append(cell)
                continue
            outputs = []
            if not tags & REMOVE_OUTPUT_TAGS:
                for output_index, output in enumerate(cell.get("outputs", [])):
                    if not self._publishable(output):
                        continue
                    data = output.get("data", {})
                    if output.get("output_type") == "error":
                        output["traceback"] = []  # paths of the machine; the log has it
                    if PLOTLY_MIMETYPE in data:
                        figure = defuse_links(data[PLOTLY_MIMETYPE])
                        data[PLOTLY_MIMETYPE] = figure
                        output.setdefault("metadata", {})["vccap_figure"] = {
                            "id": f"fig-{cell_index}-{output_index}",
                            "label": figure_label(figure),
                            "config": {**figure.get("config", {}), **PLOTLY_CONFIG},
                        }
                        has_figures = True
                    outputs.append(output)
            if outputs:
                cell.outputs = outputs
                cells.append(cell)
        nb.cells = cells
        resources.setdefault("vccap", {})["has_figures"] = has_figures
        return nb, resources

    @staticmethod
    def _publishable(output) -> bool:
        kind = output.get("output_type")
        if kind == "stream":
            return output.get("name") == "stdout" and bool(output.get("text"))
        if kind in ("display_data", "execute_result"):
            data = output.get("data", {})
            return any(mimetype not in UNPUBLISHED_MIMETYPES for mimetype in data)
        return kind == "error"


class PageRenderer:
    """Convert executed notebooks to site pages with one reused ``HTMLExporter``.

    Not thread-safe: use one renderer per thread or process.
    """

    def __init__(self, site_title: str = DEFAULT_SITE_TITLE) -> None:
        self.site_title = site_title
        self.exporter = HTMLExporter(
            template_name=NBCONVERT_TEMPLATE_NAME,
            # Explicit paths: never pick templates from the working directory.
            extra_template_basedirs=[str(NBCONVERT_TEMPLATES_DIR)],
            extra_template_paths=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_output_stdin=True,
            language_code="fr",
        )
        self.exporter.register_preprocessor(PublishPreprocessor(), enabled=True)
        self.exporter.register_filter("script_json", script_json)
        self.exporter.register_filter("css_string", css_string)
        self.exporter.register_filter("figure_html", figure_html)
        self.exporter.register_filter("scroll_tables", scroll_tables)

    def render_notebook(
        self,
        nb: nbformat.NotebookNode,
        *,
        title: str,
        root: str,
        breadcrumb: Breadcrumb,
        fictitious: bool,
        description: str | None = None,
    ) -> str:
        """Return the HTML page of an executed notebook.

        ``root``: relative path from the page to the site root (``"../"`` for
        ``actions/x.html``, ``""`` for a page at the root). ``breadcrumb``: the
        items after "Accueil", as ``(label, href)`` with ``href`` relative to the
        site root or ``None`` (the last item is usually the page itself, ``None``).
        ``description``: the page's meta description (default: its title, the breadcrumb's
        other labels and the site title). The notebook is not modified.
        """
        if description is None:
            description = page_description(title, breadcrumb, self.site_title)
        page_resources = {
            "vccap": {
                "title": title,
                "site_title": self.site_title,
                "root": root,
                "breadcrumb": [(label, href) for label, href in breadcrumb],
                "fictitious": bool(fictitious),
                "description": description,
            }
        }
        body, _ = self.exporter.from_notebook_node(nb, resources=page_resources)
        return body if body.endswith("\n") else body + "\n"


def page_description(title: str, breadcrumb: Breadcrumb, site_title: str) -> str:
    """A page's meta description: « Title (label, label) — site title. »"""
    context = [label for label, _href in breadcrumb[:-1] if label and label != title]
    text = title + (f" ({', '.join(context)})" if context else "")
    return f"{text} — {site_title}." if title != site_title else f"{site_title}."


# ---- standalone pages ----------------------------------------------------------

_CSS_LINK_RE = re.compile(r'<link\b[^>]*\bhref="assets/vccap\.css"[^>]*>')
_SCRIPT_RE = re.compile(r'<script\b([^>]*\bsrc="assets/vccap\.js"[^>]*)>\s*</script>')
_ICON_RE = re.compile(r'<link\b[^>]*\brel="icon"[^>]*>\n?')
_LOCAL_LINK_RE = re.compile(
    r'<a\b([^>]*?)\s+href="(?!#)(?![a-zA-Z][a-zA-Z0-9+.-]*:)[^"]*"([^>]*)>(.*?)</a>', re.DOTALL
)


_HOME_WORD_RE = re.compile(r'<span class="vc-accueil-mot">[^<]*</span>\s*')


def script_text(text: str) -> str:
    """JavaScript safe inside an inline ``<script>`` element."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def inline_assets(page: str) -> str:
    """Make a page rendered with ``root=""`` self-contained.

    The site stylesheet, plotly.min.js (on pages with charts) and vccap.js are written inside
    the page, and links to other pages of the site (which do not travel with a standalone
    file) become plain text; in-page anchors (``#...``) stay links.
    """
    css = (SITE_TEMPLATES_DIR / SITE_CSS).read_text(encoding="utf-8")
    site_js = (SITE_TEMPLATES_DIR / SITE_JS).read_text(encoding="utf-8")

    def scripts(match: re.Match[str]) -> str:
        plotly = ""
        if "data-plotly=" in match.group(1):
            library = plotly_js_path().read_text(encoding="utf-8")
            plotly = f"<script>\n{script_text(library)}\n</script>\n"
        return f"{plotly}<script>\n{script_text(site_js)}\n</script>"

    # Links first, while the page holds no library code (plotly.js builds links of its own).
    page = _LOCAL_LINK_RE.sub(lambda m: f"<span{m.group(1)}{m.group(2)}>{m.group(3)}</span>", page)
    page = _HOME_WORD_RE.sub("", page)  # « Accueil » leads nowhere in a standalone file
    page = _ICON_RE.sub("", page)
    page, found = _CSS_LINK_RE.subn(lambda _m: f"<style>\n{css}\n</style>", page, count=1)
    if not found:
        raise ValueError("page without the site stylesheet: not rendered by PageRenderer?")
    return _SCRIPT_RE.sub(scripts, page, count=1)


def render_standalone(
    nb: nbformat.NotebookNode,
    title: str,
    *,
    site_title: str = DEFAULT_SITE_TITLE,
    fictitious: bool = False,
) -> str:
    """ONE self-contained HTML file for an executed notebook (for the transfer pack).

    Same page as :meth:`PageRenderer.render_notebook`, with vccap.css, plotly.min.js and
    vccap.js inlined (see :func:`inline_assets`): it opens offline, alone, and draws its
    charts. Deterministic like the site pages.
    """
    page = PageRenderer(site_title=site_title).render_notebook(
        nb, title=title, root="", breadcrumb=[], fictitious=fictitious
    )
    return inline_assets(page)
