"""Reading layer, rough edges of badly filled spreadsheets: the kit's own template sheets,
mixed encodings, mixed date orders, scientific notation, total and note rows, and what the
messages say."""

from __future__ import annotations

import io

import openpyxl
import pytest

from reading_helpers import read, workbook
from vccap.errors import InputError
from vccap.excel import template_bytes
from vccap.messages import format_problem, reader_warning
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


# --------------------------------------------------------------------------- mixed encodings

UTF8_ROWS = "".join(f"Dupré{i};Hélène;élue;Besançon\n" for i in range(20))


def test_a_line_typed_in_windows_1252_inside_a_utf8_file_is_named(tmp_path):
    data = ("Nom;Prénom;Profil;Commune\n" + UTF8_ROWS).encode() + (
        b"Gar\xe7on;No\xebl;Partenaire;M\xe2con\n" + "Zoé;Ève;élue;Mâcon\n".encode()
    )
    table = read(tmp_path, data, "participants", references=None)
    (problem,) = table.problems
    assert (problem.code, problem.line, problem.value) == (
        "encodage_mixte", 22, "Garçon;Noël;Partenaire;Mâcon"
    )  # fmt: skip
    assert format_problem(problem).endswith(
        ":22: « Garçon;Noël;Partenaire;Mâcon » — attendu : un fichier dans un seul encodage : la "
        "plupart des lignes sont en UTF-8, mais la ligne 22 ne l'est pas (ci-dessus, lue en "
        "Windows-1252) ; vccap ne devine pas : ouvrez le fichier dans un éditeur de texte, "
        "retapez ses lettres accentuées, puis enregistrez-le en UTF-8"
    )
    assert len(table.df) == 0  # nothing guessed


def test_several_odd_lines_and_a_bom_are_all_named(tmp_path):
    data = ("\ufeffNom;Profil\nAndré;élu\n").encode() + b"No\xebl;elu\nAbel;elu\nL\xe9a;elu\n"
    (problem,) = read(tmp_path, data, "participants", references=None).problems
    assert (problem.code, problem.line, problem.rows) == ("encodage_mixte", 3, (3, 5))
    assert "mais les lignes 3 et 5 ne le sont pas (ci-dessus la première" in problem.expected


def test_one_utf8_line_in_a_windows_1252_file_is_the_odd_one(tmp_path):
    data = (
        b"Nom;Profil\n"
        + "".join(f"Andr\xe9{i};\xe9lu\n" for i in range(5)).encode("cp1252")
        + "Zoé;élue\n".encode()
    )
    (problem,) = read(tmp_path, data, "participants", references=None).problems
    assert (problem.code, problem.line, problem.value) == ("encodage_mixte", 7, "Zoé;élue")
    assert "la plupart des lignes sont en Windows-1252, mais la ligne 7 est en UTF-8" in (
        problem.expected
    )


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_one_encoding_files_are_unaffected(tmp_path, encoding):
    # « ÉTÉ\xa0» holds a byte pair that is valid UTF-8 (É + no-break space): not evidence.
    content = "Poste;Montant\nSalle ÉTÉ\u00a0: café;150 €\nImpression;340\n"
    table = read(tmp_path, content.encode(encoding), "couts")
    assert table.ok, table.problems
    assert table.df["poste"].tolist() == ["Salle ÉTÉ\u00a0: café", "Impression"]


def test_a_mixed_action_yml_names_its_line(tmp_path):
    from vccap.yamlio import read_yaml

    path = tmp_path / "action.yml"
    path.write_bytes("titre: Journée\nlieu: Besançon\n".encode() + b"descriptif: Pr\xe9sentation\n")
    with pytest.raises(InputError) as caught:
        read_yaml(path, "action.yml")
    assert (caught.value.code, caught.value.line) == ("encodage_mixte", 3)
    assert caught.value.value == "descriptif: Présentation"


# --------------------------------------------------------------------------- date orders

MIXED_DATES = (
    "Date;Territoire;Profil\n13/02/2018;diois;elu\n02/13/2018;diois;elu\n03/04/2018;diois;elu\n"
    "20/03/2018;diois;elu\n15/03/2018;diois;elu\n"
)


def test_a_column_mixing_both_orders_reads_the_sure_ones_and_says_so(tmp_path):
    table = read(tmp_path, MIXED_DATES, "contacts")
    dates = [d.date().isoformat() if d == d else None for d in table.df["date"]]
    assert dates == ["2018-02-13", "2018-02-13", None, "2018-03-20", "2018-03-15"]
    (warning,) = table.warnings
    assert (warning.code, warning.line, warning.column, warning.value, warning.rows) == (
        "dates_ordre_mixte", 3, "Date", "02/13/2018", (3,)
    )  # fmt: skip
    assert warning.expected == (
        "la colonne mélange des dates écrites jour/mois (13/02/2018 ligne 2, 20/03/2018 ligne 5) "
        "et mois/jour (02/13/2018 ligne 3) : chacune est lue dans le seul ordre possible, et "
        "celles qui se lisent dans les deux sens sont signalées à part ; vérifiez la colonne (le "
        "plus sûr : des dates écrites 2018-02-13)"
    )
    assert reader_warning(warning) == (
        "Contacts : des dates écrites tantôt jour/mois, tantôt mois/jour (ligne 3) ont été lues "
        "chacune dans le seul ordre possible."
    )


def test_an_ambiguous_date_of_such_a_column_gives_both_readings(tmp_path):
    (problem,) = read(tmp_path, MIXED_DATES, "contacts").problems
    assert (problem.code, problem.line, problem.value) == ("date_ambigue", 4, "03/04/2018")
    assert problem.expected == (
        "une date sans ambiguïté : la colonne mélange des dates jour/mois et mois/jour, et "
        "« 03/04/2018 » peut être le 3 avril 2018 (jour/mois) ou le 4 mars 2018 (mois/jour) ; "
        "écrivez 2018-04-03 ou 2018-03-04"
    )


@pytest.mark.parametrize(
    "cells",
    [["13/02/2018", "03/04/2018"], ["02/13/2018", "03/04/2018"], ["2018-02-13", "03/04/2018"]],
)
def test_a_column_in_one_order_is_unaffected(tmp_path, cells):
    body = "".join(f"{c};diois;elu\n" for c in cells)
    table = read(tmp_path, "Date;Territoire;Profil\n" + body, "contacts")
    assert table.ok and table.warnings == [], (table.problems, table.warnings)
    assert table.df["date"].notna().all()
