"""Reading raw tables: fixtures, every normalisation path, every kind of problem."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from vccap.errors import InputError
from vccap.normalize import fold, fold_series
from vccap.schemas import TABLE_KINDS, load_schema
from vccap.tables import (
    EXPECTED_OLD_FORMAT,
    EXPECTED_TEXT_FILE,
    EXPECTED_XLSX,
    RawTable,
    find_table_files,
    read_table,
)

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"

TERRITOIRES = {
    "roannais": "Roannais Agglomération",
    "pilat-rhodanien": "Pilat rhodanien",
    "diois": "Diois",
    "ardeche-verte": "Ardèche verte",
}
STRUCTURES = {"chambre-agri-42": "Chambre d'agriculture", "cci-lyon": "CCI Lyon"}


def keys(table: dict[str, str]) -> dict[str, str]:
    """What the workspace hands to read_table: folded ids and names -> id."""
    return {**{fold(k): k for k in table}, **{fold(v): k for k, v in table.items()}}


REFERENCES = {"territoires": keys(TERRITOIRES), "structures": keys(STRUCTURES)}
VOCABULAIRE_PROFIL = (
    "une des valeurs : porteur_de_projet, partenaire, technicien_territoire, elu, intervenant, "
    "autre"
)


def write(tmp_path: Path, content: str | bytes, name: str = "table.csv",
          encoding: str = "utf-8") -> Path:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def read(tmp_path: Path, content: str | bytes, kind: str = "contacts", *,
         encoding: str = "utf-8", **kwargs) -> RawTable:  # fmt: skip
    kwargs.setdefault("references", REFERENCES)
    return read_table(write(tmp_path, content, encoding=encoding), kind, **kwargs)


def xlsx(tmp_path: Path, rows: list[list], name: str = "table.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def only(table: RawTable) -> InputError:
    assert len(table.problems) == 1, table.problems
    return table.problems[0]


# --------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  Très satisfait ! ", "tres_satisfait"),
        ("Code postal", "code_postal"),
        ("E-mail", "e_mail"),
        ("PRÉNOM", "prenom"),
        ("Secteur d'activité", "secteur_d_activite"),
        ("n° de téléphone", "n_de_telephone"),
        ("__déjà__vu__", "deja_vu"),
        ("Montant (€)", "montant"),
        ("Œuvre", "œuvre"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_fold(text, key):
    assert fold(text) == key


def test_fold_series_keeps_index_and_missing_values():
    s = pd.Series(["Élu", None, "élu", "Porteur de projet"], index=[5, 6, 7, 8], name="p")
    folded = fold_series(s)
    assert folded.index.tolist() == [5, 6, 7, 8]
    assert folded.name == "p"
    assert folded.tolist()[0] == "elu" and folded.tolist()[2] == "elu"
    assert pd.isna(folded.iloc[1])
    assert folded.iloc[3] == "porteur_de_projet"


# --------------------------------------------------------------------------- bad fixtures

BAD_CASES = [
    # file, kind, line, column, value, code, expected
    ("colonne_obligatoire_manquante.csv", "contacts", 1, "Profil", "", "colonne_manquante",
     "une colonne « Profil »"),
    ("vocabulaire_inconnu.csv", "participants", 3, "Profil", "visiteur", "vocabulaire",
     VOCABULAIRE_PROFIL),
    ("date_impossible.csv", "contacts", 3, "Date", "31/02/2016", "date",
     "une date (2016-06-15 ou 15/06/2016)"),
    ("entete_double.csv", "contacts", 1, "E-mail", "E-mail", "entete_double",
     "une seule colonne « Courriel » (déjà donnée par la colonne « Courriel »)"),
    ("fichier_vide.csv", "contacts", None, None, None, "fichier_vide",
     "un tableau avec une ligne de titres de colonnes"),
    ("binaire.csv", "contacts", None, None, None, "fichier_illisible", EXPECTED_TEXT_FILE),
    ("xlsx_sans_lignes.xlsx", "contacts", None, None, None, "fichier_vide",
     "un tableau avec une ligne de titres de colonnes"),
    ("xlsx_corrompu.xlsx", "contacts", None, None, None, "fichier_illisible", EXPECTED_XLSX),
    ("nombre_invalide.csv", "couts", 3, "Montant", "douze cents", "nombre",
     "un nombre (1234,5)"),
    ("territoire_inconnu.csv", "contacts", 3, "Territoire", "Atlantide", "reference",
     "un territoire de territoires.csv (identifiant ou nom)"),
    ("booleen_invalide.csv", "contacts", 3, "Suite souhaitée", "peut-être", "booleen",
     "oui ou non"),
    ("entete_vide.csv", "contacts", 1, None, None, "entete_vide",
     "un titre pour la colonne n° 3 (C), qui contient des données"),
    ("entier_invalide.csv", "evenements", 2, "Participants", "12,5", "entier",
     "un nombre entier (12)"),
    ("montant_negatif.csv", "couts", 2, "Montant", "-50", "minimum",
     "un nombre supérieur ou égal à 0"),
    ("valeur_obligatoire_vide.csv", "contacts", 3, "Territoire", "", "obligatoire",
     "une valeur (colonne obligatoire)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "kind", "line", "column", "value", "code", "expected"),
    BAD_CASES,
    ids=[case[0] for case in BAD_CASES],
)
def test_bad_fixture(name, kind, line, column, value, code, expected):
    display = f"actions/2016-06-salon/{name}"
    table = read_table(BAD / name, kind, display=display, references=REFERENCES,
                       action="2016-06-salon")  # fmt: skip
    problem = only(table)
    assert isinstance(problem, InputError)
    assert problem.file == display
    assert (problem.line, problem.column, problem.value) == (line, column, value)
    assert problem.code == code
    assert problem.expected == expected
    assert problem.action == "2016-06-salon"
    assert table.display == display
    assert list(table.df.columns[: len(load_schema(kind).names)]) == list(load_schema(kind).names)


def test_bad_fixtures_are_all_tested():
    tested = {case[0] for case in BAD_CASES}
    assert {p.name for p in BAD.iterdir()} == tested


def test_display_defaults_to_path_as_given():
    path = BAD / "date_impossible.csv"
    table = read_table(path, "contacts")
    assert table.display == str(path)
    assert only(table).file == str(path)


def test_bad_rows_are_kept_with_bad_cell_na():
    table = read_table(BAD / "date_impossible.csv", "contacts", references=REFERENCES)
    df = table.df
    assert df["_ligne"].tolist() == [2, 3]
    assert df["date"].tolist()[0] == pd.Timestamp("2016-06-15")
    assert pd.isna(df["date"].iloc[1])
    assert df["profil"].tolist() == ["partenaire", "porteur_de_projet"]


def test_missing_required_column_is_present_and_empty():
    table = read_table(BAD / "colonne_obligatoire_manquante.csv", "contacts")
    assert "profil" in table.df.columns
    assert table.df["profil"].isna().all()
    assert len(table.df) == 1


def test_duplicate_header_keeps_first_column():
    table = read_table(BAD / "entete_double.csv", "contacts")
    assert table.df["courriel"].tolist() == ["a@exemple.fr"]
    assert table.headers["courriel"] == "Courriel"


def test_unreadable_file_gives_empty_table_with_schema_columns():
    table = read_table(BAD / "binaire.csv", "participants")
    assert table.df.empty
    assert list(table.df.columns) == [*load_schema("participants").names, "_ligne",
                                      "departement"]  # fmt: skip
    assert not table.ok


def test_missing_file_is_a_problem(tmp_path):
    table = read_table(tmp_path / "absent.csv", "contacts")
    assert only(table).code == "fichier_illisible"


# --------------------------------------------------------------------------- good fixtures


def test_cp1252_semicolon_french_dates():
    table = read_table(GOOD / "contacts_cp1252_pointvirgule.csv", "contacts",
                       references=REFERENCES)  # fmt: skip
    assert table.ok, table.problems
    df = table.df
    assert df["_ligne"].tolist() == [2, 3, 5]  # line 4 is empty: ignored, not renumbered
    assert df["date"].tolist() == [pd.Timestamp("2016-06-15"), pd.Timestamp("2016-06-15"),
                                   pd.Timestamp("2016-06-16")]  # fmt: skip
    assert df["territoire"].tolist() == ["roannais", "pilat-rhodanien", "pilat-rhodanien"]
    assert df["profil"].tolist() == ["porteur_de_projet", "elu", "partenaire"]
    assert df["nom"].tolist() == ["Lefèvre", "Garçon", "Durand"]
    assert df["prenom"].tolist() == ["Élodie", "Rémi", "Zoé"]
    assert df["courriel"].tolist()[2] == "zoe.durand@exemple.fr"
    assert df["telephone"].tolist()[0] == "06 12 34 56 78"
    assert df["structure"].tolist() == ["chambre-agri-42", "Mairie de Pélussin",
                                        "CCI Lyon Métropole"]  # fmt: skip
    assert df["code_postal"].tolist() == ["42300", "42410", "69002"]
    assert df["departement"].tolist() == ["42", "42", "69"]
    assert df["secteur_projet"].tolist()[::2] == ["agriculture_alimentation",
                                                  "economie_circulaire"]  # fmt: skip
    assert df["stade_projet"].tolist()[::2] == ["reflexion", "idee"]
    assert df["type_demande"].tolist() == ["creation", "information", "reprise"]
    assert df["suite_souhaitee"].tolist()[:2] == [True, False]
    assert pd.isna(df["suite_souhaitee"].iloc[2])
    assert table.headers["courriel"] == "E-mail"
    assert table.headers["telephone"] == "Tél"


def test_cp1252_decimal_commas_and_euros():
    table = read_table(GOOD / "couts_cp1252.csv", "couts")
    assert table.ok, table.problems
    assert table.df["montant"].tolist() == [4500.0, 1234.5, 87.6, 120.0]
    assert table.df["poste"].tolist()[2] == "Café d'accueil"
    assert table.df["financeur"].tolist()[0] == "Région"
    assert pd.isna(table.df["financeur"].iloc[2])


def test_utf8_bom_tabs_aliases_and_unknown_column():
    table = read_table(GOOD / "participants_utf8_bom_tab.csv", "participants",
                       references=REFERENCES)  # fmt: skip
    assert table.ok, table.problems
    df = table.df
    assert df["_ligne"].tolist() == [2, 4]
    assert table.headers["nom"] == "NOM"
    assert table.headers["profil"] == "Vous êtes"
    assert table.ignored == ["Remarque interne"]
    assert "Remarque interne" not in df.columns
    assert df["profil"].tolist() == ["technicien_territoire", "porteur_de_projet"]
    assert df["code_postal"].tolist() == ["26150", "07000"]
    assert df["departement"].tolist() == ["26", "07"]
    assert df["territoire"].tolist()[0] == "diois"
    assert df["territoire_vise"].tolist()[1] == "ardeche-verte"
    assert df["structure"].tolist()[1] == "Association inconnue"
    assert df["engagement"].tolist()[0] == "organiser un événement local"


def test_quoted_cells_integers_and_written_dates():
    table = read_table(GOOD / "evenements_virgule.csv", "evenements", references=REFERENCES)
    assert table.ok, table.problems
    df = table.df
    assert df["titre"].tolist()[0] == "Marché de producteurs, Feurs"
    assert df["participants"].tolist() == [1200, 85, 0]
    assert str(df["participants"].dtype) == "Int64"
    assert df["date"].tolist() == [pd.Timestamp("2016-09-03"), pd.Timestamp("2016-09-10"),
                                   pd.Timestamp("2016-10-01")]  # fmt: skip
    assert df["_ligne"].tolist() == [2, 3, 4]  # spreadsheet rows, not text lines


def test_satisfaction_scale_and_checkbox():
    table = read_table(GOOD / "satisfaction.csv", "satisfaction")
    assert table.ok, table.problems
    df = table.df
    assert df["satisfaction_globale"].tolist() == ["tres_satisfait", "satisfait",
                                                   "pas_satisfait"]  # fmt: skip
    assert df["utilite"].tolist() == ["tres_satisfait", "peu_satisfait", "pas_satisfait"]
    assert df["qualite_intervenants"].tolist()[:2] == ["satisfait", "peu_satisfait"]
    assert pd.isna(df["qualite_intervenants"].iloc[2])
    assert df["souhait_suite"].tolist() == [True, False, True]  # "x" or nothing
    assert df["commentaire"].tolist()[0] == "Très bonne journée"


def test_xlsx_excel_dates_numbers_and_trailing_empty_cells():
    table = read_table(GOOD / "contacts_excel.xlsx", "contacts", references=REFERENCES)
    assert table.ok, table.problems
    df = table.df
    assert len(df) == 3
    assert df["_ligne"].tolist() == [2, 3, 4]
    assert df["date"].tolist() == [pd.Timestamp("2016-06-15"), pd.Timestamp("2016-06-16"),
                                   pd.Timestamp("2016-06-15")]  # fmt: skip
    assert df["code_postal"].tolist() == ["07100", "26150", "01100"]
    assert df["departement"].tolist() == ["07", "26", "01"]
    assert df["suite_souhaitee"].tolist() == [True, False, True]
    assert df["territoire"].tolist() == ["roannais", "diois", "diois"]


# --------------------------------------------------------------------------- output frame


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_output_columns_and_dtypes(tmp_path, kind):
    schema = load_schema(kind)
    header = ";".join(f.title for f in schema.fields)
    table = read(tmp_path, header + "\n", kind)
    extra = ["departement"] if kind in ("participants", "contacts") else []
    assert list(table.df.columns) == [*schema.names, "_ligne", *extra]
    expected = {"date": "datetime64[ns]", "boolean": "boolean", "integer": "Int64",
                "number": "float64", "string": "str"}  # fmt: skip
    for f in schema.fields:
        assert str(table.df[f.name].dtype) == expected[f.type], f.name
    assert str(table.df["_ligne"].dtype) == "Int64"
    assert table.ok


def test_missing_optional_columns_are_na(tmp_path):
    table = read(tmp_path, "Territoire;Profil\nroannais;elu\n")
    df = table.df
    assert table.ok
    assert pd.isna(df["date"].iloc[0])
    assert pd.isna(df["suite_souhaitee"].iloc[0])
    assert pd.isna(df["courriel"].iloc[0])
    assert pd.isna(df["departement"].iloc[0])


def test_no_row_is_ever_dropped(tmp_path):
    lines = ["Date;Territoire;Profil;Code postal;Suite souhaitée"]
    rows = [
        "15/06/2016;roannais;elu;42000;oui",
        "31/02/2016;atlantide;visiteur;xx;peut-être",
        ";;;;",
        "pas une date;;;;",
        ";;;;non",
        "demain;ailleurs;quelqu'un;;???",
    ]
    table = read(tmp_path, "\n".join(lines + rows) + "\n")
    assert table.df["_ligne"].tolist() == [2, 3, 5, 6, 7]
    assert len(table.df) == 5
    lines_with_problems = {p.line for p in table.problems}
    assert lines_with_problems == {3, 5, 6, 7}
    assert table.df["profil"].isna().tolist() == [False, True, True, True, True]


def test_problems_are_sorted_by_line_then_column(tmp_path):
    table = read(tmp_path, "Profil;Territoire\nvisiteur;atlantide\nelu;\n")
    found = [(p.line, p.column, p.code) for p in table.problems]
    assert found == [(2, "Profil", "vocabulaire"), (2, "Territoire", "reference"),
                     (3, "Territoire", "obligatoire")]  # fmt: skip


def test_many_problems_each_reported(tmp_path):
    body = "".join(f"roannais;inconnu{i}\n" for i in range(50))
    table = read(tmp_path, "Territoire;Profil\n" + body)
    assert len(table.problems) == 50
    assert [p.line for p in table.problems] == list(range(2, 52))
    assert {p.code for p in table.problems} == {"vocabulaire"}


def test_header_only_gives_empty_table(tmp_path):
    table = read(tmp_path, "Territoire;Profil\n")
    assert table.ok
    assert table.df.empty


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(tmp_path, encoding):
    content = "Territoire;Profil;Nom\nroannais;Élu;Lefèvre Œil\n"
    table = read(tmp_path, content, encoding=encoding)
    assert table.ok, table.problems
    assert table.df["profil"].tolist() == ["elu"]
    assert table.df["nom"].tolist() == ["Lefèvre Œil"]
    assert table.headers["territoire"] == "Territoire"


def test_old_xls_is_not_read(tmp_path):
    table = read(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    assert only(table).code == "fichier_illisible"
    assert only(table).expected == EXPECTED_OLD_FORMAT


def test_whitespace_only_file_is_empty(tmp_path):
    assert only(read(tmp_path, "\n \r\n\t\n")).code == "fichier_vide"
    assert only(read(tmp_path, ";;;\n;;\n")).code == "fichier_vide"


def test_xlsx_content_under_csv_name_is_read(tmp_path):
    path = xlsx(tmp_path, [["Territoire", "Profil"], ["diois", "elu"]], name="x.csv")
    table = read_table(path, "contacts", references=REFERENCES)
    assert table.ok
    assert table.df["profil"].tolist() == ["elu"]


# --------------------------------------------------------------------------- separators


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators(tmp_path, sep):
    content = sep.join(["Territoire", "Profil", "Montant"]) + "\n"
    content += sep.join(["roannais", "elu", '"1,5"']) + "\n"
    table = read(tmp_path, content)
    assert table.ok, table.problems
    assert table.df["profil"].tolist() == ["elu"]


def test_single_column_file(tmp_path):
    table = read(tmp_path, "Profil\nelu\n", "participants")
    assert table.ok
    assert table.df["profil"].tolist() == ["elu"]


def test_ragged_rows(tmp_path):
    table = read(tmp_path, "Territoire;Profil\nroannais;elu;en trop\ndiois\n")
    codes = [(p.line, p.code) for p in table.problems]
    assert codes == [(1, "entete_vide"), (3, "obligatoire")]
    assert table.df["territoire"].tolist() == ["roannais", "diois"]


def test_header_after_empty_lines(tmp_path):
    table = read(tmp_path, "\n;;\nTerritoire;Profil\nroannais;visiteur\n")
    assert table.df["_ligne"].tolist() == [4]
    assert only(table).line == 4


def test_trailing_empty_columns_are_dropped(tmp_path):
    table = read(tmp_path, "Territoire;Profil;;;\nroannais;elu;;;\n\n\n")
    assert table.ok
    assert len(table.df) == 1


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header",
    ["Code postal", "CODE-POSTAL", " code postal ", "Code_Postal", "cp", "C.P.", "code_postal"],
)
def test_header_spellings(tmp_path, header):
    table = read(tmp_path, f"Territoire;Profil;{header}\nroannais;elu;42000\n")
    assert table.ok
    assert table.df["code_postal"].tolist() == ["42000"]
    assert table.headers["code_postal"] == header.strip()


def test_missing_required_columns_each_reported(tmp_path):
    table = read(tmp_path, "Nom;Courriel\nMartin;a@exemple.fr\n")
    found = [(p.line, p.column, p.value, p.code, p.expected) for p in table.problems]
    assert found == [
        (1, "Territoire", "", "colonne_manquante", "une colonne « Territoire »"),
        (1, "Profil", "", "colonne_manquante", "une colonne « Profil »"),
    ]


def test_empty_header_without_data_is_ignored(tmp_path):
    table = read(tmp_path, "Territoire;;Profil\nroannais;;elu\n")
    assert table.ok
    assert table.df["profil"].tolist() == ["elu"]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("2016-06-15", "2016-06-15"),
        ("2016/06/15", "2016-06-15"),
        ("15/06/2016", "2016-06-15"),
        ("5/6/2016", "2016-06-05"),
        ("15/06/16", "2016-06-15"),
        ("15-06-2016", "2016-06-15"),
        ("15.06.2016", "2016-06-15"),
        ("42536", "2016-06-15"),
        ("42536.5", "2016-06-15"),
        ("15 juin 2016", "2016-06-15"),
        ("1er juin 2016", "2016-06-01"),
        ("3 Févr. 2017", "2017-02-03"),
        ("2016-06-15 14:30:00", "2016-06-15"),
        ("2016-06-15T14:30", "2016-06-15"),
        ("15/06/2016 14:30", "2016-06-15"),
        ("29/02/2016", "2016-02-29"),
    ],
)
def test_dates(tmp_path, typed, date):
    table = read(tmp_path, f"Date;Territoire;Profil\n{typed};roannais;elu\n")
    assert table.ok, table.problems
    assert table.df["date"].tolist() == [pd.Timestamp(date)]
    assert str(table.df["date"].dtype) == "datetime64[ns]"


@pytest.mark.parametrize(
    "typed",
    ["31/02/2016", "29/02/2017", "2016-13-01", "13/15/2016", "demain", "15/06", "1",
     "32 juin 2016", "2016-06-15x", "15/06/3000", "9999-12-31", "0001-01-01", "15/06/0016"],
)  # fmt: skip
def test_impossible_dates(tmp_path, typed):
    table = read(tmp_path, f"Date;Territoire;Profil\n{typed};roannais;elu\n")
    problem = only(table)
    assert (problem.line, problem.column, problem.value, problem.code) == (2, "Date", typed,
                                                                          "date")  # fmt: skip
    assert pd.isna(table.df["date"].iloc[0])


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1234,5", 1234.5),
        ("1234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,50 €", 1234.5),
        ("1\u202f234", 1234.0),
        ("4 500 €", 4500.0),
        ("4500 EUR", 4500.0),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1,234.5", 1234.5),
        (",5", 0.5),
        ("0", 0.0),
        ("+12", 12.0),
    ],
)
def test_numbers(tmp_path, typed, value):
    table = read(tmp_path, f"Poste;Montant\nstand;{typed}\n", "couts")
    assert table.ok, table.problems
    assert table.df["montant"].tolist() == [value]


@pytest.mark.parametrize("typed", ["douze", "1,2,3", "€", "inf", "nan", "1.2.3", "12-5", "--1"])
def test_invalid_numbers(tmp_path, typed):
    table = read(tmp_path, f"Poste;Montant\nstand;{typed}\n", "couts")
    problem = only(table)
    assert (problem.column, problem.value, problem.code, problem.expected) == (
        "Montant",
        typed,
        "nombre",
        "un nombre (1234,5)",
    )
    assert pd.isna(table.df["montant"].iloc[0])


def test_number_minimum(tmp_path):
    table = read(tmp_path, "Poste;Montant\nstand;-12,5\nremise;0\n", "couts")
    problem = only(table)
    assert (problem.line, problem.value, problem.code) == (2, "-12,5", "minimum")
    assert problem.expected == "un nombre supérieur ou égal à 0"
    assert pd.isna(table.df["montant"].iloc[0])
    assert table.df["montant"].iloc[1] == 0


@pytest.mark.parametrize(("typed", "value"), [("12", 12), ("1 200", 1200), ("12,0", 12),
                                              ("0", 0)])  # fmt: skip
def test_integers(tmp_path, typed, value):
    content = f"Titre;Territoire;Date;Participants\nMarché;diois;2016-09-03;{typed}\n"
    table = read(tmp_path, content, "evenements")
    assert table.ok, table.problems
    assert table.df["participants"].tolist() == [value]


@pytest.mark.parametrize(
    ("typed", "code"), [("12,5", "entier"), ("douze", "entier"), ("-3", "minimum")]
)
def test_invalid_integers(tmp_path, typed, code):
    content = f"Titre;Territoire;Date;Participants\nMarché;diois;2016-09-03;{typed}\n"
    table = read(tmp_path, content, "evenements")
    assert only(table).code == code
    assert only(table).value == typed
    assert pd.isna(table.df["participants"].iloc[0])


# --------------------------------------------------------------------------- booleans


@pytest.mark.parametrize(
    ("typed", "value"),
    [("oui", True), ("Oui", True), ("OUI", True), ("vrai", True), ("1", True), ("x", True),
     ("X", True), ("yes", True), ("non", False), ("Non", False), ("faux", False),
     ("0", False), ("no", False), ("", False)],
)  # fmt: skip
def test_booleans(tmp_path, typed, value):
    # The second row says "oui": a blank in a column of yes only is a box left unticked.
    content = f"Territoire;Profil;Suite souhaitée\nroannais;elu;{typed}\ndiois;elu;oui\n"
    table = read(tmp_path, content)
    assert table.ok, table.problems
    got = table.df["suite_souhaitee"].iloc[0]
    assert pd.isna(got) if value is None else got == value
    assert str(table.df["suite_souhaitee"].dtype) == "boolean"


def test_checkbox_empty_means_no(tmp_path):
    content = "Territoire;Profil;Suite souhaitée\nroannais;elu;x\ndiois;elu;\n"
    assert read(tmp_path, content).df["suite_souhaitee"].tolist() == [True, False]


def test_empty_is_unknown_when_no_is_written(tmp_path):
    content = "Territoire;Profil;Suite souhaitée\nroannais;elu;x\ndiois;elu;non\ndiois;elu;\n"
    values = read(tmp_path, content).df["suite_souhaitee"]
    assert values.iloc[:2].tolist() == [True, False]
    assert pd.isna(values.iloc[2])


def test_invalid_boolean(tmp_path):
    content = "Territoire;Profil;Suite souhaitée\nroannais;elu;bof\n"
    problem = only(read(tmp_path, content))
    assert (problem.value, problem.code, problem.expected) == ("bof", "booleen", "oui ou non")


# --------------------------------------------------------------------------- vocabularies


@pytest.mark.parametrize(
    ("typed", "value"),
    [("Porteur de projet", "porteur_de_projet"), ("PORTEUR-DE-PROJET", "porteur_de_projet"),
     ("porteur_de_projet", "porteur_de_projet"), ("Porteuse", "porteur_de_projet"),
     ("Élu", "elu"), ("élue", "elu"), ("Élu(e)", "elu"), ("  partenaire ", "partenaire"),
     ("Technicien territoire", "technicien_territoire"), ("Autre", "autre")],
)  # fmt: skip
def test_profile_vocabulary(tmp_path, typed, value):
    table = read(tmp_path, f"Territoire;Profil\nroannais;{typed}\n")
    assert table.ok, table.problems
    assert table.df["profil"].tolist() == [value]


@pytest.mark.parametrize(
    ("typed", "value"),
    [("4", "tres_satisfait"), ("3", "satisfait"), ("2", "peu_satisfait"), ("1", "pas_satisfait"),
     ("très satisfait", "tres_satisfait"), ("Très Satisfait", "tres_satisfait"),
     ("TRES_SATISFAIT", "tres_satisfait"), ("Satisfaite", "satisfait"),
     ("Pas du tout satisfait", "pas_satisfait")],
)  # fmt: skip
def test_satisfaction_scale(tmp_path, typed, value):
    table = read(tmp_path, f"Satisfaction\n{typed}\n", "satisfaction")
    assert table.ok, table.problems
    assert table.df["satisfaction_globale"].tolist() == [value]


def test_scale_expected_mentions_notes(tmp_path):
    problem = only(read(tmp_path, "Satisfaction\nbof\n", "satisfaction"))
    assert problem.expected == ("une des valeurs : tres_satisfait, satisfait, peu_satisfait, "
                                "pas_satisfait (ou une note de 4 à 1)")  # fmt: skip


def test_etape_vocabulary(tmp_path):
    content = "Date;Étape\n2016-07-01;Rendez-vous\n2016-08-01;Visite du territoire\n"
    table = read(tmp_path, content, "suivi")
    assert table.ok, table.problems
    assert table.df["etape"].tolist() == ["rendez_vous", "visite_territoire"]


# --------------------------------------------------------------------------- references


def test_references_by_id_and_name(tmp_path):
    content = ("Territoire;Profil;Structure\nRoannais Agglomération;elu;CCI Lyon\n"
               "pilat-rhodanien;elu;chambre-agri-42\nPILAT RHODANIEN;elu;Mairie\n")  # fmt: skip
    table = read(tmp_path, content)
    assert table.ok, table.problems
    assert table.df["territoire"].tolist() == ["roannais", "pilat-rhodanien", "pilat-rhodanien"]
    assert table.df["structure"].tolist() == ["cci-lyon", "chambre-agri-42", "Mairie"]


def test_unknown_vise_territory_is_a_problem(tmp_path):
    content = "Profil;Territoire visé\nporteur;Atlantide\n"
    problem = only(read(tmp_path, content, "participants"))
    assert (problem.column, problem.value, problem.code) == ("Territoire visé", "Atlantide",
                                                             "reference")  # fmt: skip


def test_references_not_checked_without_tables(tmp_path):
    table = read(tmp_path, "Territoire;Profil\n Atlantide ;elu\n", references=None)
    assert table.ok
    assert table.df["territoire"].tolist() == ["Atlantide"]


# --------------------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("typed", "zip_code", "departement"),
    [("42000", "42000", "42"), ("7000", "07000", "07"), ("69 000", "69000", "69"),
     ("69000.0", "69000", "69"), ("1100", "01100", "01"), ("Lyon", "Lyon", None),
     ("2A004", "2A004", None), ("B-1000", "B-1000", None)],
)  # fmt: skip
def test_code_postal(tmp_path, typed, zip_code, departement):
    table = read(tmp_path, f"Territoire;Profil;Code postal\nroannais;elu;{typed}\n")
    assert table.ok
    assert table.df["code_postal"].tolist() == [zip_code]
    got = table.df["departement"].iloc[0]
    assert pd.isna(got) if departement is None else got == departement


def test_personal_fields_are_trimmed_not_changed(tmp_path):
    content = "Territoire;Profil;Nom;Prénom;Courriel;Téléphone\n"
    content += "roannais;elu;  de La Tour ;Anne-Lise; Anne@Exemple.FR ;06.12.34.56.78\n"
    df = read(tmp_path, content).df
    assert df.loc[0, ["nom", "prenom", "courriel", "telephone"]].tolist() == [
        "de La Tour",
        "Anne-Lise",
        "Anne@Exemple.FR",
        "06.12.34.56.78",
    ]


# --------------------------------------------------------------------------- xlsx


def test_xlsx_cell_types(tmp_path):
    path = xlsx(tmp_path, [
        ["Date", "Territoire", "Profil", "Code postal", "Suite souhaitée", "Téléphone"],
        [dt.datetime(2016, 6, 15, 14, 30), "diois", "elu", 7000, True, 612345678],
        [dt.date(2016, 6, 16), "diois", "elu", 42000.0, False, "06 12 34 56 78"],
    ])  # fmt: skip
    table = read_table(path, "contacts", references=REFERENCES)
    assert table.ok, table.problems
    df = table.df
    assert df["date"].tolist() == [pd.Timestamp("2016-06-15"), pd.Timestamp("2016-06-16")]
    assert df["code_postal"].tolist() == ["07000", "42000"]
    assert df["suite_souhaitee"].tolist() == [True, False]
    assert df["telephone"].tolist() == ["612345678", "06 12 34 56 78"]


def test_xlsx_lines_are_sheet_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "Territoire", "Profil"
    ws["B4"], ws["C4"] = "diois", "elu"
    ws["B7"], ws["C7"] = "diois", "visiteur"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    table = read_table(path, "contacts", references=REFERENCES)
    assert table.df["_ligne"].tolist() == [4, 7]
    problem = only(table)
    assert (problem.line, problem.column, problem.value) == (7, "Profil", "visiteur")


def test_xlsx_error_and_numeric_cells_are_validated(tmp_path):
    path = xlsx(tmp_path, [["Poste", "Montant"], ["stand", 4500.5], ["café", "#N/A"]])
    table = read_table(path, "couts")
    assert table.df["montant"].tolist()[0] == 4500.5
    assert (only(table).line, only(table).value, only(table).code) == (3, "#N/A", "nombre")


def test_xlsx_without_data_rows(tmp_path):
    table = read_table(xlsx(tmp_path, [["Territoire", "Profil"]]), "contacts")
    assert table.ok
    assert table.df.empty


def test_xlsx_with_only_empty_cells(tmp_path):
    table = read_table(xlsx(tmp_path, [[None, None], ["", " "]]), "contacts")
    assert only(table).code == "fichier_vide"


def test_xlsx_truncated_in_memory(tmp_path):
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["Territoire"])
    wb.save(buffer)
    data = buffer.getvalue()
    for cut in (4, 100, len(data) - 10):
        table = read_table(write(tmp_path, data[:cut], name="t.xlsx"), "contacts")
        assert only(table).code == "fichier_illisible"


# --------------------------------------------------------------------------- finding files


def test_find_table_files(tmp_path):
    action = tmp_path / "actions" / "2016-06-salon"
    action.mkdir(parents=True)
    for name in ["contacts.csv", "Satisfaction.XLSX", "action.yml", "retour_experience.md",
                 "~$contacts.xlsx", ".~lock.contacts.csv#", "notes.csv", "couts.csv",
                 "couts.xlsx", "participants.ods", "Suivi.csv", "photo.jpg"]:  # fmt: skip
        (action / name).write_text("x")
    (action / "evenements.csv").mkdir()
    tables, problems = find_table_files(action, display_root=tmp_path, action="2016-06-salon")
    assert tables == {
        "contacts": action / "contacts.csv",
        "satisfaction": action / "Satisfaction.XLSX",
        "suivi": action / "Suivi.csv",
        "participants": action / "participants.ods",
    }
    found = sorted((p.code, p.severity, p.file) for p in problems)
    assert found == [
        ("fichier_double", "erreur", "actions/2016-06-salon/couts.xlsx"),
        ("fichier_ignore", "information", "actions/2016-06-salon/evenements.csv"),
        ("fichier_ignore", "information", "actions/2016-06-salon/photo.jpg"),
        ("fichier_non_reconnu", "avertissement", "actions/2016-06-salon/notes.csv"),
    ]
    double = next(p for p in problems if p.code == "fichier_double")
    assert double.expected == (
        "un seul fichier pour la table « couts » : « couts.csv » et « couts.xlsx » désignent "
        "tous deux cette table et aucun n'est lu ; gardez-en un seul dans le dossier de "
        "l'action et déplacez l'autre ailleurs"
    )
    assert all(p.action == "2016-06-salon" for p in problems)


def test_find_table_files_in_missing_folder(tmp_path):
    assert find_table_files(tmp_path / "absent") == ({}, [])


def test_find_then_read(tmp_path):
    (tmp_path / "Contacts.csv").write_text("Territoire;Profil\ndiois;elu\n", encoding="utf-8")
    tables, problems = find_table_files(tmp_path)
    assert not problems
    table = read_table(tables["contacts"], "contacts", references=REFERENCES)
    assert table.ok
    assert np.array_equal(table.df["_ligne"].to_numpy(), [2])


def test_excel_separator_hint_line(tmp_path):
    table = read(tmp_path, "sep=,\r\nTerritoire,Profil\r\nroannais,visiteur\r\n")
    assert table.headers == {"territoire": "Territoire", "profil": "Profil"}
    assert only(table).line == 2  # as Excel shows it: the hint line is hidden


def test_ragged_rows_in_a_long_file(tmp_path):
    body = "roannais;elu\n" * 1000 + "diois;elu;;\n" + "diois;partenaire;;;\n"
    table = read(tmp_path, "Territoire;Profil\n" + body)
    assert table.ok, table.problems[:3]
    assert len(table.df) == 1002


def test_unclosed_quote(tmp_path):
    table = read(tmp_path, 'Territoire;Profil\n"roannais;elu\ndiois;elu\n')
    problem = only(table)
    assert (problem.line, problem.code) == (2, "guillemet")
    assert "guillemet" in problem.expected
    assert table.df.empty


# --------------------------------------------------------------------------- reference tables


def test_read_territoires(tmp_path):
    content = (
        "id,nom,milieu,département\ndiois,Pays Diois,Rural,26\nardeche,Ardèche,péri-urbain,7\n"
    )
    table = read(tmp_path, content, "territoires", references=None)
    assert table.ok, table.problems
    assert table.df["milieu"].tolist() == ["rural", "periurbain"]
    assert table.df["departement"].tolist() == ["26", "07"]
    # the optional article column is added, empty: the pages then phrase without it
    assert list(table.df.columns) == ["id", "nom", "milieu", "departement", "article", "_ligne"]
    assert table.df["article"].isna().all()


def test_read_structures_checks_milieu(tmp_path):
    content = "id,nom,categorie,milieu,territoire\nafe,AFE,institution,périurbain,\n"
    table = read(tmp_path, content, "structures", references=None)
    assert (only(table).column, only(table).code) == ("milieu", "vocabulaire")
    assert only(table).expected == "une des valeurs : rural, urbain"


def test_reference_table_names_are_not_action_tables(tmp_path):
    (tmp_path / "territoires.csv").write_text("id\ndiois\n", encoding="utf-8")
    tables, problems = find_table_files(tmp_path)
    assert tables == {}
    assert [(p.code, p.severity) for p in problems] == [("fichier_non_reconnu", "avertissement")]
