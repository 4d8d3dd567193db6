"""Checks across an action's files: what one file says that another already says.

:func:`budget_repeated`: a cost line of the ``couts`` table that repeats a line of the
action's ``budget`` (in ``action.yml``). The data contract sums both into ``cout_total``,
so the same expense typed in both places is counted twice: the figure is kept as the
contract defines it, and the person is told where the repetition is (a warning naming the
file, line, column and value).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from vccap import fmt
from vccap.errors import AVERTISSEMENT, InputError
from vccap.normalize import fold

#: Two amounts closer than this (euros) are the same amount.
CENTS = 0.005


def budget_repeated(
    budget: list[Any], raw: Any, action_id: str, yml: str = "action.yml"
) -> list[InputError]:
    """Warnings for the rows of ``raw`` (a read ``couts`` table: :class:`RawTable`) that
    repeat a line of ``budget`` (the action's budget lines: ``poste``, ``montant``): the
    same amount and the same expense heading (case, accents and spacing aside). ``yml``
    names the action's file in the message."""
    df = raw.df
    if not budget or df is None or df.empty or "montant" not in df.columns:
        return []
    amounts = pd.to_numeric(df["montant"], errors="coerce")
    headings = (
        df["poste"].map(lambda v: fold(str(v)) if not pd.isna(v) else "")
        if ("poste" in df.columns)
        else pd.Series([""] * len(df), index=df.index)
    )
    lines = df["_ligne"] if "_ligne" in df.columns else pd.Series(range(2, len(df) + 2))
    out: list[InputError] = []
    seen: set[int] = set()
    for line in budget:
        amount = getattr(line, "montant", None)
        if amount is None or (isinstance(amount, float) and math.isnan(amount)):
            continue
        heading = fold(str(getattr(line, "poste", "") or ""))
        same = (amounts - float(amount)).abs() < CENTS
        same &= headings == heading
        for i in [int(i) for i in same[same].index]:
            row = df.index.get_loc(i)
            if row in seen:
                continue
            seen.add(row)
            poste = getattr(line, "poste", "") or ""
            out.append(
                InputError(
                    raw.display,
                    f"dépense déjà inscrite au budget de {yml}, dans le même dossier (« {poste} », "
                    f"{fmt.euros(float(amount))}) : elle est comptée deux fois dans le coût "
                    "total ; si c'est la même dépense, gardez-la à un seul endroit",
                    line=int(lines.iloc[row]),
                    column=raw.headers.get("montant", "montant"),
                    value=fmt.euros(float(amounts.iloc[row])),
                    code="budget_repete",
                    action=action_id,
                    severity=AVERTISSEMENT,
                    table="couts",
                    sheet=getattr(raw, "sheet", None),
                )
            )
    return out
