"""What readers are shown of the cooperation network (vccap.cooperation), the territories an
action concerns, and the people reached in a year: exact answers on a tiny workspace, then
the example's pages where the old computations contradicted themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from conftest import EXAMPLE
from test_network import tiny  # noqa: F401  (the fixture)
from vccap import appearances, cooperation, network
from vccap.loading import load_workspace
from vccap.model import Action
from vccap.pages.annual_review import AnnualReview
from vccap.pages.review_data import DEFINITIONS
from vccap.pages.territory_profile import TerritoryProfile

T, S = network.TERRITOIRE, network.STRUCTURE


def _host(root: Path, action_id: str, territory: str) -> None:
    """Adds ``territoire_accueil`` to an action of the tiny workspace."""
    yml = root / "actions" / action_id / "action.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8") + f"territoire_accueil: {territory}\n", encoding="utf-8"
    )


# --------------------------------------------------------------------------- tiny workspace


def test_ville_campagne_ties_are_between_a_rural_territory_and_an_urban_actor(tiny):  # noqa: F811
    ws = load_workspace(tiny)
    G = network.build_network(ws)
    ties = cooperation.urban_rural_ties(G)
    pairs = {(r["territoire"], r["acteur"]): r["nb_actions"] for r in ties.to_dict("records")}
    # A1: rur-a, rur-b with s-urb; A2: rur-a, peri-c with s-other; A4 repeats rur-a / s-urb.
    # Not ties: rur-a / rur-b (both rural), s-rur / s-urb (a rural structure is on neither
    # side), ville-u / s-new (A3: an urban territory and a rural structure).
    assert pairs == {
        ("rur-a", "structure:s-urb"): 2,
        ("rur-b", "structure:s-urb"): 1,
        ("rur-a", "structure:s-other"): 1,
        ("peri-c", "structure:s-other"): 1,
    }
    assert ties.iloc[0]["nb_actions"] == 2  # the most repeated first
    assert list(cooperation.urban_rural_ties(G, min_actions=2)["territoire"]) == ["rur-a"]
    assert cooperation.side(T, "periurbain") == cooperation.CAMPAGNE
    assert cooperation.side(S, "rural") == ""
    assert cooperation.side(T, "urbain") == cooperation.side(S, "urbain") == cooperation.VILLE


def test_yearly_measures_count_what_a_reader_can_check(tiny):  # noqa: F811
    m = cooperation.yearly_measures(load_workspace(tiny)).set_index("annee")
    assert list(m.index) == [2020, 2021]
    assert m.loc[2020].to_dict() == {
        "actions": 2,
        "actions_ville_campagne": 2,
        "acteurs": 6,  # rur-a, rur-b, peri-c, s-urb, s-rur, s-other
        "territoires_ruraux": 3,
        "acteurs_urbains": 2,  # s-urb, s-other
        "nouveaux_acteurs": 6,
        "acteurs_revenus": 0,
        "liens_ville_campagne": 4,
        "liens_durables": 0,
    }
    assert m.loc[2021].to_dict() == {
        "actions": 2,  # the planned action is not counted
        "actions_ville_campagne": 1,  # A4; A3 has no rural territory
        "acteurs": 8,  # + ville-u, s-new
        "territoires_ruraux": 3,
        "acteurs_urbains": 2,  # ville-u met no rural territory
        "nouveaux_acteurs": 2,
        "acteurs_revenus": 2,  # rur-a, s-urb
        "liens_ville_campagne": 4,
        "liens_durables": 1,  # rur-a / s-urb, at A1 and A4
    }
    # the measures stay far below the pairs of all actors (the old « liens »)
    G = network.build_network(load_workspace(tiny))
    assert m.loc[2021, "liens_ville_campagne"] < G.number_of_edges()


def test_participations_are_the_actor_action_ties(tiny):  # noqa: F811
    table = cooperation.participations(load_workspace(tiny))
    assert list(table.columns) == cooperation.PARTICIPATION_COLUMNS
    per_action = table.groupby("action")["noeud"].apply(set).to_dict()
    assert per_action["2020-03-atelier-un"] == {
        "territoire:rur-a", "territoire:rur-b", "structure:s-urb", "structure:s-rur",
    }  # fmt: skip
    assert "2021-11-atelier-prevu" not in per_action  # planned
    assert len(table) == sum(len(v) for v in per_action.values())  # one row per tie
    assert set(table.loc[table["noeud"] == "structure:s-rur", "cote"]) == {""}


def test_a_territory_is_concerned_by_the_actions_held_there_and_by_its_structures(tiny):  # noqa: F811
    _host(tiny, "2020-06-salon-deux", "Ville U")  # by its name
    ws = load_workspace(tiny)
    assert ws.actions["2020-06-salon-deux"].territoire_accueil == "ville-u"
    roles = cooperation.territory_roles(ws, ws.actions["2020-06-salon-deux"])
    assert roles["ville-u"] == cooperation.TerritoryRole(accueille=True)
    assert roles["rur-a"] == cooperation.TerritoryRole(participe=True)
    # A1: ville-u does not take part itself, its structure s-urb does
    roles = cooperation.territory_roles(ws, ws.actions["2020-03-atelier-un"])
    assert roles["ville-u"] == cooperation.TerritoryRole(structures=("s-urb",))
    assert not cooperation.TerritoryRole()
    # hosting is not taking part: no new node, no new tie
    G = network.build_network(ws)
    assert "2020-06-salon-deux" not in G.nodes.get("territoire:ville-u", {}).get("actions", [])
    # the territory and its structure, as one group, met rur-a at two actions
    partners = cooperation.group_ties(G, ["territoire:ville-u", "structure:s-urb"])
    first = partners.iloc[0]
    assert (first["noeud"], first["nb_actions"], first["ville_campagne"]) == (
        "territoire:rur-a", 2, True,
    )  # fmt: skip
    assert set(partners["noeud"]) == {
        "territoire:rur-a", "territoire:rur-b", "structure:s-rur", "structure:s-new",
    }  # fmt: skip
    assert list(partners["ville_campagne"]) == [True, True, False, False]  # ville-campagne first


def test_people_reached_are_counted_once_a_year():
    def action(ident: str, year: int) -> Action:
        return Action(ident, ident, "atelier", "realisee", dt.date(year, 5, 1), None)

    people = pd.DataFrame({"personne": ["p1", "p2", None]})
    contacts = pd.DataFrame({"personne": ["p1", "p3"]})
    out = appearances.reached(
        [
            (action("a1", 2020), {"participants": people}),
            (action("a2", 2020), {"contacts": contacts, "satisfaction": people}),
            (action("a3", 2021), {"participants": people.iloc[:1]}),
        ]
    )
    assert list(out.columns) == appearances.REACHED_COLUMNS
    # 2020: p1 (twice), p2, p3 and one row without pseudonym; 2021: p1 again
    assert out.groupby("annee").size().to_dict() == {2020: 4, 2021: 1}
    assert "a1:participants:2" in set(out["personne"])


# --------------------------------------------------------------------------- the example


def test_the_lyon_metropolis_counts_the_actions_held_in_lyon():
    ws = load_workspace(EXAMPLE)
    held = {a.id for a in ws.actions.values() if a.statut == "realisee" and a.lieu == "Lyon"}
    assert len(held) == 7
    page = TerritoryProfile.load(EXAMPLE, "metropole-lyon")
    joined = {a.id for a in page.joined}
    assert held <= joined  # it used to say « 0 actions réalisées »
    assert {a for a, r in page.roles.items() if r.accueille} == held
    assert len(page.partners) > 0  # it used to say « n'a pas de lien »
    cards = {c["libelle"]: c for c in _cards(page)}
    assert cards["Actions réalisées"]["valeur"] == str(len(joined))
    assert all(c.get("definition") for c in cards.values())


def test_saint_etienne_has_the_session_held_there():
    page = TerritoryProfile.load(EXAMPLE, "saint-etienne-metropole")
    roles = page.roles
    assert roles["2017-10-session-vivre-travailler-saint-etienne"].accueille
    assert "aucune action enregistrée" not in page.summary()["detail"]


def _cards(page: TerritoryProfile) -> list[dict]:
    """The key figures of a territory page's header, as given to its template."""
    captured: list[dict] = []
    render = page.render

    def spy(template: str, **values):
        captured.extend(values.get("cartes", []))
        return render(template, **values)

    page.render = spy  # type: ignore[method-assign]
    page.entete()
    return captured


@pytest.mark.parametrize("year", [2016, 2017, 2018])
def test_every_overview_figure_has_its_definition(year):
    review = AnnualReview.load(EXAMPLE, str(year))
    for item in review.apercu():
        assert item["definition"] in DEFINITIONS.values(), item["libelle"]


def test_installations_and_people_reached_say_what_they_count():
    by_year = {y: AnnualReview.load(EXAMPLE, str(y)) for y in (2016, 2017, 2018)}
    values = {y: {i["libelle"]: i["valeur"] for i in r.apercu()} for y, r in by_year.items()}
    # nobody met in 2018: « — »; some met in 2017 but too few installed: « masqué »
    assert values[2018]["Installations"] == "—"
    assert values[2017]["Installations"] == "masqué"
    assert values[2016]["Installations"] == "6"
    assert "« — » : aucun porteur" in DEFINITIONS["installations"]
    # people reached: each person once in the year, from participants and contacts only
    r17 = by_year[2017]
    reached = appearances.reached((y.action, y.tables) for y in r17.done)
    rows = sum(
        len(y.tables[k]) for y in r17.done for k in appearances.REACHED_TABLES if k in y.tables
    )
    assert r17.people == len(reached) < rows  # someone came twice: counted once
    events = sum(
        int(y.tables["evenements"]["participants"].sum())
        for y in r17.done
        if "evenements" in y.tables
    )
    assert events > r17.people  # the local events' public is larger, and the definition
    assert "peut donc dépasser ce nombre" in DEFINITIONS["personnes"]  # says why


def test_articles_are_read_from_territoires_csv(tmp_path):
    root = tmp_path / "ws"
    (root / "actions").mkdir(parents=True)
    (root / "demarche.yml").write_text("nom: Essai\n", encoding="utf-8")
    (root / "structures.csv").write_text("id,nom,categorie,milieu\n", encoding="utf-8")
    csv = root / "territoires.csv"
    csv.write_text(
        "id,nom,milieu,article\n"
        "diois,CC Pays Diois,rural,La\n"
        "ardeche,Ardèche verte,rural,L’\n"
        "oyonnax,Oyonnax,rural,sans article\n"
        "morvan,Morvan,rural,\n",
        encoding="utf-8",
    )
    ws = load_workspace(root)
    assert not ws.problems
    t = ws.territoires
    assert [t[k].article for k in ("diois", "ardeche", "oyonnax", "morvan")] == [
        "la", "l'", "aucun", "",
    ]  # fmt: skip
    assert t["diois"].nom_avec("de") == "de la CC Pays Diois"
    assert t["ardeche"].nom_avec("avec") == "avec l'Ardèche verte"
    assert t["oyonnax"].nom_avec("de") == "d'Oyonnax"
    assert t["morvan"].nom_avec("de") == "du territoire Morvan"
    csv.write_text("id,nom,milieu,article\ndiois,CC Pays Diois,rural,une\n", encoding="utf-8")
    bad = load_workspace(root).problems
    assert [(p.column, p.value) for p in bad] == [("article", "une")]
    # the example names every territory with its article
    example = load_workspace(EXAMPLE)
    assert all(t.article for t in example.territoires.values())
    assert example.territoires["roannais"].nom_avec("de") == "du Site de proximité du Roannais"


def test_yearly_measures_are_computed_once_and_each_caller_gets_a_copy(tiny, monkeypatch):  # noqa: F811
    """Every yearly review shows the yearly measures (one network per year): they are
    computed once per workspace content; a caller's change never reaches the next, and a
    changed action is seen."""
    ws = load_workspace(tiny)
    calls = []
    compute = cooperation._yearly_measures
    monkeypatch.setattr(cooperation, "_yearly_measures", lambda *a: calls.append(1) or compute(*a))
    first = cooperation.yearly_measures(ws)
    expected = first.copy()
    first.loc[:, "actions"] = -1
    again = cooperation.yearly_measures(ws)
    pd.testing.assert_frame_equal(again, expected)
    assert len(calls) == 1
    yml = tiny / "actions" / sorted(p.name for p in (tiny / "actions").iterdir())[0] / "action.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("statut: realisee", "statut: annulee"),
                   encoding="utf-8")  # fmt: skip
    changed = cooperation.yearly_measures(load_workspace(tiny))
    assert len(calls) == 2 and not changed.equals(expected)
