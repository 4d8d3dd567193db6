"""Personal data protection: keyed pseudonyms, small-count protection, scrubbing, audit.

Rules (DOMAIN.md, "Personal data"): raw files are never modified nor copied into outputs;
people are linked across actions only through a keyed pseudonym; published breakdowns never
show a count below the workspace's threshold; free text is scrubbed; an audit scans every
published file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vccap.errors import AuditHit, SecretKeyError
from vccap.normalize import fold_series

PERSONAL_FIELDS = ("nom", "prenom", "courriel", "telephone")
KEY_FILE = ".cle_pseudonymisation"
PSEUDONYM_COLUMN = "personne"
MASK = "< {seuil}"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# French phone numbers: 0X XX XX XX XX with spaces, dots or dashes, or +33 X XX XX XX XX.
PHONE_RE = re.compile(r"(?<![\w])(?:\+33\s?[1-9]|0[1-9])(?:[\s.\-]?\d{2}){4}(?![\w])")


# --------------------------------------------------------------------------- key


def secret_key(workspace: Path, *, create: bool = True) -> bytes:
    """Return the workspace's pseudonymisation key, creating it on first use.

    The key lives in ``<workspace>/.cle_pseudonymisation``, readable only by its owner,
    and is listed in the workspace's ``.gitignore`` by ``vccap init``.
    """
    path = Path(workspace) / KEY_FILE
    if path.exists():
        try:
            data = path.read_text(encoding="ascii").strip()
            key = bytes.fromhex(data)
        except (OSError, ValueError) as exc:
            raise SecretKeyError(path, "illisible") from exc
        if len(key) < 16:
            raise SecretKeyError(path, "trop_courte")
        return key
    if not create:
        raise SecretKeyError(path, "absente")
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:  # another process created it meanwhile
        return secret_key(workspace, create=False)
    except OSError as exc:
        raise SecretKeyError(path, "ecriture_impossible") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


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


# --------------------------------------------------------------------------- scrubbing


@dataclass
class PersonalValues:
    """Personal values found in a workspace's raw tables, for scrubbing and auditing."""

    emails: set[str]
    phones: set[str]  # digits only, last 9 digits
    full_names: set[str]  # "Prénom Nom" and "Nom Prénom", matched in any case
    last_names: set[str]  # "Nom" alone, matched as typed (capitalised), 4 letters or more

    @classmethod
    def empty(cls) -> PersonalValues:
        return cls(set(), set(), set(), set())

    def update(self, df: pd.DataFrame) -> None:
        """Add the personal values of one raw table (personal columns as typed)."""
        if "courriel" in df.columns:
            self.emails.update(
                v.strip().lower() for v in df["courriel"].dropna().astype(str) if "@" in v
            )
        if "telephone" in df.columns:
            for v in df["telephone"].dropna().astype(str):
                digits = re.sub(r"\D", "", v)
                if len(digits) >= 9:
                    self.phones.add(digits[-9:])
        if "nom" not in df.columns:
            return
        last = df["nom"].astype("string").str.strip()
        first = (
            df["prenom"].astype("string").str.strip()
            if "prenom" in df.columns
            else pd.Series(pd.NA, index=df.index, dtype="string")
        )
        for nom, prenom in zip(last.tolist(), first.tolist(), strict=True):
            if nom is None or pd.isna(nom) or not nom:
                continue
            if len(nom) >= 4:
                self.last_names.add(nom)
                self.last_names.add(nom[:1].upper() + nom[1:].lower())
            if prenom is not None and not pd.isna(prenom) and prenom:
                self.full_names.add(f"{prenom} {nom}")
                self.full_names.add(f"{nom} {prenom}")

    def name_pattern(self) -> re.Pattern[str] | None:
        """One regex matching any known full name (any case) or last name (as typed)."""
        full = sorted(self.full_names, key=len, reverse=True)
        last = sorted(self.last_names, key=len, reverse=True)
        parts = []
        if full:
            parts.append("(?i:" + "|".join(_name_regex(n) for n in full) + ")")
        if last:
            parts.append("|".join(_name_regex(n) for n in last))
        if not parts:
            return None
        return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def _name_regex(name: str) -> str:
    """A name with any run of spaces or dashes between its words."""
    words = [re.escape(w) for w in re.split(r"[\s]+", name.strip()) if w]
    return r"\s+".join(words)


def scrub(text: str, pattern: re.Pattern[str] | None = None) -> str:
    """Remove e-mails, phone numbers and known names from free text."""
    if not text:
        return text
    text = EMAIL_RE.sub("[courriel masqué]", text)
    text = PHONE_RE.sub("[téléphone masqué]", text)
    if pattern is not None:
        text = pattern.sub("[nom masqué]", text)
    return text


def scrub_series(series: pd.Series, pattern: re.Pattern[str] | None) -> pd.Series:
    """Vectorised :func:`scrub` over a text column (NA stays NA)."""
    s = series.astype("string")
    s = s.str.replace(EMAIL_RE, "[courriel masqué]", regex=True)
    s = s.str.replace(PHONE_RE, "[téléphone masqué]", regex=True)
    if pattern is not None:
        s = s.str.replace(pattern, "[nom masqué]", regex=True)
    return s


def iter_lines(path: Path) -> Iterable[tuple[int, str]]:
    """Lines of a published file (undecodable bytes replaced); for a Word document or a PDF,
    the lines of its text (:func:`vccap.formats.text.document_lines`)."""
    from vccap.formats.text import document_lines

    lines = document_lines(path)
    if lines is not None:
        yield from enumerate(lines, start=1)
        return
    with open(path, encoding="utf-8", errors="replace") as handle:
        yield from enumerate(handle, start=1)


# --------------------------------------------------------------------------- audit

TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".ipynb",
    ".json",
    ".csv",
    ".txt",
    ".md",
    ".js",
    ".css",
    ".yml",
    ".yaml",
    ".svg",
    ".xml",
    ".docx",
    ".pdf",
    ".qmd",
}


def _vendored(path: Path) -> bool:
    """True for the unmodified copy of plotly.js (its digits would look like phone numbers)."""
    if path.name != "plotly.min.js":
        return False
    from importlib import resources

    try:
        original = resources.files("plotly").joinpath("package_data", "plotly.min.js")
        return (
            path.stat().st_size == original.stat().st_size
            and path.read_bytes() == original.read_bytes()
        )
    except (OSError, FileNotFoundError, AttributeError):
        return False


def _mask(value: str) -> str:
    if "@" in value:
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if local else "***@" + domain
    if len(value) <= 2:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 2)


WORD_RE = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")


class HashedValues:
    """Personal values as keyed hashes (BLAKE2b with the workspace key, 64 bits).

    What a build remembers between runs and what the audit compares with: it reveals nothing
    without the workspace's secret key, yet finds a raw value in any published line.
    Full names are compared in any case, last names as typed (or capitalised).
    """

    def __init__(self, key: bytes) -> None:
        self.key = key[:64]
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.full: set[str] = set()
        self.last: set[str] = set()
        self.sizes: set[int] = set()
        self._memo: dict[str, str] = {}  # each distinct word sequence is hashed once

    def h(self, text: str) -> str:
        known = self._memo.get(text)
        if known is None:
            known = hashlib.blake2b(text.encode("utf-8"), key=self.key, digest_size=8).hexdigest()
            if len(self._memo) < 500_000:
                self._memo[text] = known
        return known

    @classmethod
    def empty(cls, key: bytes) -> HashedValues:
        return cls(key)

    @classmethod
    def of(cls, values: PersonalValues, key: bytes) -> HashedValues:
        hashed = cls(key)
        hashed.emails = {hashed.h(e) for e in values.emails}
        hashed.phones = {hashed.h(p) for p in values.phones}
        for name in values.full_names:
            words = [w.casefold() for w in WORD_RE.findall(name)]
            if words:
                hashed.full.add(hashed.h(" ".join(words)))
                hashed.sizes.add(len(words))
        for name in values.last_names:
            words = WORD_RE.findall(name)
            if words:
                hashed.last.add(hashed.h(" ".join(words)))
                hashed.sizes.add(len(words))
        return hashed

    def as_dict(self) -> dict[str, list]:
        return {
            "courriels": sorted(self.emails),
            "telephones": sorted(self.phones),
            "noms_complets": sorted(self.full),
            "noms": sorted(self.last),
            "tailles": sorted(self.sizes),
        }

    def merge(self, data: dict[str, list]) -> None:
        self.emails.update(data.get("courriels", []))
        self.phones.update(data.get("telephones", []))
        self.full.update(data.get("noms_complets", []))
        self.last.update(data.get("noms", []))
        self.sizes.update(data.get("tailles", []))

    def digest(self) -> str:
        payload = json.dumps(self.as_dict(), sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()

    def names_in(self, line: str) -> list[str]:
        """Known names found in a line (as written in the line)."""
        if not self.sizes or not (self.full or self.last):
            return []
        words = WORD_RE.findall(line)
        if not words:
            return []
        folded = [w.casefold() for w in words]
        sizes = sorted(self.sizes, reverse=True)
        found = []
        for i in range(len(words)):
            for size in sizes:
                if i + size > len(words):
                    continue
                if (
                    self.h(" ".join(folded[i : i + size])) in self.full
                    or self.h(" ".join(words[i : i + size])) in self.last
                ):
                    found.append(" ".join(words[i : i + size]))
                    break
        return found


def audit_file(path: Path, display: str, hashed: HashedValues | None) -> list[AuditHit]:
    """Personal data in one published file."""
    hits: list[AuditHit] = []
    if path.suffix.lower() not in TEXT_SUFFIXES or _vendored(path):
        return hits
    for number, line in iter_lines(path):
        for match in EMAIL_RE.finditer(line):
            email = match.group(0).lower()
            kind = "courriel" if hashed and hashed.h(email) in hashed.emails else "motif_courriel"
            hits.append(AuditHit(display, number, kind, _mask(match.group(0))))
        for match in PHONE_RE.finditer(line):
            digits = re.sub(r"\D", "", match.group(0))[-9:]
            kind = (
                "telephone" if hashed and hashed.h(digits) in hashed.phones else "motif_telephone"
            )
            hits.append(AuditHit(display, number, kind, _mask(match.group(0))))
        if hashed is not None:
            for name in hashed.names_in(line):
                hits.append(AuditHit(display, number, "nom", _mask(name)))
    return hits


def audit(
    out_dir: Path,
    values: PersonalValues | None = None,
    *,
    hashed: HashedValues | None = None,
    skip: Callable[[Path], bool] | None = None,
) -> list[AuditHit]:
    """Scan every file under ``out_dir`` for personal values and e-mail / phone patterns.

    Give the raw ``values`` (hashed here with a throw-away key) or already ``hashed`` ones.
    ``skip(path)`` may leave out files known to be clean (the build's incremental audit).
    """
    if hashed is None and values is not None:
        hashed = HashedValues.of(values, secrets.token_bytes(32))
    out_dir = Path(out_dir)
    hits: list[AuditHit] = []
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        if skip is not None and skip(path):
            continue
        display = str(path.relative_to(out_dir.parent))
        hits.extend(audit_file(path, display, hashed))
    return hits
