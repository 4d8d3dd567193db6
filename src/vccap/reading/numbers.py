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

__all__ = [
    "NumberColumn",
    "ambiguous_text",
    "decimals_of",
    "parse_number_text",
    "parse_numbers",
    "scientific_text",
]

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
    (EXPONENT, r"^[+-]?(?:\d+[.,]?\d*|[.,]\d+)[eE][+-]?\d+$"),
]
#: The decimal separator each kind shows ("" when it shows none).
_EVIDENCE = {DEC_DOT: ".", EN: ".", DEC_COMMA: ",", EU: ","}


class NumberColumn:
    """The distinct texts of one column, classified; :meth:`values` reads them.

    ``evidence`` is the set of decimal separators the column's unambiguous cells show;
    ``scientific`` marks the texts in scientific notation (``1,23E+05``, read by
    :meth:`values` but refused in tables: see :func:`scientific_text`).
    """

    def __init__(self, texts: np.ndarray) -> None:
        s = pd.Series(texts, dtype=object).astype(str).str.replace(_CLEAN, "", regex=True)
        kind = np.full(len(s), INVALID, dtype=np.int8)
        for code, pattern in _PATTERNS:
            hit = (kind == INVALID) & s.str.match(pattern).to_numpy(dtype=bool)
            kind[hit] = code
        self.clean = s
        self.kind = kind
        self.scientific = kind == EXPONENT
        self.evidence = {_EVIDENCE[k] for k in np.unique(kind) if k in _EVIDENCE}

    def values(self, decimal: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(values, ambiguous, decimals)`` per distinct text.

        ``decimal`` is the column's decimal separator (``"."``, ``","`` or ``None`` when
        undecided): ambiguous cells are read with it, else flagged in ``ambiguous`` (and
        left NaN). ``decimals`` counts the digits after the decimal separator.
        """
        s, kind = self.clean, self.kind
        text = s.copy()
        comma_dec = np.isin(kind, [DEC_COMMA, EU, EXPONENT]) | (
            (kind == AMB_COMMA) & (decimal == ",")
        )
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


def _french(value: float, digits: int = 6) -> str:
    """A number written the French way (``12\u202f345``, ``1,65``)."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.{digits}g}".replace(".", ",")


#: Why the decimal reading of an ambiguous number may be impossible, by places allowed.
_TOO_MANY_PLACES = {
    0: "mais ce nombre est un entier",
    2: "mais un montant a au plus deux décimales",
}


def ambiguous_text(value: str, *, places: int | None = None) -> str:
    """What an ambiguous number (``1.650``, ``12,345``) can be, and what to type for each.

    ``places`` is how many decimals the field allows (2 for an amount, 0 for a count,
    None for any): a decimal reading with more is said to be impossible, not offered.
    """
    clean = _CLEAN.sub("", value)
    sep = "." if "." in clean else ","
    thousands = int(clean.replace(sep, ""))
    decimal = float(clean.replace(sep, "."))
    name = "point" if sep == "." else "virgule"
    decimal_name = "point décimal" if sep == "." else "virgule décimale"
    shown = _french(decimal)
    after = len(shown.split(",")[1]) if "," in shown else 0
    if 0 < decimal and decimal != int(decimal):
        decimal_name += f", entre {int(decimal)} et {int(decimal) + 1}"
    if places is not None and after > places:
        decimal_name += ", " + _TOO_MANY_PLACES.get(places, f"mais au plus {places} décimales")
    readings = (
        f"un nombre sans ambiguïté : « {value} » peut se lire {_french(thousands)} ({name} "
        f"séparateur de milliers) ou {shown} ({decimal_name}) ; pour {_french(thousands)}, "
        f"écrivez {thousands}"
    )
    if places is not None and after > places:
        return readings
    typed = shown + "0" if after == 3 else shown  # « 12,3450 »: four decimals are sure
    return f"{readings} ; pour {shown}, écrivez {typed}"


def scientific_text(value: str, number: float) -> str:
    """What a number in scientific notation is (``1,23E+05``) and what to do about it."""
    return (
        f"un nombre écrit sans exposant : « {value} » est en notation scientifique (soit "
        f"environ {_french(number)}) ; le tableur l'a peut-être arrondi à l'affichage, et sa "
        "valeur exacte serait alors perdue ; dans le tableur, formatez la colonne en « Nombre » "
        "(clic droit > Format de cellule > Nombre), vérifiez la valeur, puis enregistrez à "
        "nouveau le fichier"
    )


def decimals_of(text: str) -> int:
    """Digits after the decimal separator of one unambiguous number (0 when none)."""
    if PLAIN_INTEGER_RE.fullmatch(text.strip()):
        return 0
    column = NumberColumn(np.array([text.strip()], dtype=object))
    _, _, decimals = column.values(None)
    return int(decimals[0])
