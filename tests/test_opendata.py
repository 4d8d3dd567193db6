"""Open data: the pages' tables as French-Excel CSV files, the data package, `vccap indicators
--format csv-excel` and the practice abstract in the EIP-AGRI common format."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from pathlib import Path

import frictionless
import yaml

import vccap
from conftest import EXAMPLE, PRO_2016, SALON_2016
from vccap import fmt
from vccap.cli import main
from vccap.formats.word import document_html
from vccap.indicators import action_indicators
from vccap.loading import load_workspace
from vccap.opendata.excel import (
    BOM,
    parse_date,
    parse_number,
    read_back,
    shown_csv,
    typed_csv,
)
from vccap.opendata.pagetables import with_downloads
from vccap.privacy import audit

# --------------------------------------------------------------------------- excel


def test_numbers_as_a_french_page_writes_them():
    assert parse_number("1\u202f234,5") == ("1234,5", "")
    assert parse_number("41\u00a0%") == ("41", "%")
    assert parse_number("62,23\u00a0€") == ("62,23", "€")
    assert parse_number("−3") == ("-3", "")
    assert parse_number("masqué") is None
    assert parse_number("94 – 110") is None
    assert parse_number("2016, 2017") is None


def test_dates_as_a_french_page_writes_them():
    assert str(parse_date("15 juin 2016")) == "2016-06-15"
    assert str(parse_date("1er mars 2017")) == "2017-03-01"
    assert parse_date("15-16 juin 2016") is None
    assert parse_date("31 février 2016") is None


def test_shown_cells_become_excel_cells():
    data = shown_csv(
        ["Catégorie", "Personnes", "Part", "Valeur", "Date"],
        [
            ["Porteurs de projet", "1\u202f094", "70\u00a0%", "8\u202f400\u00a0€", "15 juin 2016"],
            ["=SOMME(A1)", "masqué", "masqué", "41\u00a0%", "date non renseignée"],
            ["-1 idée", "0", "30\u00a0%", "12", ""],
        ],
    )
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8")
    assert "\r\n" in text and text.count(";") == 4 * 4
    rows = read_back(data)
    # one unit per column moves to the title; a mixed column keeps its units as text
    assert rows[0] == ["Catégorie", "Personnes", "Part (%)", "Valeur", "Date"]
    assert rows[1] == ["Porteurs de projet", "1094", "70", "8 400 €", "15/06/2016"]
    # never a formula; masked cells stay masked
    assert rows[2] == ["'=SOMME(A1)", "masqué", "masqué", "41 %", "date non renseignée"]
    assert rows[3] == ["'-1 idée", "0", "30", "12", ""]


def test_typed_values_use_a_decimal_comma():
    rows = read_back(typed_csv(["a", "b", "c", "d"], [[0.8547, 94, None, True]]))
    assert rows[1] == ["0,8547", "94", "", "oui"]


# --------------------------------------------------------------------------- page tables

PAGE = """<html><main><h2>Résultats</h2>
<p class="vc-alt">Graphique en barres.</p>
<details class="vc-donnees"><summary>Voir les données du graphique</summary>
<div class="vc-defilement" role="region" aria-label="Profil"><table class="vc-table">
<caption>Profil du public</caption>
<thead><tr><th scope="col">Catégorie</th><th scope="col">Personnes</th></tr></thead>
<tbody><tr><th scope="row">Porteurs de projet</th><td>94</td></tr>
<tr><th scope="row">Autres (regroupés)</th><td>masqué</td></tr></tbody>
</table></div>
<p class="vc-note">Note.</p>
</details>
<h3>Totaux</h3>
<div class="vc-defilement"><table>
<thead><tr><th>Indicateur</th><th>Total</th></tr></thead>
<tbody><tr><th scope="rowgroup" colspan="2">Salon <small>(2 actions)</small></th></tr>
<tr><td>Contacts</td><td>290<br><small>mesuré pour 2 sur 2</small></td></tr></tbody>
</table></div>
</main></html>"""


def test_each_table_gets_its_file_and_a_link_after_it():
    page, files = with_downloads(PAGE, "actions/x")
    assert list(files) == [
        "donnees/tableaux/actions/x/01-profil-du-public.csv",
        "donnees/tableaux/actions/x/02-totaux.csv",
    ]
    first = read_back(files["donnees/tableaux/actions/x/01-profil-du-public.csv"])
    assert first == [["Catégorie", "Personnes"], ["Porteurs de projet", "94"],
                     ["Autres (regroupés)", "masqué"]]  # fmt: skip
    second = read_back(files["donnees/tableaux/actions/x/02-totaux.csv"])
    assert second == [["Groupe", "Indicateur", "Total"],
                      ["Salon (2 actions)", "Contacts", "290 — mesuré pour 2 sur 2"]]  # fmt: skip
    # the chart's link comes after its closed box, the table's after its scrolling box
    link = page.index('href="../donnees/tableaux/actions/x/01-profil-du-public.csv"')
    assert page.index("</details>") < link < page.index("<h3>")
    assert "les données du graphique « Profil du public »" in page
    size = len(files["donnees/tableaux/actions/x/01-profil-du-public.csv"])
    assert f"(CSV pour tableur, {size} octets)" in page
    assert "le tableau « Totaux » (CSV pour tableur" in page  # named by its heading
    assert page.index("02-totaux.csv") > page.rindex("</table></div>")


def test_word_documents_leave_the_download_links_out(tmp_path):
    page, _ = with_downloads(PAGE, "actions/x")
    assert "Télécharger" not in document_html(page, tmp_path)


# --------------------------------------------------------------------------- the site


def _page_text(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ")
    return re.sub(r"[ \t\r\n]+", " ", text)  # babel's thousands separator (\u202f) kept


def test_every_csv_holds_only_what_its_page_shows(example_site):
    out = example_site.out
    csvs = sorted((out / "donnees" / "tableaux").rglob("*.csv"))
    assert len(csvs) > 100
    pages = {p for p in out.rglob("*.html")}
    for path in csvs:
        page_id = path.parent.relative_to(out / "donnees" / "tableaux").as_posix()
        page = out / f"{page_id}.html"
        assert page in pages, path
        source = page.read_text(encoding="utf-8")
        rel = path.relative_to(out).as_posix()
        assert rel in source, f"{rel} sans lien sur sa page"
        text = _page_text(source)
        plain = re.sub(r"(?<=\d)\u202f(?=\d{3}\b)", "", text)
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        for row in read_back(data)[1:]:
            for cell in row:
                if not cell or re.fullmatch(r"\d{2}/\d{2}/\d{4}", cell):
                    continue
                if re.fullmatch(r"-?\d+(,\d+)?", cell):
                    assert re.search(rf"(?<![\d,]){re.escape(cell)}(?![\d,])", plain), (rel, cell)
                else:
                    for part in cell.lstrip("'").split(" — "):
                        assert part in text.replace("\u202f", " "), (rel, part)


def test_a_masked_cell_is_in_no_csv(example_site):
    """The 2016 salon: CC du Pays de St Félicien received 2 contacts (under the threshold of
    3): its report groups it, and no CSV of the site names it with a count."""
    ws = load_workspace(example_site.workspace)
    contacts = ws.tables(SALON_2016)["contacts"]
    assert (contacts["territoire"] == "saint-felicien").sum() == 2
    name = ws.territoires["saint-felicien"].nom
    report = example_site.out / "donnees" / "tableaux" / "actions" / SALON_2016
    territories = read_back(next(report.glob("*-contacts-recus-par-territoire.csv")).read_bytes())
    assert [r[0] for r in territories[1:]][-1] == "Autres (regroupés)"
    assert name not in {r[0] for r in territories}
    # no table counts its contacts or people anywhere (its "2 actions communes" are actions)
    people = ("contact", "personne", "participant", "porteur")
    for path in (example_site.out / "donnees" / "tableaux").rglob("*.csv"):
        header, *rows = read_back(path.read_bytes())
        counts = [i for i, title in enumerate(header) if any(w in title.lower() for w in people)]
        for row in rows:
            if name in row:
                assert all(row[i] != "2" for i in counts), (path, row)
    # the hidden satisfaction rate of the 2016 professionalisation day: in no file
    values, _ = action_indicators(ws, PRO_2016)
    hidden = fmt.valeur(values["taux_satisfaction"].valeur, "part")
    rows = _package_rows(example_site.out, "indicateurs")
    row = next(
        r for r in rows if r["action"] == PRO_2016 and r["indicateur"] == "taux_satisfaction"
    )
    assert row["etat"] == "non_publie" and row["valeur"] == ""
    report = (example_site.out / "actions" / f"{PRO_2016}.html").read_text(encoding="utf-8")
    assert hidden not in report.replace("\u00a0", " ").replace(" ", " ")


def _package_rows(out: Path, name: str) -> list[dict[str, str]]:
    data = (out / "donnees" / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(data)))


def test_the_data_package_is_valid_and_follows_the_conventions(example_site):
    path = example_site.out / "donnees" / "datapackage.json"
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == 7 and all(t.stats["rows"] for t in report.tasks)
    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["name"] == "vccap-auvergne-rhone-alpes" == package["name"].lower()
    assert package["licenses"] == [
        {
            "name": "etalab-2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "title": "Licence Ouverte / Open Licence version 2.0",
        }
    ]
    assert package["contributors"][0]["title"] == "Cap Rural"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", package["created"])
    assert package["version"] == "1.0.0" and package["vccap"]["region"] == "auvergne-rhone-alpes"
    for resource in package["resources"]:
        assert resource["dialect"]["delimiter"] == "," and resource["encoding"] == "utf-8"
        assert resource["title"] and resource["description"]
        for f in resource["schema"]["fields"]:
            assert f["name"] == f["name"].lower() and f["title"] and f["description"], f


def test_the_package_says_what_the_pages_say(example_site):
    out = example_site.out
    rows = _package_rows(out, "indicateurs")
    salon = {r["indicateur"]: r for r in rows if r["action"] == SALON_2016}
    assert salon["porteurs_conseilles"]["valeur"] == "94"
    assert salon["partenaires_visiteurs"]["valeur"] == "41"
    assert salon["porteurs_conseilles"]["annee"] == "2016"
    assert salon["porteurs_conseilles"]["type_action"] == "salon"
    for r in rows:
        page = (out / "actions" / f"{r['action']}.html").read_text(encoding="utf-8")
        if r["etat"] == "publie":
            unit = {"pourcentage": "part"}.get(r["unite"], r["unite"])
            shown = fmt.valeur(float(r["valeur"]) / (100 if unit == "part" else 1), unit)
            assert shown in page, (r["action"], r["indicateur"], shown)
        else:
            assert r["valeur"] == ""
    objectives = _package_rows(out, "objectifs")
    assert {o["statut"] for o in objectives if o["action"] == SALON_2016} == {"atteint"}
    sheets = {r["type_action"]: r for r in _package_rows(out, "fiches")}
    assert sheets["salon"]["editions"] == "2" and len(sheets["salon"]["resume"]) <= 1500
    advice = [r for r in _package_rows(out, "conseils") if r["type_action"] == "salon"]
    assert {r["rubrique"] for r in advice} >= {"Conseils pour transférer", "Recommandations"}
    sheet = (out / "fiches" / "salon.html").read_text(encoding="utf-8")
    for r in advice:
        if r["rubrique"] == "Conseils pour transférer":
            assert html.escape(r["texte"][:40], quote=False) in sheet.replace("&#39;", "'")
    pages = _package_rows(out, "pages")
    assert len(pages) == 38 and all((out / p["chemin"]).is_file() for p in pages)


def test_open_data_holds_no_personal_value(example_site):
    ws = load_workspace(example_site.workspace)
    assert audit(example_site.out / "donnees", finder=ws.scrubber) == []
    for path in (example_site.out / "donnees").glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b[0-9a-f]{16}\b", text), path  # no pseudonym


def test_a_rebuild_that_changes_nothing_leaves_the_open_data_alone(example_site, tmp_path):
    site = example_site.copy(tmp_path)
    donnees = site.out / "donnees"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in donnees.rglob("*") if p.is_file()}
    from vccap.build import build

    report = build(site.workspace, site.out, jobs=1)
    assert not report.built
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in donnees.rglob("*") if p.is_file()}
    assert after == before


def test_a_removed_page_takes_its_tables_along(example_site, tmp_path):
    site = example_site.copy(tmp_path)
    folder = site.out / "donnees" / "tableaux" / "actions" / PRO_2016
    assert any(folder.glob("*.csv"))
    shutil.rmtree(site.workspace / "actions" / PRO_2016)
    from vccap.build import build

    build(site.workspace, site.out, jobs=1)
    assert not folder.exists()
    assert PRO_2016 not in (site.out / "donnees" / "indicateurs.csv").read_text(encoding="utf-8")
    assert frictionless.validate(str(site.out / "donnees" / "datapackage.json")).valid


# --------------------------------------------------------------------------- the CLI


def test_indicators_as_a_french_excel_file(tmp_path, capsys):
    target = tmp_path / "indicateurs.csv"
    code = main(["indicators", str(EXAMPLE), "--format", "csv-excel", "-o", str(target)])
    out = capsys.readouterr().out
    assert code == 0 and "CSV pour Excel" in out
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_back(data)
    assert rows[0] == ["Action", "Indicateur", "Libellé", "Valeur", "Cible", "Statut"]
    salon = {r[1]: r for r in rows[1:] if r[0] == SALON_2016}
    assert salon["porteurs_conseilles"][3:] == ["94", "80", "atteint"]
    assert re.fullmatch(r"0,\d+", salon["part_suite_souhaitee"][3])  # a decimal comma


def test_sortie_needs_the_excel_format(capsys):
    code = main(["indicators", str(EXAMPLE), "--sortie", "x.csv"])
    assert code == 2 and "--format csv-excel" in capsys.readouterr().err


# --------------------------------------------------------------------------- EIP-AGRI


def test_the_practice_abstract_in_the_eip_agri_format(example_copy):
    from vccap.pages import MethodSheet
    from vccap.transfer import practice_abstract_text

    ws = load_workspace(example_copy)
    sheet = MethodSheet.load(example_copy, "salon")
    abstract = sheet.practice_abstract()
    assert abstract["titre"] == "Stand commun sur un salon régional"
    assert 500 < len(abstract["resume"]) <= 1500
    fields = {f["champ"]: f["valeur"] for f in abstract["profil"]}
    assert fields["Coordinateur"] == "Cap Rural"
    assert fields["Localisation géographique"] == "France, Auvergne-Rhône-Alpes"
    assert fields["Période des éditions"] == "du 15 juin 2016 au 15 juin 2017"
    assert "Ardta" in fields["Partenaires"] and "Site internet" not in fields
    assert all(v for v in fields.values())
    text = practice_abstract_text(abstract)
    assert text.startswith("# Résumé de pratique : Stand commun sur un salon régional")
    assert abstract["resume"] in text and "## Profil du projet" in text
    assert ws.demarche.chef_de_file in text


def test_a_long_abstract_is_cut_to_1500_characters(example_copy):
    from vccap.pages import MethodSheet

    long_text = " ".join(f"Phrase numéro {i} d'un résumé bien trop long." for i in range(80))
    types = example_copy / "types_action.yml"
    catalogue = yaml.safe_load(
        (Path(vccap.__file__).parent / "catalogue" / "types_action.yml").read_text("utf-8")
    )
    types.write_text(
        yaml.safe_dump({"salon": {**catalogue["salon"], "resume": long_text}}, allow_unicode=True),
        encoding="utf-8",
    )
    abstract = MethodSheet.load(example_copy, "salon").practice_abstract()
    assert len(long_text) > 3000
    # the catalogue's text is cut (at a sentence or a word), the editions' figures kept
    assert len(abstract["resume"]) <= 1500
    assert "… Expérience tirée de 2 éditions" in abstract["resume"]
    assert "porteurs de projet conseillés sur le stand : de 94 à 110" in abstract["resume"]


# --------------------------------------------------------------------------- the audit


def test_the_open_data_says_what_the_pages_say(example_site):
    from vccap.opendata.check import check_open_data

    assert check_open_data(example_site.out) == []


def test_the_audit_catches_a_file_that_says_more_than_its_page(example_site, tmp_path, capsys):
    from vccap.opendata.check import number_on_page

    assert number_on_page("62.23", "coût 62,23 € par contact")
    assert not number_on_page("62.2", "coût 62,23 € par contact")
    assert not number_on_page("8400", "coût 18400 €")
    site = example_site.copy(tmp_path)
    # a table's file with a cell its page does not show
    table = next((site.out / "donnees" / "tableaux" / "actions" / SALON_2016).glob("*.csv"))
    table.write_bytes(table.read_bytes().replace(b"masqu\xc3\xa9", b"2", 1) + b"x;1\r\n")
    # a package row giving the value of a hidden indicator
    path = site.out / "donnees" / "indicateurs.csv"
    text = path.read_text(encoding="utf-8")
    hidden = next(line for line in text.splitlines() if ",non_publie" in line)
    path.write_text(text.replace(hidden, hidden.replace(",,non_publie", ",2,non_publie")), "utf-8")
    code = main(["audit", str(site.out)])
    err = capsys.readouterr().err
    assert code != 0
    assert f"{table.relative_to(site.out).as_posix()} : contenu différent" in err
    assert "valeur donnée pour un chiffre non publié" in err
    assert "ne correspondent pas à ce que les pages publient" in err
