"""Fast and accessible pages (issue 12, 3-4), read from the example site's HTML.

Lighthouse and axe-core need a browser: they run by hand (tools/quality/check.py). What they
measured is kept here as rules on the markup, so that a change cannot quietly undo it.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import SALON_2016
from vccap.charts import contrast
from vccap.site.publish import ACCESSIBILITY_PAGE, css_string, scroll_tables


def pages(site):
    return sorted(site.out.rglob("*.html"))


def main_of(text: str) -> str:
    return text[text.index("<main") : text.index("</main>")]


def test_no_script_blocks_the_page_and_plotly_is_never_loaded_up_front(example_site):
    for path in pages(example_site):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", text):
            assert " defer" in tag, (path.name, tag)
        assert 'src="../assets/plotly.min.js"' not in text and "Plotly.newPlot" not in text
        if 'class="vc-graphique"' in text:
            assert 'data-plotly="../assets/plotly.min.js"' in text


def test_every_page_has_a_description_a_favicon_and_a_running_title(example_site):
    for path in pages(example_site):
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        assert re.search(r'<meta content="[^"]{20,}" name="description"|<meta name="descr', head)
        assert "assets/favicon.svg" in head, path.name
        assert "@top-left" in head, path.name
    assert (example_site.out / "assets" / "favicon.svg").exists()


def test_charts_have_no_toolbar_and_bar_labels_read_at_4_5_to_1(example_site):
    seen = 0
    for path in pages(example_site):
        text = path.read_text(encoding="utf-8")
        for raw in re.findall(r'<script class="vc-graphique-donnees"[^>]*>(.*?)</script>', text):
            spec = json.loads(raw)
            assert spec["config"]["displayModeBar"] is False
            for trace in spec["data"]:
                if trace.get("type") != "bar" or trace.get("text") is None:
                    continue
                colors = trace["marker"]["color"]
                inks = trace["insidetextfont"]["color"]
                for color, ink in zip(
                    colors if isinstance(colors, list) else [colors],
                    inks if isinstance(inks, list) else [inks],
                    strict=False,
                ):
                    assert contrast(color, ink) >= 4.5, (path.name, color, ink)
                    seen += 1
                assert contrast(trace["outsidetextfont"]["color"], "#ffffff") >= 4.5
    assert seen > 50


def test_everything_sits_in_a_landmark_and_the_statement_is_linked_everywhere(example_site):
    for path in pages(example_site):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("<body") :]
        outside = re.sub(r"<header\b.*?</header>|<main\b.*?</main>|<footer\b.*?</footer>", "",
                         body, flags=re.DOTALL)  # fmt: skip
        assert not re.search(r"<(p|div|section|table|figure)\b", outside), path.name
        assert f'{ACCESSIBILITY_PAGE}">Accessibilité' in text, path.name


def test_headings_never_skip_a_level(example_site):
    for path in pages(example_site):
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", main_of(path.read_text("utf-8")))]
        assert levels and levels[0] == 1, path.name
        jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert jumps == [], path.name


def test_every_table_scrolls_in_its_own_named_box(example_site):
    for path in pages(example_site):
        text = path.read_text(encoding="utf-8")
        tables = text.count("<table")
        boxes = re.findall(r'<div aria-label="([^"]+)" class="vc-defilement" role="region">'
                           r'|<div class="vc-defilement" role="region" aria-label="([^"]+)">',
                           text)  # fmt: skip
        assert len(boxes) == tables, path.name


def test_scroll_boxes_take_the_caption_as_name():
    fragment = (
        '<table class="t">\n<caption>Profil &amp; public</caption><tr><td>1</td></tr></table>'
    )
    wrapped = scroll_tables(fragment)
    assert wrapped.startswith('<div class="vc-defilement" role="region" aria-label="Profil &amp; ')
    assert wrapped.endswith("</table></div>")
    assert scroll_tables("<p>rien</p>") == "<p>rien</p>"


def test_css_strings_cannot_break_out_of_the_style_element():
    text = css_string('Titre "court" </style><script>')
    assert "<" not in text and '"' not in text and "\\22 " in text


@pytest.mark.parametrize("words", ["partiellement conforme", "RGAA", "axe-core", "Lighthouse"])
def test_the_accessibility_statement_says_what_was_tested(example_site, words):
    text = (example_site.out / ACCESSIBILITY_PAGE).read_text(encoding="utf-8")
    assert "<h1>Déclaration d'accessibilité</h1>" in text
    assert words in text
    assert f'href="actions/{SALON_2016}.html"' in text


def test_print_shows_the_tables_behind_the_charts(example_site):
    css = (example_site.out / "assets" / "vccap.css").read_text(encoding="utf-8")
    printing = css[css.index("@media print") :]
    assert "details:not([open])" not in printing  # the closed tables are printed
    assert "details::details-content" in printing
    assert 'counter(page) " sur " counter(pages)' in css
    assert "break-after: avoid" in printing
    js = (example_site.out / "assets" / "vccap.js").read_text(encoding="utf-8")
    assert "beforeprint" in js and "openDetails" in js and "#impression" in js
