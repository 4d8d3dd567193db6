"""Word and PDF documents, chart images, the print path, the Quarto project (issue 12, 1-2).

Everything here runs on a fresh machine with only Python: pandoc comes from the
pypandoc-binary wheel, chart images from matplotlib. What needs a Chromium (the PDF files)
or Quarto is tested where it degrades: the French message saying how to get one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from conftest import SALON_2016
from vccap.build import build
from vccap.build.state import BuildState, state_dir
from vccap.cli import main
from vccap.errors import ChromiumNotFound, UnknownFormat
from vccap.formats import images, quarto
from vccap.formats.documents import documents_of, parse_formats
from vccap.formats.pdf import chromium_command, find_chromium
from vccap.formats.word import pandoc_path, write_docx
from vccap.messages import format_error
from vccap.privacy import PersonalValues, audit

SALON_PAGE = f"actions/{SALON_2016}"


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --------------------------------------------------------------------------- formats


def test_formats_are_parsed_html_first_and_unknown_ones_named_in_french():
    assert parse_formats(None) == ("html",)
    assert parse_formats("docx, PDF") == ("html", "docx", "pdf")
    assert documents_of("actions", ("html", "docx")) == ("docx",)
    assert documents_of("territoires", ("html", "docx", "pdf")) == ()
    with pytest.raises(UnknownFormat) as caught:
        parse_formats("html,odt")
    assert format_error(caught.value) == (
        "Format inconnu : « odt ». Formats possibles : html, docx, pdf."
    )


# --------------------------------------------------------------------------- chart images


def test_chart_images_are_drawn_the_same_every_time(example_site):
    page = (example_site.out / f"{SALON_PAGE}.html").read_text(encoding="utf-8")
    found = re.search(r'<script class="vc-graphique-donnees"[^>]*>(.*?)</script>', page)
    figure = json.loads(found.group(1))
    first = images.render_png(figure)
    assert first.startswith(b"\x89PNG") and len(first) > 5000
    assert images.render_png(figure) == first


def test_a_chart_that_cannot_be_drawn_becomes_its_values(tmp_path):
    pie = {"data": [{"type": "pie", "labels": ["Oui", "Non"], "values": [3, 4]}], "layout": {}}
    with pytest.raises(images.ChartNotDrawable):
        images.render_png(pie)
    page = (
        '<main><h1>Titre</h1><figure class="vc-figure"><div aria-label="Graphique : Avis" '
        'class="vc-graphique" id="fig-1-0" role="img"></div><script class="vc-graphique-donnees" '
        f'data-pour="fig-1-0" type="application/json">{json.dumps(pie)}</script></figure></main>'
    )
    target = tmp_path / "camembert.docx"
    write_docx(page, target, title="Essai", subtitle="Bilan", about="Essai.")
    text = docx_text(target)
    assert "n'a pas pu être reproduit en image" in text
    assert "Oui" in text and "4" in text


# --------------------------------------------------------------------------- Word


def test_the_word_document_holds_the_page(example_site, tmp_path):
    page = (example_site.out / f"{SALON_PAGE}.html").read_text(encoding="utf-8")
    target = tmp_path / "salon.docx"
    write_docx(page, target, title="Salon 2016", subtitle="Bilan d'action", about="Essai.")
    document = docx.Document(str(target))
    styles = [p.style.name for p in document.paragraphs]
    assert styles[:2] == ["Title", "Subtitle"]
    assert {"Heading 1", "Heading 2"} <= set(styles)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Note de méthode" in headings and "Objectifs" in headings
    text = docx_text(target)
    assert "Licence Ouverte / Etalab 2.0" in text
    assert "Données d’exemple fictives" in text
    # Key figures as a table, the same as on the page.
    figures = {r.cells[0].text: r.cells[1].text for t in document.tables for r in t.rows}
    assert figures["Porteurs de projet conseillés sur le stand"] == "94"
    assert figures["Partenaires venus sur le stand"] == "41"
    # Charts are images with their text alternative as description.
    assert len(document.inline_shapes) == page.count('class="vc-graphique"')
    xml = zipfile.ZipFile(target).read("word/document.xml").decode()
    assert 'descr="Graphique en barres : profil du public' in xml
    assert xml.count('w:type="page"') == 2  # after the title page and after the contents
    styles = zipfile.ZipFile(target).read("word/styles.xml").decode()
    assert re.search(r'<w:lang [^>]*w:val="fr-FR"', styles)
    # Same page, same bytes.
    again = tmp_path / "encore.docx"
    write_docx(page, again, title="Salon 2016", subtitle="Bilan d'action", about="Essai.")
    assert again.read_bytes() == target.read_bytes()


@pytest.mark.slow
def test_build_formats_docx_writes_one_document_per_report_sheet_and_review(example_site, tmp_path):
    """The done-when of issue 12: ``--formats html,docx`` on the example (pages already
    built are not run again: only their documents are written), then nothing to do."""
    copy = example_site.copy(tmp_path)
    out = copy.out
    args = ["build", str(copy.workspace), "-o", str(out), "--formats", "html,docx"]
    assert main([*args, "-j", "2"]) == 0
    state = BuildState.load(state_dir(copy.workspace, out))
    expected = sorted(p for p in state.jobs if p.split("/")[0] in ("actions", "fiches", "annees"))
    written = sorted(str(p.relative_to(out).with_suffix("")) for p in out.rglob("*.docx"))
    assert written == expected and len(written) == 20
    assert not list((out / "territoires").glob("*.docx"))
    salon = docx_text(out / f"{SALON_PAGE}.docx")
    assert "94" in salon and "41" in salon
    assert len(docx.Document(str(out / f"{SALON_PAGE}.docx")).inline_shapes) >= 4
    assert {p for p, made in state.documents.items() if made} == set(expected)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")}
    report = build(copy.workspace, out, formats="html,docx")
    assert report.documents == [] and not report.built
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")} == before


# --------------------------------------------------------------------------- PDF


def test_no_chromium_says_in_french_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumNotFound) as caught:
        find_chromium()
    message = format_error(caught.value)
    assert message.startswith("Pas de PDF : aucun navigateur Chromium trouvé")
    assert "apt-get install chromium" in message and "--chromium CHEMIN" in message
    with pytest.raises(ChromiumNotFound) as given:
        find_chromium(tmp_path / "chromium")
    assert "Chromium introuvable à l'emplacement donné" in format_error(given.value)


def test_build_pdf_without_chromium_stops_before_any_work(example_site, tmp_path, capsys):
    out = tmp_path / "site"
    code = main(
        ["build", str(example_site.workspace), "-o", str(out), "--formats", "html,pdf",
         "--chromium", str(tmp_path / "absent")]
    )  # fmt: skip
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "Chromium introuvable" in err and "Traceback" not in err


def test_the_pdf_is_printed_from_the_page_with_its_charts_drawn(tmp_path):
    command = chromium_command(
        "/usr/bin/chromium", tmp_path / "p.html", tmp_path / "p.pdf", tmp_path
    )
    assert command[-1].endswith("/p.html#impression")  # vccap.js draws every chart, opens tables
    assert "--no-pdf-header-footer" in command  # the print stylesheet numbers the pages
    assert any(c.startswith("--virtual-time-budget=") for c in command)


# --------------------------------------------------------------------------- audit


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF whose text is ``text`` (Helvetica, uncompressed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_the_audit_reads_word_and_pdf_documents(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    page = "<main><h1>Bilan</h1><p>Contact : jeanne.martin@example.org</p></main>"
    write_docx(page, site / "bilan.docx", title="Bilan", subtitle="Essai", about="Essai.")
    (site / "bilan.pdf").write_bytes(_tiny_pdf("Contact : paul.durand@example.org"))
    hits = audit(site, PersonalValues.empty())
    found = {(h.file.rsplit("/", 1)[-1], h.kind) for h in hits}
    assert ("bilan.docx", "motif_courriel") in found
    assert ("bilan.pdf", "motif_courriel") in found


# --------------------------------------------------------------------------- Quarto


@pytest.fixture(scope="module")
def quarto_project(example_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("quarto")
    project = quarto.project_from_site(
        example_site.workspace, example_site.out, root, notebooks=example_site.notebooks
    )
    return project


def test_the_quarto_project_mirrors_the_site(example_site, quarto_project):
    root = quarto_project.root
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["lang"] == "fr" and config["project"]["type"] == "website"
    assert config["execute"]["freeze"] == "auto"
    assert config["format"]["html"]["css"] == ["assets/vccap.css"]
    menus = {m["text"]: m for m in config["website"]["navbar"]["left"] if "menu" in m}
    assert set(menus) == {"Bilans d'action", "Fiches méthode", "Bilans annuels", "Territoires"}
    state = BuildState.load(state_dir(example_site.workspace, example_site.out))
    hrefs = {i["href"] for m in menus.values() for i in m["menu"]}
    assert hrefs == {f"{p}.qmd" for p in state.jobs}
    assert sorted(quarto_project.pages) == sorted(state.jobs)
    for name in ("index.qmd", "accessibilite.qmd"):
        assert (root / name).exists()
    # plotly.js once, for the whole site.
    assert [p.relative_to(root).as_posix() for p in root.rglob("plotly*.js")] == [
        "assets/plotly.min.js"
    ]


def test_quarto_never_runs_again_what_vccap_built(example_site, quarto_project):
    """Each page's freeze record matches its source as Quarto hashes it, and the source
    carries vccap's hash of everything the page depends on (its data included)."""
    root = quarto_project.root
    state = BuildState.load(state_dir(example_site.workspace, example_site.out))
    for page_id in quarto_project.pages:
        source = (root / f"{page_id}.qmd").read_text(encoding="utf-8")
        front = yaml.safe_load(source.split("---\n")[1])
        assert front["vccap"] == {"page": page_id, "empreinte": state.jobs[page_id]}
        record = json.loads(
            (root / "_freeze" / page_id / "execute-results" / "html.json").read_text("utf-8")
        )
        assert record["hash"] == quarto.freeze_hash(source)
        assert record["result"]["engine"] == "jupyter"
        header = record["result"]["includes"]["include-in-header"][0]
        assert "vccap.js" in header and "<script defer" in header
        assert source.count("```{python}") * 2 == source.count("```")


def test_every_quarto_page_converts_with_pandoc(quarto_project, tmp_path):
    """The frozen content (what Quarto hands to pandoc) and each source converts."""
    root = quarto_project.root
    pandoc = pandoc_path()
    for page_id in quarto_project.pages:
        record = json.loads(
            (root / "_freeze" / page_id / "execute-results" / "html.json").read_text("utf-8")
        )
        frozen = tmp_path / "page.md"
        frozen.write_text(record["result"]["markdown"], encoding="utf-8")
        html = subprocess.run(
            [pandoc, str(frozen), "-f", "markdown", "-t", "html"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "<h2" in html or "vc-bloc" in html, page_id
        # The source, with Quarto's cell fences written as pandoc's code blocks.
        source = (root / f"{page_id}.qmd").read_text(encoding="utf-8")
        plain = tmp_path / "page.qmd"
        plain.write_text(source.replace("```{python}", "``` python"), encoding="utf-8")
        subprocess.run([pandoc, str(plain), "-f", "markdown", "-t", "html"], check=True,
                       capture_output=True)  # fmt: skip
    salon = json.loads(
        (root / "_freeze" / SALON_PAGE / "execute-results" / "html.json").read_text("utf-8")
    )["result"]["markdown"]
    assert "## Objectifs" in salon and ">94<" in salon and ">41<" in salon


def test_vccap_quarto_without_quarto_says_the_project_is_ready(
    example_site, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "q"
    workspace = example_site.copy(tmp_path, out / quarto.SITE_DIRNAME).workspace
    # The session build's executed notebooks stand for those a first `vccap quarto` keeps.
    kept = state_dir(workspace, out / quarto.SITE_DIRNAME) / quarto.QUARTO_NOTEBOOKS_DIR
    shutil.copytree(example_site.notebooks, kept)
    monkeypatch.setenv("PATH", str(Path(shutil.which("python3") or "/usr/bin/python3").parent))
    if shutil.which("quarto"):
        monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["quarto", str(workspace), "-o", str(out), "-j", "2"]) == 0
    printed = capsys.readouterr().out
    assert "Projet Quarto écrit dans" in printed
    assert "le projet est prêt mais n'a pas été rendu" in printed
    assert f"quarto render {out.resolve()}" in printed
    assert (out / "_quarto.yml").exists()
    assert main(["quarto", str(workspace), "-o", str(out), "--quarto", "absent"]) == 1
    again = capsys.readouterr()
    assert "Les 38 pages sont à jour" in again.out  # the notebooks were kept
    assert "Quarto introuvable : absent" in again.err
    assert not list(out.rglob("*.ipynb"))  # the executed notebooks stay in the workspace


def test_the_quarto_project_is_audited_for_personal_data(example_site, quarto_project, tmp_path):
    from vccap.errors import AuditFailed
    from vccap.loading import load_workspace

    quarto.audit_project(example_site.workspace, quarto_project.root)  # clean
    planted = tmp_path / "q"
    shutil.copytree(quarto_project.root, planted)
    email = sorted(load_workspace(example_site.workspace).personal_values.emails)[0]
    page = planted / f"{SALON_PAGE}.qmd"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{email}\n", encoding="utf-8")
    with pytest.raises(AuditFailed) as caught:
        quarto.audit_project(example_site.workspace, planted)
    assert {h.kind for h in caught.value.hits} == {"courriel"}
