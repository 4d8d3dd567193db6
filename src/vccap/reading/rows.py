"""Rows that are not records: total lines (labelled, or unlabelled sums), note lines
under the table, repeated submissions (pure masks; the reader words them)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from vccap.normalize import fold

__all__ = ["duplicate_rows", "note_rows", "sum_rows", "total_rows"]

_TOTAL_WORDS = {"total", "totaux", "sous_total", "soustotal", "total_general", "grand_total",
                "somme", "sum", "cumul", "total_ttc", "total_ht", "totaux_generaux"}  # fmt: skip


#: Last words of a label that names a total (« Coût total », « Dépenses totales »).
_TOTAL_ENDS = {"total", "totaux", "totale", "totales"}


def is_total_label(text: str) -> bool:
    """Whether a cell's text labels a total or subtotal line (« Total », « Sous-total : »,
    « Total dépenses », « Coût total », « Montant total TTC »)."""
    key = fold(text)
    if key in _TOTAL_WORDS or key.startswith(("total_", "sous_total_", "totaux_")):
        return True
    words = key.split("_")
    if words[-1] in ("ttc", "ht"):
        words = words[:-1]
    return 1 < len(words) <= 3 and words[-1] in _TOTAL_ENDS


_TOTAL_WORD = re.compile(r"sous\W*total|grand\W*total|tota|somme|sum|cumul")
_TOTAL_WORDS_START = ("tota", "somme", "sum", "cumul")


def _hits(values: np.ndarray) -> list[int]:
    """Indexes of the cells that label a total (a C-speed scan of the joined column, then
    :func:`is_total_label` on the cells where a total word appears)."""
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
    cells = sorted({int(np.searchsorted(starts, m.start() - 1, side="right") - 1)
                    for m in _TOTAL_WORD.finditer(lower)})  # fmt: skip
    return [i for i in cells if is_total_label(str(values[i]))]


def total_rows(
    columns: list[tuple[object, np.ndarray, np.ndarray]],
    n: int,
    personal: dict[object, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(mask, label)``: the rows of which some cell labels a total, and that cell's text.

    ``columns`` holds, per column, ``(key, distinct texts, code of each of the n rows)``:
    each distinct text is looked at once. ``personal`` maps the key of a personal column to
    the mask of the rows where it is filled: a row whose personal cells other than its
    label are filled is a record (a participant of the company « Total »), not a total.
    """
    mask = np.zeros(n, dtype=bool)
    label = np.full(n, "", dtype=object)
    for key, uniq, codes in columns:
        hits = _hits(uniq)
        if not hits:
            continue
        here = np.isin(codes, hits) & ~mask
        others = [filled for k, filled in (personal or {}).items() if k != key]
        if others:
            here &= ~np.logical_or.reduce(others)
        label[here] = uniq[codes[here]]
        mask |= here
    return mask, label


def sum_rows(amounts: list[np.ndarray], blank: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Mask of the unlabelled rows whose amounts are the sum of the records above.

    ``amounts`` holds the number columns (float per row, NaN when empty or unreadable),
    ``blank`` the rows whose other cells are all empty, ``totals`` the rows already known
    as totals. A blank row is a total when each of its amounts equals the sum of that
    column over at least two records above, since the last total or since the top.
    """
    mask = np.zeros(len(blank), dtype=bool)
    last = 0
    for i in np.flatnonzero(blank):
        known = totals | mask
        matched = False
        for values in amounts:
            if np.isnan(values[i]):
                continue
            sums = []
            for start in (last, 0):
                above = values[start:i][~known[start:i]]
                above = above[~np.isnan(above)]
                if len(above) >= 2:
                    sums.append(above.sum())
            matched = any(abs(total - values[i]) < 0.005 for total in sums)
            if not matched:
                break
        if matched:
            mask[i] = True
        if matched or totals[i]:
            last = i + 1
    return mask


_NOTE_START = re.compile(
    r"^\W*(?:n\W?b\b|nota\b|notes?\b|remarques?\b|rq\b|sources?\b|attention\b|p\W?s\b|"
    r"info\b|infos\b|mise à jour\b|màj\b|maj\b|à noter\b|important\b|commentaires?\b)|"
    r"^\s*[*(]|:",
    re.I,
)


def note_rows(filled: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Mask of the note lines under a table (« NB : chiffres provisoires »).

    ``filled`` counts the filled cells of each row and ``texts`` holds the text of each
    row's first filled cell (``""`` when it is free text of the record, such as a comment).
    A note line comes after the last row of two cells or more (a table of one column has
    none), has a single cell, and reads as a note: it starts with « NB », « Note »,
    « Source », « Remarque », « * » or « ( »…, or holds a colon.
    """
    mask = np.zeros(len(filled), dtype=bool)
    several = np.flatnonzero(filled > 1)
    if not len(several):
        return mask  # a table of one column: its single cells are its records
    for i in range(int(several[-1]) + 1, len(filled)):
        if filled[i] == 1 and _NOTE_START.search(str(texts[i])):
            mask[i] = True
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
