"""The cooperation network: exact answers on a tiny workspace, sanity on the example."""

from __future__ import annotations

import textwrap
from pathlib import Path

import networkx as nx
import pytest

from conftest import EXAMPLE
from vccap import network
from vccap.loading import load_workspace
from vccap.network import build_network, is_urban_rural, network_summary, node_key

T = "territoire"
S = "structure"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _action(root: Path, action_id: str, type_: str, day: str, territoires, partenaires,
            statut: str = "realisee") -> Path:  # fmt: skip
    folder = root / "actions" / action_id
    _write(
        folder / "action.yml",
        f"""
        id: {action_id}
        titre: Action {action_id}
        type: {type_}
        statut: {statut}
        date_debut: {day}
        territoires: [{", ".join(territoires)}]
        partenaires: [{", ".join(partenaires)}]
        source: Données d'exemple fictives
        """,
    )
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Four realised actions (2020: A1, A2; 2021: A3, A4) and one planned (2021).

    Threshold 1: these tests are about the graph itself; the presence rule (an organisation
    seen in fewer people than the threshold does not take part) has its own test.
    """
    root = tmp_path / "ws"
    _write(
        root / "demarche.yml",
        """
        nom: Démarche d'essai
        annees: [2020, 2021]
        seuil_confidentialite: 1
        """,
    )
    _write(
        root / "territoires.csv",
        """
        id,nom,milieu,departement
        rur-a,Territoire rural A,rural,01
        rur-b,Territoire rural B,rural,01
        peri-c,Territoire périurbain C,periurbain,69
        ville-u,Ville U,urbain,69
        """,
    )
    _write(
        root / "structures.csv",
        """
        id,nom,categorie,milieu,territoire
        s-urb,Couveuse urbaine,accompagnement_creation,urbain,ville-u
        s-rur,Réseau rural,reseau,rural,
        s-other,Financeur urbain,financeur,urbain,
        s-new,Tiers-lieu rural,tiers_lieu,rural,
        """,
    )
    # A1: action.yml gives rur-a and s-urb; the participants add s-rur (structure) and
    # rur-b (territoire); a free-text structure is ignored.
    a1 = _action(root, "2020-03-atelier-un", "atelier", "2020-03-10", ["rur-a"], ["s-urb"])
    _write(
        a1 / "participants.csv",
        """
        Nom,Prénom,Courriel,Profil,Structure,Territoire
        Alpha,Anne,anne.alpha@example.org,Technicien territoire,s-rur,Territoire rural B
        Beta,Bruno,bruno.beta@example.org,Partenaire,Association sans fiche,
        """,
    )
    # A2: a salon; contacts give s-other (by its name) and territories already listed.
    a2 = _action(root, "2020-06-salon-deux", "salon", "2020-06-15", ["rur-a", "peri-c"], [])
    _write(
        a2 / "contacts.csv",
        """
        Date,Territoire,Profil,Nom,Prénom,Courriel,Structure
        15/06/2020,rur-a,Partenaire,Gamma,Gil,gil.gamma@example.org,Financeur urbain
        15/06/2020,peri-c,Porteur de projet,Delta,Dora,dora.delta@example.org,
        15/06/2020,peri-c,Partenaire,Eta,Eve,eve.eta@example.org,Société inconnue
        """,
    )
    # A3: a new, separate pair in 2021; A4 repeats the rur-a / s-urb tie in 2021.
    _action(root, "2021-02-session-trois", "session_porteurs", "2021-02-04", ["ville-u"],
            ["s-new"])  # fmt: skip
    _action(root, "2021-10-atelier-quatre", "atelier", "2021-10-01", ["rur-a"], ["s-urb"])
    _action(root, "2021-11-atelier-prevu", "atelier", "2021-11-20", ["rur-b", "ville-u"], [],
            statut="prevue")  # fmt: skip
    return root


def _edges(G: nx.Graph) -> set[frozenset[str]]:
    return {frozenset((u, v)) for u, v in G.edges()}


def tie(a: str, b: str) -> frozenset[str]:
    kind = {"rur-a": T, "rur-b": T, "peri-c": T, "ville-u": T}
    return frozenset(node_key(kind.get(x, S), x) for x in (a, b))


A1 = {tie(x, y) for x, y in [
    ("rur-a", "rur-b"), ("rur-a", "s-rur"), ("rur-a", "s-urb"),
    ("rur-b", "s-rur"), ("rur-b", "s-urb"), ("s-rur", "s-urb"),
]}  # fmt: skip
A2 = {tie("rur-a", "peri-c"), tie("rur-a", "s-other"), tie("peri-c", "s-other")}
A3 = {tie("ville-u", "s-new")}


def test_exact_nodes_edges_and_attributes(tiny):
    ws = load_workspace(tiny)
    assert ws.problems == []
    G = build_network(ws)
    assert _edges(G) == A1 | A2 | A3
    assert list(G.nodes) == sorted(G.nodes)
    assert G.number_of_nodes() == 8
    assert G.nodes["territoire:peri-c"] | {} == {
        "kind": "territoire",
        "id": "peri-c",
        "nom": "Territoire périurbain C",
        "milieu": "periurbain",
        "categorie": "",
        "first_year": 2020,
        "actions": ["2020-06-salon-deux"],
    }
    assert G.nodes["structure:s-new"]["categorie"] == "tiers_lieu"
    repeated = G.edges["territoire:rur-a", "structure:s-urb"]
    assert repeated == {
        "actions": ["2020-03-atelier-un", "2021-10-atelier-quatre"],
        "first_year": 2020,
        "weight": 2,
    }
    assert G.edges["territoire:ville-u", "structure:s-new"]["first_year"] == 2021
    # the planned action is not counted unless asked for
    assert "2021-11-atelier-prevu" not in G.graph["actions"]
    with_planned = build_network(ws, statuses=("realisee", "prevue"))
    assert tie("rur-b", "ville-u") in _edges(with_planned)
    assert nx.number_connected_components(with_planned) == 1


def test_urban_rural_ties_and_summary_per_year(tiny):
    ws = load_workspace(tiny)
    G2020 = build_network(ws, up_to_year=2020)
    G2021 = build_network(ws, up_to_year=2021)
    assert _edges(G2020) == A1 | A2
    assert is_urban_rural(G2021, "territoire:rur-a", "structure:s-urb")
    assert is_urban_rural(G2021, "territoire:peri-c", "structure:s-other")  # periurbain side
    assert not is_urban_rural(G2021, "territoire:rur-a", "territoire:peri-c")
    assert not is_urban_rural(G2021, "structure:s-other", "structure:s-urb")  # both urban
    s2020 = network_summary(G2020)
    assert s2020 | {} == {
        "noeuds": 6,
        "territoires": 3,
        "structures": 3,
        "liens": 9,
        "liens_ville_campagne": 5,
        "nouveaux_liens": 9,
        "nouveaux_noeuds": 6,
        "densite": pytest.approx(9 / 15),
        "composantes": 1,
        "plus_grande_composante": 6,
        "clustering_moyen": pytest.approx((5 * 1.0 + 0.4) / 6),
    }
    s2021 = network_summary(G2021, G2020)
    assert s2021["liens"] == 10 and s2021["liens_ville_campagne"] == 6
    assert s2021["nouveaux_liens"] == 1  # A4 repeats a 2020 tie: not new
    assert s2021["nouveaux_noeuds"] == 2
    assert s2021["composantes"] == 2 and s2021["plus_grande_composante"] == 6
    assert s2021["densite"] == pytest.approx(10 / 28)
    assert s2021["clustering_moyen"] == pytest.approx(5.4 / 8)
    yearly = network.yearly_summaries(ws)
    assert list(yearly.columns) == ["annee", "actions", *network.SUMMARY_COLUMNS]
    assert yearly["annee"].tolist() == [2020, 2021]
    assert yearly["actions"].tolist() == [2, 2]
    assert yearly["liens"].tolist() == [9, 10]
    assert yearly["nouveaux_liens"].tolist() == [9, 1]
    assert yearly["nouveaux_noeuds"].tolist() == [6, 2]
    assert yearly["composantes"].tolist() == [1, 2]


def test_empty_graph_summary_is_all_zeros():
    summary = network_summary(nx.Graph())
    assert set(summary) == set(network.SUMMARY_COLUMNS)
    assert all(v == 0 for v in summary.values())


def test_ties_and_nodes_tables(tiny):
    G = build_network(load_workspace(tiny))
    ties = network.ties_table(G)
    assert list(ties.columns) == network.TIES_COLUMNS
    assert len(ties) == 10
    first = ties.iloc[0]  # the tie shared by two actions comes first
    assert (first["noeud_a"], first["noeud_b"]) == ("structure:s-urb", "territoire:rur-a")
    assert first["nb_actions"] == 2 and first["premiere_annee"] == 2020
    assert first["actions"] == "2020-03-atelier-un, 2021-10-atelier-quatre"
    assert bool(first["ville_campagne"]) is True
    assert int(ties["ville_campagne"].sum()) == 6
    only = network.ties_table(G, nodes=["peri-c"])  # a bare id is accepted
    assert len(only) == 2
    assert set(only["noeud_a"]) | set(only["noeud_b"]) >= {"territoire:peri-c"}
    nodes = network.nodes_table(G)
    assert list(nodes.columns) == network.NODES_COLUMNS
    assert nodes.set_index("noeud").loc["territoire:rur-a", "degre"] == 5
    assert nodes.set_index("noeud").loc["territoire:rur-a", "nb_actions"] == 3


def test_layout_is_deterministic_and_independent_of_insertion_order(tiny):
    G = build_network(load_workspace(tiny))
    pos = network.layout(G, seed=7)
    assert set(pos) == set(G.nodes)
    assert pos == network.layout(G, seed=7)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(G.edges(data=True))))
    assert network.layout(shuffled, seed=7) == pos
    assert all(-1.0 <= c <= 1.0 for xy in pos.values() for c in xy)
    assert network.layout(nx.Graph()) == {}


def test_an_action_with_unreadable_tables_keeps_its_action_yml_participants(tiny):
    bad = tiny / "actions" / "2020-06-salon-deux" / "contacts.csv"
    bad.write_text("Date,Profil\n15/06/2020,Porteur de projet\n", encoding="utf-8")
    ws = load_workspace(tiny)
    G = build_network(ws)
    assert G.graph["actions_sans_tables"] == ["2020-06-salon-deux"]
    assert tie("rur-a", "peri-c") in _edges(G)  # from action.yml
    assert "structure:s-other" not in G  # only known from the unreadable contacts


# --------------------------------------------------------------------------- example workspace


@pytest.fixture(scope="module")
def example():
    return load_workspace(EXAMPLE)


def test_example_network_links_every_realised_action(example):
    G = build_network(example)
    realised = [a for a in example.actions.values() if a.statut == "realisee"]
    assert G.graph["actions"] == [a.id for a in realised]
    assert G.graph["actions_sans_tables"] == []
    for action in realised:
        for t in action.territoires:
            assert action.id in G.nodes[node_key(T, t)]["actions"]
    assert node_key(S, "region-aura") in G  # a partner of the 2016 salon, in its action.yml
    # Cap Rural, in the Structure column of one participant per action, is not an actor:
    # one person must not put their structure on a page (presence rule)
    assert node_key(S, "cap-rural") not in G
    ties = network.ties_table(G)
    assert ties["ville_campagne"].sum() > 0
    assert ties.equals(network.ties_table(build_network(example)))


def test_example_yearly_summaries_grow(example):
    yearly = network.yearly_summaries(example).set_index("annee")
    assert yearly.index.tolist() == [2016, 2017, 2018]
    assert yearly.loc[2016, "actions"] == 4 and yearly.loc[2017, "actions"] == 7
    assert yearly.loc[2017, "noeuds"] > yearly.loc[2016, "noeuds"]
    assert yearly.loc[2017, "nouveaux_liens"] > 0
    assert (
        yearly.loc[2017, "liens"] == yearly.loc[2016, "liens"] + yearly.loc[2017, "nouveaux_liens"]
    )
    assert yearly.loc[2018, "actions"] == 0 and yearly.loc[2018, "nouveaux_liens"] == 0
    assert (yearly["liens_ville_campagne"] <= yearly["liens"]).all()


def test_an_organisation_named_by_fewer_people_than_the_threshold_does_not_take_part(tiny):
    demarche = tiny / "demarche.yml"
    demarche.write_text(
        demarche.read_text().replace("seuil_confidentialite: 1", "seuil_confidentialite: 3")
    )
    ws = load_workspace(tiny)
    G = build_network(ws)
    loose = build_network(load_workspace(_threshold(tiny, 1)))
    assert set(G.nodes) < set(loose.nodes)
    for action in ws.actions.values():  # what action.yml names always takes part
        for t in action.territoires:
            if action.statut == "realisee":
                assert node_key(T, t) in G


def _threshold(root: Path, value: int) -> Path:
    demarche = root / "demarche.yml"
    text = demarche.read_text()
    demarche.write_text(text.replace("seuil_confidentialite: 3", f"seuil_confidentialite: {value}"))
    return root
