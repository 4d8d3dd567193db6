"""The populations that published counts count, as tables, to evaluate any :class:`Figure`.

One row per contact (``contacts``), per participant (``participants``), per answer to a
satisfaction form (``satisfaction``) of every realised action whose data is valid, with the
action's id in ``action``; one row per project holder followed (``porteurs``: the journeys of
:mod:`vccap.journeys`); one row per person reached in a year, duplicates removed (``personnes``,
column ``annee``: :func:`vccap.appearances.reached`). Tables are the pseudonymised ones
(:meth:`Workspace.tables`): no personal field. Used by the build's statistical audit to know
which hidden cells are small (the audit itself only reads what pages published).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd

from vccap import appearances, journeys
from vccap.catalogue import package_yaml
from vccap.disclosure.ledger import MISSING, Figure
from vccap.workspace import Workspace

ROW_TABLES = ("participants", "contacts", "satisfaction", "suivi")
#: Derived column: the département of a postcode when the kit names it, else "autre".
ORIGIN = "origine"
OTHER_DEPARTEMENT = "autre"


@cache
def known_departements() -> frozenset[str]:
    """The départements the kit names (``catalogue/libelles.yml``); others are "autre"."""
    return frozenset(str(k) for k in package_yaml("libelles.yml").get("departement", {}))


def with_origin(df: pd.DataFrame) -> pd.DataFrame:
    """The table with its ``origine`` column (named département, "autre", or missing)."""
    if "departement" not in df.columns:
        return df
    dep = df["departement"].astype("string")
    origin = dep.where(dep.isin(known_departements()) | dep.isna(), OTHER_DEPARTEMENT)
    return df.assign(**{ORIGIN: origin})


def canonical(series: pd.Series) -> pd.Series:
    """A column as the canonical texts filters use (booleans ``true``/``false``, missing "")."""
    if pd.api.types.is_bool_dtype(series.dtype) or str(series.dtype) == "boolean":
        out = series.map({True: "true", False: "false"})
    elif pd.api.types.is_integer_dtype(series.dtype):
        out = series.map(lambda v: str(int(v)) if not pd.isna(v) else None)
    else:
        out = series.astype("string")
    return out.astype("object").where(out.notna(), MISSING).astype(str)


class Populations:
    """The populations of a workspace, read once (a build or an audit)."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        self.frames = dict(frames)
        self._canonical: dict[tuple[str, str], np.ndarray] = {}

    @classmethod
    def of(cls, ws: Workspace) -> Populations:
        parts: dict[str, list[pd.DataFrame]] = {k: [] for k in ROW_TABLES}
        read = []
        for action in ws.actions.values():
            if action.statut != "realisee" or not ws.valid(action.id):
                continue
            read.append((action, ws.tables(action.id)))
            for kind, df in read[-1][1].items():
                if kind in parts:
                    parts[kind].append(
                        with_origin(df).assign(action=action.id, type_action=action.type)
                    )
        frames = {
            kind: pd.concat(dfs, ignore_index=True) if dfs else pd.DataFrame({"action": []})
            for kind, dfs in parts.items()
        }
        people = journeys.journeys(journeys.events(ws))
        frames["porteurs"] = people
        frames["personnes"] = appearances.reached(read)
        return cls(frames)

    def column(self, population: str, dim: str) -> np.ndarray:
        key = (population, dim)
        if key not in self._canonical:
            frame = self.frames.get(population, pd.DataFrame())
            if dim in frame.columns:
                values = canonical(frame[dim]).to_numpy(dtype=object)
            else:
                values = np.full(len(frame), MISSING, dtype=object)
            self._canonical[key] = values
        return self._canonical[key]

    def size(self, population: str) -> int:
        return len(self.frames.get(population, ()))

    def value(self, figure: Figure) -> int:
        """The true count of a figure (what the page computed before protection)."""
        total = 0
        for term in figure.terms:
            n = self.size(term.population)
            keep = np.ones(n, dtype=bool)
            for f in term.filters:
                hit = np.isin(self.column(term.population, f.dim), list(f.values))
                keep &= ~hit if f.negate else hit
            total += int(keep.sum())
        return total
