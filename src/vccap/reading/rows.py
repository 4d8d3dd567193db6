"""Rows that are not records: total lines, hidden rows, repeated submissions."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from vccap.normalize import fold

__all__ = ["total_rows", "duplicate_rows"]

_TOTAL_WORDS = {"total", "totaux", "sous_total", "soustotal", "total_general", "grand_total",
                "somme", "sum", "cumul", "total_ttc", "total_ht", "totaux_generaux"}  # fmt: skip


def is_total_label(text: str) -> bool:
    """Whether a cell's text labels a total or subtotal line (« Total », « Sous-total : »)."""
    key = fold(text)
    return key in _TOTAL_WORDS or key.startswith(("total_", "sous_total_", "totaux_"))


_TOTAL_START = re.compile(
    r"\x00([^\w\x00]*(?:sous\W*total|grand\W*total|total|totaux|somme|sum|cumul)"
    r"(?![^\W_])[^\x00]*)"
)
_TOTAL_WORDS_START = ("tota", "somme", "sum", "cumul")


def _hits(values: np.ndarray) -> list[int]:
    """Indexes of the cells that may label a total (a C-speed scan of the joined column)."""
    try:
        joined = "\x00".join(values.tolist())
    except TypeError:  # native workbook values
        joined = "\x00".join(v if isinstance(v, str) else "" for v in values.tolist())
    lower = "\x00" + joined.lower()
    if not any(word in lower for word in _TOTAL_WORDS_START):
        return []
    if len(lower) != len(joined) + 1:  # a rare letter whose lower case is longer
        lower = "\x00" + joined
    try:
        lengths = np.fromiter(map(len, values.tolist()), dtype=np.int64, count=len(values))
    except TypeError:
        lengths = np.array([len(v) if isinstance(v, str) else 0 for v in values], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    found = []
    for m in _TOTAL_START.finditer(lower):
        at = m.start(1) - 1
        i = int(np.searchsorted(starts, at, side="right") - 1)
        if is_total_label(str(values[i])):
            found.append(i)
    return found


def total_rows(columns: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Mask of the rows of which some cell labels a total.

    ``columns`` holds, per column, ``(distinct texts, code of each row)``: each distinct
    text is looked at once.
    """
    n = len(columns[0][1]) if columns else 0
    mask = np.zeros(n, dtype=bool)
    for uniq, codes in columns:
        hits = _hits(uniq)
        if hits:
            mask |= np.isin(codes, hits)
    return mask


def duplicate_rows(columns: list[np.ndarray]) -> np.ndarray:
    """Mask of the rows identical (every cell) to an earlier row.

    ``columns`` are per-row keys (texts, or codes of a factorised column), most varied first:
    only rows repeating every column so far stay candidates, so most tables stop early.
    """
    if not columns or not len(columns[0]):
        return np.zeros(0, dtype=bool)
    # Filter column by column: only rows repeating every column so far can repeat all.
    candidates = np.ones(len(columns[0]), dtype=bool)
    out = np.zeros(len(columns[0]), dtype=bool)
    first = columns[0]
    if first.dtype == object and len(set(first.tolist())) == len(first):
        return out  # the most varied column never repeats (the common case: one e-mail each)
    for values in columns:
        idx = np.flatnonzero(candidates)
        repeated = pd.Series(values[idx], dtype=object).duplicated(keep=False).to_numpy(dtype=bool)
        candidates[idx[~repeated]] = False
        if not candidates.any():
            return out
    idx = np.flatnonzero(candidates)
    frame = pd.DataFrame({j: pd.Series(c[idx]) for j, c in enumerate(columns)})
    out[idx] = frame.duplicated(keep="first").to_numpy(dtype=bool)
    return out


def repeated_keys(values: np.ndarray) -> np.ndarray:
    """Mask of the rows whose non-empty key (case-insensitive) appeared on an earlier row."""
    cells = values.tolist()
    try:
        joined = "\x00".join(cells)
    except TypeError:
        joined = "\x00".join(v if isinstance(v, str) else "" for v in cells)
    keys = joined.lower().split("\x00")  # one C-speed pass rather than one call per cell
    if " \x00" in joined or "\x00 " in joined or joined[:1].isspace() or joined[-1:].isspace():
        keys = [k.strip() for k in keys]
    filled = [k for k in keys if k]
    if len(set(filled)) == len(filled):
        return np.zeros(len(keys), dtype=bool)
    key = pd.Series(keys, dtype=object)
    return ((key != "") & key.duplicated(keep="first")).to_numpy(dtype=bool)
