"""Indicators as published figures: which rows each indicator counts, and its value once the
disclosure-control policy has looked at it.

The indicator catalogue is declarative (``compter``, ``part``, ``rapport``…); this module
reads it to know what an indicator counts about people (a :class:`Figure`), so that the same
indicator of the same action is the same cell on every page (report, method sheet, yearly
review, index), shown or hidden alike.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from vccap.disclosure.ledger import MISSING, Figure
from vccap.disclosure.policy import Publisher
from vccap.disclosure.populations import Populations, with_origin
from vccap.indicators import IndicatorValue, ObjectiveResult
from vccap.model import Action
from vccap.pages.blocks import Breakdown
from vccap.workspace import Workspace

#: Tables whose rows are people (or people's answers and steps).
PEOPLE = frozenset({"participants", "contacts", "satisfaction", "suivi"})


def _filters(spec: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, wanted in (spec or {}).items():
        if isinstance(wanted, dict):  # {non_vide: true}: handled by the caller
            continue
        if isinstance(wanted, list):
            out[column] = {_canon(v) for v in wanted}
        else:
            out[column] = _canon(wanted)
    return out


def _canon(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _count_figure(action_id: str | set[str], spec: dict[str, Any]) -> Figure | None:
    table = spec.get("table")
    if table not in PEOPLE:
        return None
    figure = Figure.count(table, action=action_id, **_filters(spec.get("filtre")))
    for column, wanted in (spec.get("filtre") or {}).items():
        if isinstance(wanted, dict) and wanted.get("non_vide"):
            figure = figure.where(column, MISSING, negate=True)
    return figure


def indicator_figures(
    ws: Workspace, action_id: str | set[str], indicator: str
) -> tuple[str, Any] | None:
    """What an indicator counts about people (of one action, or of a set of actions, summed):
    ``("compte", Figure)``,
    ``("part", (numerator, denominator))``, ``("par_personne", denominator)`` for a cost per
    person; None when it counts no people (costs, territories, events)."""
    ind = ws.indicateurs.get(indicator)
    if ind is None:
        return None
    calc = ind.calcul
    if "compter" in calc:
        figure = _count_figure(action_id, calc["compter"])
        return ("compte", figure) if figure is not None else None
    if "part" in calc:
        spec = calc["part"]
        if spec.get("table") not in PEOPLE:
            return None
        column = spec["colonne"]
        den = Figure.count(spec["table"], action=action_id).where(column, MISSING, negate=True)
        num = den.where(column, {_canon(v) for v in spec.get("valeurs", [])})
        return "part", (num, den)
    if "rapport" in calc:
        den = calc["rapport"]["denominateur"]
        found = (
            indicator_figures(ws, action_id, den)
            if isinstance(den, str)
            else (
                ("compte", _count_figure(action_id, den["compter"])) if "compter" in den else None
            )
        )
        if found and found[0] == "compte" and found[1] is not None:
            return "par_personne", found[1]
    return None


def action_counts(action: Action, tables: dict[str, pd.DataFrame]) -> Populations:
    """One action's tables as populations (to count any figure of that action)."""
    frames = {
        kind: with_origin(df).assign(action=action.id, type_action=action.type)
        for kind, df in tables.items()
        if kind in PEOPLE
    }
    return Populations(frames)


def publish_indicators(
    publisher: Publisher,
    ws: Workspace,
    action: Action,
    tables: dict[str, pd.DataFrame],
    values: dict[str, IndicatorValue],
) -> dict[str, IndicatorValue]:
    """The action's indicator values as a page shows them: a value the policy hides becomes
    None, and its id is in the returned mapping's ``masked`` attribute (see :func:`masked`)."""
    counts = ws.derived(
        "action_counts", (action.id, action.type), lambda: action_counts(action, tables)
    )
    out: dict[str, IndicatorValue] = {}
    hidden: set[str] = set()
    for key, value in values.items():
        out[key] = value
        if value.valeur is None:
            continue
        found = indicator_figures(ws, action.id, key)
        if found is None:
            continue
        kind, what = found
        if kind == "compte":
            shown = publisher.count(what, counts.value(what))
        elif kind == "part":
            num, den = what
            shown = publisher.share(num, den, counts.value(num), counts.value(den))
        else:  # a cost per person shows the number of people: hidden with it
            people = publisher.count(what, counts.value(what))
            shown = value.valeur if people else None
        if shown is None:
            out[key] = dataclasses.replace(value, valeur=None)
            hidden.add(key)
    return Published(out, hidden)


class Published(dict):
    """Indicator values with the set of those hidden (``masked``)."""

    def __init__(self, values: dict[str, IndicatorValue], masked: set[str]) -> None:
        super().__init__(values)
        self.masked = frozenset(masked)


def masked(values: dict[str, IndicatorValue]) -> frozenset[str]:
    """Ids of the indicators hidden by the policy (values from :func:`publish_indicators`)."""
    return getattr(values, "masked", frozenset())


def publish_objectives(
    objectives: list[ObjectiveResult], values: dict[str, IndicatorValue]
) -> list[ObjectiveResult]:
    """Objectives as shown: a hidden value hides its status too (« atteint » with a target
    of 2 would tell that the hidden count is at least 2)."""
    hidden = masked(values)
    out = []
    for o in objectives:
        if o.indicateur in hidden:
            out.append(dataclasses.replace(o, valeur=None, statut="non_publie"))
        else:
            out.append(o)
    return out


def published_breakdown(
    publisher: Publisher,
    base: Figure,
    series: pd.Series,
    titre: str,
    population: str,
    names: dict[str, str],
) -> Breakdown:
    """A column's breakdown (canonical values) as the policy publishes it."""
    values = series.astype("string")
    counts = values.dropna().value_counts()
    protected = publisher.breakdown(
        base,
        series.name,
        {str(k): int(v) for k, v in counts.items()},
        names,
        missing=int(values.isna().sum()),
    )
    return Breakdown(titre, protected.table, protected.masked, protected.total, population)


def territory_breakdown(
    ws: Workspace, action_id: str, tables: dict[str, pd.DataFrame], publisher: Publisher
) -> Breakdown | None:
    """Contacts received per territory at one action, as its report publishes them (small
    counts grouped); None when the action has no contacts table. Territory pages publish
    a territory's contacts at an action only where this shows its count on its own."""
    contacts = tables.get("contacts")
    if contacts is None or contacts.empty or "territoire" not in contacts.columns:
        return None
    return published_breakdown(
        publisher,
        Figure.count("contacts", action=action_id),
        contacts["territoire"],
        "Contacts reçus par territoire",
        "contacts du stand",
        {t.id: t.nom for t in ws.territoires.values()},
    )
