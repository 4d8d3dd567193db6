"""vccap federer: a national site from regional data packages, which re-opens nothing."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import frictionless
import numpy as np
import pytest
import yaml

from conftest import ROOT, SALON_2016
from vccap import fmt
from vccap.build import build
from vccap.cli import main
from vccap.errors import PackageUnreadable
from vccap.federation.figures import Cell, audit_totals, indicator_cells, national_totals
from vccap.federation.packages import read_package, read_packages
from vccap.loading import load_workspace
from vccap.opendata.excel import read_back
from vccap.opendata.package import LICENSE, csv_bytes, resource_descriptors
from vccap.privacy import audit

# --------------------------------------------------------------------------- hand-made packages


def _package(folder: Path, region: str, indicators: list[tuple], site: str = "") -> Path:
    """A regional package: ``indicators`` = (action, year, type, indicator, unit, value,
    state)."""
    folder.mkdir(parents=True)
    actions = sorted({(a, y, t) for a, y, t, *_ in indicators})
    rows = {
        "regions": [{"region": region, "nom_region": region.title(),
                     "demarche": f"Démarche {region}", "chef_de_file": "Réseau", "site": site,
                     "seuil_confidentialite": 3, "donnees_fictives": False}],
        "pages": [],
        "actions": [{"region": region, "action": a, "titre": f"Action {a}", "type_action": t,
                     "type_libelle": t.title(), "annee": y, "date_debut": f"{y}-06-01",
                     "date_fin": f"{y}-06-01", "lieu": "Ici", "statut": "realisee",
                     "donnees_fictives": False, "page": f"actions/{a}.html"}
                    for a, y, t in actions],
        "indicateurs": [{"region": region, "action": a, "annee": y, "type_action": t,
                         "indicateur": i, "libelle": i.title(), "unite": u,
                         "valeur": "" if v is None else v, "etat": s}
                        for a, y, t, i, u, v, s in indicators],
        "objectifs": [], "fiches": [], "conseils": [],
    }  # fmt: skip
    for name, data in rows.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(name, data))
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"vccap-{region}",
        "title": f"Chiffres publiés ({region})",
        "version": "1.0.0",
        "licenses": [LICENSE],
        "vccap": {"format": "1.0.0", "region": region},
        "resources": resource_descriptors(),
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


P, H, N = "publie", "non_publie", "non_mesure"


@pytest.fixture
def two_regions(tmp_path):
    a = _package(
        tmp_path / "a",
        "alpes",
        [
            ("a1", 2016, "salon", "participants", "personnes", 10, P),
            ("a2", 2016, "atelier", "participants", "personnes", None, H),  # 2 in truth
            ("a3", 2017, "atelier", "participants", "personnes", 7, P),
            ("a1", 2016, "salon", "taux", "pourcentage", 41, P),
        ],
    )
    b = _package(
        tmp_path / "b",
        "bretagne",
        [
            ("b1", 2016, "salon", "participants", "personnes", 20, P),
            ("b2", 2017, "salon", "participants", "personnes", None, N),
            ("b3", 2017, "atelier", "participants", "personnes", 5, P),
        ],
        site="https://exemple.org/bretagne/",
    )
    return read_packages([a, b])


def _total(totals, year="", type_action=""):
    return next(t for t in totals if (t.annee, t.type_action) == (year, type_action))


def test_totals_add_up_published_figures_and_hide_what_counts_a_masked_one(two_regions):
    totals = [t for t in national_totals(two_regions) if t.indicateur == "participants"]
    assert _total(totals, "2016", "salon").value == 30
    assert _total(totals, "2017", "atelier").value == 12
    salon = _total(totals, "", "salon")
    assert salon.value == 30 and len(salon.unmeasured) == 1  # b2 not measured: left out, said
    for year, kind in (("2016", "atelier"), ("2016", ""), ("", "atelier"), ("", "")):
        total = _total(totals, year, kind)
        assert not total.published and total.value is None
        assert total.hidden == [Cell("alpes", "a2", "participants")]
    # shares never add up
    assert not [t for t in national_totals(two_regions) if t.indicateur == "taux"]
    assert audit_totals(national_totals(two_regions), [], two_regions) == []


def _determined(packages, totals) -> dict[Cell, bool]:
    """For each masked regional cell: can a linear combination of every published number
    (the regions' and the national ones) give it back? (rank test over the cells.)"""
    cells = indicator_cells(packages)
    index = {cell: i for i, (cell, _, _) in enumerate(cells)}
    equations = [np.eye(len(cells))[index[c]] for c, _, v in cells if v is not None]
    for total in totals:
        if total.published:
            row = np.zeros(len(cells))
            for cell, _ in total.parts:
                row[index[cell]] = 1
            equations.append(row)
    matrix = np.array(equations) if equations else np.zeros((0, len(cells)))
    rank = np.linalg.matrix_rank(matrix)
    out = {}
    for cell, row, _ in cells:
        if row["etat"] == "non_publie":
            probe = np.vstack([matrix, np.eye(len(cells))[index[cell]]])
            out[cell] = np.linalg.matrix_rank(probe) == rank
    return out


def test_no_difference_of_published_numbers_gives_back_a_masked_one(two_regions):
    totals = national_totals(two_regions)
    assert _determined(two_regions, totals) == {Cell("alpes", "a2", "participants"): False}
    # the test can fail: publishing the 2016 total anyway would give a2 back (total - a1 - b1)
    leaky = _total([t for t in totals if t.indicateur == "participants"], "2016", "")
    leaky.parts.append((Cell("alpes", "a2", "participants"), 2.0))
    leaky.hidden.clear()
    assert _determined(two_regions, totals) == {Cell("alpes", "a2", "participants"): True}
    findings = audit_totals(totals, [], two_regions)
    assert any("masqué" in what for _, what in findings)
    assert any("non publié tel quel" in what for _, what in findings)


def test_packages_that_cannot_be_used(two_regions, tmp_path):
    with pytest.raises(PackageUnreadable) as caught:
        read_packages([two_regions[0].source, two_regions[0].source])
    assert caught.value.reason == "region_double"
    with pytest.raises(PackageUnreadable) as caught:
        read_package(tmp_path / "nulle-part")
    assert caught.value.reason == "introuvable"
    path = two_regions[1].source
    data = json.loads(path.read_text(encoding="utf-8"))
    data["vccap"]["format"] = "2.0.0"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackageUnreadable) as caught:
        read_package(path)
    assert (caught.value.reason, caught.value.detail) == ("version", "2.0.0")
    data["vccap"]["format"] = "1.0.0"
    path.write_text(json.dumps(data), encoding="utf-8")
    table = path.parent / "indicateurs.csv"
    table.write_text(table.read_text("utf-8").replace(",publie", ",peut-etre", 1), "utf-8")
    with pytest.raises(PackageUnreadable) as caught:
        read_package(path)
    assert caught.value.reason == "invalide"
    assert main(["federer", str(path.parent), "-o", str(tmp_path / "n")]) != 0
    assert not (tmp_path / "n").exists()


# --------------------------------------------------------------------------- two real regions


def _synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def national(example_site, tmp_path_factory):
    """The example region and a synthetic « Occitanie » (3 actions, one a salon), federated."""
    root = tmp_path_factory.mktemp("federation")
    ws = _synthetic().make_workspace(root / "occitanie", 3, seed=3)
    demarche = yaml.safe_load((ws / "demarche.yml").read_text(encoding="utf-8"))
    demarche.update(region="Occitanie", nom="Ville-campagne en Occitanie",
                    site="https://exemple.org/occitanie/")  # fmt: skip
    (ws / "demarche.yml").write_text(yaml.safe_dump(demarche, allow_unicode=True), "utf-8")
    build(ws, root / "occitanie-site", jobs=2)
    out = root / "national"
    code = main(["federer", str(example_site.out), str(root / "occitanie-site"), "-o", str(out)])
    assert code == 0
    return out, [example_site.out, root / "occitanie-site"], [example_site.workspace, ws]


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    text = (folder / "donnees" / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_national_site_and_its_pages(national, capsys):
    out, sites, _ = national
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert {"index.html", "chiffres.html", "accessibilite.html", "fiches/salon.html"} <= set(pages)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index and "assets/vccap.css" in index
    assert "Auvergne-Rhône-Alpes" in index and "Occitanie" in index
    assert 'href="https://exemple.org/occitanie/"' in index
    assert "Site de la démarche « Ville-campagne en Occitanie »" in index
    assert "adresse non renseignée" in index  # the example gives no address
    sheet = (out / "fiches" / "salon.html").read_text(encoding="utf-8")
    assert "Fiche méthode nationale : Stand commun sur un salon régional" in sheet
    assert "3 éditions dans 2 régions" in sheet
    assert 'href="https://exemple.org/occitanie/actions/' in sheet  # the regional report
    assert "Ce que dit la région Occitanie" in sheet and "Conseils pour transférer" in sheet
    assert f"actions/{SALON_2016}.html" not in sheet  # no address: no link


def test_national_figures_are_the_sums_of_the_regions_published_figures(national):
    out, sites, _ = national
    regional = [r for site in sites for r in _rows(site, "indicateurs")]
    wanted = ("salon", "porteurs_conseilles")
    salon = [r for r in regional if (r["type_action"], r["indicateur"]) == wanted]
    assert len(salon) == 3 and all(r["etat"] == "publie" for r in salon)
    expected = sum(int(r["valeur"]) for r in salon)
    table = next((out / "donnees" / "tableaux" / "chiffres").glob("*stand-commun*.csv"))
    rows = {r[0]: r for r in read_back(table.read_bytes())}
    assert rows["Porteurs de projet conseillés sur le stand"][-1] == str(expected)
    # every published national total: the sum of its scope's published values, none masked
    packages = read_packages(sites)
    totals = national_totals(packages)
    assert audit_totals(totals, [], packages) == []
    hidden = [t for t in totals if t.hidden]
    assert hidden and all(not t.published for t in hidden)
    figures = (out / "chiffres.html").read_text(encoding="utf-8")
    assert "non publié" in figures
    for total in totals:
        if total.published and not total.unmeasured:
            shown = fmt.nombre(total.value) if total.unite != "euros" else fmt.euros(total.value)
            assert shown in figures, total.key()


def test_no_national_figure_re_opens_a_masked_regional_one(national):
    out, sites, _ = national
    packages = read_packages(sites)
    determined = _determined(packages, national_totals(packages))
    assert determined and not any(determined.values())


def test_the_national_site_holds_no_personal_value(national):
    """Each region's personal values: none that the national site adds. (The example has a
    person named like a town of the other region, « Clermont-Ferrand »: that word is on the
    other region's own site already, which its own audit, knowing its people, accepted.)"""
    out, sites, workspaces = national
    for folder, own in zip(workspaces, sites, strict=True):
        ws = load_workspace(folder)
        found = {(h.kind, h.excerpt) for h in audit(out, finder=ws.scrubber)}
        elsewhere = {
            (h.kind, h.excerpt) for s in sites if s != own for h in audit(s, finder=ws.scrubber)
        }
        assert found <= elsewhere, found - elsewhere
        assert audit(own, finder=ws.scrubber) == []
    for path in out.rglob("*.csv"):
        assert not re.search(r"\b[0-9a-f]{16}\b", path.read_text(encoding="utf-8-sig")), path
    assert main(["audit", str(out)]) == 0


def test_the_national_data_package_is_valid(national):
    out, sites, _ = national
    report = frictionless.validate(str(out / "donnees" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    actions = _rows(out, "actions")
    assert len(actions) == sum(len(_rows(s, "actions")) for s in sites)
    assert {r["region"] for r in actions} == {"auvergne-rhone-alpes", "occitanie"}
