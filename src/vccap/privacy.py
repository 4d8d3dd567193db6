"""Personal data protection: keyed pseudonyms, small-count protection, scrubbing, audit.

Rules (DOMAIN.md, "Personal data"): raw files are never modified nor copied into outputs;
people are linked across actions only through a keyed pseudonym; published breakdowns never
show a count below the workspace's threshold; free text is scrubbed; an audit scans every
published file.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The key, scrubbing and the audit live in their own modules; their names stay reachable
# from here (``privacy.scrub``, ``privacy.audit``…).
from vccap.audit import TEXT_SUFFIXES, audit, audit_file, iter_lines  # noqa: F401
from vccap.keys import KEY_FILE, secret_key  # noqa: F401
from vccap.normalize import fold_series
from vccap.personal import (  # noqa: F401
    Finder,
    HashedValues,
    PersonalValues,
    scrub,
    scrub_series,
)
from vccap.textnorm import EMAIL_RE, PHONE_RE  # noqa: F401

PERSONAL_FIELDS = ("nom", "prenom", "courriel", "telephone")
PSEUDONYM_COLUMN = "personne"
MASK = "< {seuil}"


# --------------------------------------------------------------------------- pseudonyms


def _identity(df: pd.DataFrame) -> pd.Series:
    """The string that identifies a person: e-mail if any, else name + first name + phone."""
    empty = pd.Series("", index=df.index, dtype="object")

    def col(name: str) -> pd.Series:
        if name not in df.columns:
            return empty
        return df[name].astype("string").fillna("").str.strip().astype("object")

    email = col("courriel").str.lower()
    phone = col("telephone").str.replace(r"\D", "", regex=True).str[-9:]
    names = (
        fold_series(col("nom")).astype("object") + "|" + fold_series(col("prenom")).astype("object")
    )
    fallback = np.where((names != "|") | (phone != ""), "np:" + names + "|" + phone, "")
    return pd.Series(np.where(email != "", "m:" + email, fallback), index=df.index)


def pseudonym(key: bytes, identity: str) -> str:
    """Keyed pseudonym (HMAC-SHA256, 16 hex characters) of one identity string."""
    return hmac.new(key, identity.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymise(df: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Replace personal fields by a keyed pseudonym column and drop them.

    Rows without any personal value get an empty (NA) pseudonym. The result holds no
    personal field whatever the input columns were. Each distinct identity is hashed once.
    """
    present = [c for c in PERSONAL_FIELDS if c in df.columns]
    out = df.drop(columns=present)
    if not present:
        return out
    codes, uniques = pd.factorize(_identity(df))
    base = hmac.new(key, digestmod=hashlib.sha256)
    hashed = []
    for identity in uniques:
        if not identity:
            hashed.append(None)
            continue
        h = base.copy()
        h.update(identity.encode("utf-8"))
        hashed.append(h.hexdigest()[:16])
    values = np.array(hashed, dtype=object)[codes]
    out[PSEUDONYM_COLUMN] = pd.array(values, dtype="string")
    return out


# --------------------------------------------------------------------------- small counts


@dataclass
class Protected:
    """A breakdown after small-count protection."""

    table: pd.DataFrame  # columns: categorie, effectif (display strings allowed in 'affiche')
    masked: int  # number of categories masked or grouped
    threshold: int


def protect_counts(
    counts: pd.Series,
    threshold: int,
    *,
    other_label: str = "Autres (regroupés)",
    mask_label: str | None = None,
) -> Protected:
    """Group categories whose count is under ``threshold`` so none can be worked back.

    Categories with 0 < count < threshold are merged into ``other_label``. If the merged
    group is itself under the threshold, the smallest remaining categories are added to it
    until it reaches the threshold; if that is impossible (total under threshold), the whole
    breakdown is masked. Zero counts are dropped. Returned counts are all >= threshold or
    the table is empty (fully masked). Complementary disclosure is avoided because the
    grouped cell is itself published with its total, and no category below the threshold is
    ever shown on its own.
    """
    counts = counts[counts > 0].astype(int).sort_values(ascending=False, kind="stable")
    if threshold <= 1 or counts.empty:
        return Protected(_frame(counts), 0, threshold)
    small = counts[counts < threshold]
    big = counts[counts >= threshold]
    if small.empty:
        return Protected(_frame(counts), 0, threshold)
    grouped = int(small.sum())
    n_grouped = len(small)
    # Grow the group with the smallest big categories until it is safe.
    while grouped < threshold and not big.empty:
        smallest = big.index[-1]
        grouped += int(big.iloc[-1])
        n_grouped += 1
        big = big.drop(smallest)
    if grouped < threshold:
        return Protected(_frame(pd.Series(dtype=int)), n_grouped, threshold)
    label = mask_label or other_label
    result = pd.concat([big, pd.Series({label: grouped})])
    return Protected(_frame(result), n_grouped, threshold)


def _frame(counts: pd.Series) -> pd.DataFrame:
    frame = counts.rename_axis("categorie").reset_index(name="effectif")
    frame["effectif"] = frame["effectif"].astype(int)
    return frame


def safe_count(value: int | float | None, threshold: int) -> int | None:
    """A single published count: None (masked) when 0 < value < threshold."""
    if value is None or pd.isna(value):
        return None
    if 0 < value < threshold:
        return None
    return int(value)
