"""Numbers as people type them, with the decimal convention decided per column.

A cell such as ``1.650`` or ``1,380`` (one separator followed by exactly three digits) can
be a thousands separator or a decimal one. Such a cell is read with the convention that the
other cells of its column show (``12,50`` or ``1.234,5``: the comma is the decimal
separator, so ``1.650`` is 1650), else with the convention of the file's other number
columns; when nothing decides, the cell is ambiguous and reported, never guessed.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

__all__ = ["NumberColumn", "decimals_of", "parse_numbers", "parse_number_text"]

_CLEAN = re.compile(r"[\s\u00a0\u202f\u2009€]|(?i:eur(?:os?)?$)")
# Kinds of number writing (per distinct cleaned text).
INVALID, INTEGER, DEC_DOT, DEC_COMMA, AMB_DOT, AMB_COMMA, EU, EN, EXPONENT = range(9)
_PATTERNS = [
    (INTEGER, r"^[+-]?\d+$"),
    (AMB_DOT, r"^[+-]?[1-9]\d{0,2}\.\d{3}$"),
    (AMB_COMMA, r"^[+-]?[1-9]\d{0,2},\d{3}$"),
    (DEC_DOT, r"^[+-]?(?:\d+\.\d*|\.\d+)$"),
    (DEC_COMMA, r"^[+-]?(?:\d+,\d*|,\d+)$"),
    (EU, r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$"),
    (EN, r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$"),
    (EXPONENT, r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$"),
]
#: The decimal separator each kind shows ("" when it shows none).
_EVIDENCE = {DEC_DOT: ".", EN: ".", DEC_COMMA: ",", EU: ","}


class NumberColumn:
    """The distinct texts of one column, classified; :meth:`values` reads them.

    ``evidence`` is the set of decimal separators the column's unambiguous cells show.
    """

    def __init__(self, texts: np.ndarray) -> None:
        s = pd.Series(texts, dtype=object).astype(str).str.replace(_CLEAN, "", regex=True)
        kind = np.full(len(s), INVALID, dtype=np.int8)
        for code, pattern in _PATTERNS:
            hit = (kind == INVALID) & s.str.match(pattern).to_numpy(dtype=bool)
            kind[hit] = code
        self.clean = s
        self.kind = kind
        self.evidence = {_EVIDENCE[k] for k in np.unique(kind) if k in _EVIDENCE}

    def values(self, decimal: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(values, ambiguous, decimals)`` per distinct text.

        ``decimal`` is the column's decimal separator (``"."``, ``","`` or ``None`` when
        undecided): ambiguous cells are read with it, else flagged in ``ambiguous`` (and
        left NaN). ``decimals`` counts the digits after the decimal separator.
        """
        s, kind = self.clean, self.kind
        text = s.copy()
        comma_dec = np.isin(kind, [DEC_COMMA, EU]) | ((kind == AMB_COMMA) & (decimal == ","))
        dot_thousands = (kind == EU) | ((kind == AMB_DOT) & (decimal == ","))
        comma_thousands = (kind == EN) | ((kind == AMB_COMMA) & (decimal == "."))
        text = text.where(~dot_thousands, text.str.replace(".", "", regex=False))
        text = text.where(~comma_thousands, text.str.replace(",", "", regex=False))
        text = text.where(~comma_dec, text.str.replace(",", ".", regex=False))
        ambiguous = np.isin(kind, [AMB_DOT, AMB_COMMA]) & (decimal is None)
        usable = (kind != INVALID) & ~ambiguous
        out = pd.to_numeric(text.where(usable), errors="coerce").to_numpy(dtype=float, copy=True)
        out[~np.isfinite(out)] = np.nan
        after = (
            text.str.extract(r"\.(\d*)$")[0].str.len().fillna(0).to_numpy(dtype=np.int64, copy=True)
        )
        after[kind == EXPONENT] = 0
        return out, ambiguous, after


def decide(evidence: set[str], fallback: set[str] | None = None) -> str | None:
    """The decimal separator that evidence shows, or None when nothing or both show."""
    if len(evidence) == 1:
        return next(iter(evidence))
    if not evidence and fallback is not None and len(fallback) == 1:
        return next(iter(fallback))
    return None


def parse_numbers(texts: np.ndarray, decimal: str | None = None) -> np.ndarray:
    """float64 per text, deciding the convention from the texts themselves (NaN if not)."""
    column = NumberColumn(texts)
    values, _, _ = column.values(decimal or decide(column.evidence))
    return values


PLAIN_INTEGER_RE = re.compile(r"[0-9]{1,15}")


@functools.lru_cache(maxsize=8192)
def parse_number_text(text: str) -> tuple[float | None, bool]:
    """One number typed alone (in action.yml): ``(value, ambiguous)``.

    ``1 234,5``, ``310 €`` and ``0,75`` are read; ``1.650`` alone is ambiguous.
    """
    if PLAIN_INTEGER_RE.fullmatch(text.strip()):  # the common case (3500, 12)
        return float(text.strip()), False
    column = NumberColumn(np.array([text.strip()], dtype=object))
    values, ambiguous, _ = column.values(None)
    if ambiguous[0]:
        return None, True
    value = values[0]
    return (None if np.isnan(value) else float(value)), False


def decimals_of(text: str) -> int:
    """Digits after the decimal separator of one unambiguous number (0 when none)."""
    if PLAIN_INTEGER_RE.fullmatch(text.strip()):
        return 0
    column = NumberColumn(np.array([text.strip()], dtype=object))
    _, _, decimals = column.values(None)
    return int(decimals[0])
