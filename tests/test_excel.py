"""Blank Excel templates: structure, validations, reproducibility and round trips."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from vccap.errors import InputError
from vccap.excel import (
    BOOLEAN_CHOICES,
    DATE_FORMAT,
    INTEGER_FORMAT,
    NUMBER_FORMAT,
    PERSONAL_NOTE,
    SHEET_DICTIONARY,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    TEMPLATE_ROWS,
    choices,
    template_bytes,
    write_template,
    write_templates,
)
from vccap.normalize import fold
from vccap.schemas import SCHEMA_KINDS, TABLE_KINDS, Field, load_schema
from vccap.tables import read_table

TERRITOIRES = {"diois": "Pays Diois", "ardeche-verte": "Ardèche verte"}
STRUCTURES = {"afe": "Agence France Entrepreneur"}


def keys(table: dict[str, str]) -> dict[str, str]:
    return {**{fold(k): k for k in table}, **{fold(v): k for k, v in table.items()}}


REFERENCES = {"territoires": keys(TERRITOIRES), "structures": keys(STRUCTURES)}


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("modeles")
    return {kind: write_template(kind, folder / f"{kind}.xlsx") for kind in SCHEMA_KINDS}


def validation_for(sheet, column: int):
    """The data validation covering row 2 of ``column`` (1-based), or None."""
    coordinate = f"{openpyxl.utils.get_column_letter(column)}2"
    found = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) <= 1, found
    return found[0] if found else None


def list_values(wb, formula: str) -> list[str]:
    match = re.fullmatch(r"'?(\w+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match, formula
    sheet, col, first, col2, last = match.groups()
    assert col == col2
    return [wb[sheet][f"{col}{i}"].value for i in range(int(first), int(last) + 1)]


def fields(kind: str) -> tuple[Field, ...]:
    return load_schema(kind).fields


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_sheets_are_data_first_then_instructions_dictionary_and_hidden_lists(templates, kind):
    wb = openpyxl.load_workbook(templates[kind])
    assert wb.sheetnames == [kind, SHEET_INSTRUCTIONS, SHEET_DICTIONARY, SHEET_LISTS]
    assert wb[SHEET_LISTS].sheet_state == "hidden"
    assert wb[kind].sheet_state == "visible"
    assert wb.active.title == kind
    assert wb.properties.creator == "vccap"


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_headers_are_the_schema_titles_with_style_and_frozen_pane(templates, kind):
    wb = openpyxl.load_workbook(templates[kind])
    sheet = wb[kind]
    headers = [c.value for c in sheet[1]]
    assert headers == [f.title for f in fields(kind)]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    for j, f in enumerate(fields(kind), start=1):
        cell = sheet.cell(1, j)
        assert cell.font.bold
        assert cell.fill.fill_type == "solid"
        assert cell.comment is not None and f.description in cell.comment.text
        assert (PERSONAL_NOTE in cell.comment.text) == f.personnel
        assert sheet.column_dimensions[cell.column_letter].width >= 12


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_vocabulary_and_boolean_columns_offer_exactly_the_allowed_values(templates, kind):
    wb = openpyxl.load_workbook(templates[kind])
    sheet = wb[kind]
    for j, f in enumerate(fields(kind), start=1):
        dv = validation_for(sheet, j)
        if f.enum:
            assert dv is not None and dv.type == "list", f.name
            assert SHEET_LISTS in dv.formula1
            offered = list_values(wb, dv.formula1)
            mapping = f.value_map()
            assert [mapping.get(fold(v)) for v in offered] == list(f.enum), f.name
            assert dv.showErrorMessage
        elif f.type == "boolean":
            assert dv is not None and dv.type == "list"
            assert list_values(wb, dv.formula1) == list(BOOLEAN_CHOICES)
        elif f.reference is not None:
            assert dv is None  # no workspace given: free text
        assert dv is None or f"{sheet.cell(1, j).column_letter}{TEMPLATE_ROWS + 1}" in dv.sqref


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_dates_numbers_and_integers_have_formats_and_validations(templates, kind):
    wb = openpyxl.load_workbook(templates[kind])
    sheet = wb[kind]
    expected_formats = {"date": DATE_FORMAT, "number": NUMBER_FORMAT, "integer": INTEGER_FORMAT}
    expected_types = {"date": "date", "number": "decimal", "integer": "whole"}
    for j, f in enumerate(fields(kind), start=1):
        for row in (2, TEMPLATE_ROWS + 1):
            assert sheet.cell(row, j).number_format == expected_formats.get(f.type, "@"), f.name
        if f.type in expected_types:
            dv = validation_for(sheet, j)
            assert dv is not None and dv.type == expected_types[f.type], f.name
            if f.minimum is not None:
                assert dv.operator == "greaterThanOrEqual" and float(dv.formula1) == f.minimum


def test_every_kind_with_a_date_a_number_or_an_integer_is_covered():
    types = {f.type for kind in TABLE_KINDS for f in fields(kind)}
    assert {"date", "number", "integer", "boolean"} <= types


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_instructions_and_dictionary_are_filled(templates, kind):
    wb = openpyxl.load_workbook(templates[kind])
    text = "\n".join(str(c.value) for c in wb[SHEET_INSTRUCTIONS]["A"] if c.value)
    schema = load_schema(kind)
    assert schema.description in text
    assert "Données personnelles" in text
    for f in schema.fields:
        if f.required:
            assert f"« {f.title} »" in text
    if kind in TABLE_KINDS:
        assert f"{kind}.xlsx" in text and "actions/" in text
    else:
        assert f"{kind}.csv" in text
    if schema.personal:
        assert "jamais" in text and "pseudonyme" in text

    rows = list(wb[SHEET_DICTIONARY].iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Colonne",
        "Nom technique",
        "Type",
        "Obligatoire",
        "Valeurs permises",
        "Description",
    )
    assert [r[1] for r in rows[1:]] == list(schema.names)
    for row, f in zip(rows[1:], schema.fields, strict=True):
        assert row[0] == f.title
        assert row[3] == ("oui" if f.required else "non")
        assert row[5] == f.description
        if f.enum:
            assert all(label in row[4] for label in choices(f))


def test_labels_are_french_and_fold_back_to_the_canonical_values():
    profil = load_schema("contacts").field("profil")
    assert choices(profil)[:4] == [
        "Porteur de projet",
        "Partenaire",
        "Technicien de territoire",
        "Élu",
    ]
    assert choices(load_schema("satisfaction").field("utilite"))[0] == "Très satisfait"
    for kind in SCHEMA_KINDS:
        for f in fields(kind):
            if f.enum:
                mapping = f.value_map()
                assert [mapping[fold(v)] for v in choices(f)] == list(f.enum)


# --------------------------------------------------------------------------- blank reads


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_a_blank_template_reads_as_zero_rows_without_problems(templates, kind):
    table = read_table(templates[kind], kind, references=REFERENCES)
    assert table.problems == []
    assert len(table.df) == 0
    assert set(table.headers) == set(load_schema(kind).names)


def test_templates_are_reproducible(tmp_path):
    first = template_bytes("contacts")
    assert template_bytes("contacts") == first
    path = write_template("contacts", tmp_path / "contacts.xlsx")
    assert path.read_bytes() == first
    write_template("contacts", path)  # same content: accepted, not rewritten
    assert path.read_bytes() == first
    wb = openpyxl.load_workbook(path)
    assert wb.properties.created == dt.datetime(2016, 1, 1)
    assert wb.properties.modified == dt.datetime(2016, 1, 1)


# --------------------------------------------------------------------------- round trips


def fill(template: Path, kind: str, rows: list[dict[str, object]], target: Path) -> Path:
    """Fill a template as a person would (values by header title) and save it."""
    wb = openpyxl.load_workbook(template)
    sheet = wb[kind]
    column = {c.value: c.column for c in sheet[1]}
    for i, row in enumerate(rows, start=2):
        for title, value in row.items():
            sheet.cell(i, column[title]).value = value
    wb.save(target)
    return target


def picked(kind: str, name: str, index: int) -> str:
    """A value picked from the drop-down list of a field."""
    return choices(load_schema(kind).field(name))[index]


def test_filled_contacts_template_reads_back_canonical_values(templates, tmp_path):
    path = fill(
        templates["contacts"],
        "contacts",
        [
            {
                "Date": dt.datetime(2016, 6, 15),
                "Territoire": "Pays Diois",
                "Profil": picked("contacts", "profil", 0),
                "Nom": "Martin",
                "Courriel": "c.martin@example.org",
                "Code postal": "07150",
                "Secteur du projet": picked("contacts", "secteur_projet", 7),
                "Stade du projet": picked("contacts", "stade_projet", 0),
                "Type de demande": picked("contacts", "type_demande", 0),
                "Suite souhaitée": "oui",
            },
            {
                "Date": dt.datetime(2016, 6, 16),
                "Territoire": "ardeche-verte",
                "Profil": picked("contacts", "profil", 3),
                "Structure": "Agence France Entrepreneur",
                "Suite souhaitée": "non",
            },
        ],
        tmp_path / "contacts.xlsx",
    )
    table = read_table(path, "contacts", references=REFERENCES)
    assert table.problems == []
    df = table.df
    assert len(df) == 2
    assert df["_ligne"].tolist() == [2, 3]
    assert df["date"].tolist() == [dt.datetime(2016, 6, 15), dt.datetime(2016, 6, 16)]
    assert df["territoire"].tolist() == ["diois", "ardeche-verte"]
    assert df["profil"].tolist() == ["porteur_de_projet", "elu"]
    assert df["secteur_projet"][0] == "culture"
    assert df["stade_projet"][0] == "idee"
    assert df["type_demande"][0] == "creation"
    assert df["suite_souhaitee"].tolist() == [True, False]
    assert df["code_postal"][0] == "07150" and df["departement"][0] == "07"
    assert df["structure"][1] == "afe"


def test_filled_satisfaction_evenements_and_couts_templates_read_back(templates, tmp_path):
    sat = fill(
        templates["satisfaction"],
        "satisfaction",
        [
            {
                "Profil": picked("satisfaction", "profil", 1),
                "Satisfaction globale": picked("satisfaction", "satisfaction_globale", 0),
                "Utilité": picked("satisfaction", "utilite", 2),
                "Souhait de suite": "non",
                "Commentaire": "Très utile",
            }
        ],
        tmp_path / "satisfaction.xlsx",
    )
    table = read_table(sat, "satisfaction")
    assert table.problems == []
    assert table.df["satisfaction_globale"][0] == "tres_satisfait"
    assert table.df["utilite"][0] == "peu_satisfait"
    assert table.df["profil"][0] == "partenaire"
    assert table.df["souhait_suite"].tolist() == [False]

    events = fill(
        templates["evenements"],
        "evenements",
        [
            {
                "Titre": "Café installation",
                "Territoire": "diois",
                "Date": dt.date(2017, 10, 3),
                "Participants": 24,
                "Canal": "presse",
            }
        ],  # fmt: skip
        tmp_path / "evenements.xlsx",
    )
    table = read_table(events, "evenements", references=REFERENCES)
    assert table.problems == []
    assert table.df["participants"].tolist() == [24]
    assert table.df["date"][0] == dt.datetime(2017, 10, 3)

    costs = fill(
        templates["couts"],
        "couts",
        [{"Poste": "Location du stand", "Montant": 4500.5, "Financeur": "Région"}],
        tmp_path / "couts.xlsx",
    )
    table = read_table(costs, "couts")
    assert table.problems == []
    assert table.df["montant"].tolist() == [4500.5]


@pytest.mark.parametrize(
    ("title", "typo"),
    [("Profil", "Porteur de projt"), ("Suite souhaitée", "peut-être"), ("Stade du projet", "mûr")],
)
def test_a_typo_in_a_drop_down_column_is_the_same_problem_as_in_a_csv(
    templates, tmp_path, title, typo
):
    row = {"Territoire": "diois", "Profil": picked("contacts", "profil", 0), title: typo}
    xlsx = fill(templates["contacts"], "contacts", [row], tmp_path / "contacts.xlsx")
    csv = tmp_path / "contacts.csv"
    csv.write_text(
        ",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n", encoding="utf-8"
    )
    from_xlsx = read_table(xlsx, "contacts", references=REFERENCES).problems
    from_csv = read_table(csv, "contacts", references=REFERENCES).problems
    assert len(from_xlsx) == len(from_csv) == 1
    a, b = from_xlsx[0], from_csv[0]
    assert (a.code, a.expected, a.line, a.column, a.value) == (
        b.code,
        b.expected,
        b.line,
        b.column,
        b.value,
    )
    assert a.value == typo and a.line == 2 and a.column == title


# --------------------------------------------------------------------------- references


def test_workspace_names_become_drop_down_lists_for_references(tmp_path):
    references = {"territoires": ["Pays Diois", "Ardèche verte"], "structures": ["AFE"]}
    path = write_template("participants", tmp_path / "p.xlsx", references=references)
    wb = openpyxl.load_workbook(path)
    sheet = wb["participants"]
    column = {c.value: c.column for c in sheet[1]}
    strict = validation_for(sheet, column["Territoire"])
    assert list_values(wb, strict.formula1) == ["Pays Diois", "Ardèche verte"]
    assert strict.showErrorMessage
    assert validation_for(sheet, column["Territoire visé"]).formula1 == strict.formula1
    free = validation_for(sheet, column["Structure"])
    assert list_values(wb, free.formula1) == ["AFE"]
    assert not free.showErrorMessage  # a suggestion: other names are accepted


# --------------------------------------------------------------------------- safety


def test_write_templates_writes_one_file_per_kind(tmp_path):
    paths = write_templates(["contacts", "couts", "contacts"], tmp_path / "modeles")
    assert [p.name for p in paths] == ["contacts.xlsx", "couts.xlsx"]
    assert all(p.is_file() for p in paths)


def test_an_existing_different_file_is_never_replaced_without_overwrite(tmp_path):
    filled = tmp_path / "contacts.xlsx"
    filled.write_bytes(b"donnees remplies")
    with pytest.raises(InputError) as info:
        write_templates(["couts", "contacts"], tmp_path)
    assert info.value.code == "fichier_existant"
    assert filled.read_bytes() == b"donnees remplies"
    assert not (tmp_path / "couts.xlsx").exists()  # nothing written before refusing
    with pytest.raises(InputError):
        write_template("contacts", filled)
    write_templates(["contacts"], tmp_path, overwrite=True)
    assert filled.read_bytes() == template_bytes("contacts")


def test_an_action_folder_is_refused(tmp_path):
    (tmp_path / "action.yml").write_text("id: x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        write_templates(["contacts"], tmp_path)
    assert info.value.code == "dossier_action"
    assert not (tmp_path / "contacts.xlsx").exists()


def test_an_unknown_kind_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        write_template("inconnu", tmp_path / "x.xlsx")
