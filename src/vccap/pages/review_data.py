"""Pure functions behind the yearly reviews and the territory pages.

The year's realised actions with readable data (:func:`year_actions`), each type's key
indicators added up (:func:`type_totals`), what the overview figures count
(:data:`DEFINITIONS`), and the names and labels the
network drawing uses (:func:`short_name`, :func:`node_group`, :func:`milieu_label`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from vccap import network
from vccap.errors import InvalidWorkspace
from vccap.indicators import IndicatorValue, action_indicators
from vccap.model import Action
from vccap.pages.display import label
from vccap.workspace import Workspace

ADDITIVE_UNITS = frozenset(
    {"personnes", "structures", "territoires", "evenements", "reponses", "projets", "euros"}
)
#: What each overview figure counts, in plain French (under the figure on the review and on
#: the front page).
DEFINITIONS = {
    "actions": "actions de l'année au statut « réalisée » dont les données ont pu être lues",
    "personnes": "participants inscrits et personnes venues sur un stand, chacune comptée une "
    "fois même si elle est venue à plusieurs actions de l'année ; le public des événements "
    "locaux, compté sans liste de noms, n'y est pas inclus et peut donc dépasser ce nombre",
    "evenements": "participants déclarés par les organisateurs des événements locaux, sans "
    "liste de noms (une personne venue à deux événements compte deux fois)",
    "territoires": "territoires qui ont pris part à au moins une action réalisée de l'année",
    "structures": "structures qui ont pris part à au moins une action réalisée de l'année",
    "urbains": "structures et territoires urbains qui ont pris part à au moins une action avec "
    "un territoire rural ou périurbain, depuis le début de la démarche",
    "installations": "porteurs de projet rencontrés pour la première fois dans l'année et "
    "installés depuis, d'après le suivi ; « masqué » : non publié pour protéger les personnes ; "
    "« — » : aucun porteur de projet rencontré dans l'année",
}

#: Legend entries of the network drawing: (kind, milieu) -> (legend, marker symbol).
NODE_GROUPS = {
    (network.TERRITOIRE, "rural"): ("Territoire rural", "circle"),
    (network.TERRITOIRE, "periurbain"): ("Territoire périurbain", "circle"),
    (network.TERRITOIRE, "urbain"): ("Territoire urbain", "circle"),
    (network.STRUCTURE, "rural"): ("Structure rurale", "square"),
    (network.STRUCTURE, "urbain"): ("Structure urbaine", "square"),
}
_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")


def territory_name(ws: Workspace, tid: str) -> str:
    t = ws.territoires.get(tid)
    return t.nom if t else tid


def structure_name(ws: Workspace, sid: str) -> str:
    s = ws.structures.get(sid)
    return s.nom if s else sid


def type_label(ws: Workspace, type_id: str) -> str:
    spec = ws.types.get(type_id)
    return spec.libelle if spec else type_id


def node_group(G: nx.Graph, node: str) -> str:
    data = G.nodes[node]
    return NODE_GROUPS.get((data.get("kind"), data.get("milieu")), ("Autre", "circle"))[0]


def milieu_label(kind: str, milieu: str) -> str:
    """'rural', 'périurbain', 'urbaine' agreeing with territoire / structure."""
    text = label("milieu", milieu).lower()
    if kind == network.STRUCTURE and text in ("rural", "périurbain"):
        return text + "e"
    if kind == network.STRUCTURE and text == "urbain":
        return "urbaine"
    return text


_SHORT_RE = re.compile(
    r"^(?:CC (?:du |de la |de l'|des |de )?|Site de proximité (?:du |de la |de l'|des )?|"
    r"Pays (?:du |de la |de l'|des )?|Ville (?:d'|de )|Communauté de communes (?:du |de la |de )?)",
    re.IGNORECASE,
)


def short_name(nom: str) -> str:
    """A territory's name without its institutional prefix, for labels on a drawing
    ('CC du Trièves' -> 'Trièves', 'Site de proximité du Roannais' -> 'Roannais')."""
    short = _SHORT_RE.sub("", nom).strip()
    return short[:1].upper() + short[1:] if short else nom


def count_bullets(text: str) -> int:
    """Number of markdown list items in a text ('- ', '* ', '1. ')."""
    return sum(1 for line in (text or "").splitlines() if _BULLET_RE.match(line))


# --------------------------------------------------------------------------- pure functions


@dataclass
class YearAction:
    """A realised action of the year whose data could be read."""

    action: Action
    tables: dict[str, pd.DataFrame]
    values: dict[str, IndicatorValue]


@dataclass
class TypeTotal:
    """The sum of one type's key indicators over the year's realised actions."""

    type_id: str
    libelle: str
    actions: list[str]
    totals: dict[str, float | None]  # key indicator -> sum (None: not measured / not additive)
    measured: dict[str, int]  # key indicator -> number of actions where it was measured
    additive: dict[str, bool]
    masked: set[str] = field(default_factory=set)  # totals not published (disclosure control)


def year_actions(ws: Workspace, annee: int) -> tuple[list[YearAction], list[Action]]:
    """The year's realised actions with readable data, and those whose data is invalid."""
    valid, excluded = [], []
    for action in ws.actions.values():
        if action.annee != annee or action.statut != "realisee":
            continue
        try:
            tables = ws.tables(action.id) if action.files else {}
            values, _ = action_indicators(ws, action.id)
        except InvalidWorkspace:
            excluded.append(action)
            continue
        if ws.problems_of(action.id):
            excluded.append(action)
            continue
        valid.append(YearAction(action, tables, values))
    return valid, excluded


def type_totals(ws: Workspace, annee: int) -> list[TypeTotal]:
    """Sum of each type's key indicators over the year's realised actions (valid data).

    Only additive units are summed (people, structures, territories, events, projects,
    euros); a share or a cost per person is left as None. Territories are counted once per
    action (a territory present at two actions counts twice).
    """
    done, _ = year_actions(ws, annee)
    return totals_of(ws, done)


def totals_of(ws: Workspace, done: list[YearAction]) -> list[TypeTotal]:
    out = []
    for type_id in dict.fromkeys(y.action.type for y in done):
        spec = ws.types.get(type_id)
        same = [y for y in done if y.action.type == type_id]
        keys = list(spec.indicateurs_cles) if spec else []
        totals: dict[str, float | None] = {}
        measured: dict[str, int] = {}
        additive: dict[str, bool] = {}
        for key in keys:
            ind = ws.indicateurs.get(key)
            unit = ind.unite if ind else ""
            values = [
                y.values[key].valeur
                for y in same
                if key in y.values and y.values[key].valeur is not None
            ]
            measured[key] = len(values)
            additive[key] = unit in ADDITIVE_UNITS
            totals[key] = float(sum(values)) if values and additive[key] else None
        out.append(
            TypeTotal(
                type_id,
                type_label(ws, type_id),
                [y.action.id for y in same],
                totals,
                measured,
                additive,
            )
        )
    return out
