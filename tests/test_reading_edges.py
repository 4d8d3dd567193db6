"""Reading layer, rough edges of badly filled spreadsheets: the kit's own template sheets,
mixed encodings, mixed date orders, scientific notation, total and note rows, and what the
messages say."""

from __future__ import annotations

import io

import openpyxl
import pytest

from reading_helpers import codes, read, workbook
from vccap.excel import template_bytes
from vccap.messages import format_problem
from vccap.tables import read_table

# --------------------------------------------------------------------------- template sheets


def _filled_template(tmp_path, kind, rows, name=None, extra=None, unhide=False):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(kind)))
    sheet = wb[kind]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            sheet.cell(i, j, value)
    for title, cells in (extra or {}).items():
        other = wb.create_sheet(title)
        for row in cells:
            other.append(row)
    if unhide:
        wb["listes"].sheet_state = "visible"
    path = tmp_path / (name or f"{kind}.xlsx")
    wb.save(path)
    return path


@pytest.mark.parametrize("unhide", [False, True])
def test_a_filled_template_sends_its_helper_sheets_back_unreported(tmp_path, unhide):
    path = _filled_template(tmp_path, "couts", [["salle", 1200, "Région"], ["café", 340.5, ""]],
                            unhide=unhide)  # fmt: skip
    table = read_table(path, "couts")
    assert table.ok, table.problems
    assert table.sheet == "couts" and table.df["montant"].tolist() == [1200, 340.5]
    assert table.notices == [] and table.warnings == []


def test_an_unknown_extra_sheet_of_a_template_is_still_reported(tmp_path):
    rows = [["Dupont", "Jean", None, None, "Élu"], ["Martin", "Léa", None, None, "Partenaire"]]
    path = _filled_template(tmp_path, "participants", rows,
                            extra={"Notes": [["à relancer", "Dupont"]]})  # fmt: skip
    table = read_table(path, "participants")
    assert table.df["profil"].tolist() == ["elu", "partenaire"]
    assert [(p.code, p.value) for p in table.notices] == [("feuille_ignoree", "Notes")]


def test_a_sheet_named_like_a_helper_sheet_but_of_other_content_is_reported(tmp_path):
    path = workbook(tmp_path, {"Participants": [["Nom", "Profil"], ["A", "élu"]],
                               "Instructions": [["Penser à relancer les absents"]],
                               "Dictionnaire": [["Mot", "Sens"], ["élu", "conseiller"]],
                               "listes": [["Communes"], ["Die"]]})  # fmt: skip
    table = read_table(path, "participants")
    ignored = sorted(p.value for p in table.notices if p.code == "feuille_ignoree")
    assert ignored == ["Dictionnaire", "Instructions", "listes"]


def test_a_blank_template_sent_back_reads_as_an_empty_table(tmp_path):
    path = _filled_template(tmp_path, "satisfaction", [])
    table = read_table(path, "satisfaction")
    assert table.ok and table.sheet == "satisfaction" and len(table.df) == 0
    assert table.notices == []
