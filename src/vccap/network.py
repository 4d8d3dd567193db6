"""The urban-rural cooperation network: territories and structures tied by shared actions.

Pure functions over a loaded :class:`~vccap.workspace.Workspace` (tables are read through
``ws.tables``, never from files directly), built on networkx. No plotting: :func:`layout`
gives deterministic positions for a drawing made elsewhere, :func:`ties_table` and
:func:`nodes_table` are the table alternatives.

Model
-----
* **Nodes** are territories (``territoires.csv``) and structures (``structures.csv``) that
  took part in at least one counted action. A node's key is ``"<kind>:<id>"``
  (``"territoire:diois"``, ``"structure:mdef-lyon"``, see :func:`node_key`), so that a
  territory and a structure sharing an id stay two nodes. Node attributes: ``kind``
  (``territoire`` | ``structure``), ``id``, ``nom``, ``milieu`` (territory: rural,
  periurbain, urbain; structure: rural, urbain), ``categorie`` (structure category; ``""``
  for territories), ``first_year`` (year of its first counted action) and ``actions``
  (ids, in date order).
* **Participants of an action**: the ``territoires`` and ``partenaires`` of its
  ``action.yml``; the structures of the ``structure`` column of its ``participants`` and
  ``contacts`` tables (only values that are ids of ``structures.csv`` after the kit's
  reference mapping -- free-text structure names are ignored); the territories of the
  ``territoire`` column of its ``participants``, ``contacts`` and ``evenements`` tables. In
  a table of people (participants, contacts), an organisation counts only when at least the
  confidentiality threshold of its rows name it: one or two people must not put it on a page.
  ``territoire_vise`` (a holder's wish) and ``suivi`` territories (follow-up, often long
  after the action) are not participation and are not counted.
* **Ties**: every pair of participants of one action is tied. Edge attributes:
  ``actions`` (ids in date order), ``first_year`` (year of the first shared action) and
  ``weight`` (number of shared actions).
* Actions counted: those whose ``statut`` is in ``statuses`` (default: realised only) and
  whose year is known and ``<= up_to_year``. An action whose tables cannot be read (the
  workspace reports problems for it) still contributes its ``action.yml`` participants;
  its id is listed in ``G.graph["actions_sans_tables"]``.

Everything is deterministic: nodes and edges are inserted in sorted order, action lists
follow the workspace's date order, and :func:`layout` uses a fixed seed.

What pages show of it (readable measures, territories and actions): :mod:`vccap.cooperation`.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Sequence

import networkx as nx
import pandas as pd

from vccap.errors import InvalidWorkspace
from vccap.model import Action
from vccap.workspace import Workspace

TERRITOIRE = "territoire"
STRUCTURE = "structure"
URBAN = "urbain"
RURAL_SIDE = frozenset({"rural", "periurbain"})
#: Tables whose ``territoire`` column says which territories took part.
TERRITORY_TABLES = ("participants", "contacts", "evenements")
#: Tables whose ``structure`` column says which structures took part.
STRUCTURE_TABLES = ("participants", "contacts")
DEFAULT_STATUSES = ("realisee",)

SUMMARY_COLUMNS = [
    "noeuds",
    "territoires",
    "structures",
    "liens",
    "liens_ville_campagne",
    "nouveaux_liens",
    "nouveaux_noeuds",
    "densite",
    "composantes",
    "plus_grande_composante",
    "clustering_moyen",
]
TIES_COLUMNS = [
    "noeud_a",
    "nom_a",
    "nature_a",
    "milieu_a",
    "noeud_b",
    "nom_b",
    "nature_b",
    "milieu_b",
    "ville_campagne",
    "nb_actions",
    "premiere_annee",
    "actions",
]
NODES_COLUMNS = [
    "noeud",
    "id",
    "nature",
    "nom",
    "milieu",
    "categorie",
    "premiere_annee",
    "nb_actions",
    "degre",
]


def node_key(kind: str, ident: str) -> str:
    """The node key of a territory or a structure: ``"territoire:diois"``."""
    return f"{kind}:{ident}"


# --------------------------------------------------------------------------- participants


def counted_actions(ws: Workspace, up_to_year: int | None, statuses: Sequence[str]) -> list[Action]:
    out = []
    for action in ws.actions.values():
        year = action.annee
        if action.statut not in statuses or year is None:
            continue
        if up_to_year is not None and year > up_to_year:
            continue
        out.append(action)
    return out


#: Tables whose rows are people: an organisation seen in fewer than the threshold of them
#: is not counted as taking part (that would tell that one or two of its people came).
PEOPLE_TABLES = frozenset({"participants", "contacts", "suivi"})


def action_participants(ws: Workspace, action: Action) -> tuple[list[str], bool]:
    """Node keys of an action's participants (sorted) and whether its tables were read.

    See the module docstring for what counts as participation. Computed once per process
    for the same workspace content (:meth:`~vccap.workspace.Workspace.derived`).
    """
    keys, read = ws.derived(
        "participants", (action.id, repr(action)), lambda: _action_participants(ws, action)
    )
    return list(keys), read


def _action_participants(ws: Workspace, action: Action) -> tuple[list[str], bool]:
    keys = {node_key(TERRITOIRE, t) for t in action.territoires if t in ws.territoires}
    keys |= {node_key(STRUCTURE, s) for s in action.partenaires if s in ws.structures}
    tables_read = True
    if action.files:
        try:
            tables = ws.tables(action.id)
        except InvalidWorkspace:
            tables, tables_read = {}, False
        for kind, names, column, known in (
            (STRUCTURE, STRUCTURE_TABLES, "structure", ws.structures),
            (TERRITOIRE, TERRITORY_TABLES, "territoire", ws.territoires),
        ):
            for name in names:
                df = tables.get(name)
                if df is None or column not in df.columns:
                    continue
                counts = df[column].dropna().astype(str).value_counts()
                if name in PEOPLE_TABLES:  # presence told by people: only from t people on
                    counts = counts[counts >= ws.seuil]
                keys |= {node_key(kind, v) for v in counts.index if v in known}
    return sorted(keys), tables_read


def node_attributes(ws: Workspace, key: str) -> dict:
    kind, _, ident = key.partition(":")
    if kind == TERRITOIRE:
        t = ws.territoires[ident]
        return {"kind": kind, "id": ident, "nom": t.nom, "milieu": t.milieu, "categorie": ""}
    s = ws.structures[ident]
    return {"kind": kind, "id": ident, "nom": s.nom, "milieu": s.milieu, "categorie": s.categorie}


# --------------------------------------------------------------------------- the graph


def build_network(
    ws: Workspace,
    *,
    up_to_year: int | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> nx.Graph:
    """The cumulative cooperation network of the actions up to ``up_to_year`` (included).

    Graph attributes: ``actions`` (ids counted, date order), ``actions_sans_tables`` (ids
    whose tables could not be read), ``up_to_year``. Built once per process for the same
    workspace content; each call gets its own copy.
    """
    graph = ws.derived(
        "network",
        (up_to_year, tuple(statuses)),
        lambda: _build_network(ws, up_to_year=up_to_year, statuses=statuses),
    )
    return copy.deepcopy(graph)  # exact: adjacency order and shared edge data kept


def _build_network(ws: Workspace, *, up_to_year: int | None, statuses: Sequence[str]) -> nx.Graph:
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], dict] = {}
    counted: list[str] = []
    unreadable: list[str] = []
    for action in counted_actions(ws, up_to_year, statuses):
        members, read = action_participants(ws, action)
        counted.append(action.id)
        if not read:
            unreadable.append(action.id)
        year = action.annee
        for key in members:
            attrs = nodes.get(key)
            if attrs is None:
                attrs = nodes[key] = node_attributes(ws, key) | {
                    "first_year": year,
                    "actions": [],
                }
            attrs["actions"].append(action.id)
            attrs["first_year"] = min(attrs["first_year"], year)
        for u, v in itertools.combinations(members, 2):
            data = edges.setdefault((u, v), {"actions": [], "first_year": year})
            data["actions"].append(action.id)
            data["first_year"] = min(data["first_year"], year)
    graph = nx.Graph(actions=counted, actions_sans_tables=unreadable, up_to_year=up_to_year)
    graph.add_nodes_from((key, nodes[key]) for key in sorted(nodes))
    graph.add_edges_from(
        (u, v, data | {"weight": len(data["actions"])}) for (u, v), data in sorted(edges.items())
    )
    return graph


def is_urban_rural(G: nx.Graph, u: str, v: str) -> bool:
    """True when one end is urban (territory or structure) and the other rural or periurbain."""
    a, b = G.nodes[u].get("milieu"), G.nodes[v].get("milieu")
    return (a == URBAN and b in RURAL_SIDE) or (b == URBAN and a in RURAL_SIDE)


def _edge_set(G: nx.Graph) -> set[frozenset]:
    return {frozenset((u, v)) for u, v in G.edges()}


def network_summary(G: nx.Graph, year_graph_prev: nx.Graph | None = None) -> dict:
    """Key figures of a network (keys: :data:`SUMMARY_COLUMNS`).

    ``noeuds`` (of which ``territoires`` and ``structures``), ``liens`` (ties),
    ``liens_ville_campagne`` (urban-rural ties, :func:`is_urban_rural`), ``nouveaux_liens``
    and ``nouveaux_noeuds`` (not in ``year_graph_prev``; everything is new without it),
    ``densite`` (ties / possible ties), ``composantes`` (connected components, isolated
    nodes included), ``plus_grande_composante`` (nodes of the largest one) and
    ``clustering_moyen`` (average clustering coefficient, unweighted). Empty graph: zeros.
    """
    n = G.number_of_nodes()
    kinds = [d.get("kind") for _, d in G.nodes(data=True)]
    prev_nodes = set(year_graph_prev.nodes) if year_graph_prev is not None else set()
    prev_edges = _edge_set(year_graph_prev) if year_graph_prev is not None else set()
    components = [len(c) for c in nx.connected_components(G)] if n else []
    return {
        "noeuds": n,
        "territoires": kinds.count(TERRITOIRE),
        "structures": kinds.count(STRUCTURE),
        "liens": G.number_of_edges(),
        "liens_ville_campagne": sum(1 for u, v in G.edges() if is_urban_rural(G, u, v)),
        "nouveaux_liens": len(_edge_set(G) - prev_edges),
        "nouveaux_noeuds": len(set(G.nodes) - prev_nodes),
        "densite": float(nx.density(G)) if n > 1 else 0.0,
        "composantes": len(components),
        "plus_grande_composante": max(components, default=0),
        "clustering_moyen": float(nx.average_clustering(G)) if n else 0.0,
    }


def yearly_summaries(ws: Workspace, *, statuses: Sequence[str] = DEFAULT_STATUSES) -> pd.DataFrame:
    """One row per year: the cumulative network up to that year, compared with the year before.

    Columns: ``annee``, ``actions`` (actions counted that year), then :data:`SUMMARY_COLUMNS`.
    Years run from the first year with a counted action to the last year of the workspace
    (``ws.annees``), so a year without action shows a stable network and no new tie.
    Computed once per process for the same workspace content; each call gets its own copy.
    """
    table = ws.derived("yearly", (tuple(statuses),), lambda: _yearly(ws, statuses))
    return table.copy()


def _yearly(ws: Workspace, statuses: Sequence[str]) -> pd.DataFrame:
    years_with_actions = sorted(
        {a.annee for a in counted_actions(ws, None, statuses) if a.annee is not None}
    )
    if not years_with_actions:
        return pd.DataFrame(columns=["annee", "actions", *SUMMARY_COLUMNS])
    last = max([*ws.annees, *years_with_actions])
    rows = []
    previous: nx.Graph | None = None
    for year in range(years_with_actions[0], last + 1):
        graph = _build_network(ws, up_to_year=year, statuses=statuses)  # not changed here
        n_actions = len(graph.graph["actions"]) - (
            len(previous.graph["actions"]) if previous is not None else 0
        )
        rows.append({"annee": year, "actions": n_actions} | network_summary(graph, previous))
        previous = graph
    return pd.DataFrame(rows, columns=["annee", "actions", *SUMMARY_COLUMNS])


# --------------------------------------------------------------------------- drawing and tables


def layout(
    G: nx.Graph, *, seed: int = 2016, weight: str | None = "weight"
) -> dict[str, tuple[float, float]]:
    """Deterministic positions ``{node: (x, y)}`` in [-1, 1] (spring layout, fixed seed).

    The graph is copied with sorted nodes and edges first, so the result does not depend
    on insertion order. Coordinates are rounded to 6 decimals.
    """
    if G.number_of_nodes() == 0:
        return {}
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(G.nodes))
    ordered.add_edges_from(
        sorted(
            (min(u, v), max(u, v), {"weight": d.get("weight", 1)}) for u, v, d in G.edges(data=True)
        )
    )
    pos = nx.spring_layout(ordered, seed=seed, weight=weight)
    return {node: (round(float(x), 6), round(float(y), 6)) for node, (x, y) in pos.items()}


def _resolve(G: nx.Graph, nodes: Iterable[str]) -> set[str]:
    """Node keys from keys or bare ids (an id may match a territory and a structure)."""
    wanted = set(nodes)
    return {n for n, d in G.nodes(data=True) if n in wanted or d.get("id") in wanted}


def ties_table(G: nx.Graph, nodes: Iterable[str] | None = None) -> pd.DataFrame:
    """The ties as a table (one row per tie): the accessible alternative to a drawing.

    ``nodes`` (keys or ids) keeps the ties with at least one end among them. Columns:
    :data:`TIES_COLUMNS` (``a`` is the end with the smaller key; ``actions`` is a
    comma-separated list of action ids). Sorted by number of shared actions (descending),
    then names.
    """
    keep = _resolve(G, nodes) if nodes is not None else None
    rows = []
    for u, v, data in G.edges(data=True):
        a, b = sorted((u, v))
        if keep is not None and a not in keep and b not in keep:
            continue
        na, nb = G.nodes[a], G.nodes[b]
        rows.append(
            {
                "noeud_a": a,
                "nom_a": na.get("nom"),
                "nature_a": na.get("kind"),
                "milieu_a": na.get("milieu"),
                "noeud_b": b,
                "nom_b": nb.get("nom"),
                "nature_b": nb.get("kind"),
                "milieu_b": nb.get("milieu"),
                "ville_campagne": is_urban_rural(G, a, b),
                "nb_actions": len(data.get("actions", [])),
                "premiere_annee": data.get("first_year"),
                "actions": ", ".join(data.get("actions", [])),
            }
        )
    df = pd.DataFrame(rows, columns=TIES_COLUMNS)
    if df.empty:
        return df
    df = df.sort_values(
        ["nb_actions", "nom_a", "nom_b", "noeud_a", "noeud_b"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return df.reset_index(drop=True)


def nodes_table(G: nx.Graph) -> pd.DataFrame:
    """The nodes as a table (columns :data:`NODES_COLUMNS`), sorted by key."""
    rows = [
        {
            "noeud": n,
            "id": d.get("id"),
            "nature": d.get("kind"),
            "nom": d.get("nom"),
            "milieu": d.get("milieu"),
            "categorie": d.get("categorie"),
            "premiere_annee": d.get("first_year"),
            "nb_actions": len(d.get("actions", [])),
            "degre": G.degree(n),
        }
        for n, d in sorted(G.nodes(data=True))
    ]
    return pd.DataFrame(rows, columns=NODES_COLUMNS)
