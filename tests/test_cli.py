"""The command line, run for real on the example workspace and on broken copies of it."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, PRO_2016, ROOT, SALON_2016, SESSION_2016, tree_digest
from vccap.cli import COMMANDS, build_parser, main

FIXTURES = Path(__file__).parent / "fixtures"


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_example_succeeds_with_a_summary(capsys):
    code, out, err = run(capsys, "validate", EXAMPLE)
    assert code == 0, err
    assert out.startswith("Espace de travail valide")
    assert "contacts : 290 lignes" in out


def test_indicators_csv_reproduces_the_2016_facts(capsys):
    code, out, err = run(capsys, "indicators", EXAMPLE, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["action", "indicateur", "valeur", "cible", "statut"]
    value = {(r["action"], r["indicateur"]): r for r in rows}
    assert value[(SALON_2016, "porteurs_conseilles")]["valeur"] == "94"
    assert value[(SALON_2016, "porteurs_conseilles")]["cible"] == "80"
    assert value[(SALON_2016, "porteurs_conseilles")]["statut"] == "atteint"
    assert value[(SALON_2016, "partenaires_visiteurs")]["valeur"] == "41"
    assert value[(SALON_2016, "territoires_presents")]["valeur"] == "9"
    assert value[(SESSION_2016, "participants")]["valeur"] == "25"
    assert value[(SESSION_2016, "partenaires")]["valeur"] == "6"
    assert value[(PRO_2016, "territoires_engages")]["valeur"] == "3"
    share = float(value[(SALON_2016, "part_suite_souhaitee")]["valeur"])
    assert 0 < share < 1


def test_indicators_table_and_json_for_one_action(capsys):
    code, out, _ = run(capsys, "indicators", EXAMPLE, "--action", SALON_2016)
    assert code == 0 and "Porteurs de projet conseillés sur le stand" in out and "94" in out
    code, out, _ = run(capsys, "indicators", EXAMPLE, "--action", SALON_2016, "--format", "json")
    assert code == 0 and '"valeur": 94' in out


def test_unknown_action_is_a_french_error(capsys):
    code, _, err = run(capsys, "indicators", EXAMPLE, "--action", "2099-01-rien")
    assert code == 1
    assert err.startswith("Action inconnue : « 2099-01-rien »")


def test_missing_workspace_is_a_french_error(capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path / "nulle-part")
    assert code == 1 and "Espace de travail introuvable" in err and "n'existe pas" in err


# --------------------------------------------------------------------------- bad-file corpus

BAD_TABLES = [
    # fixture, action, kind, line:column, expected wording
    ("colonne_obligatoire_manquante.csv", SALON_2016, "contacts", ":1:Profil",
     "attendu : une colonne « Profil »"),
    ("vocabulaire_inconnu.csv", SESSION_2016, "participants", ":3:Profil: « visiteur »",
     "attendu : une des valeurs : porteur_de_projet"),
    ("date_impossible.csv", SALON_2016, "contacts", ":3:Date: « 31/02/2016 »",
     "attendu : une date (2016-06-15 ou 15/06/2016)"),
    ("entete_double.csv", SALON_2016, "contacts", ":1:E-mail: « E-mail »",
     "attendu : une seule colonne « Courriel »"),
    ("fichier_vide.csv", SALON_2016, "contacts", "contacts.csv: attendu",
     "un tableau avec une ligne de titres de colonnes"),
    ("binaire.csv", SALON_2016, "contacts", "contacts.csv: attendu", "attendu : "),
    ("xlsx_sans_lignes.xlsx", SALON_2016, "contacts", "contacts.xlsx: attendu",
     "un tableau avec une ligne de titres de colonnes"),
    ("xlsx_corrompu.xlsx", SALON_2016, "contacts", "contacts.xlsx: attendu", "attendu : "),
    ("nombre_invalide.csv", SALON_2016, "couts", ":3:Montant: « douze cents »",
     "attendu : un nombre (1234,5)"),
    ("territoire_inconnu.csv", SALON_2016, "contacts", ":3:Territoire: « Atlantide »",
     "attendu : un territoire de territoires.csv (identifiant ou nom)"),
    ("booleen_invalide.csv", SALON_2016, "contacts", ":3:Suite souhaitée: « peut-être »",
     "attendu : oui ou non"),
    ("entete_vide.csv", SALON_2016, "contacts", ":1: ",
     "attendu : un titre pour la colonne n° 3 (C)"),
    ("entier_invalide.csv", "2017-09-evenements-locaux-automne", "evenements",
     ":2:Participants: « 12,5 »", "attendu : un nombre entier (12)"),
    ("montant_negatif.csv", SALON_2016, "couts", ":2:Montant: « -50 »",
     "attendu : un nombre supérieur ou égal à 0"),
    ("valeur_obligatoire_vide.csv", SALON_2016, "contacts", ":3:Territoire: (vide)",
     "attendu : une valeur (colonne obligatoire)"),
]  # fmt: skip


def _install(workspace: Path, fixture: Path, action: str, kind: str) -> Path:
    folder = workspace / "actions" / action
    for old in folder.iterdir():
        if old.stem.lower() == kind:
            old.unlink()
    target = folder / f"{kind}{fixture.suffix}"
    shutil.copyfile(fixture, target)
    return target


@pytest.mark.parametrize(("fixture", "action", "kind", "where", "expected"), BAD_TABLES,
                         ids=[c[0] for c in BAD_TABLES])  # fmt: skip
def test_every_bad_table_gets_its_french_message(capsys, example_copy, fixture, action, kind,
                                                  where, expected):  # fmt: skip
    target = _install(example_copy, FIXTURES / "bad" / fixture, action, kind)
    code, out, err = run(capsys, "validate", example_copy)
    assert code == 1
    assert "Traceback" not in err + out
    shown = f"data/actions/{action}/{target.name}"
    lines = [line for line in err.splitlines() if shown in line]
    assert lines, err
    assert any(where in line and expected in line for line in lines), lines
    assert f"Action {action} — " in err
    assert "rien n'a été modifié" in err


def test_bad_corpus_is_fully_covered():
    assert {c[0] for c in BAD_TABLES} == {p.name for p in (FIXTURES / "bad").iterdir()}


BAD_YAML = [
    ("action_yaml_malforme.yml", "action.yml:2:21: attendu",
     "un YAML valide (deux-points inattendu"),
    ("action_territoire_inconnu.yml", "action.yml:10:territoires.1: « atlantide »",
     "attendu : un territoire de territoires.csv"),
    ("action_type_inconnu.yml", "action.yml:3:type: « foire »",
     "attendu : un type du catalogue : atelier, bourse_projets"),
    ("action_fin_avant_debut.yml", "action.yml:6:date_fin: « 2016-06-14 »",
     "attendu : une date de fin postérieure ou égale au début (2016-06-15)"),
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "where", "expected"), BAD_YAML, ids=[c[0] for c in BAD_YAML])
def test_every_bad_action_yml_gets_its_french_message(capsys, example_copy, fixture, where,
                                                      expected):  # fmt: skip
    shutil.copyfile(
        FIXTURES / "bad_yaml" / fixture, example_copy / "actions" / SALON_2016 / "action.yml"
    )
    code, out, err = run(capsys, "validate", example_copy)
    assert code == 1 and "Traceback" not in err
    line = next(x for x in err.splitlines() if f"{SALON_2016}/action.yml" in x)
    assert where in line and expected in line, line


def test_bad_demarche_yml(capsys, example_copy):
    shutil.copyfile(
        FIXTURES / "bad_yaml" / "demarche_seuil_invalide.yml", example_copy / "demarche.yml"
    )
    code, _, err = run(capsys, "validate", example_copy)
    assert code == 1
    assert "data/demarche.yml:3:seuil_confidentialite: « trois » — attendu : un entier" in err


def test_all_problems_are_collected_not_just_the_first(capsys, example_copy):
    _install(example_copy, FIXTURES / "bad" / "date_impossible.csv", SALON_2016, "contacts")
    _install(
        example_copy, FIXTURES / "bad" / "vocabulaire_inconnu.csv", SESSION_2016, "participants"
    )
    code, _, err = run(capsys, "validate", example_copy)
    assert code == 1
    assert f"Action {SALON_2016}" in err and f"Action {SESSION_2016}" in err


def test_real_console_script_prints_no_traceback(example_copy):
    _install(example_copy, FIXTURES / "bad" / "binaire.csv", SALON_2016, "contacts")
    vccap = Path(sys.executable).parent / "vccap"
    result = subprocess.run([str(vccap), "validate", str(example_copy)], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "contacts.csv" in result.stderr


def test_raw_files_are_byte_identical_after_every_command(capsys):
    before = tree_digest(EXAMPLE)
    assert run(capsys, "validate", EXAMPLE)[0] == 0
    assert run(capsys, "indicators", EXAMPLE, "--format", "json")[0] == 0
    assert tree_digest(EXAMPLE) == before


def test_every_command_is_documented_with_an_example(capsys):
    parser = build_parser()
    help_text = parser.format_help()
    for name, (summary, example, _setup, _run) in COMMANDS.items():
        assert name in help_text and summary
        assert example.startswith("vccap ")
        with pytest.raises(SystemExit) as info:
            main([name, "-h"])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage : ") and "Exemple : " in out


def test_argument_errors_are_in_french(capsys):
    with pytest.raises(SystemExit) as info:
        main(["indicators", "--format", "xml"])
    assert info.value.code == 2
    assert "choix invalide" in capsys.readouterr().err


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        if f"vccap {name}" in readme:
            assert name in COMMANDS


def test_a_failed_page_is_explained_in_french_without_class_names():
    from vccap.errors import JobFailed
    from vccap.messages import format_error

    text = format_error(JobFailed("actions/x", None, "DonneesInvalides", "1 problème"))
    assert text == "Échec de « actions/x » (données invalides : 1 problème)."
    text = format_error(JobFailed("actions/x", None, "ZeroDivisionError", "division by zero"))
    assert "ZeroDivisionError" not in text and "erreur dans le carnet" in text
