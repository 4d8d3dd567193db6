"""Scaffolding: ``vccap init``, ``vccap new-action`` and ``vccap templates``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import EXAMPLE, tree_digest
from vccap.catalogue import default_types
from vccap.cli import main
from vccap.errors import InputError, UnknownType, WorkspaceNotFound
from vccap.excel import SHEET_LISTS, template_bytes
from vccap.indicators import action_indicators
from vccap.loading import load_workspace
from vccap.model import ACTION_KEYS, DEBRIEF_HEADINGS
from vccap.scaffold import (
    ACTION_TEMPLATES_DIR,
    DEBRIEF_PROMPT,
    WORKSPACE_TEMPLATES_DIR,
    init_workspace,
    new_action,
)
from vccap.schemas import TABLE_KINDS


@pytest.fixture(scope="module", autouse=True)
def example_is_never_touched():
    before = tree_digest(EXAMPLE)
    yield
    assert tree_digest(EXAMPLE) == before, "data/ a été modifié"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "espace", "Occitanie")


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def list_values(wb) -> set[str]:
    return {c.value for column in wb[SHEET_LISTS].columns for c in column}


def realised(folder: Path) -> None:
    path = folder / "action.yml"
    path.write_text(
        path.read_text("utf-8").replace("statut: prevue", "statut: realisee"), encoding="utf-8"
    )


def add_territory(ws: Path) -> None:
    with (ws / "territoires.csv").open("a", encoding="utf-8") as handle:
        handle.write("pays-diois,Pays Diois,rural,26\n")


# --------------------------------------------------------------------------- init


def test_init_creates_a_valid_empty_workspace(workspace):
    ws = load_workspace(workspace)
    ws.load_all_tables()
    assert ws.problems == []
    assert ws.actions == {} and ws.territoires == {} and ws.structures == {}
    assert ws.demarche.region == "Occitanie"
    assert ws.demarche.nom == "Coopérations ville-campagne — Occitanie"
    assert ws.demarche.annees == [dt.date.today().year]
    assert ws.demarche.seuil_confidentialite == 3
    assert ws.demarche.chef_de_file == ""
    assert set(ws.demarche.principes) == {"reseau", "extensif", "apprenant", "transfert"}
    assert "Occitanie" in ws.demarche.description


def test_init_writes_every_file_of_a_workspace(workspace):
    header = (workspace / "territoires.csv").read_text("utf-8")
    assert header == "id,nom,milieu,departement,article\n"  # article: optional
    assert (workspace / "structures.csv").read_text("utf-8") == (
        "id,nom,categorie,milieu,territoire\n"
    )
    assert (workspace / "actions" / ".gitkeep").is_file()
    assert ".cle_pseudonymisation" in (workspace / ".gitignore").read_text("utf-8").splitlines()
    readme = (workspace / "README.md").read_text("utf-8")
    for text in ("vccap new-action", "vccap validate", "vccap build", "modeles/", "salon"):
        assert text in readme
    assert "$" not in readme
    templates = workspace / WORKSPACE_TEMPLATES_DIR
    assert sorted(p.name for p in templates.iterdir()) == sorted(f"{k}.xlsx" for k in TABLE_KINDS)
    assert (templates / "contacts.xlsx").read_bytes() == template_bytes("contacts")
    raw = yaml.safe_load((workspace / "demarche.yml").read_text("utf-8"))
    assert raw["chef_de_file"] == "" and raw["seuil_confidentialite"] == 3


def test_init_takes_a_name_and_quotes_it(tmp_path):
    folder = init_workspace(tmp_path / "w", "Grand Est", nom="Ville : campagne « 2025 »")
    ws = load_workspace(folder)
    assert ws.problems == []
    assert ws.demarche.nom == "Ville : campagne « 2025 »"


def test_init_accepts_an_existing_empty_folder(tmp_path):
    init_workspace(tmp_path, "Bretagne")
    assert load_workspace(tmp_path).problems == []


def test_validate_exits_0_on_a_new_workspace(workspace, capsys):
    code, out, err = run(capsys, "validate", workspace)
    assert code == 0, err
    assert out.startswith("Espace de travail valide")


def test_init_refuses_a_non_empty_folder_and_touches_nothing(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(InputError) as info:
        init_workspace(tmp_path, "Occitanie")
    assert info.value.code == "dossier_non_vide"
    assert info.value.value == "notes.txt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    code, _, err = run(capsys, "init", tmp_path, "--region", "Occitanie")
    assert code == 1
    assert "attendu : un dossier vide" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_file_and_a_blank_region(tmp_path):
    path = tmp_path / "fichier"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        init_workspace(path, "Occitanie")
    assert info.value.code == "pas_un_dossier"
    with pytest.raises(InputError) as info:
        init_workspace(tmp_path / "w", "  ")
    assert info.value.code == "obligatoire"
    assert not (tmp_path / "w").exists()


def test_init_through_the_cli_says_what_comes_next(tmp_path, capsys):
    folder = tmp_path / "nouvel-espace"
    code, out, err = run(capsys, "init", folder, "--region", "Normandie", "--nom", "Démarche")
    assert code == 0, err
    assert "Espace de travail créé" in out and "vccap new-action" in out
    assert load_workspace(folder).demarche.nom == "Démarche"


# --------------------------------------------------------------------------- new action


def test_new_action_creates_a_valid_planned_action(workspace):
    add_territory(workspace)
    folder = new_action(workspace, "salon", "2025-06-salon-toulouse", titre="Salon : Toulouse")
    assert folder == (workspace / "actions" / "2025-06-salon-toulouse").resolve()
    ws = load_workspace(workspace)
    ws.load_all_tables()
    assert ws.problems == []
    action = ws.actions["2025-06-salon-toulouse"]
    assert action.titre == "Salon : Toulouse"
    assert (action.type, action.statut) == ("salon", "prevue")
    assert action.date_debut == dt.date(2025, 6, 1)
    assert action.files == {}  # blank templates are not read as tables
    key = default_types()["salon"].indicateurs_cles
    assert [o.indicateur for o in action.objectifs] == key
    assert all(o.cible is None for o in action.objectifs)
    raw = yaml.safe_load((folder / "action.yml").read_text("utf-8"))
    assert set(raw) == ACTION_KEYS


def test_new_action_has_a_debrief_with_the_four_headings(workspace):
    new_action(workspace, "atelier", "2025-09-atelier-hackathon")
    ws = load_workspace(workspace)
    debrief = ws.debrief("2025-09-atelier-hackathon")
    assert list(debrief.sections)[:4] == list(DEBRIEF_HEADINGS)
    # the prompts are in the file for people to replace, but count as "not filled in"
    text = (workspace / "actions" / "2025-09-atelier-hackathon" / "retour_experience.md").read_text(
        encoding="utf-8"
    )
    assert text.count(DEBRIEF_PROMPT) >= len(DEBRIEF_HEADINGS)
    assert all(debrief.section(h) == "" for h in DEBRIEF_HEADINGS)
    assert debrief.quotes == []


def test_new_action_templates_are_in_a_subfolder_and_list_the_territories(workspace):
    add_territory(workspace)
    folder = new_action(workspace, "evenement_regional", "2026-04-evenement-regional")
    templates = folder / ACTION_TEMPLATES_DIR
    expected = default_types()["evenement_regional"].tables
    assert sorted(p.name for p in templates.iterdir()) == sorted(f"{k}.xlsx" for k in expected)
    assert not any(folder.glob("*.xlsx"))
    wb = openpyxl.load_workbook(templates / "contacts.xlsx")
    assert "Pays Diois" in list_values(wb)


def test_templates_stay_out_of_indicators_which_are_not_measured_rather_than_zero(workspace):
    folder = new_action(workspace, "session_porteurs", "2025-05-session-lyon")
    realised(folder)
    ws = load_workspace(workspace)
    values, objectives = action_indicators(ws, "2025-05-session-lyon")
    assert values["participants"].valeur is None
    assert {o.statut for o in objectives} == {"non_mesure"}
    # Why the templates go to modeles/: a blank table in the folder would count 0.
    blank = folder / ACTION_TEMPLATES_DIR / "participants.xlsx"
    (folder / "participants.xlsx").write_bytes(blank.read_bytes())
    values, _ = action_indicators(load_workspace(workspace), "2025-05-session-lyon")
    assert values["participants"].valeur == 0


@pytest.mark.parametrize("type_id", sorted(default_types()))
def test_every_catalogue_type_gives_a_valid_action(workspace, type_id):
    new_action(workspace, type_id, f"2025-03-{type_id.replace('_', '-')}")
    ws = load_workspace(workspace)
    ws.load_all_tables()
    assert ws.problems == []


def test_a_filled_template_saved_in_the_action_folder_is_read(workspace, capsys):
    add_territory(workspace)
    folder = new_action(workspace, "salon", "2025-06-salon-lyon")
    wb = openpyxl.load_workbook(folder / ACTION_TEMPLATES_DIR / "contacts.xlsx")
    sheet = wb["contacts"]
    column = {c.value: c.column for c in sheet[1]}
    sheet.cell(2, column["Territoire"]).value = "Pays Diois"
    sheet.cell(2, column["Profil"]).value = "Porteur de projet"
    sheet.cell(2, column["Date"]).value = dt.datetime(2025, 6, 12)
    wb.save(folder / "contacts.xlsx")
    realised(folder)
    code, out, err = run(capsys, "validate", workspace)
    assert code == 0, err
    assert "contacts : 1 ligne" in out
    ws = load_workspace(workspace)
    values, _ = action_indicators(ws, "2025-06-salon-lyon")
    assert values["porteurs_conseilles"].valeur == 1


def test_new_action_knows_the_workspace_types(workspace):
    (workspace / "types_action.yml").write_text(
        "foire:\n  libelle: Foire agricole\n  tables: [contacts]\n"
        "  indicateurs: [contacts]\n  indicateurs_cles: [contacts]\n",
        encoding="utf-8",
    )
    folder = new_action(workspace, "foire", "2025-08-foire-de-beaucroissant")
    assert [p.name for p in (folder / ACTION_TEMPLATES_DIR).iterdir()] == ["contacts.xlsx"]
    ws = load_workspace(workspace)
    ws.load_all_tables()
    assert ws.problems == []
    assert ws.actions["2025-08-foire-de-beaucroissant"].titre == "Foire agricole"


@pytest.mark.parametrize(
    "bad_id", ["salon-2025", "2025-13-salon", "2025-00-salon", "2025-06-Salon", "2025-06-", ""]
)
def test_a_bad_id_is_refused(workspace, bad_id):
    with pytest.raises(InputError) as info:
        new_action(workspace, "salon", bad_id)
    assert info.value.code == "identifiant"
    assert [p.name for p in (workspace / "actions").iterdir()] == [".gitkeep"]


def test_unknown_type_and_existing_action_are_refused(workspace):
    with pytest.raises(UnknownType) as info:
        new_action(workspace, "salon_du_livre", "2025-06-salon")
    assert "salon" in info.value.known
    new_action(workspace, "salon", "2025-06-salon")
    before = tree_digest(workspace)
    with pytest.raises(InputError) as err:
        new_action(workspace, "atelier", "2025-06-salon")
    assert err.value.code == "action_existante"
    assert tree_digest(workspace) == before


def test_new_action_needs_a_workspace(tmp_path):
    with pytest.raises(WorkspaceNotFound):
        new_action(tmp_path, "salon", "2025-06-salon")


def test_cli_new_action_errors_are_french_with_exit_1(workspace, capsys):
    code, _, err = run(capsys, "new-action", workspace, "salon", "--id", "2025-13-salon")
    assert code == 1
    assert "« 2025-13-salon » — attendu : un identifiant AAAA-MM" in err
    code, _, err = run(capsys, "new-action", workspace, "foire", "--id", "2025-06-foire")
    assert code == 1
    assert "Type d'action inconnu : « foire »" in err and "salon" in err
    assert [p.name for p in (workspace / "actions").iterdir()] == [".gitkeep"]
    code, out, err = run(
        capsys, "new-action", workspace, "salon", "--id", "2025-06-salon", "--titre", "Salon"
    )
    assert code == 0, err
    assert "Action créée" in out and "action.yml" in out and "vccap validate" in out
    code, _, err = run(capsys, "new-action", workspace, "salon", "--id", "2025-06-salon")
    assert code == 1 and "n'existe pas encore" in err


# --------------------------------------------------------------------------- templates


def test_cli_templates_for_a_type_a_table_or_all(tmp_path, capsys):
    code, out, err = run(capsys, "templates", "salon", "-o", tmp_path / "a")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "contacts.xlsx",
        "couts.xlsx",
        "satisfaction.xlsx",
    ]
    code, _, err = run(capsys, "templates", "suivi", "-o", tmp_path / "b")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["suivi.xlsx"]
    code, _, err = run(capsys, "templates", "--all", "-o", tmp_path / "c")
    assert code == 0, err
    assert len(list((tmp_path / "c").iterdir())) == len(TABLE_KINDS)
    code, _, err = run(capsys, "templates", "--all", "-o", tmp_path / "c")
    assert code == 0, err  # same templates again: nothing to replace


def test_cli_templates_with_the_example_workspace_lists_its_territories(tmp_path, capsys):
    code, _, err = run(capsys, "templates", "salon", "-w", EXAMPLE, "-o", tmp_path)
    assert code == 0, err
    wb = openpyxl.load_workbook(tmp_path / "contacts.xlsx")
    assert "CC Pays Diois" in list_values(wb)


def test_cli_templates_errors(tmp_path, capsys):
    code, _, err = run(capsys, "templates", "-o", tmp_path)
    assert code == 2 and "--all" in err
    code, _, err = run(capsys, "templates", "bidule", "-o", tmp_path)
    assert code == 1 and "Type d'action inconnu" in err
    (tmp_path / "contacts.xlsx").write_bytes(b"rempli")
    code, _, err = run(capsys, "templates", "salon", "-o", tmp_path)
    assert code == 1 and "--force" in err
    assert (tmp_path / "contacts.xlsx").read_bytes() == b"rempli"
    action = tmp_path / "action"
    action.mkdir()
    (action / "action.yml").write_text("id: x\n", encoding="utf-8")
    code, _, err = run(capsys, "templates", "salon", "-o", action, "--force")
    assert code == 1 and "dossier d'action" in err
