"""Reading layer, files and text: names, junk, links, encodings, separators, quotes, bounds."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import PRO_2016
from reading_helpers import codes, read
from vccap.reading.files import find_table_files, table_kind_of
from vccap.reading.textfile import sniff_separator

PEOPLE = "Nom;Prénom;Profil;Commune\nDupré;Hélène;élue;Besançon\nGarçon;Noël;Partenaire;Mâcon\n"


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("name", "kind"),
    [("participants (1).csv", "participants"), ("Participants - Feuille 1.csv", "participants"),
     ("liste participants 19-05-2016.csv", "participants"), ("Contacts_export(2).CSV", "contacts"),
     ("satisfaction - copie.xlsx", "satisfaction"), ("Copie de couts.xlsx", "couts"),
     ("Liste d'émargement.ods", "participants"), ("evenements_2019.xls", "evenements"),
     ("Satisfaction des participants.xlsx", "satisfaction"), ("Suivi des contacts.csv", "suivi")],
)  # fmt: skip
def test_near_miss_names_are_read_with_a_warning(tmp_path, name, kind):
    (tmp_path / name).write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert tables == {kind: tmp_path / name}
    assert [(p.code, p.severity, p.table) for p in problems] == [
        ("nom_approchant", "avertissement", kind)
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("liste de présence.csv", "participants"), ("liste_presence.xlsx", "participants"),
     ("inscrits.csv", "participants"), ("feuille d'émargement.xlsx", "participants"),
     ("emargement.csv", "participants"), ("présents.csv", "participants"),
     ("PRESENCES 2019-05-14.ods", "participants"), ("Liste des stagiaires v2.xlsx", "participants"),
     ("contacts stand.xlsx", "contacts"), ("fiches contact (1).csv", "contacts"),
     ("questionnaire.xlsx", "satisfaction"), ("Évaluations.csv", "satisfaction"),
     ("Questionnaire de satisfaction des participants.xlsx", "satisfaction"),
     ("budget.xlsx", "couts"), ("dépenses 2019.csv", "couts"), ("Bilan financier.ods", "couts"),
     ("frais de déplacement.csv", "couts"), ("manifestations_automne.xlsx", "evenements"),
     ("Suivi des accompagnements.csv", "suivi")],
)  # fmt: skip
def test_common_french_names_of_a_table_are_read_with_a_warning(tmp_path, name, kind):
    (tmp_path / name).write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert tables == {kind: tmp_path / name}
    assert [(p.code, p.table) for p in problems] == [("nom_approchant", kind)]
    assert f"renommez-le {kind}." in problems[0].expected


@pytest.mark.parametrize(
    "name", ["bilan.xlsx", "programme.xlsx", "présentation.xlsx", "évaluation participants.csv"]
)
def test_names_that_name_no_table_or_two_are_not_read(tmp_path, name):
    (tmp_path / name).write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert tables == {}
    assert codes(problems) in (["fichier_non_reconnu"], ["nom_ambigu"])


def test_two_files_for_one_table_are_an_error_naming_both(tmp_path):
    for name in ("participants.csv", "liste de présence.xlsx", "questionnaire.xlsx"):
        (tmp_path / name).write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert tables == {"satisfaction": tmp_path / "questionnaire.xlsx"}  # its own table, read
    double = next(p for p in problems if p.code == "fichier_double")
    assert double.is_error and double.table == "participants"
    assert double.expected == (
        "un seul fichier pour la table « participants » : « liste de présence.xlsx » et "
        "« participants.csv » désignent tous deux cette table et aucun n'est lu ; gardez-en un "
        "seul dans le dossier de l'action et déplacez l'autre ailleurs"
    )
    near = [p.table for p in problems if p.code == "nom_approchant"]
    assert near == ["satisfaction"]  # the double says it all for participants


def test_file_words_come_from_the_schemas_and_name_one_table_each():
    from vccap.reading.files import file_words
    from vccap.schemas import TABLE_KINDS, load_schema

    words = file_words()
    assert set(words.values()) == set(TABLE_KINDS)
    assert words[("bilan", "financier")] == "couts" and ("bilan",) not in words
    for kind in TABLE_KINDS:
        for phrase in load_schema(kind).file_names:
            assert table_kind_of(phrase)[0] == kind, phrase


def test_exact_names_in_any_case_are_read_silently(tmp_path):
    for name in ("PARTICIPANTS.CSV", "Contacts.xlsx", "participants.txt"[:0] + "suivi.ods"):
        (tmp_path / name).write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert set(tables) == {"participants", "contacts", "suivi"} and problems == []


def test_a_name_naming_two_tables_is_an_error(tmp_path):
    (tmp_path / "participants et contacts.csv").write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert tables == {} and codes(problems) == ["nom_ambigu"]
    assert "participants" in problems[0].expected and problems[0].is_error


def test_exact_and_near_miss_copy_together_are_an_error(tmp_path):
    (tmp_path / "participants.csv").write_text("x")
    (tmp_path / "participants (1).csv").write_text("x")
    tables, problems = find_table_files(tmp_path)
    assert tables == {} and codes(problems) == ["fichier_double"]


@pytest.mark.parametrize(
    "name",
    ["~$participants.xlsx", "._participants.csv", ".~lock.participants.csv#", "Thumbs.db",
     "desktop.ini", ".DS_Store", "participants.csv.bak", "contacts.xlsx~", "couts.tmp"],
)  # fmt: skip
def test_known_junk_is_ignored_silently(tmp_path, name):
    (tmp_path / name).write_text("x")
    assert find_table_files(tmp_path) == ({}, [])


def test_other_files_are_listed_or_reported(tmp_path):
    for name in ("programme.pdf", "bilan.xlsx", "notes.txt", "action.yml",
                 "retour_experience.md", "correspondances.yml"):  # fmt: skip
        (tmp_path / name).write_text("x")
    _, problems = find_table_files(tmp_path)
    found = sorted((p.file.rsplit("/", 1)[-1], p.code, p.severity) for p in problems)
    assert found == [
        ("bilan.xlsx", "fichier_non_reconnu", "avertissement"),
        ("notes.txt", "fichier_ignore", "information"),
        ("programme.pdf", "fichier_ignore", "information"),
    ]


def test_symbolic_link_outside_the_workspace_is_not_followed(tmp_path):
    outside = tmp_path / "ailleurs.csv"
    outside.write_text("Territoire;Profil\ndiois;elu\n")
    action = tmp_path / "ws" / "actions" / "2019-05-x"
    action.mkdir(parents=True)
    os.symlink(outside, action / "contacts.csv")
    (action / "inside.csv").write_text("x")
    os.symlink(action / "inside.csv", action / "participants.csv")
    tables, problems = find_table_files(action, workspace=tmp_path / "ws")
    assert tables == {"participants": action / "participants.csv"}
    assert [(p.code, p.severity) for p in problems if p.code == "lien_hors_espace"] == [
        ("lien_hors_espace", "erreur")
    ]


def test_links_in_an_action_folder_are_named_for_what_they_are(tmp_path):
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    action = tmp_path / "ws" / "actions" / "2019-05-x"
    action.mkdir(parents=True)
    os.symlink(elsewhere, action / "annexes")
    os.symlink(tmp_path / "disparu.csv", action / "contacts.csv")
    tables, problems = find_table_files(action, workspace=tmp_path / "ws")
    assert tables == {}
    found = {p.file.rsplit("/", 1)[-1]: p for p in problems}
    assert found["annexes"].code == "lien_hors_espace"
    assert found["annexes"].expected.startswith("un dossier de l'espace de travail (c'est un lien")
    assert found["contacts.csv"].code == "lien_casse" and found["contacts.csv"].is_error
    # Without a workspace, a broken link is still said (never « dossier ignoré »).
    assert codes(find_table_files(action)[1]) == ["fichier_ignore", "lien_casse"]


def _actions_problems(ws):
    return {(p.action, p.code): p for p in ws.problems + ws.ignored}


def test_an_action_folder_linked_from_outside_is_named_a_folder_and_not_followed(
    tmp_path, example_copy
):
    from vccap.loading import load_workspace
    from vccap.messages import format_problem

    outside = tmp_path / "ailleurs" / "2019-01-lien"
    shutil.copytree(example_copy / "actions" / PRO_2016, outside)
    (outside / "action.yml").write_text("id: 2019-01-lien\n", encoding="utf-8")
    os.symlink(outside, example_copy / "actions" / "2019-01-lien")
    ws = load_workspace(example_copy)
    assert "2019-01-lien" not in ws.actions
    problem = _actions_problems(ws)[("2019-01-lien", "lien_hors_espace")]
    assert format_problem(problem) == (
        "data/actions/2019-01-lien: attendu : un dossier de l'espace de travail (c'est un lien "
        "symbolique vers un dossier hors de l'espace : il n'est pas suivi ; copiez le dossier "
        "dans l'espace)"
    )
    assert [p.code for p in ws.problems] == ["lien_hors_espace"]


def test_an_action_folder_linked_inside_the_workspace_is_followed(example_copy):
    from vccap.loading import load_workspace

    before = load_workspace(example_copy).raw_tables(PRO_2016)["participants"].df
    archives = example_copy / "archives"
    archives.mkdir()
    (example_copy / "actions" / PRO_2016).rename(archives / PRO_2016)
    os.symlink(Path("..") / "archives" / PRO_2016, example_copy / "actions" / PRO_2016)
    ws = load_workspace(example_copy)
    assert ws.problems == [] and PRO_2016 in ws.actions
    assert ws.raw_tables(PRO_2016)["participants"].df.equals(before)


def test_broken_links_and_files_in_the_actions_folder_are_said(example_copy):
    from vccap.loading import load_workspace

    actions = example_copy / "actions"
    os.symlink(actions / "disparue", actions / "2019-03-disparue")
    (actions / "notes.txt").write_text("à faire", encoding="utf-8")
    (actions / "Thumbs.db").write_bytes(b"\0")
    ws = load_workspace(example_copy)
    found = _actions_problems(ws)
    assert found[("2019-03-disparue", "lien_casse")].is_error
    notes = found[(None, "fichier_ignore")]
    assert notes.file.endswith("actions/notes.txt") and notes.severity == "information"
    assert [p.code for p in ws.problems] == ["lien_casse"] and len(ws.ignored) == 1


def test_an_actions_folder_linked_out_of_the_workspace_is_one_problem(tmp_path, example_copy):
    from vccap.loading import load_workspace

    moved = tmp_path / "actions-ailleurs"
    (example_copy / "actions").rename(moved)
    os.symlink(moved, example_copy / "actions")
    ws = load_workspace(example_copy)
    assert ws.actions == {}
    assert [(p.code, p.expected.split(" (")[0]) for p in ws.problems] == [
        ("lien_hors_espace", "un dossier de l'espace de travail")
    ]


def test_table_kind_of_words():
    assert table_kind_of("Participants") == ("participants", True, ["participants"])
    assert table_kind_of("export contacts (3)")[:2] == ("contacts", False)
    assert table_kind_of("bilan")[0] is None


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "mac_roman", "utf-16"])
def test_french_text_in_office_encodings_is_read_right(tmp_path, encoding):
    table = read(tmp_path, PEOPLE, "participants", encoding=encoding, references=None)
    assert table.ok, table.problems
    assert table.df["nom"].tolist() == ["Dupré", "Garçon"]
    assert table.df["commune"].tolist() == ["Besançon", "Mâcon"]


def test_mac_csv_with_cr_line_ends_and_euro(tmp_path):
    content = "Poste;Montant\rCafé d'accueil;150 €\rImpression;340\r"
    table = read(tmp_path, content.encode("mac_roman"), "couts")
    assert table.ok, table.problems
    assert table.df["poste"].tolist() == ["Café d'accueil", "Impression"]
    assert table.df["montant"].tolist() == [150.0, 340.0]


def test_unicode_text_without_bom_and_tabs(tmp_path):
    content = "Nom\tProfil\r\nDupré\télu\r\n".encode("utf-16-le")
    table = read(tmp_path, content, "participants", name="participants.txt", references=None)
    assert table.ok, table.problems
    assert table.df["nom"].tolist() == ["Dupré"]


def test_text_that_reads_wrong_in_every_encoding_is_refused(tmp_path):
    table = read(tmp_path, b"Nom;Profil\n\x8e\xe9\x8e\xe9\x8e;elu\n", "participants")
    assert codes(table.problems) == ["encodage"]
    assert "encodage" in table.problems[0].expected


# --------------------------------------------------------------------------- separators, quotes


def test_separators_inside_quoted_header_are_not_the_separator():
    text = 'Profil,Satisfaction globale,"Commentaire (forts ; faibles ; idées)"\nélu,3,"a ; b"\n'
    assert sniff_separator(text) == ","
    assert sniff_separator("Poste;Montant\ncafé;1,5\n") == ";"


def test_comma_file_with_semicolons_in_quoted_header(tmp_path):
    content = ('Profil,Satisfaction globale,"Commentaire (forts ; faibles ; idées ; suite)"\r\n'
               "Porteur de projet,Très satisfait,Très clair\r\n"
               "Partenaire,Satisfait,\"Bien ; long\"\r\n")  # fmt: skip
    table = read(tmp_path, content, "satisfaction")
    assert table.ok, table.problems
    assert table.df["satisfaction_globale"].tolist() == ["tres_satisfait", "satisfait"]


def test_unclosed_quote_is_an_error_with_its_line(tmp_path):
    content = 'Profil;Satisfaction globale;Commentaire\nélu;3;"Super, à refaire\nélu;1;Trop long\n'
    table = read(tmp_path, content, "satisfaction")
    assert [(p.code, p.line) for p in table.problems] == [("guillemet", 2)]


def test_unclosed_quote_closed_far_below_swallows_lines_and_is_an_error(tmp_path):
    content = ('Profil;Satisfaction globale;Commentaire\nélu;3;"Super\nélu;1;Trop long\n'
               'élu;2;"ok"\nélu;4;\n')  # fmt: skip
    table = read(tmp_path, content, "satisfaction")
    assert [(p.code, p.line) for p in table.problems] == [("guillemet", 2)]


def test_quoted_multiline_comment_is_fine(tmp_path):
    content = 'Profil;Satisfaction globale;Commentaire\nélu;3;"Bien\nmerci"\nélu;4;\n'
    table = read(tmp_path, content, "satisfaction")
    assert table.ok and table.df["commentaire"].tolist()[0] == "Bien\nmerci"


# --------------------------------------------------------------------------- hostile input


def test_millions_of_separators_end_fast_with_a_message(tmp_path):
    start = time.perf_counter()
    table = read(tmp_path, ";" * 3_000_000 + "\n", "participants")
    assert time.perf_counter() - start < 5
    assert codes(table.problems) == ["trop_de_colonnes"]


def test_a_ten_megabyte_cell_is_refused_fast(tmp_path):
    start = time.perf_counter()
    table = read(tmp_path, "Nom;Profil\n" + "x" * 10_000_000 + ";elu\n", "participants")
    assert time.perf_counter() - start < 5
    assert codes(table.problems) == ["cellule_longue"]
    assert len(table.problems[0].value) < 300 and table.problems[0].line == 2


def test_a_web_page_saved_as_a_spreadsheet_is_named(tmp_path):
    table = read(tmp_path, "<html><body><table><tr><td>Nom</td></tr></table>", name="t.xls")
    assert codes(table.problems) == ["fichier_illisible"]
    assert "page web" in table.problems[0].expected


def test_a_title_line_above_a_csv_table(tmp_path):
    content = "Liste des participants du 14 mai 2019\n\nNom;Profil;Commune\nA;élu;Dole\nB;élu;Gex\n"
    table = read(tmp_path, content, "participants", references=None)
    assert table.ok, table.problems
    assert table.df["_ligne"].tolist() == [4, 5]
    assert [p.code for p in table.notices] == ["lignes_titre"]


def test_the_same_table_on_two_visible_sheets_is_an_error(tmp_path):
    from reading_helpers import workbook
    from vccap.reading.table import read_table

    header = ["Profil", "Nom", "Courriel"]
    day1 = [header] + [["Partenaire", f"Nom{i}", f"p{i}@exemple.org"] for i in range(9)]
    day2 = [header] + [["Élu", f"Autre{i}", f"q{i}@exemple.org"] for i in range(9)]
    notes = [["Liste établie par l'équipe."]]
    path = workbook(tmp_path, {"Jour 1": day1, "Jour 2": day2, "Notes": notes})
    table = read_table(path, "participants")
    assert codes(table.problems) == ["feuilles_en_double"]
    problem = table.problems[0]
    assert problem.value == "Jour 2" and "« Jour 1 » et « Jour 2 »" in problem.expected
    assert codes(table.notices) == ["feuille_ignoree"]  # the notes sheet, as before
    alone = read_table(
        workbook(tmp_path, {"Jour 1": day1, "Notes": notes}, "u.xlsx"), "participants"
    )
    assert alone.problems == [] and len(alone.df) == 9
