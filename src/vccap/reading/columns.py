"""Columns of a grid: factorised once, checked and converted on their distinct values.

A converter gets the distinct stripped texts of a column (native workbook values kept as
they are) and returns the converted distinct values with the problems found, as masks
over the distinct values. The column as a whole decides what its cells mean: a checkbox
column whose only non-empty value means yes reads its blanks as no; a satisfaction
column is read on the scale declared for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from vccap.normalize import fold
from vccap.reading.expected import EXPECTED_BOOLEAN, EXPECTED_SCALE
from vccap.schemas import Field

__all__ = ["Column", "Issues", "text_of"]

# (mask over distinct values, code, expected) — errors, one per cell hit.
Issues = list[tuple[np.ndarray, str, str]]

_CHECK_MARKS = {"✓", "✔", "☑", "✅", "☒", "🗹", "🗸", "√", "✗✓"}
_NEGATIVE_HINTS = ("non", "pas", "peut_etre", "ne_sait_pas", "nsp", "sans_avis", "aucun", "no")
REFERENCE_NOUNS = {"territoires": "un territoire", "structures": "une structure"}
DEFAULT_SCALE = (1.0, 4.0)
SCALE_LEVELS = ("pas_satisfait", "peu_satisfait", "neutre", "satisfait", "tres_satisfait")
#: The middle answer of a 5-level scale: a level of its own, « neutre » (not satisfied).
NEUTRAL = "neutre"
_NEUTRAL_WORDS = {
    "neutre", "ni_satisfait_ni_insatisfait", "ni_satisfaite_ni_insatisfaite",
    "moyennement_satisfait", "moyennement_satisfaite", "ni_l_un_ni_l_autre",
}  # fmt: skip


def text_of(value: object) -> str:
    """The text of a native workbook value, as a person would type it in a CSV."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Column:
    """A column: ``uniq[codes]`` gives each row's stripped value (last distinct: ``""``)."""

    codes: np.ndarray
    uniq: np.ndarray
    identity: bool = False  # one distinct value per row (not factorised)

    @classmethod
    def of(cls, values: np.ndarray) -> Column:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniq = np.empty(len(uniques) + 1, dtype=object)
        uniq[:-1] = [u.strip() if isinstance(u, str) else u for u in uniques.tolist()]
        uniq[-1] = ""
        codes = np.where(codes < 0, len(uniques), codes)
        return cls(codes, uniq)

    @classmethod
    def plain(cls, values: np.ndarray) -> Column:
        """Identity factorisation, for columns whose values are mostly distinct (names)."""
        cells = values.tolist()
        uniq = np.empty(len(cells) + 1, dtype=object)
        try:
            uniq[:-1] = [v.strip() for v in cells]
        except AttributeError:  # native workbook values, missing cells of short rows
            uniq[:-1] = [text_of(v) for v in cells]
        uniq[-1] = ""
        return cls(np.arange(len(cells)), uniq, identity=True)

    def take(self, rows: np.ndarray) -> Column:
        return Column(self.codes[rows], self.uniq, self.identity)

    @cached_property
    def empty_u(self) -> np.ndarray:
        empty = np.asarray(self.uniq == "", dtype=bool)
        none = np.asarray(self.uniq == None, dtype=bool)  # noqa: E711 - elementwise
        return empty | none

    def empty(self) -> np.ndarray:
        return self.empty_u[self.codes]

    def texts(self) -> np.ndarray:
        """The distinct values as text (native values written as a person would)."""
        return as_texts(self.uniq)


def as_texts(uniq: np.ndarray) -> np.ndarray:
    """Values as text; a column of text only is returned as it is (no per-cell work)."""
    try:
        "".join(uniq.tolist())
        return uniq
    except TypeError:
        return np.array([u if isinstance(u, str) else text_of(u) for u in uniq], dtype=object)


def fold_all(texts: np.ndarray) -> np.ndarray:
    return np.array([fold(u) for u in texts], dtype=object)


def _scale_level(value: float, low: float, high: float) -> str:
    """The level of a note on a declared numeric scale (top and bottom fifths kept apart)."""
    p = (value - low) / (high - low)
    if p >= 0.8:
        return "tres_satisfait"
    if p > 0.5:
        return "satisfait"
    if p == 0.5:
        return "neutre"
    if p > 0.2:
        return "peu_satisfait"
    return "pas_satisfait"


def convert_enum(
    f: Field, uniq: np.ndarray, empty: np.ndarray, present: np.ndarray,
    scale: tuple[float, float] | None = None,
) -> tuple[np.ndarray, Issues, list[tuple[str, str, str]]]:  # fmt: skip
    """Canonical value per distinct text; satisfaction notes read on the declared scale."""
    texts = as_texts(uniq)
    folded = fold_all(texts)
    mapping = f.value_map()
    if f.echelle:
        mapping = {**mapping, **dict.fromkeys(_NEUTRAL_WORDS, NEUTRAL)}
    if f.echelle and "tres_insatisfait" in set(folded[present]):
        mapping = {**mapping, "insatisfait": "peu_satisfait", "insatisfaite": "peu_satisfait"}
    canon = np.array([mapping.get(k) for k in folded], dtype=object)
    issues: Issues = []
    notes: list[tuple[str, str, str]] = []
    if f.echelle:
        low, high = scale or DEFAULT_SCALE
        notes_u = pd.to_numeric(pd.Series(texts, dtype=object).str.replace(",", "."),
                                errors="coerce").to_numpy(dtype=float)  # fmt: skip
        numeric = ~np.isnan(notes_u) & ~empty
        outside = numeric & ((notes_u < low) | (notes_u > high) | (notes_u != np.floor(notes_u)))
        if (outside & present).any():
            worst = notes_u[outside & present]
            shown = worst[np.argmax(np.abs(worst - (low + high) / 2))]
            expected = EXPECTED_SCALE.format(
                low=f"{low:g}", high=f"{high:g}", value=f"{shown:g}".replace(".", ",")
            )
            first = np.flatnonzero(outside & present)[:1]
            mask = np.zeros(len(uniq), dtype=bool)
            mask[first] = True
            issues.append((mask, "echelle", expected))
            canon[numeric] = None  # the column's notes mean nothing until its scale is known
            empty = empty | (numeric & ~mask)
        else:
            for i in np.flatnonzero(numeric):
                canon[i] = _scale_level(notes_u[i], low, high)
    bad = ~empty & pd.isna(canon)
    bad &= ~np.isin(np.arange(len(uniq)), [i for m, *_ in issues for i in np.flatnonzero(m)])
    expected = "une des valeurs : " + ", ".join(f.enum or ())
    if f.echelle:
        low, high = scale or DEFAULT_SCALE
        expected += f" (ou une note de {high:g} à {low:g})"
    issues.append((bad, "vocabulaire", expected))
    return canon, issues, notes


def convert_boolean(
    f: Field, uniq: np.ndarray, empty: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, Issues, list[tuple[str, str, str]]]:
    """int8 per distinct value: 1 true, 0 false, -1 missing.

    A column whose non-empty values all mean yes (``Oui``, ``x``, ``✓``) is a checkbox:
    its blanks mean no. So is a column holding one single label (a form's checkbox option
    such as « Je souhaite être recontacté »), which is then said in a note.
    """
    texts = as_texts(uniq)
    folded = fold_all(texts)
    truthy = {fold(v) for v in f.true_values} or {"oui"}
    falsy = {fold(v) for v in f.false_values} or {"non"}
    out = np.full(len(uniq), -1, dtype=np.int8)
    out[np.isin(folded, list(truthy))] = 1
    out[np.isin(folded, list(falsy))] = 0
    out[np.isin(texts, list(_CHECK_MARKS))] = 1
    starts_yes = np.array([k.startswith(("oui_", "yes_")) for k in folded], dtype=bool)
    starts_no = np.array([k.startswith(("non_", "no_")) for k in folded], dtype=bool)
    out[(out < 0) & starts_yes] = 1
    out[(out < 0) & starts_no] = 0
    out[empty] = -1
    notes: list[tuple[str, str, str]] = []
    used = present & ~empty
    if used.any() and (empty & present).any():
        if (out[used] == 1).all():
            out[empty] = 0
        elif used.sum() == 1 and (out[used] == -1).all():
            label = folded[used][0]
            if not any(f"_{h}_" in f"_{label}_" for h in _NEGATIVE_HINTS):
                out[used] = 1
                out[empty] = 0
                notes.append(("case_a_cocher", "lue comme une case cochée : cette valeur "
                              "vaut oui, une case vide vaut non", str(texts[used][0])))  # fmt: skip
    bad = ~empty & (out == -1)
    return out, [(bad, "booleen", EXPECTED_BOOLEAN)], notes


def convert_string(
    f: Field, uniq: np.ndarray, empty: np.ndarray,
    references: Mapping[str, Mapping[str, str]] | None,
) -> tuple[np.ndarray, Issues]:  # fmt: skip
    """Strings as typed (postal codes and departments repaired, references resolved)."""
    out = as_texts(uniq).copy()
    issues: Issues = []
    if f.format == "code_postal":
        out = normalise_zip(out)
    elif f.format == "departement":  # "7" from a spreadsheet that ate the zero: "07"
        out = np.array([f"0{u}" if len(u) == 1 and u.isdigit() else u for u in out], dtype=object)
    ref = f.reference
    if ref is not None and references is not None and ref.table in references:
        known = references[ref.table]
        ids = np.array([known.get(k) for k in fold_all(out)], dtype=object)
        unknown = ~empty & pd.isna(ids)
        if ref.strict:
            noun = REFERENCE_NOUNS.get(ref.table, "une valeur")
            issues.append((unknown, "reference", f"{noun} de {ref.table}.csv (identifiant ou nom)"))
            out = ids
        else:
            out = np.where(unknown, out, ids)
    out = out.copy()
    out[empty] = None
    for mask, *_ in issues:
        out[mask] = None
    return out, issues


def normalise_zip(uniq: np.ndarray) -> np.ndarray:
    s = pd.Series(uniq, dtype=object).astype(str)
    s = s.str.replace(r"^(\d{4,5})[.,]0+$", r"\1", regex=True)
    squeezed = s.str.replace(r"[\s\u00a0]", "", regex=True)
    s = s.where(~squeezed.str.match(r"^\d{4,5}$"), squeezed)
    s = s.where(~s.str.match(r"^\d{4}$"), "0" + s)
    return s.to_numpy(dtype=object, copy=True)


def series_for(f: Field, values: np.ndarray) -> pd.Series:
    """A converted column with the dtype of its schema type."""
    if f.type == "boolean":
        return pd.Series(pd.arrays.BooleanArray(values == 1, values < 0))
    if f.type == "integer":
        mask = np.isnan(values)
        return pd.Series(pd.arrays.IntegerArray(np.where(mask, 0, values).astype("int64"), mask))
    if f.type == "number":
        return pd.Series(values, dtype="float64")
    if f.type == "date":
        return pd.Series(values, dtype="datetime64[ns]")
    return pd.Series(values, dtype="str")


def empty_series(f: Field, n: int) -> pd.Series:
    if f.type == "boolean":
        return pd.Series(pd.array([pd.NA] * n, dtype="boolean"))
    if f.type == "integer":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if f.type == "number":
        return pd.Series(np.full(n, np.nan))
    if f.type == "date":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return pd.Series([None] * n, dtype="str")


def is_coded(f: Field) -> bool:
    """Whether a field's values are few and checked (factorised) or free (kept as typed)."""
    return bool(f.enum or f.type != "string" or f.reference or f.format)
