"""Folding of free text into comparable keys.

``fold`` is how vccap compares what people type with what it knows: headers, vocabulary
values and references (territory and structure ids or names). Two texts that differ only
by case, accents, spaces or punctuation fold to the same key::

    >>> fold("  Très satisfait ! ")
    'tres_satisfait'
    >>> fold("Code postal")
    'code_postal'
    >>> fold("E-mail")
    'e_mail'
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["fold", "fold_series"]

# Every run of characters that are not letters or digits (Unicode-aware; "_" included).
_NON_ALNUM = re.compile(r"[\W_]+")


def fold(s: object) -> str:
    """Fold ``s`` into a key: lower-case, no accents, non-alphanumeric runs as ``_``.

    Accents are stripped through Unicode NFKD decomposition (``é`` -> ``e``,
    ``²`` -> ``2``); every run of non-alphanumeric characters becomes a single ``_``
    and leading or trailing ``_`` are removed. ``None`` folds to ``""``.
    """
    if s is None:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if not s.isascii():  # ASCII has nothing to decompose: skip the slow path
        decomposed = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub("_", s.lower()).strip("_")


def fold_series(s: pd.Series) -> pd.Series:
    """Vectorised :func:`fold`: each distinct value is folded once.

    Missing values stay missing. The result has the index and name of ``s`` and the
    default string dtype.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    folded = np.array([fold(u) for u in uniques], dtype=object)
    out = np.empty(len(codes), dtype=object)
    present = codes >= 0
    out[present] = folded[codes[present]]
    out[~present] = None
    return pd.Series(out, index=s.index, name=s.name, dtype="str")
