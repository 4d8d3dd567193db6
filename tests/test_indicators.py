"""Indicators on small hand-made tables whose answers are known."""

import datetime as dt

import pandas as pd
import pytest

from vccap.catalogue import default_indicators, default_types
from vccap.indicators import compute, evaluate_objectives, status
from vccap.model import Action, LigneBudget, Objectif

CATALOGUE = default_indicators()


def _action(**kw):
    base = dict(
        id="2016-06-salon-test",
        titre="Salon",
        type="salon",
        statut="realisee",
        date_debut=dt.date(2016, 6, 15),
        date_fin=dt.date(2016, 6, 16),
        territoires=["a", "b", "c"],
    )
    base.update(kw)
    return Action(**base)


def _contacts():
    return pd.DataFrame(
        {
            "profil": ["porteur_de_projet"] * 6 + ["partenaire"] * 3 + [pd.NA],
            "territoire": ["a", "a", "b", "b", "c", "c", "a", "b", "c", "a"],
            "suite_souhaitee": pd.array(
                [True, True, False, True, None, False, False, True, None, None], dtype="boolean"
            ),
        }
    )


def test_counts_filters_and_distincts():
    values = compute(
        _action(),
        {"contacts": _contacts()},
        CATALOGUE,
        ["porteurs_conseilles", "partenaires_visiteurs", "contacts", "territoires_presents"],
    )
    assert values["porteurs_conseilles"].valeur == 6
    assert values["partenaires_visiteurs"].valeur == 3
    assert values["contacts"].valeur == 10
    assert values["territoires_presents"].valeur == 3


def test_share_ignores_blank_answers():
    values = compute(_action(), {"contacts": _contacts()}, CATALOGUE, ["part_suite_souhaitee"])
    assert values["part_suite_souhaitee"].valeur == pytest.approx(4 / 7)


def test_cost_sums_budget_and_costs_table_and_ratio():
    action = _action(budget=[LigneBudget("stand", 4500.0, "Région")])
    couts = pd.DataFrame({"poste": ["impression"], "montant": [500.0], "financeur": ["LEADER"]})
    values = compute(
        action,
        {"contacts": _contacts(), "couts": couts},
        CATALOGUE,
        ["cout_total", "cout_par_contact"],
    )
    assert values["cout_total"].valeur == 5000
    assert values["cout_par_contact"].valeur == 500


def test_missing_table_is_not_measured():
    values = compute(
        _action(), {}, CATALOGUE, ["taux_satisfaction", "porteurs_conseilles", "cout_par_contact"]
    )
    assert all(v.valeur is None for v in values.values())


def test_satisfaction_rate_and_engaged_territories():
    satisfaction = pd.DataFrame(
        {"satisfaction_globale": ["tres_satisfait", "satisfait", "peu_satisfait", None]}
    )
    participants = pd.DataFrame(
        {
            "profil": ["technicien_territoire"] * 5,
            "territoire": ["a", "a", "b", "c", "d"],
            "engagement": ["organiser un événement", "", "organiser", None, "idem"],
        }
    )
    values = compute(
        _action(type="professionnalisation"),
        {"satisfaction": satisfaction, "participants": participants},
        CATALOGUE,
        ["taux_satisfaction", "territoires_engages", "territoires_representes"],
    )
    assert values["taux_satisfaction"].valeur == pytest.approx(2 / 3)
    assert values["territoires_engages"].valeur == 3  # a, b, d
    assert values["territoires_representes"].valeur == 4


def test_status_rules():
    assert status(94, 80) == "atteint"
    assert status(50, 80) == "partiellement_atteint"
    assert status(10, 80) == "non_atteint"
    assert status(None, 80) == "non_mesure"
    assert status(90, 100, "baisse") == "atteint"
    assert status(150, 100, "baisse") == "partiellement_atteint"
    assert status(250, 100, "baisse") == "non_atteint"


def test_objectives_get_value_target_and_status():
    values = compute(_action(), {"contacts": _contacts()}, CATALOGUE, ["porteurs_conseilles"])
    results = evaluate_objectives(
        [
            Objectif("Rencontrer des porteurs", "porteurs_conseilles", 5.0),
            Objectif("Sans indicateur", "", None),
        ],
        values,
        CATALOGUE,
    )
    assert results[0].valeur == 6 and results[0].statut == "atteint"
    assert results[0].statut_libelle == "atteint"
    assert results[1].statut == "non_mesure"


def test_catalogue_covers_the_data_contract_and_every_type():
    minimum = {
        "participants",
        "porteurs",
        "partenaires",
        "taux_satisfaction",
        "cout_total",
        "porteurs_conseilles",
        "partenaires_visiteurs",
        "territoires_presents",
        "cout_par_contact",
        "part_suite_souhaitee",
        "evenements",
        "participants_evenements",
    }
    assert minimum <= set(CATALOGUE)
    for type_id, spec in default_types().items():
        assert spec.libelle and spec.description, type_id
        assert set(spec.indicateurs) <= set(CATALOGUE), type_id
        assert set(spec.indicateurs_cles) <= set(spec.indicateurs), type_id
    for ind in CATALOGUE.values():
        assert len(ind.calcul) == 1
        assert next(iter(ind.calcul)) in {
            "compter",
            "compter_distincts",
            "part",
            "somme",
            "rapport",
        }


@pytest.mark.parametrize(
    ("row", "warned"),
    [
        ("conférence  « ENTREPRENEURIAT au vert » (animation et logistique);1 200,00;Région", True),
        ("Conférence « Entrepreneuriat au vert » (animation et logistique);1 250,00;Région", False),
        ("Traiteur de la conférence;1 200,00;Région", False),
    ],
)
def test_a_cost_line_repeating_the_budget_of_action_yml_is_named(example_copy, row, warned):
    """``cout_total`` sums the budget of action.yml and the ``couts`` table (data contract):
    a line typed in both is counted twice, so the person is told which line of which file
    repeats which budget line (same heading, case and accents aside, and same amount); a
    line differing in amount or heading is another expense, said nothing about. The total
    stays the contract's sum either way."""
    from conftest import SALON_2016
    from vccap.loading import load_workspace
    from vccap.messages import format_problem

    root = example_copy
    path = root / "actions" / SALON_2016 / "couts.csv"
    before = path.read_bytes()
    path.write_bytes(before + row.encode("cp1252") + b"\r\n")
    ws = load_workspace(root)
    warnings = [w for w in ws.warnings_of(SALON_2016) if w.code == "budget_repete"]
    lines = before.count(b"\n") + 1
    if warned:
        assert len(warnings) == 1
        w = warnings[0]
        assert (w.file.endswith("couts.csv"), w.line, w.column) == (True, lines, "Montant")
        text = format_problem(w)
        assert "action.yml" in text and "1\u202f200\xa0€" in text and "comptée deux fois" in text
    else:
        assert warnings == []
    # the check is memoised with the table read (a warm kernel loads the workspace for
    # every page): a second load gives the same warnings, another budget its own
    again = load_workspace(root)
    assert [w for w in again.warnings_of(SALON_2016) if w.code == "budget_repete"] == warnings
    couts = again._read_tables(SALON_2016)["couts"]
    assert couts.budget_repeated([], SALON_2016) == []
    assert not ws.problems_of(SALON_2016)
    tables = ws.tables(SALON_2016)
    action = ws.action(SALON_2016)
    total = compute(action, tables, CATALOGUE, ["cout_total"])["cout_total"].valeur
    assert total == pytest.approx(
        tables["couts"]["montant"].sum() + sum(b.montant for b in action.budget)
    )


def test_a_repeated_budget_line_is_worded_for_readers():
    from vccap.errors import AVERTISSEMENT, InputError
    from vccap.messages import reader_warning

    one = InputError("couts.csv", "…", line=7, code="budget_repete", severity=AVERTISSEMENT,
                     table="couts")  # fmt: skip
    text = reader_warning(one)
    assert text.endswith("une ligne (ligne 7) répète une dépense du budget de l'action ; le "
                         "coût total les compte deux fois."), text  # fmt: skip
    assert "couts.csv" not in text and "action.yml" not in text
