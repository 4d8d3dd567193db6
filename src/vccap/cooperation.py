"""What readers are shown of the cooperation network (:mod:`vccap.network`).

Counting every pair of participants of an action makes big numbers that say little (a stand
of 20 actors is 190 ties). Pages show instead what a funder can check:

* **participations** (:func:`participations`): who took part in which action, the
  actor-action ties themselves;
* **ville-campagne ties** (:func:`urban_rural_ties`): a rural or periurban *territory* and an
  urban actor (an urban structure or territory) that took part in the same action, with the
  number of actions they shared. Two rural territories, or a rural network head and an urban
  structure, are not a ville-campagne tie;
* **yearly measures** (:func:`yearly_measures`): actions that brought both sides together,
  urban actors associated, new and returning actors, ties repeated at two actions or more.

Territories and actions
-----------------------
A territory is concerned by an action (:func:`territory_roles`) when it takes part (see
above), when the action is held there (``territoire_accueil`` of ``action.yml``: a session
held in Lyon concerns the Lyon metropolis even if no one represents it), or when one of its
structures (``territoire`` column of ``structures.csv``) takes part. Only the first makes it
a node of the network: hosting is not taking part, and a structure is its own node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from vccap.model import Action
from vccap.network import (
    DEFAULT_STATUSES,
    RURAL_SIDE,
    STRUCTURE,
    TERRITOIRE,
    URBAN,
    action_participants,
    build_network,
    counted_actions,
    node_attributes,
)
from vccap.workspace import Workspace

# ------------------------------------------------------------------ territories and actions


@dataclass(frozen=True)
class TerritoryRole:
    """How a territory is concerned by one action (see the module docstring).

    ``participe``: it takes part (a node of the action); ``accueille``: the action is held
    there (``territoire_accueil``); ``structures``: ids of its structures that take part.
    """

    participe: bool = False
    accueille: bool = False
    structures: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.participe or self.accueille or bool(self.structures)


def territory_roles(
    ws: Workspace, action: Action, members: Sequence[str] | None = None
) -> dict[str, TerritoryRole]:
    """Territory id -> :class:`TerritoryRole` for every territory concerned by ``action``.

    ``members`` are the action's participants when already known (else computed with
    :func:`action_participants`). Territories not concerned are absent.
    """
    if members is None:
        members, _ = action_participants(ws, action)
    taking_part = {m.partition(":")[2] for m in members if m.startswith(TERRITOIRE + ":")}
    structures: dict[str, list[str]] = {}
    for m in members:
        kind, _, ident = m.partition(":")
        home = ws.structures[ident].territoire if kind == STRUCTURE else None
        if home:
            structures.setdefault(home, []).append(ident)
    host = action.territoire_accueil
    out = {}
    for tid in sorted(taking_part | set(structures) | ({host} if host else set())):
        out[tid] = TerritoryRole(
            participe=tid in taking_part,
            accueille=tid == host,
            structures=tuple(sorted(structures.get(tid, ()))),
        )
    return out


# --------------------------------------------------------------------------- readable measures

PARTICIPATION_COLUMNS = [
    "action",
    "annee",
    "noeud",
    "nature",
    "id",
    "nom",
    "milieu",
    "categorie",
    "cote",
]
URBAN_RURAL_COLUMNS = [
    "territoire",
    "nom_territoire",
    "acteur",
    "nom_acteur",
    "nature_acteur",
    "nb_actions",
    "premiere_annee",
    "actions",
]
MEASURE_COLUMNS = [
    "annee",
    "actions",
    "actions_ville_campagne",
    "acteurs",
    "territoires_ruraux",
    "acteurs_urbains",
    "nouveaux_acteurs",
    "acteurs_revenus",
    "liens_ville_campagne",
    "liens_durables",
]
#: Sides of a ville-campagne tie: a territory of these milieux, and an urban actor.
CAMPAGNE, VILLE = "campagne", "ville"


def side(kind: str, milieu: str) -> str:
    """``"campagne"`` for a rural or periurban territory, ``"ville"`` for an urban actor
    (structure or territory), ``""`` otherwise (a rural structure: a network head, a
    provider… is on neither side of a ville-campagne tie)."""
    if milieu == URBAN:
        return VILLE
    if kind == TERRITOIRE and milieu in RURAL_SIDE:
        return CAMPAGNE
    return ""


def participations(
    ws: Workspace,
    *,
    up_to_year: int | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> pd.DataFrame:
    """The actor-action ties: one row per actor of each counted action.

    Columns :data:`PARTICIPATION_COLUMNS` (``noeud``: node key; ``nature``: territoire |
    structure; ``cote``: :func:`side`). Rows follow the workspace's date order of actions,
    then node keys.
    """
    rows = []
    for action in counted_actions(ws, up_to_year, statuses):
        members, _ = action_participants(ws, action)
        for key in members:
            attrs = node_attributes(ws, key)
            rows.append(
                {
                    "action": action.id,
                    "annee": action.annee,
                    "noeud": key,
                    "nature": attrs["kind"],
                    "id": attrs["id"],
                    "nom": attrs["nom"],
                    "milieu": attrs["milieu"],
                    "categorie": attrs["categorie"],
                    "cote": side(attrs["kind"], attrs["milieu"]),
                }
            )
    return pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS)


def is_ville_campagne(G: nx.Graph, u: str, v: str) -> bool:
    """True when one end is a rural or periurban territory and the other an urban actor."""
    a = side(G.nodes[u].get("kind"), G.nodes[u].get("milieu"))
    b = side(G.nodes[v].get("kind"), G.nodes[v].get("milieu"))
    return {a, b} == {CAMPAGNE, VILLE}


def urban_rural_ties(G: nx.Graph, *, min_actions: int = 1) -> pd.DataFrame:
    """The ville-campagne ties of a network (:func:`is_ville_campagne`), one row each.

    Columns :data:`URBAN_RURAL_COLUMNS`: the territory (id and name), the urban actor (node
    key, name, nature), the number of actions they shared, the year of the first and the
    action ids (comma-separated). Ties shared at fewer than ``min_actions`` actions are left
    out. Sorted by number of actions (descending), then territory and actor names.
    """
    rows = []
    for u, v, data in G.edges(data=True):
        if not is_ville_campagne(G, u, v):
            continue
        u_side = side(G.nodes[u]["kind"], G.nodes[u]["milieu"])
        rural, urban = (u, v) if u_side == CAMPAGNE else (v, u)
        actions = data.get("actions", [])
        if len(actions) < min_actions:
            continue
        rows.append(
            {
                "territoire": G.nodes[rural]["id"],
                "nom_territoire": G.nodes[rural]["nom"],
                "acteur": urban,
                "nom_acteur": G.nodes[urban]["nom"],
                "nature_acteur": G.nodes[urban]["kind"],
                "nb_actions": len(actions),
                "premiere_annee": data.get("first_year"),
                "actions": ", ".join(actions),
            }
        )
    df = pd.DataFrame(rows, columns=URBAN_RURAL_COLUMNS)
    if df.empty:
        return df
    order = df.assign(_t=df["nom_territoire"].str.casefold(), _a=df["nom_acteur"].str.casefold())
    order = order.sort_values(
        ["nb_actions", "_t", "_a", "territoire", "acteur"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return order[URBAN_RURAL_COLUMNS].reset_index(drop=True)


def yearly_measures(ws: Workspace, *, statuses: Sequence[str] = DEFAULT_STATUSES) -> pd.DataFrame:
    """One row per year (first year with a counted action to the workspace's last): what
    the network became, in measures a reader can check. Columns :data:`MEASURE_COLUMNS`:

    ``actions`` counted that year; ``actions_ville_campagne``: those of the year with at
    least one rural or periurban territory and one urban actor; cumulated since the first
    year: ``acteurs`` (territories and structures that took part), ``territoires_ruraux``
    (rural or periurban territories), ``acteurs_urbains`` (urban actors with at least one
    ville-campagne tie), ``liens_ville_campagne`` (ville-campagne ties) and
    ``liens_durables`` (those shared at two actions or more); of the year:
    ``nouveaux_acteurs`` (first action that year) and ``acteurs_revenus`` (took part that
    year and in an earlier one).

    Computed once per process for the workspace's content (every yearly review shows it:
    one network per year, 4.7 s at 1,000 actions); each call gets its own copy.
    """
    table = ws.derived(
        "yearly_measures", (tuple(statuses),), lambda: _yearly_measures(ws, statuses)
    )
    return table.copy()


def _yearly_measures(ws: Workspace, statuses: Sequence[str]) -> pd.DataFrame:
    table = participations(ws, statuses=statuses)
    if table.empty:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    first = int(table["annee"].min())
    last = max([*ws.annees, int(table["annee"].max())])
    rows = []
    for year in range(first, last + 1):
        upto = table[table["annee"] <= year]
        this = table[table["annee"] == year]
        before = set(upto.loc[upto["annee"] < year, "noeud"])
        sides = this.groupby("action")["cote"].agg(set)
        G = build_network(ws, up_to_year=year, statuses=statuses)
        ties = urban_rural_ties(G)
        rows.append(
            {
                "annee": year,
                "actions": int(this["action"].nunique()),
                "actions_ville_campagne": int(sum({CAMPAGNE, VILLE} <= s for s in sides)),
                "acteurs": int(upto["noeud"].nunique()),
                "territoires_ruraux": int(upto.loc[upto["cote"] == CAMPAGNE, "noeud"].nunique()),
                "acteurs_urbains": int(ties["acteur"].nunique()),
                "nouveaux_acteurs": len(set(this["noeud"]) - before),
                "acteurs_revenus": len(set(this["noeud"]) & before),
                "liens_ville_campagne": len(ties),
                "liens_durables": int((ties["nb_actions"] >= 2).sum()),
            }
        )
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)


GROUP_TIES_COLUMNS = [
    "noeud",
    "nom",
    "nature",
    "milieu",
    "categorie",
    "ville_campagne",
    "nb_actions",
    "premiere_annee",
    "actions",
]


def group_ties(G: nx.Graph, group: Iterable[str]) -> pd.DataFrame:
    """The partners of a group of nodes (a territory and its structures): one row per node
    outside the group tied to at least one inside it.

    Columns :data:`GROUP_TIES_COLUMNS`: ``ville_campagne`` is True when one of the ties is a
    ville-campagne tie (:func:`is_ville_campagne`); ``nb_actions`` counts the distinct
    actions shared with the group, ``premiere_annee`` is the first year of a tie, ``actions``
    their ids in date order (comma-separated). Nodes of ``group`` absent from ``G`` are
    ignored. Sorted: ville-campagne first, then by number of actions (descending), name.
    """
    inside = [n for n in dict.fromkeys(group) if n in G]
    order = {a: i for i, a in enumerate(G.graph.get("actions", []))}
    partners: dict[str, dict] = {}
    for node in inside:
        for other in G.neighbors(node):
            if other in inside:
                continue
            data = G.edges[node, other]
            entry = partners.setdefault(
                other, {"actions": set(), "first_year": data["first_year"], "vc": False}
            )
            entry["actions"].update(data["actions"])
            entry["first_year"] = min(entry["first_year"], data["first_year"])
            entry["vc"] = entry["vc"] or is_ville_campagne(G, node, other)
    rows = []
    for other, entry in partners.items():
        d = G.nodes[other]
        rows.append(
            {
                "noeud": other,
                "nom": d["nom"],
                "nature": d["kind"],
                "milieu": d["milieu"],
                "categorie": d["categorie"],
                "ville_campagne": entry["vc"],
                "nb_actions": len(entry["actions"]),
                "premiere_annee": entry["first_year"],
                "actions": ", ".join(sorted(entry["actions"], key=lambda a: (order.get(a, 0), a))),
            }
        )
    df = pd.DataFrame(rows, columns=GROUP_TIES_COLUMNS)
    if df.empty:
        return df
    df = df.assign(_nom=df["nom"].str.casefold()).sort_values(
        ["ville_campagne", "nb_actions", "_nom", "noeud"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return df[GROUP_TIES_COLUMNS].reset_index(drop=True)
