"""Indicators: pure functions from an action's tables to figures.

Indicators are declared in the catalogue (``catalogue/indicateurs.yml``) with a small
vocabulary (``compter``, ``compter_distincts``, ``part``, ``somme``, ``rapport``); this
module interprets it. No I/O, no plotting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vccap.model import Action, Indicateur, Objectif

STATUS_LABELS = {
    "atteint": "atteint",
    "partiellement_atteint": "partiellement atteint",
    "non_atteint": "non atteint",
    "non_mesure": "non mesuré",
    "non_publie": "non publié (effectif faible)",
}
#: A value at or above this share of its target (or at most 1/share for "baisse") is partial.
PARTIAL_SHARE = 0.5


class CatalogueError(ValueError):
    """The indicator catalogue uses an unknown construct (a bug in a catalogue file)."""


@dataclass(frozen=True)
class IndicatorValue:
    id: str
    libelle: str
    unite: str
    valeur: float | None
    sens: str = "hausse"

    @property
    def mesure(self) -> bool:
        return self.valeur is not None


@dataclass(frozen=True)
class ObjectiveResult:
    libelle: str
    indicateur: str
    libelle_indicateur: str
    unite: str
    cible: float | None
    valeur: float | None
    statut: str

    @property
    def statut_libelle(self) -> str:
        return STATUS_LABELS[self.statut]


def budget_frame(action: Action) -> pd.DataFrame:
    """The action.yml budget as a table with the columns of ``couts``."""
    return pd.DataFrame(
        [{"poste": b.poste, "montant": b.montant, "financeur": b.financeur} for b in action.budget],
        columns=["poste", "montant", "financeur"],
    )


def _table(name: str, action: Action, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    if name == "budget":
        return budget_frame(action) if action.budget else None
    return tables.get(name)


def _apply_filter(df: pd.DataFrame, spec: Mapping[str, Any] | None) -> pd.DataFrame | None:
    """Filter rows; None when a filtered column holds no data at all (not measured)."""
    if not spec:
        return df
    mask = pd.Series(True, index=df.index)
    for column, wanted in spec.items():
        if column not in df.columns:
            return None
        values = df[column]
        if values.isna().all() and len(df):
            return None
        if isinstance(wanted, Mapping):
            if wanted.get("non_vide"):
                text = values.astype("string").str.strip()
                mask &= values.notna() & (text != "").fillna(False)
            else:
                raise CatalogueError(f"unknown filter {wanted!r}")
        elif isinstance(wanted, list):
            mask &= values.isin(wanted).fillna(False)
        else:
            mask &= (values == wanted).fillna(False)
    return df[mask.astype(bool)]


def _count(
    spec: Mapping[str, Any], action: Action, tables: Mapping[str, pd.DataFrame]
) -> float | None:
    df = _table(spec["table"], action, tables)
    if df is None:
        return None
    df = _apply_filter(df, spec.get("filtre"))
    return None if df is None else float(len(df))


def _count_distinct(
    spec: Mapping[str, Any], action: Action, tables: Mapping[str, pd.DataFrame]
) -> float | None:
    if spec["table"] == "action":
        values = getattr(action, spec["colonne"])
        return float(len(set(values)))
    df = _table(spec["table"], action, tables)
    if df is None or spec["colonne"] not in df.columns:
        return None
    df = _apply_filter(df, spec.get("filtre"))
    if df is None:
        return None
    column = df[spec["colonne"]]
    if column.isna().all() and len(df) and not spec.get("filtre"):
        return None
    return float(column.dropna().nunique())


def _share(
    spec: Mapping[str, Any], action: Action, tables: Mapping[str, pd.DataFrame]
) -> float | None:
    df = _table(spec["table"], action, tables)
    if df is None or spec["colonne"] not in df.columns:
        return None
    answers = df[spec["colonne"]].dropna()
    if answers.empty:
        return None
    return float(answers.isin(spec["valeurs"]).sum()) / len(answers)


def _sum(
    spec: Mapping[str, Any], action: Action, tables: Mapping[str, pd.DataFrame]
) -> float | None:
    total = 0.0
    found = False
    for name in spec["tables"]:
        df = _table(name, action, tables)
        if df is None or spec["colonne"] not in df.columns:
            continue
        found = True
        total += float(pd.to_numeric(df[spec["colonne"]], errors="coerce").fillna(0).sum())
    return total if found else None


def compute(
    action: Action,
    tables: Mapping[str, pd.DataFrame],
    catalogue: Mapping[str, Indicateur],
    ids: list[str] | None = None,
) -> dict[str, IndicatorValue]:
    """Compute indicators (default: every indicator of the catalogue) for one action."""
    cache: dict[str, float | None] = {}

    def value_of(ind_id: str, depth: int = 0) -> float | None:
        if ind_id in cache:
            return cache[ind_id]
        if depth > 10:
            raise CatalogueError(f"cycle in indicator {ind_id}")
        spec = catalogue[ind_id].calcul
        result = _evaluate(spec, lambda other: value_of(other, depth + 1))
        cache[ind_id] = result
        return result

    def _evaluate(spec: Mapping[str, Any], ref) -> float | None:
        if "compter" in spec:
            return _count(spec["compter"], action, tables)
        if "compter_distincts" in spec:
            return _count_distinct(spec["compter_distincts"], action, tables)
        if "part" in spec:
            return _share(spec["part"], action, tables)
        if "somme" in spec:
            return _sum(spec["somme"], action, tables)
        if "rapport" in spec:
            num_spec = spec["rapport"]["numerateur"]
            den_spec = spec["rapport"]["denominateur"]
            num = ref(num_spec) if isinstance(num_spec, str) else _evaluate(num_spec, ref)
            den = ref(den_spec) if isinstance(den_spec, str) else _evaluate(den_spec, ref)
            if num is None or not den:
                return None
            return num / den
        raise CatalogueError(f"unknown construct in {spec!r}")

    wanted = ids if ids is not None else list(catalogue)
    out: dict[str, IndicatorValue] = {}
    for ind_id in wanted:
        ind = catalogue[ind_id]
        out[ind_id] = IndicatorValue(ind_id, ind.libelle, ind.unite, value_of(ind_id), ind.sens)
    return out


def status(value: float | None, target: float | None, sens: str = "hausse") -> str:
    """Status of an objective: atteint, partiellement_atteint, non_atteint or non_mesure."""
    if value is None or target is None:
        return "non_mesure"
    if sens == "baisse":
        if value <= target:
            return "atteint"
        if target > 0 and value <= target / PARTIAL_SHARE:
            return "partiellement_atteint"
        return "non_atteint"
    if value >= target:
        return "atteint"
    if value >= target * PARTIAL_SHARE:
        return "partiellement_atteint"
    return "non_atteint"


def evaluate_objectives(
    objectifs: list[Objectif],
    values: Mapping[str, IndicatorValue],
    catalogue: Mapping[str, Indicateur],
) -> list[ObjectiveResult]:
    """Each objective with its indicator's actual value, its target and its status."""
    results = []
    for obj in objectifs:
        ind = catalogue.get(obj.indicateur) if obj.indicateur else None
        value = values[obj.indicateur].valeur if obj.indicateur in values else None
        sens = ind.sens if ind else "hausse"
        results.append(
            ObjectiveResult(
                libelle=obj.libelle,
                indicateur=obj.indicateur,
                libelle_indicateur=ind.libelle if ind else "",
                unite=ind.unite if ind else "",
                cible=obj.cible,
                valeur=value,
                statut=status(value, obj.cible, sens) if ind else "non_mesure",
            )
        )
    return results


def action_indicators(
    ws, action_id: str
) -> tuple[dict[str, IndicatorValue], list[ObjectiveResult]]:
    """Indicators of the action's type and its objectives' results (loads its tables).

    Computed once per process for the workspace's content (:meth:`Workspace.derived`): an
    action's report shows every earlier edition's indicators, and the method sheet and the
    yearly review show them again. Returns new containers (the values are frozen)."""
    values, objectives = ws.derived(
        "action_indicators", (action_id,), lambda: _action_indicators(ws, action_id)
    )
    return dict(values), list(objectives)


def _action_indicators(
    ws, action_id: str
) -> tuple[dict[str, IndicatorValue], list[ObjectiveResult]]:
    action = ws.action(action_id)
    tables = ws.tables(action_id) if action.statut == "realisee" else {}
    type_spec = ws.types.get(action.type)
    ids = list(type_spec.indicateurs) if type_spec else []
    for obj in action.objectifs:
        if obj.indicateur and obj.indicateur not in ids and obj.indicateur in ws.indicateurs:
            ids.append(obj.indicateur)
    values = compute(action, tables, ws.indicateurs, ids)
    return values, evaluate_objectives(action.objectifs, values, ws.indicateurs)
