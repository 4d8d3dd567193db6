"""Loading the workspace model and checking references."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from conftest import EXAMPLE, PRO_2016, SALON_2016, SESSION_2016
from vccap.errors import InvalidWorkspace, UnknownAction, WorkspaceNotFound
from vccap.loading import load_workspace
from vccap.messages import format_problem
from vccap.model import parse_debrief


def test_example_workspace_loads_without_problem():
    ws = load_workspace(EXAMPLE)
    ws.load_all_tables()
    assert [format_problem(p) for p in ws.problems] == []
    assert ws.demarche.seuil_confidentialite == 3
    assert {2016, 2017} <= set(ws.annees)
    salon = ws.action(SALON_2016)
    assert salon.type == "salon" and salon.statut == "realisee"
    assert salon.date_debut == dt.date(2016, 6, 15) and salon.date_fin == dt.date(2016, 6, 16)
    assert len(salon.territoires) == 9
    assert set(salon.files) >= {"contacts", "couts"}
    statuses = {a.statut for a in ws.actions.values()}
    assert statuses == {"realisee", "prevue", "annulee"}
    # actions come in date order
    dates = [a.date_debut for a in ws.actions.values()]
    assert dates == sorted(dates)


def test_tables_handed_out_hold_no_personal_field():
    ws = load_workspace(EXAMPLE)
    for action_id in (SALON_2016, SESSION_2016, PRO_2016):
        for kind, df in ws.tables(action_id).items():
            assert not {"nom", "prenom", "courriel", "telephone"} & set(df.columns), kind
    contacts = ws.tables(SALON_2016)["contacts"]
    assert "personne" in contacts.columns
    assert contacts["personne"].str.len().eq(16).all()


def test_comments_are_scrubbed_at_load():
    ws = load_workspace(EXAMPLE)
    comments = " ".join(ws.tables(SESSION_2016)["satisfaction"]["commentaire"].dropna())
    assert "Vidal" not in comments
    assert "@" not in comments
    assert "[nom masqué]" in comments and "[courriel masqué]" in comments


def test_returning_people_share_a_pseudonym_across_actions():
    ws = load_workspace(EXAMPLE)
    salon = set(ws.tables(SALON_2016)["contacts"]["personne"].dropna())
    later = set()
    for action in ws.actions.values():
        if (
            action.annee == 2017
            and action.type == "session_porteurs"
            and action.statut == "realisee"
        ):
            later |= set(ws.tables(action.id)["participants"]["personne"].dropna())
    assert len(salon & later) >= 4


def test_unknown_action_and_missing_workspace(tmp_path):
    ws = load_workspace(EXAMPLE)
    with pytest.raises(UnknownAction) as info:
        ws.action("2099-01-nope")
    assert SALON_2016 in info.value.known
    with pytest.raises(WorkspaceNotFound) as missing:
        load_workspace(tmp_path / "absent")
    assert missing.value.reason == "absent"
    with pytest.raises(WorkspaceNotFound) as empty:
        load_workspace(tmp_path)
    assert empty.value.reason == "sans_demarche"


def _edit_action(workspace, action_id, old, new):
    path = workspace / "actions" / action_id / "action.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _problems(workspace):
    ws = load_workspace(workspace)
    return ws, {p.code: p for p in ws.problems}


def test_unknown_territory_in_action_yml(example_copy):
    _edit_action(example_copy, SALON_2016, "[roannais,", "[roanais,")
    ws, problems = _problems(example_copy)
    p = problems["reference"]
    assert p.file == f"data/actions/{SALON_2016}/action.yml"
    assert p.value == "roanais" and p.action == SALON_2016
    assert p.expected == "un territoire de territoires.csv (identifiant ou nom)"
    assert p.line is not None and p.column.startswith("territoires.")
    # the other actions are untouched
    assert not ws.problems_of(SESSION_2016)
    with pytest.raises(InvalidWorkspace):
        ws.tables(SALON_2016)
    assert ws.tables(SESSION_2016)


def test_unknown_type_bad_dates_and_slug(example_copy):
    _edit_action(example_copy, SALON_2016, "type: salon", "type: salons")
    _edit_action(example_copy, SALON_2016, "date_fin: 2016-06-16", "date_fin: 2016-06-01")
    ws, problems = _problems(example_copy)
    assert problems["type_inconnu"].value == "salons"
    assert "salon" in problems["type_inconnu"].expected
    assert problems["date_fin"].value == "2016-06-01"
    assert problems["date_fin"].expected.startswith("une date de fin postérieure")
    bad = example_copy / "actions" / "Salon 2016"
    (bad).mkdir()
    (bad / "action.yml").write_text(
        "id: Salon 2016\ntitre: x\ntype: salon\nstatut: realisee\ndate_debut: 2016-06-15\n",
        encoding="utf-8",
    )
    ws, problems = _problems(example_copy)
    assert problems["identifiant"].action == "Salon 2016"


def test_unknown_indicator_in_objectives(example_copy):
    path = example_copy / "actions" / SALON_2016 / "action.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("indicateur: porteurs_conseilles", "indicateur: porteurs_conseiles", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = _problems(example_copy)
    p = problems["indicateur_inconnu"]
    assert p.value == "porteurs_conseiles"
    assert "porteurs_conseilles" in p.expected


def test_duplicated_id_and_unknown_key(example_copy):
    # « territoire » is another spelling of « territoires », already given: a doubled key.
    path = _edit_action(example_copy, SALON_2016, "lieu:", "territoire: [diois]\nlieux: x\nlieu:")
    _, problems = _problems(example_copy)
    assert problems["cle_double"].value in {"territoire", "territoires"}
    assert problems["cle_double"].line is not None
    assert problems["cle_inconnue"].value == "lieux"
    assert path.exists()


def test_malformed_yaml_is_a_problem_with_line(example_copy):
    path = example_copy / "actions" / SALON_2016 / "action.yml"
    path.write_text("id: x\ntitre: Salon : édition 2016\n  type: salon\n", encoding="utf-8")
    ws, problems = _problems(example_copy)
    p = problems["yaml_invalide"]
    assert p.file.endswith("action.yml") and p.line == 2
    assert p.expected.startswith("un YAML valide")
    assert SESSION_2016 in ws.actions


def test_workspace_types_extend_the_catalogue(example_copy):
    (example_copy / "types_action.yml").write_text(
        textwrap.dedent("""\
        cafe_installation:
          libelle: Café installation
          description: Un temps convivial pour rencontrer des candidats à l'installation.
          tables: [participants]
          indicateurs: [participants, porteurs]
          indicateurs_cles: [participants]
        salon:
          libelle: Salon régional (modifié)
        """),
        encoding="utf-8",
    )
    ws, problems = _problems(example_copy)
    assert not problems
    assert ws.types["cafe_installation"].indicateurs == ["participants", "porteurs"]
    assert ws.types["salon"].libelle == "Salon régional (modifié)"
    assert "porteurs_conseilles" in ws.types["salon"].indicateurs  # the rest is kept


def test_parse_debrief_sections_and_quotes():
    debrief = parse_debrief(
        "# Retour\nIntro.\n\n## Ce qui a fonctionné\n- a\n- b\n\n## Difficultés\n- c\n\n"
        "## Citations\n> « Très utile »\n\n> Deux lignes\n> de citation\n"
    )
    assert debrief.intro == "Intro."
    assert debrief.section("ce qui a fonctionne") == "- a\n- b"
    assert debrief.quotes == ["Très utile", "Deux lignes de citation"]


def test_unfilled_skeleton_prompts_count_as_empty():
    debrief = parse_debrief(
        "# Retour\n\n*À compléter : qui a rédigé.*\n\n## Ce qui a fonctionné\n\n"
        "*À compléter : ce qui a bien marché.*\n\n## Difficultés\n\n- le calendrier\n"
    )
    assert debrief.intro == ""
    assert debrief.section("Ce qui a fonctionné") == ""
    assert debrief.section("Difficultés") == "- le calendrier"
