"""End to end, as another region would do it: init, new actions, filled Excel templates, build."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl

from conftest import EXAMPLE, tree_digest
from vccap.cli import main

TERRITOIRES = """id,nom,milieu,departement
lodevois,Pays Cœur d'Hérault,rural,34
haut-languedoc,Parc du Haut-Languedoc,rural,34
cevennes,Causses et Cévennes,rural,48
montpellier,Montpellier Méditerranée Métropole,urbain,34
"""
STRUCTURES = """id,nom,categorie,milieu,territoire
bge-montpellier,BGE Montpellier,accompagnement_creation,urbain,montpellier
reseau-rural-occitanie,Réseau rural Occitanie,tete_de_reseau,rural,
"""
EDITIONS = {
    # action id: (holders, partners, territory names used on the stand)
    "2024-05-salon-montpellier": (12, 4, ["Pays Cœur d'Hérault", "Parc du Haut-Languedoc"]),
    "2025-05-salon-montpellier": (15, 5, ["Pays Cœur d'Hérault", "Causses et Cévennes"]),
}


def _fill_contacts(template, target, holders, partners, territories, year):
    """Fill the blank Excel template as a person would, then save it in the action folder."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    headers = {cell.value: cell.column for cell in sheet[1] if cell.value}

    def put(row, title, value):
        column = next(c for h, c in headers.items() if h.lower().startswith(title.lower()))
        sheet.cell(row=row, column=column, value=value)

    rows = ["Porteur de projet"] * holders + ["Partenaire"] * partners
    for n, profile in enumerate(rows, start=2):
        put(n, "Date", dt.date(year, 5, 14 + n % 2))
        put(n, "Territoire", territories[n % len(territories)])
        put(n, "Profil", profile)
        put(n, "Nom", f"Testeur{n}x")
        put(n, "Prénom", f"Camille{n}")
        put(n, "Courriel", f"camille{n}.{year}@exemple.org")
        put(n, "Code postal", "34000")
        put(n, "Suite", "oui" if n % 3 else "non")
        if profile == "Porteur de projet":
            put(n, "Secteur", "Tourisme" if n % 2 else "Artisanat")
            put(n, "Stade", "Idée")
    book.save(target)


def _edit(path, **replacements):
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.values():
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_a_new_region_goes_from_nothing_to_a_site(tmp_path, capsys):
    before = tree_digest(EXAMPLE)
    workspace = tmp_path / "occitanie"
    assert main(["init", str(workspace), "--region", "Occitanie"]) == 0
    (workspace / "territoires.csv").write_text(TERRITOIRES, encoding="utf-8")
    (workspace / "structures.csv").write_text(STRUCTURES, encoding="utf-8")
    for action_id, (holders, partners, territories) in EDITIONS.items():
        year = int(action_id[:4])
        assert main(["new-action", str(workspace), "salon", "--id", action_id]) == 0
        folder = workspace / "actions" / action_id
        _edit(
            folder / "action.yml",
            statut=("statut: prevue", "statut: realisee"),
            lieu=('lieu: ""', "lieu: Montpellier"),
            territoires=("territoires: []", "territoires: [lodevois, haut-languedoc, cevennes]"),
            cible=("cible:  # à fixer : un nombre de personnes", "cible: 10"),
            source=('source: ""', "source: Données de test fictives"),
        )
        _fill_contacts(folder / "modeles" / "contacts.xlsx", folder / "contacts.xlsx", holders,
                       partners, territories, year)  # fmt: skip
    capsys.readouterr()
    assert main(["validate", str(workspace)]) == 0, capsys.readouterr().err

    out = tmp_path / "site"
    code = main(["build", str(workspace), "-o", str(out), "-j", "2"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    for action_id, (holders, partners, _) in EDITIONS.items():
        page = (out / "actions" / f"{action_id}.html").read_text(encoding="utf-8")
        assert f'<span class="valeur">{holders}</span>' in page
        assert f'<span class="valeur">{partners}</span>' in page
        assert "Testeur" not in page and "exemple.org" not in page
    sheet = (out / "fiches" / "salon.html").read_text(encoding="utf-8")
    assert "2024" in sheet and "2025" in sheet
    cells = set(re.findall(r">\s*(\d+)\s*<", sheet))
    assert {"12", "15", "4", "5"} <= cells
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Occitanie" in index and "fiches/salon.html" in index
    assert main(["audit", str(out), "-w", str(workspace)]) == 0
    assert tree_digest(EXAMPLE) == before
