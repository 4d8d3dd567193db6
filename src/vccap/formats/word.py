"""A site page as a Word document (``.docx``), with the pandoc of ``pypandoc-binary``.

The document is made from the page itself (the HTML that nbconvert wrote), so that it holds
exactly what the page shows: its ``<main>`` is read by pandoc's HTML reader, after a few
changes for paper (:func:`document_html`): charts become PNG images (:mod:`.images`) with
their text alternative as the image's description, key figures become a table, the tables
behind the charts are shown, the heading anchors and the ``<noscript>`` notices go. pandoc
writes headings as Word's « Titre 1, 2… » styles (the table of contents works), tables as
Word tables, and the document's language as French. The title page (title, what the page
is, where it comes from, the licence) and the table of contents are each followed by a page
break. Same page, same bytes: dates are fixed and the zip is written in a fixed way.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from vccap.formats import images

LICENCE = (
    "Licence Ouverte / Etalab 2.0 : ce document peut être réutilisé librement, y compris "
    "à des fins commerciales, en citant sa source."
)
#: Fixed dates in the document's properties and zip entries (1 January 1980).
FIXED_EPOCH = 315532800
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_MAIN_RE = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL)
_ANCHOR_RE = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)
_NOSCRIPT_RE = re.compile(r"<noscript>.*?</noscript>\s*", re.DOTALL)
#: Download links of the tables' CSV files: relative links that lead nowhere from a document.
_DOWNLOAD_RE = re.compile(r'<p class="vc-telechargement">.*?</p>\s*', re.DOTALL)
_TITLE_RE = re.compile(r"<h1\b[^>]*>.*?</h1>\s*", re.DOTALL)
# Attributes in any order: nbconvert's HTML pass sorts them.
_FIGURE_RE = re.compile(r'<figure class="vc-figure">(?P<inside>.*?)</figure>', re.DOTALL)
_BOX_RE = re.compile(r'<div\b(?=[^>]*class="vc-graphique")([^>]*)>')
_ID_RE = re.compile(r'\bid="([^"]*)"')
_LABEL_RE = re.compile(r'\baria-label="([^"]*)"')
_JSON_RE = re.compile(r"<script\b[^>]*vc-graphique-donnees[^>]*>(.*?)</script>", re.DOTALL)
_ALT_RE = re.compile(r'<p class="vc-alt">(.*?)</p>', re.DOTALL)
_CARDS_RE = re.compile(
    r'<div class="vc-chiffres[^"]*">((?:\s*<div class="vc-chiffre">.*?</div>)*)\s*</div>',
    re.DOTALL,
)
_CARD_RE = re.compile(
    r'<div class="vc-chiffre"><span class="valeur">(.*?)</span>'
    r'<span class="libelle">(.*?)</span>(?:<span class="definition">(.*?)</span>)?</div>',
    re.DOTALL,
)
_SUMMARY_RE = re.compile(r"<summary>(.*?)</summary>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_TOC_RE = re.compile(r"(<w:sdt>.*?</w:sdt>)", re.DOTALL)
PAGE_BREAK = '<w:p><w:r><w:br w:type="page" /></w:r></w:p>'


def plain(fragment: str) -> str:
    """Text of an HTML fragment (tags dropped, entities decoded, spaces folded)."""
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())


def _figure(match: re.Match[str], rest: str, folder: Path) -> str:
    """One chart as an image with its description, or its values when it cannot be drawn."""
    inside = match.group("inside")
    box = _BOX_RE.search(inside)
    data = _JSON_RE.search(inside)
    if not box or not data:
        return match.group(0)
    attributes = box.group(1)
    label_match = _LABEL_RE.search(attributes)
    id_match = _ID_RE.search(attributes)
    label = plain(label_match.group(1)) if label_match else "Graphique"
    following = rest[: rest.find("<figure")] if "<figure" in rest else rest
    alt_match = _ALT_RE.search(following)
    alt = plain(alt_match.group(1)) if alt_match else label
    figure = json.loads(data.group(1))
    ident = id_match.group(1) if id_match else f"graphique-{len(list(folder.glob('*.png')))}"
    name = re.sub(r"[^a-z0-9-]", "-", ident.lower()) + ".png"
    try:
        (folder / name).write_bytes(images.render_png(figure))
    except images.ChartNotDrawable:
        headers, rows = images.data_rows(figure)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return (
            f"<p><em>{html.escape(label)} : ce graphique n'a pas pu être reproduit en image "
            "dans ce document ; voici ses valeurs.</em></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return (
        f'<figure><img src="{name}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(label)}</figcaption></figure>"
    )


def _cards(match: re.Match[str]) -> str:
    rows = "".join(
        f"<tr><td>{label}{f' ({definition})' if definition else ''}</td><td>{value}</td></tr>"
        for value, label, definition in _CARD_RE.findall(match.group(1))
    )
    return (
        "<table><thead><tr><th>Indicateur</th><th>Valeur</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def document_html(page: str, folder: Path) -> str:
    """The ``<main>`` of a page made ready for paper; chart images are written to ``folder``.

    Raises ``ValueError`` for a page without ``<main>`` (not written by the kit's template).
    """
    found = _MAIN_RE.search(page)
    if not found:
        raise ValueError("page sans élément <main>")
    text = found.group(1)
    text = _ANCHOR_RE.sub("", text)
    text = _TITLE_RE.sub("", text, count=1)  # the title is on the title page
    parts: list[str] = []
    position = 0
    for match in _FIGURE_RE.finditer(text):
        parts.append(text[position : match.start()])
        parts.append(_figure(match, text[match.end() :], folder))
        position = match.end()
    parts.append(text[position:])
    text = "".join(parts)
    text = _NOSCRIPT_RE.sub("", text)
    text = _DOWNLOAD_RE.sub("", text)
    text = _CARDS_RE.sub(_cards, text)
    return _SUMMARY_RE.sub(_summary, text)


def _summary(match: re.Match[str]) -> str:
    """« Voir les données du graphique » reads « Les données du graphique » on paper."""
    text = plain(match.group(1))
    if text.startswith("Voir les "):
        text = "Les " + text[len("Voir les ") :]
    return f"<p><strong>{html.escape(text)}</strong></p>"


def pandoc_path() -> str:
    """The pandoc shipped by ``pypandoc-binary`` (or the one pypandoc finds)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def _normalise(docx: Path) -> None:
    """Page breaks around the table of contents; fixed zip dates and order."""
    with zipfile.ZipFile(docx) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "word/document.xml":
                xml = data.decode("utf-8")
                xml = _TOC_RE.sub(lambda m: PAGE_BREAK + m.group(1) + PAGE_BREAK, xml, count=1)
                data = xml.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)


def write_docx(
    page: str,
    target: Path,
    *,
    title: str,
    subtitle: str,
    about: str,
) -> None:
    """Write the Word document of a site page (its HTML, ``page``) to ``target``.

    ``title``: the document's title; ``subtitle``: what the page is (« Bilan d'action — … »);
    ``about``: a sentence on where it comes from, printed on the title page with the licence.
    Written through a temporary file: a reader never sees half a document. Raises
    ``ValueError`` (page not from the kit's template) or ``RuntimeError`` (pandoc failed,
    with its message).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vccap-docx-") as work:
        folder = Path(work)
        source = folder / "page.html"
        source.write_text(
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body>"
            + document_html(page, folder)
            + "</body></html>",
            encoding="utf-8",
        )
        output = folder / "document.docx"
        metadata: dict[str, Any] = {
            "title": title,
            "subtitle": subtitle,
            "lang": "fr-FR",
            "toc-title": "Sommaire",
            "abstract-title": "À propos de ce document",
            "abstract": f"{about} {LICENCE}",
        }
        args = [pandoc_path(), str(source), "-f", "html", "-t", "docx", "-o", str(output)]
        args += ["--toc", "--toc-depth=2", "--shift-heading-level-by=-1"]
        args += [f"--resource-path={folder}"]
        for key, value in metadata.items():
            args += ["-M", f"{key}={value}"]
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_EPOCH)}
        done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=folder)
        if done.returncode != 0 or not output.exists():
            message = (done.stderr or "").strip().splitlines()
            raise RuntimeError(message[-1] if message else f"pandoc: code {done.returncode}")
        _normalise(output)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(output.read_bytes())
        os.replace(tmp, target)
