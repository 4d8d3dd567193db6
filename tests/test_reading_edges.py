"""Reading layer, rough edges of badly filled spreadsheets: the kit's own template sheets,
mixed encodings, mixed date orders, scientific notation, total and note rows, and what the
messages say."""

from __future__ import annotations

import io

import openpyxl
import pytest

from reading_helpers import codes, read, workbook
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


# --------------------------------------------------------------------------- scientific notation


@pytest.mark.parametrize(
    ("typed", "about"),
    [("1,23E+05", "123\u202f000"), ("1.5E+03", "1\u202f500"), ("1e3", "1\u202f000")],
)
def test_scientific_notation_is_named_and_never_read(tmp_path, typed, about):
    table = read(tmp_path, f"Poste;Montant\nsalle;{typed}\ncafé;340\n", "couts")
    (problem,) = table.problems
    assert (problem.code, problem.line, problem.value) == ("notation_scientifique", 2, typed)
    assert problem.expected == (
        f"un nombre écrit sans exposant : « {typed} » est en notation scientifique (soit environ "
        f"{about}) ; le tableur l'a peut-être arrondi à l'affichage, et sa valeur exacte serait "
        "alors perdue ; dans le tableur, formatez la colonne en « Nombre » (clic droit > Format "
        "de cellule > Nombre), vérifiez la valeur, puis enregistrez à nouveau le fichier"
    )
    assert table.df["montant"].isna().tolist() == [True, False]


def test_a_native_workbook_number_shown_in_scientific_format_is_read(tmp_path):
    path = workbook(tmp_path, {"Coûts": [["Poste", "Montant"], ["salle", 123456.0]]})
    table = read_table(path, "couts")
    assert table.ok and table.df["montant"].tolist() == [123456.0]


# --------------------------------------------------------------------------- ambiguous numbers


@pytest.mark.parametrize(
    ("kind", "typed", "said"),
    [("couts", "12,345", "« 12,345 » peut se lire 12\u202f345 (virgule séparateur de milliers) "
      "ou 12,345 (virgule décimale, entre 12 et 13, mais un montant a au plus deux décimales) ; "
      "pour 12\u202f345, écrivez 12345"),
     ("couts", "1.650", "« 1.650 » peut se lire 1\u202f650 (point séparateur de milliers) ou "
      "1,65 (point décimal, entre 1 et 2) ; pour 1\u202f650, écrivez 1650 ; pour 1,65, écrivez "
      "1,65"),
     ("evenements", "1.650", "« 1.650 » peut se lire 1\u202f650 (point séparateur de milliers) "
      "ou 1,65 (point décimal, entre 1 et 2, mais ce nombre est un entier) ; pour 1\u202f650, "
      "écrivez 1650")],
)  # fmt: skip
def test_an_ambiguous_number_says_both_readings_and_what_to_type(tmp_path, kind, typed, said):
    content = {
        "couts": f"Poste;Montant\nsalle;{typed}\n",
        "evenements": f"Titre;Territoire;Date;Participants\nx;diois;2019-01-01;{typed}\n",
    }
    (problem,) = read(tmp_path, content[kind], kind).problems
    assert problem.code == "nombre_ambigu"
    assert problem.expected == "un nombre sans ambiguïté : " + said


def test_what_the_message_says_to_type_is_read_as_said(tmp_path):
    """Each writing the message suggests is unambiguous and reads as the reading it names."""
    from vccap.reading.numbers import ambiguous_text, parse_number_text

    for typed in ("12,345", "1.650", "999,999", "1.000", "12.500"):
        text = ambiguous_text(typed)
        for reading, suggestion in (p.split(", écrivez ") for p in text.split(" ; pour ")[1:]):
            value, ambiguous = parse_number_text(suggestion)
            assert not ambiguous and suggestion != typed, (typed, suggestion)
            assert value == float(reading.replace("\u202f", "").replace(",", "."))


def test_an_ambiguous_number_in_action_yml_says_both_readings(tmp_path):
    from vccap.actionfile import ambiguous_text

    assert "pour 1\u202f380, écrivez 1380 ; pour 1,38, écrivez 1,38" in ambiguous_text("1,380")


# --------------------------------------------------------------------------- not records


@pytest.mark.parametrize(
    ("last", "value", "column"),
    [(";1540;", "1540", "Montant"), ("Total;1540;", "Total", None),
     ("Coût total;1540;", "Coût total", None),
     ("Dépenses totales TTC;1540;", "Dépenses totales TTC", None),
     (";1540;Total", "Total", None)],
)  # fmt: skip
def test_a_total_row_is_named_as_such_and_left_out(tmp_path, last, value, column):
    content = f"Poste;Montant;Financeur\nsalle;1200;Région\ncafé;340;\n{last}\n"
    table = read(tmp_path, content, "couts")
    assert table.ok, table.problems
    assert table.df["montant"].tolist() == [1200, 340]
    (warning,) = table.warnings
    assert (warning.code, warning.line, warning.value, warning.column) == (
        "ligne_total", 4, value, column
    )  # fmt: skip
    assert "ligne de total" in warning.expected and "laissée de côté" in warning.expected


def test_an_unlabelled_row_that_is_no_sum_is_still_an_empty_poste(tmp_path):
    table = read(tmp_path, "Poste;Montant\nsalle;1200\ncafé;340\n;75\n", "couts")
    assert [(p.code, p.line, p.column) for p in table.problems] == [("obligatoire", 4, "Poste")]
    assert table.warnings == []


def test_an_unlabelled_grand_total_after_subtotals_is_a_total(tmp_path):
    content = "Poste;Montant\nsalle;1200\ncafé;300\nSous-total;1500\nrepas;500\n;2000\n"
    table = read(tmp_path, content, "couts")
    assert table.ok and table.df["montant"].tolist() == [1200, 300, 500]
    assert [w.line for w in table.warnings] == [4, 6]


@pytest.mark.parametrize(
    ("kind", "content"),
    [("satisfaction", "Profil;Satisfaction;Commentaire\nelu;3;Total respect pour l'équipe\n"
      "partenaire;4;Bien\n"),
     ("participants", "Nom;Prénom;Profil;Structure\nDupont;Jean;partenaire;Total\n"
      "Martin;Léa;elu;TotalEnergies\n")],
)  # fmt: skip
def test_total_in_a_comment_or_a_company_name_is_a_record(tmp_path, kind, content):
    table = read(tmp_path, content, kind, references=None)
    assert table.ok and table.warnings == [] and len(table.df) == 2


@pytest.mark.parametrize(
    ("kind", "content", "line"),
    [("participants", "Nom;Prénom;Profil\nDupont;Jean;elu\nMartin;Léa;partenaire\n;;\n"
      "NB : chiffres provisoires;;\n", 5),
     ("satisfaction", "Profil;Satisfaction globale\nelu;3\npartenaire;4\n"
      "Source : questionnaire papier;\n", 4),
     ("couts", "Poste;Montant\nsalle;1200\ncafé;340\n* montants TTC;\n", 4)],
)  # fmt: skip
def test_a_note_under_the_table_is_named_as_such_and_left_out(tmp_path, kind, content, line):
    table = read(tmp_path, content, kind, references=None)
    assert table.ok, table.problems
    assert len(table.df) == 2
    (warning,) = table.warnings
    assert (warning.code, warning.line) == ("ligne_note", line)
    assert format_problem(warning).endswith(
        " — avertissement : note sous le tableau laissée de côté (ce n'est pas un "
        "enregistrement ; pour la garder, écrivez-la plutôt dans retour_experience.md)"
    )
    assert reader_warning(warning).endswith(
        f"une ligne de note sous le tableau (ligne {line}) a été laissée de côté."
    )


@pytest.mark.parametrize(
    ("kind", "content"),
    [("participants", "Nom;Prénom;Profil\nDupont;Jean;elu\nMartin;;\n"),  # a name alone
     ("satisfaction", "Profil;Satisfaction;Commentaire\nelu;3;bien\n;;Remarque : trop long\n"),
     ("satisfaction", "Commentaire\nNB : trop long\nBien\n")],  # a table of one column
)  # fmt: skip
def test_single_cells_that_are_records_are_kept(tmp_path, kind, content):
    table = read(tmp_path, content, kind, references=None)
    assert len(table.df) == 2 and "ligne_note" not in codes(table.warnings)
