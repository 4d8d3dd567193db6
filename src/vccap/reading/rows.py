"""Rows that are not records: total lines, hidden rows, repeated submissions."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from vccap.normalize import fold

__all__ = ["total_rows", "duplicate_rows"]

_TOTAL_HINT = re.compile(r"(?i)tota|somme|\bsum\b|cumul")
_TOTAL_WORDS = {"total", "totaux", "sous_total", "soustotal", "total_general", "grand_total",
                "somme", "sum", "cumul", "total_ttc", "total_ht", "totaux_generaux"}  # fmt: skip


def is_total_label(text: str) -> bool:
    """Whether a cell's text labels a total or subtotal line (« Total », « Sous-total : »)."""
    key = fold(text)
    return key in _TOTAL_WORDS or key.startswith(("total_", "sous_total_", "totaux_"))


def total_rows(texts: list[np.ndarray]) -> np.ndarray:
    """Mask of the rows of which some cell labels a total (texts: text cells per column)."""
    n = len(texts[0]) if texts else 0
    mask = np.zeros(n, dtype=bool)
    for values in texts:
        s = pd.Series(values, dtype=object)
        hint = s.str.contains(_TOTAL_HINT, na=False).to_numpy(dtype=bool)
        for i in np.flatnonzero(hint):
            if is_total_label(str(values[i])):
                mask[i] = True
    return mask


def duplicate_rows(columns: list[np.ndarray]) -> np.ndarray:
    """Mask of the rows identical (every cell) to an earlier row."""
    if not columns or not len(columns[0]):
        return np.zeros(0, dtype=bool)
    # Filter on the most varied column first: only rows repeating it can repeat all.
    widest = max(columns, key=lambda c: len(pd.unique(c)))
    candidates = pd.Series(widest, dtype=object).duplicated(keep=False).to_numpy(dtype=bool)
    out = np.zeros(len(widest), dtype=bool)
    if not candidates.any():
        return out
    idx = np.flatnonzero(candidates)
    frame = pd.DataFrame({j: pd.Series(c[idx], dtype=object).astype(str)
                          for j, c in enumerate(columns)})  # fmt: skip
    out[idx] = frame.duplicated(keep="first").to_numpy(dtype=bool)
    return out


def repeated_keys(values: np.ndarray) -> np.ndarray:
    """Mask of the rows whose non-empty key (case-insensitive) appeared on an earlier row."""
    s = pd.Series(values, dtype=object)
    key = s.where(s.notna() & (s.astype(str).str.strip() != ""))
    key = key.astype("string").str.strip().str.casefold()
    return (key.notna() & key.duplicated(keep="first")).to_numpy(dtype=bool)
