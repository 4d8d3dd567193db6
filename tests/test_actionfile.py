"""action.yml read as forgivingly as the tables; warnings through the workspace and validate."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vccap.cli import main
from vccap.loading import load_workspace
from vccap.messages import reader_warning

ACTION = "2019-05-session-besancon"
BASE = """id: 2019-05-session-besancon
titre: Session
type: session_porteurs
statut: realisee
date_debut: 2019-05-14
territoires: [haut-doubs, morvan]
"""


def workspace(tmp_path: Path, action_yml: str = BASE, files: dict[str, str | bytes] | None = None,
              extra: dict[str, str] | None = None) -> Path:  # fmt: skip
    root = tmp_path / "ws"
    (root / "actions" / ACTION).mkdir(parents=True)
    (root / "demarche.yml").write_text("nom: Essai\n", encoding="utf-8")
    (root / "territoires.csv").write_text(
        "id,nom,milieu\nhaut-doubs,Haut-Doubs,rural\nmorvan,Morvan,rural\n", encoding="utf-8"
    )
    (root / "structures.csv").write_text("id,nom,categorie,milieu\nbge,BGE,accompagnement,urbain\n")
    data = action_yml.encode("utf-8") if isinstance(action_yml, str) else action_yml
    (root / "actions" / ACTION / "action.yml").write_bytes(data)
    for name, content in (files or {}).items():
        raw = content.encode("utf-8") if isinstance(content, str) else content
        (root / "actions" / ACTION / name).write_bytes(raw)
    for name, content in (extra or {}).items():
        (root / name).write_text(content, encoding="utf-8")
    return root


def problems(root: Path) -> dict[str, object]:
    ws = load_workspace(root)
    return {p.code: p for p in ws.problems}


def test_base_action_is_clean(tmp_path):
    ws = load_workspace(workspace(tmp_path))
    assert ws.problems == [] and ws.warnings == []
    assert ws.actions[ACTION].territoires == ["haut-doubs", "morvan"]


@pytest.mark.parametrize(
    ("written", "date"),
    [("14 mai 2019", "2019-05-14"), ("mardi 14 mai 2019", "2019-05-14"),
     ("14/05/2019", "2019-05-14"),
     ("2019-05-14", "2019-05-14"), ('"14.05.2019"', "2019-05-14")],
)  # fmt: skip
def test_dates_in_words_and_numbers(tmp_path, written, date):
    ws = load_workspace(workspace(tmp_path, BASE.replace("2019-05-14", written)))
    assert ws.problems == []
    assert ws.actions[ACTION].date_debut.isoformat() == date


@pytest.mark.parametrize(
    "written", ["2019-05-31\ndate_fin: 2019-11-31", "2019-05-14\ndate_fin: 31/11/2019"]
)
def test_an_impossible_date_is_a_message_with_its_line(tmp_path, written):
    p = problems(workspace(tmp_path, BASE.replace("2019-05-14", written)))["date"]
    assert (p.line, p.column, p.code) == (6, "date_fin", "date")


@pytest.mark.parametrize(
    ("budget", "total"),
    [("{poste: salle, montant: 310 €}", 310.0), ("{poste: salle, montant: 1 380}", 1380.0),
     ("{poste: salle, montant: '1 380,50'}", 1380.5), ("{Poste: salle, Montant: 450}", 450.0)],
)  # fmt: skip
def test_budget_amounts_as_typed(tmp_path, budget, total):
    ws = load_workspace(workspace(tmp_path, BASE + f"budget:\n  - {budget}\n"))
    assert ws.problems == []
    assert [b.montant for b in ws.actions[ACTION].budget] == [total]


@pytest.mark.parametrize(
    "budget", ["{poste: salle, montant: 1,380}", "{poste: salle, montant: 1.650}"]
)
def test_an_ambiguous_amount_is_an_error_on_its_line(tmp_path, budget):
    p = problems(workspace(tmp_path, BASE + f"budget:\n  - {budget}\n"))["nombre_ambigu"]
    assert p.line == 8 and "milliers" in p.expected


@pytest.mark.parametrize(
    ("cible", "value"), [("75 %", 0.75), ("0,75", 0.75), ("0.8", 0.8), ("1", 1.0)]
)
def test_share_targets(tmp_path, cible, value):
    text = (
        BASE
        + "objectifs:\n  - libellé: Satisfaire\n    indicateur: taux_satisfaction\n"
        + f"    cible: {cible}\n"
    )
    ws = load_workspace(workspace(tmp_path, text))
    assert ws.problems == []
    assert ws.actions[ACTION].objectifs[0].cible == pytest.approx(value)


@pytest.mark.parametrize("cible", ["75", "100"])
def test_a_bare_share_target_above_one_is_an_error(tmp_path, cible):
    text = (
        BASE
        + "objectifs:\n  - libelle: Satisfaire\n    indicateur: taux_satisfaction\n"
        + f"    cible: {cible}\n"
    )
    p = problems(workspace(tmp_path, text))["cible_taux"]
    assert p.line == 10 and "%" in p.expected


def test_keys_types_and_lists_written_freely(tmp_path):
    text = (
        BASE.replace("type: session_porteurs", "Type: Session_Porteurs").replace(
            "territoires: [haut-doubs, morvan]", "Territoires: Haut-Doubs, morvan"
        )
        + "Date de fin: 15 mai 2019\npartenaires: BGE\n"
    )
    ws = load_workspace(workspace(tmp_path, text))
    assert ws.problems == []
    action = ws.actions[ACTION]
    assert (action.type, action.territoires, action.partenaires) == (
        "session_porteurs",
        ["haut-doubs", "morvan"],
        ["bge"],
    )
    assert action.date_fin.isoformat() == "2019-05-15"


def test_declared_scale(tmp_path):
    ws = load_workspace(workspace(tmp_path, BASE + "echelle: 1-5\n"))
    assert ws.actions[ACTION].echelles["satisfaction_globale"] == (1.0, 5.0)
    assert "echelle" in problems(workspace(tmp_path / "b", BASE + "echelle: beaucoup\n"))


def test_nested_aliases_are_refused_fast(tmp_path):
    bomb = "notes:\n  a0: &a0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]\n"
    for i in range(1, 9):
        bomb += f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    start = time.perf_counter()
    p = problems(workspace(tmp_path, BASE + bomb))["yaml_alias"]
    assert time.perf_counter() - start < 5
    assert "alias" in p.expected


def test_tab_indentation_is_named(tmp_path):
    p = problems(workspace(tmp_path, BASE + "objectifs:\n\t- libelle: x\n"))["yaml_invalide"]
    assert "tabulation" in p.expected


def test_windows_and_mac_encodings(tmp_path):
    text = BASE.replace("statut: realisee", "statut: Réalisée").replace(
        "titre: Session", "titre: Café"
    )
    for encoding in ("cp1252", "mac_roman"):
        ws = load_workspace(workspace(tmp_path / encoding, text.encode(encoding)))
        assert ws.problems == [] and ws.actions[ACTION].titre == "Café"


# --------------------------------------------------------------------------- warnings API


def test_warnings_travel_to_the_workspace_and_readers(tmp_path, capsys):
    root = workspace(tmp_path, files={"couts.csv": "Poste;Montant\nsalle;650\nTotal;650\n",
                                      "notes.pdf": "x"})  # fmt: skip
    ws = load_workspace(root)
    warnings = ws.warnings_of(ACTION)
    assert [(w.code, w.line) for w in warnings] == [("ligne_total", 3)]
    assert ws.problems_of(ACTION) == []
    text = reader_warning(warnings[0])
    assert text == "Coûts : une ligne de total (ligne 3) a été laissée de côté."
    assert "couts" not in text and ".csv" not in text
    assert main(["validate", str(root)]) == 0
    out = capsys.readouterr().out
    assert "avertissement" in out and "ligne de total" in out and "fichier ignoré" in out
    assert main(["validate", str(root), "--strict"]) == 1


def test_near_miss_name_and_correspondances_in_a_workspace(tmp_path, capsys):
    files = {"satisfaction - copie.csv": "Vous êtes :;Votre avis global\nélu;Satisfait\n"}
    extra = {"correspondances.yml": 'satisfaction:\n  "Votre avis global": satisfaction_globale\n'}
    root = workspace(tmp_path, files=files, extra=extra)
    ws = load_workspace(root)
    assert ws.tables(ACTION)["satisfaction"]["satisfaction_globale"].tolist() == ["satisfait"]
    assert [w.code for w in ws.warnings_of(ACTION)] == ["nom_approchant"]
    assert main(["validate", str(root)]) == 0
    assert "satisfaction - copie.csv" in capsys.readouterr().out


def test_unknown_field_in_correspondances_is_an_error(tmp_path):
    extra = {"correspondances.yml": "satisfaction:\n  Avis: avis_global\n"}
    p = problems(workspace(tmp_path, extra=extra))["champ_inconnu"]
    assert p.line == 2 and "satisfaction_globale" in p.expected


def test_symbolic_link_to_outside_is_an_error(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("Nom;Profil\nX;elu\n")
    root = workspace(tmp_path)
    (root / "actions" / ACTION / "participants.csv").symlink_to(secret)
    assert "lien_hors_espace" in problems(root)


def test_a_key_written_twice_is_an_error_not_a_silent_overwrite(tmp_path):
    p = problems(workspace(tmp_path, BASE + "date_debut: 2019-06-01\n"))["cle_double"]
    assert p.line == 7 and p.value == "date_debut"


def test_deep_nesting_is_a_message(tmp_path):
    deep = "descriptif: " + "[" * 5000 + "]" * 5000 + "\n"
    assert "yaml_invalide" in problems(workspace(tmp_path, BASE + deep))


@pytest.mark.parametrize(
    ("code", "rows", "text"),
    [("lignes_masquees", (7, 8), "Participants : 2 lignes masquées dans le tableur (lignes 7 et 8) "
      "ont été comptées."),
     ("doublon_personne", (4,), "Participants : une même personne apparaît sur plusieurs lignes "
      "(ligne 4)."),
     ("nom_approchant", (), "Participants : le tableau a été lu dans un fichier dont le nom n'est "
      "pas le nom attendu.")],
)  # fmt: skip
def test_reader_wording_has_no_file_name(code, rows, text):
    from vccap.errors import InputError

    warning = InputError("ws/actions/x/participants (1).csv", "…", code=code, rows=rows,
                         severity="avertissement", table="participants")  # fmt: skip
    assert reader_warning(warning) == text


def test_workspace_files_linked_from_outside_are_problems(tmp_path):
    root = workspace(tmp_path)
    outside = tmp_path / "autre.csv"
    outside.write_text("id,nom,milieu\nhaut-doubs,Haut-Doubs,rural\nmorvan,Morvan,rural\n")
    (root / "territoires.csv").unlink()
    (root / "territoires.csv").symlink_to(outside)
    assert "lien_hors_espace" in problems(root)


def test_a_debrief_linked_from_outside_is_never_read(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("## Ce qui a fonctionné\nSECRET\n")
    root = workspace(tmp_path)
    (root / "actions" / ACTION / "retour_experience.md").symlink_to(notes)
    ws = load_workspace(root)
    assert ws.debrief(ACTION) is None
    assert "lien_hors_espace" in {p.code for p in ws.problems_of(ACTION)}


@pytest.mark.parametrize("target", [".cle_pseudonymisation", "participants.csv"])
def test_a_debrief_linked_to_the_key_or_a_table_inside_is_never_read(tmp_path, target):
    """A link that stays inside the workspace may not lead to a hidden file (the key, the
    build state) or to another kind of file (a raw table read as text)."""
    root = workspace(tmp_path)
    secret = root / ".cle_pseudonymisation"
    if not secret.exists():
        secret.write_text("0" * 64, encoding="ascii")
    table = root / "actions" / ACTION / "participants.csv"
    if not table.exists():
        table.write_text("Nom;Prénom\nDupont;Zéphyrine\n", encoding="utf-8")
    link = root / "actions" / ACTION / "retour_experience.md"
    link.unlink(missing_ok=True)
    link.symlink_to(secret if target.startswith(".") else table)
    ws = load_workspace(root)
    assert ws.debrief(ACTION) is None
    assert "lien_autre_fichier" in {p.code for p in ws.problems_of(ACTION)}


def test_a_budget_amount_with_three_decimals_is_an_error(tmp_path):
    text = BASE + "budget:\n  - poste: salle\n    montant: 1234,567\n"
    assert problems(workspace(tmp_path, text))["decimales"].line == 9


def test_host_territory_by_id_or_name(tmp_path):
    by_name = load_workspace(workspace(tmp_path, BASE + "territoire_accueil: Haut-Doubs\n"))
    assert by_name.actions[ACTION].territoire_accueil == "haut-doubs"
    assert not by_name.problems
    empty = load_workspace(workspace(tmp_path / "b", BASE + "territoire_accueil:\n"))
    assert empty.actions[ACTION].territoire_accueil is None


@pytest.mark.parametrize("value", ["[haut-doubs, morvan]", "Jura"])
def test_host_territory_is_one_known_territory(tmp_path, value):
    ws = load_workspace(workspace(tmp_path, BASE + f"territoire_accueil: {value}\n"))
    assert ws.problems, "an unknown or double host territory must be reported"
    assert all(str(p.file).endswith("action.yml") for p in ws.problems)
    assert any("territoire" in str(p.expected) for p in ws.problems)
    assert ws.actions.get(ACTION) is None or ws.actions[ACTION].territoire_accueil is None
