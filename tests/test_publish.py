"""Tests of vccap.publish: notebook pages, site index, assets."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbclient
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from vccap.site import publish
from vccap.site import render as site_render

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
SITE_TITLE = "Capitalisation ville-campagne"
PLOTLY_TAG = (
    '<script data-plotly="../assets/plotly.min.js" defer="" src="../assets/vccap.js"></script>'
)


@pytest.fixture(scope="module")
def executed_nb(tmp_path_factory) -> nbformat.NotebookNode:
    """The text_and_plotly fixture, executed for real on the python3 kernel."""
    nb = nbformat.read(FIXTURES / "text_and_plotly.ipynb", as_version=4)
    workdir = tmp_path_factory.mktemp("run")
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    return nb


@pytest.fixture(scope="module")
def renderer() -> site_render.PageRenderer:
    return site_render.PageRenderer(SITE_TITLE)


def render(renderer, nb, **overrides) -> str:
    options = {
        "title": "Forum <d’essai>",
        "root": "../",
        "breadcrumb": [("2024", "index.html#annee-2024"), ("Forum <d’essai>", None)],
        "fictitious": True,
    }
    options.update(overrides)
    return renderer.render_notebook(nb, **options)


@pytest.fixture(scope="module")
def page(renderer, executed_nb) -> str:
    return render(renderer, executed_nb)


# ---- notebook page ----------------------------------------------------------------


def test_fixture_really_produced_a_plotly_output(executed_nb):
    mimetypes = {
        mimetype
        for cell in executed_nb.cells
        for output in cell.get("outputs", [])
        for mimetype in output.get("data", {})
    }
    assert publish.PLOTLY_MIMETYPE in mimetypes


def test_page_has_no_code(page):
    assert "JETON_SOURCE" not in page
    assert "import plotly" not in page
    assert "print(" not in page
    assert "In&nbsp;[" not in page and "In [" not in page


def test_page_head(page):
    assert '<html lang="fr">' in page
    assert '<meta charset="utf-8"' in page
    assert 'name="viewport"' in page
    assert f"<title>Forum &lt;d’essai&gt; — {SITE_TITLE}</title>" in page
    assert 'href="../assets/vccap.css"' in page


def test_navigation_breadcrumb_and_footer(page):
    assert 'href="../index.html"' in page
    assert "Accueil" in page and SITE_TITLE in page
    assert 'href="../index.html#annee-2024">2024</a>' in page
    assert '<li aria-current="page">Forum &lt;d’essai&gt;</li>' in page
    assert '<footer class="vc-pied">' in page
    assert "vccap" in page


def test_fictitious_notice_only_when_asked(renderer, executed_nb, page):
    assert "Données d'exemple fictives" in page
    real = render(renderer, executed_nb, fictitious=False)
    assert "fictives" not in real


def test_plotly_script_included_once(page):
    """plotly.js is named once, for vccap.js (deferred) to load when a chart is near."""
    assert page.count(PLOTLY_TAG) == 1
    assert page.count("plotly.min.js") == 1


def test_plotly_figure_drawn_with_deterministic_id(page):
    charts = re.findall(r'<script class="vc-graphique-donnees" data-pour="(fig-\d+-\d+)"', page)
    assert charts == ["fig-3-0"]  # cell 3, output 0 of the fixture
    assert '<div aria-label="Graphique : Participants par profil" class="vc-graphique" ' in page
    assert 'id="fig-3-0"' in page
    assert '"responsive":true' in page and '"displaylogo":false' in page
    assert '"locale":"fr"' in page and '"displayModeBar":false' in page
    assert "<noscript>" in page and "Plotly.newPlot" not in page


def test_page_has_no_remote_resource(page):
    assert publish.remote_references(page) == []
    assert "http://" not in page and "https://" not in page
    assert "require.js" not in page.lower() and "mathjax" not in page.lower()


def test_printed_text_is_escaped(page):
    assert "&lt;script&gt;alert('sortie')&lt;/script&gt;" in page
    assert "<script>alert(" not in page


def test_stderr_is_not_published(page):
    assert "avertissement interne" not in page


def test_markdown_and_rich_outputs_rendered(page):
    assert "<em>en markdown</em>" in page
    assert '<p class="vc-note">Note de méthode</p>' in page
    assert "<strong>en gras</strong>" in page


def test_two_renders_are_byte_identical(executed_nb, page):
    again = render(site_render.PageRenderer(SITE_TITLE), executed_nb)
    assert again == page


def test_render_leaves_notebook_untouched(renderer, executed_nb):
    before = copy.deepcopy(executed_nb)
    render(renderer, executed_nb)
    assert executed_nb == before


def test_page_at_site_root_uses_empty_root(renderer, executed_nb):
    html = render(renderer, executed_nb, root="", breadcrumb=[])
    assert 'data-plotly="assets/plotly.min.js" defer="" src="assets/vccap.js"' in html
    assert 'href="assets/vccap.css"' in html
    assert 'class="vc-fil"' not in html


def _hand_built_notebook() -> nbformat.NotebookNode:
    """A notebook with outputs written by hand (no kernel): no figure."""
    error_banner = new_markdown_cell(
        '<span style="color:red">An Exception was encountered</span>',
        metadata={"tags": ["papermill-error-cell-tag"]},
    )
    javascript = new_code_cell(
        "js()",
        outputs=[new_output("display_data", data={"application/javascript": "alert(1)"})],
    )
    failing = new_code_cell(
        "boom()",
        outputs=[
            new_output(
                "error",
                ename="ValueError",
                evalue="colonne <profil> absente",
                traceback=["Traceback SECRET_TRACE"],
            )
        ],
    )
    quiet = new_code_cell("x = 1", outputs=[new_output("stream", name="stderr", text="bruit")])
    return new_notebook(
        cells=[error_banner, new_markdown_cell("## Partie"), javascript, failing, quiet]
    )


def test_page_without_figure_has_no_plotly(renderer):
    html = render(renderer, _hand_built_notebook())
    assert "plotly.min.js" not in html
    assert "Plotly.newPlot" not in html


def test_errors_become_french_alerts_without_traceback(renderer):
    html = render(renderer, _hand_built_notebook())
    assert "Cette partie du rapport n'a pas pu être produite." in html
    assert "ValueError\u00a0: colonne &lt;profil&gt; absente" in html
    assert "SECRET_TRACE" not in html
    assert "An Exception was encountered" not in html
    assert "alert(1)" not in html
    assert "bruit" not in html
    assert html.count('class="vc-bloc vc-sorties"') == 1


# ---- helpers --------------------------------------------------------------------------


def test_script_json_cannot_close_the_script():
    text = publish.script_json({"title": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text


def test_remote_references_are_found():
    html = (
        '<script src="https://cdn.plot.ly/plotly.js"></script><a href="../index.html">a</a>'
        "<link href='//fonts.example/x.css'><p style=\"background: url(http://x/y.png)\">"
    )
    assert publish.remote_references(html) == [
        "https://cdn.plot.ly/plotly.js",
        "//fonts.example/x.css",
        "http://x/y.png",
    ]


@pytest.mark.parametrize(
    ("page_path", "root"),
    [("index.html", ""), ("actions/forum.html", "../"), ("a/b/c.html", "../../")],
)
def test_root_for(page_path, root):
    assert publish.root_for(page_path) == root


def test_write_text_atomic_creates_parents_and_leaves_no_temp(tmp_path):
    target = tmp_path / "actions" / "page.html"
    publish.write_text_atomic(target, "première\n")
    publish.write_text_atomic(target, "seconde\n")
    assert target.read_text(encoding="utf-8") == "seconde\n"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


# ---- assets -------------------------------------------------------------------------------


def test_copy_assets_writes_one_plotly_copy(tmp_path):
    written = publish.copy_assets(tmp_path)
    assets = tmp_path / "assets"
    names = ["favicon.svg", "plotly.min.js", "vccap.css", "vccap.js"]
    assert sorted(p.name for p in written) == names
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("plotly*.js")] == [
        "assets/plotly.min.js"
    ]
    source = publish.plotly_js_path()
    assert (assets / "plotly.min.js").read_bytes() == source.read_bytes()
    css = (assets / "vccap.css").read_text(encoding="utf-8")
    assert "@media print" in css and ".statut-non-mesure" in css
    assert "http://" not in css and "https://" not in css


def test_copy_assets_skips_identical_files_and_repairs_others(tmp_path):
    publish.copy_assets(tmp_path)
    assert publish.copy_assets(tmp_path) == []
    plotly_js = tmp_path / "assets" / "plotly.min.js"
    plotly_js.write_bytes(b"tronque")
    assert publish.copy_assets(tmp_path) == [plotly_js]
    assert plotly_js.stat().st_size == publish.plotly_js_path().stat().st_size


# ---- site pages ---------------------------------------------------------------------------


def _sections(title: str) -> list[dict]:
    row = {
        "titre": title,
        "lien": "actions/2024-forum.html",
        "type_libelle": "Forum",
        "dates": "14 mars 2024",
        "lieu": "Saint-Flour",
        "statut_libelle": "Partiellement atteint",
        "statut_classe": "statut-partiellement-atteint",
        "chiffres": [{"libelle": "participants", "valeur": "42"}],
    }
    failed = {
        "titre": "Visite",
        "type_libelle": "Visite de territoire",
        "dates": "mai 2024",
        "lieu": "Aurillac",
        "statut_libelle": "Non mesuré",
        "statut_classe": "statut-non-mesure",
        "chiffres": [],
        "alerte": "La construction de ce rapport a échoué : fichier illisible.",
    }
    return [
        {
            "titre": "2024",
            "id": "annee-2024",
            "groupes": [
                {"titre": "Forums", "lignes": [row]},
                {"titre": "Visites", "lignes": [failed]},
            ],
        }
    ]


def test_index_page(tmp_path):
    out = tmp_path / "index.html"
    publish.render_site_page(
        "index.html.j2",
        out_path=out,
        root="",
        site_title=SITE_TITLE,
        intro="Les actions du réseau.",
        fictitious=True,
        sections=_sections("Forum de Saint-Flour"),
    )
    html = out.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert 'href="assets/vccap.css"' in html
    assert '<a href="actions/2024-forum.html">Forum de Saint-Flour</a>' in html
    assert '<section class="vc-section" id="annee-2024">' in html
    assert (
        '<span class="vc-statut statut-partiellement-atteint">Partiellement atteint</span>' in html
    )
    assert '<dd class="valeur">42</dd>' in html
    assert "La construction de ce rapport a échoué : fichier illisible." in html
    assert "Données d'exemple fictives" in html
    assert "plotly" not in html
    assert publish.remote_references(html) == []


def test_index_escapes_titles():
    evil = "<script>alert(1)</script>"
    html = publish.render_site_text(
        "index.html.j2", root="", site_title=evil, sections=_sections(evil), fictitious=False
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_index_without_sections_says_so():
    html = publish.render_site_text("index.html.j2", root="", site_title=SITE_TITLE, sections=[])
    assert "Aucune action n'est encore publiée." in html


def test_index_is_deterministic():
    first = publish.render_site_text("index.html.j2", root="", sections=_sections("Forum"))
    assert publish.render_site_text("index.html.j2", root="", sections=_sections("Forum")) == first
