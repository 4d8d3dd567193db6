"""Personal values of the raw lists, and how they are found in free text (scrub and audit).

The raw tables give names, e-mails and phone numbers (:class:`PersonalValues`). They are
kept as keyed hashes of their normalised forms (:class:`HashedValues`, the only form a build
remembers), and :class:`Finder` finds them in a text through :mod:`vccap.textnorm`: the
same finder removes them before publishing (:func:`scrub`) and looks for them in what was
published (:mod:`vccap.audit`), so a form the scrubber removes is a form the audit catches.

What is found (accents, case, apostrophes and dashes never matter):

- **e-mails**: any address, obfuscated too (``x [at] y.fr``, ``x(at)y``, ``x @ y``, spelled
  out ``x point y arobase z point fr``, no
  top-level domain), and a known address's local part alone when it is distinctive
  (``zephyrine.canari``; not ``contact``);
- **phones**: French and international numbers of any spelling, and a known number's
  digits whatever the separators;
- **full names** of the lists, first name first or last: ``Hélène Lefèvre``,
  ``LEFEVRE Helene``, ``Jean-Pierre d’Arcy``; a first name and the initial of the surname
  (``Hélène L.``); an initial and a surname (``H. Lefèvre``);
- **surnames alone**, in any case (``Lefèvre``, ``LEFEVRE``, ``lefevre``), and after a form of
  address (``Mme LEFÈVRE``, ``M. Lefevre``);
- **rare first names alone**: a first name borne by fewer people of the lists than the
  workspace's threshold (and never fewer than 2), so that it points to one of them.

**Names that are also words.** A surname that is a frequent French word (``Blanc``,
``Petit``, ``Roux``, ``Marin``, ``Grand``: :func:`vccap.textnorm.is_common_word`), a word of
the workspace's own names (territories, structures, region: ``Lyon``, ``Nancy``) or a name of
three letters or less is scrubbed only where it clearly names someone: next to a first name of the
lists (``Jade Roux``, ``Roux Jade``), after a form of address (``Mme Roux``, ``M. BLANC``),
next to an initial (``J. Roux``, ``Roux J.``), or written in capitals (``ROUX``). "Un vin
blanc", "un petit stand", "Grand Besançon" and "Roux a la cote" at the start of a sentence are
left alone. A first name that is a frequent word (``Rose``, ``Claire``) is never scrubbed
alone, only as part of a full name. A name right after ``Saint-`` (``Saint-Étienne``) is a
place, not a person.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from vccap import textnorm
from vccap.textnorm import CIVILITIES, Token

MASKS = {
    "courriel": "[courriel masqué]",
    "telephone": "[téléphone masqué]",
    "nom": "[nom masqué]",
    "prenom": "[nom masqué]",
}
SAINTS = {"saint", "sainte", "st", "ste"}
#: Letters under which a surname is treated like a common word (context needed).
SHORT_NAME = 3


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


@dataclass
class PersonalValues:
    """Personal values found in a workspace's raw tables (as typed), for scrubbing and audit."""

    emails: set[str]  # folded, de-obfuscated addresses
    phones: set[str]  # last nine digits
    people: set[tuple[str, str]]  # (first name, surname), first name possibly ""
    full_names: set[str]  # "Prénom Nom", for reports and tests

    @classmethod
    def empty(cls) -> PersonalValues:
        return cls(set(), set(), set(), set())

    @property
    def last_names(self) -> set[str]:
        return {last for _first, last in self.people}

    def name_pattern(self, threshold: int = 3) -> Finder:
        """A finder of these values (hashed with a throw-away key), for :func:`scrub`."""
        import secrets

        return Finder(HashedValues.of(self, secrets.token_bytes(32)), threshold)

    def merge(self, other: PersonalValues) -> None:
        self.emails |= other.emails
        self.phones |= other.phones
        self.people |= other.people
        self.full_names |= other.full_names

    def update(self, df: pd.DataFrame) -> None:
        """Add the personal values of one raw table (personal columns as typed)."""
        if "courriel" in df.columns:
            self.emails.update(
                textnorm.email_key(v) for v in df["courriel"].dropna().astype(str) if "@" in v
            )
        if "telephone" in df.columns:
            for v in df["telephone"].dropna().astype(str):
                identity = textnorm.phone_identity(v)
                if identity:
                    self.phones.add(identity)
        if "nom" not in df.columns:
            return
        firsts = df["prenom"] if "prenom" in df.columns else pd.Series("", index=df.index)
        for last, first in zip(df["nom"].tolist(), firsts.tolist(), strict=True):
            last, first = _text(last), _text(first)
            if not last:
                continue
            self.people.add((first, last))
            if first:
                self.full_names.add(f"{first} {last}")


class HashedValues:
    """Personal values as keyed hashes of their normalised forms (BLAKE2b, 64 bits).

    What a build remembers between runs (bound to the key: see
    :func:`vccap.keys.fingerprint`) and what the finder compares with: it reveals nothing
    without the workspace's secret key, yet finds a raw value in any text.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key[:64]
        self.emails: set[str] = set()
        self.locals: set[str] = set()  # distinctive local parts of the addresses
        self.phones: set[str] = set()
        self.full: set[str] = set()  # first + last and last + first
        self.last: set[str] = set()  # surnames found alone
        self.last_context: set[str] = set()  # surnames that are also words: context needed
        self.first: dict[str, set[str]] = {}  # first name -> the people who bear it
        self.first_common: set[str] = set()  # first names that are also words
        self.first_initial: set[str] = set()  # first name + initial of the surname
        self.sizes: set[int] = set()
        self._memo: dict[str, str] = {}

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
        for email in values.emails:
            hashed.emails.add(hashed.h(email))
            local = email.partition("@")[0]
            if textnorm.distinctive_local_part(local):
                hashed.locals.add(hashed.h(local))
        hashed.phones = {hashed.h(p) for p in values.phones}
        for first, last in values.people:
            hashed.add_person(textnorm.words(first), textnorm.words(last))
        return hashed

    def add_person(self, first: list[str], last: list[str]) -> None:
        if not last:
            return
        surname = " ".join(last)
        if _ambiguous(last):
            self.last_context.add(self.h(surname))
        else:
            self.last.add(self.h(surname))
        self.sizes.add(len(last))
        if not first:
            return
        given = " ".join(first)
        self.full.add(self.h(f"{given} {surname}"))
        self.full.add(self.h(f"{surname} {given}"))
        self.first_initial.add(self.h(f"{given} {last[0][0]}"))
        self.first.setdefault(self.h(given), set()).add(self.h(f"{given} {surname}")[:8])
        if len(given) <= 2 or all(textnorm.is_common_word(w) for w in first):
            self.first_common.add(self.h(given))
        self.sizes.update({len(first), len(first) + len(last), len(first) + 1})

    def as_dict(self) -> dict:
        return {
            "courriels": sorted(self.emails),
            "locaux": sorted(self.locals),
            "telephones": sorted(self.phones),
            "noms_complets": sorted(self.full),
            "noms": sorted(self.last),
            "noms_en_contexte": sorted(self.last_context),
            "prenoms": {k: sorted(v) for k, v in sorted(self.first.items())},
            "prenoms_courants": sorted(self.first_common),
            "prenom_initiale": sorted(self.first_initial),
            "tailles": sorted(self.sizes),
        }

    def merge(self, data: dict) -> None:
        self.emails.update(data.get("courriels", []))
        self.locals.update(data.get("locaux", []))
        self.phones.update(data.get("telephones", []))
        self.full.update(data.get("noms_complets", []))
        self.last.update(data.get("noms", []))
        self.last_context.update(data.get("noms_en_contexte", []))
        for name, people in data.get("prenoms", {}).items():
            self.first.setdefault(name, set()).update(people)
        self.first_common.update(data.get("prenoms_courants", []))
        self.first_initial.update(data.get("prenom_initiale", []))
        self.sizes.update(data.get("tailles", []))

    def digest(self) -> str:
        payload = json.dumps(self.as_dict(), sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()


def _ambiguous(last: list[str]) -> bool:
    """A surname that is also a frequent word, or a short one: found only in context."""
    return sum(len(w) for w in last) <= SHORT_NAME or all(textnorm.is_common_word(w) for w in last)


@dataclass(frozen=True)
class Found:
    """A personal value in a text: where, what (courriel, telephone, nom, prenom), and
    whether it is a known value of the lists (False: an address or number by its shape)."""

    start: int
    end: int
    kind: str
    known: bool = True


class Finder:
    """Finds personal values in clean text (:func:`vccap.textnorm.clean`).

    ``hashed`` may be None: only addresses and phone numbers are then found, by their shape.
    ``threshold``: a first name borne by fewer people of the lists is found alone.
    """

    def __init__(
        self,
        hashed: HashedValues | None = None,
        threshold: int = 3,
        places: Iterable[str] = (),
    ) -> None:
        self.hashed = hashed
        self.threshold = max(2, threshold)
        if hashed is None:
            self.rare_first: set[str] = set()
            self.sizes: list[int] = []
            self.places: set[str] = set()
            return
        # Words of the workspace's own names (territories, structures, region): a name that is
        # one of them ("Lyon", "Nancy") is found only in context, like a common word.
        self.places = {hashed.h(w) for w in places}
        self.rare_first = {
            name
            for name, people in hashed.first.items()
            if name not in hashed.first_common and len(people) < self.threshold
        }
        self.sizes = sorted(hashed.sizes, reverse=True)

    def digest(self) -> str:
        """What the finder looks for (values, threshold, places), as one hash."""
        payload = json.dumps(
            [self.hashed.digest() if self.hashed else "", self.threshold, sorted(self.places)]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def find(self, text: str) -> list[Found]:
        """Every personal value in ``text`` (already clean), earliest first, none overlapping.

        Names are searched with markdown's emphasis and code marks read as spaces
        (``**Hélène** Lefèvre``, ``hélène_lefèvre``), and a surname found takes the first
        name written next to it (``Valérie [nom masqué]`` would still name her)."""
        found = self._emails(text) + self._phones(text)
        if self.hashed is not None and self.sizes:
            names = self._names(_MARKS_RE.sub(lambda m: " " * len(m.group()), text))
            found += [_with_marks(text, item) for item in names]
        found.sort(key=lambda f: (f.start, -f.end))
        kept: list[Found] = []
        for item in found:
            if kept and item.start < kept[-1].end:
                continue
            kept.append(item)
        return kept

    # -- e-mails and phones ---------------------------------------------------------------

    def _emails(self, text: str) -> list[Found]:
        found = []
        hashed = self.hashed
        if "@" in text or "(" in text or "[" in text:
            for match in textnorm.EMAIL_RE.finditer(text):
                key = textnorm.email_key(match.group())
                known = hashed is not None and (
                    hashed.h(key) in hashed.emails or hashed.h(key.split("@")[0]) in hashed.locals
                )
                if not known and textnorm.loose_at(match.group()):
                    continue  # "inline @page", "rdv @ mairie": prose, unless a known address
                found.append(Found(match.start(), match.end(), "courriel", known))
        for match in textnorm.SPELLED_EMAIL_RE.finditer(text):
            key = textnorm.email_key(match.group())
            known = hashed is not None and hashed.h(key) in hashed.emails
            found.append(Found(match.start(), match.end(), "courriel", known))
        if hashed is not None and hashed.locals:
            for match in textnorm.LOCAL_PART_RE.finditer(text):
                word = match.group()
                if not textnorm.distinctive_local_part(word) or not any(c.isalpha() for c in word):
                    continue
                if hashed.h(textnorm.fold(word)) in hashed.locals:
                    found.append(Found(match.start(), match.end(), "courriel"))
        return found

    def _phones(self, text: str) -> list[Found]:
        found = []
        for start, end, identity in textnorm.find_phones(text):
            known = self.hashed is not None and self.hashed.h(identity.lstrip("+")) in (
                self.hashed.phones
            )
            if known or textnorm.is_phone_shaped(identity):
                found.append(Found(start, end, "telephone", known))
        return found

    # -- names ------------------------------------------------------------------------------

    def _names(self, text: str) -> list[Found]:
        words = textnorm.tokens(text)
        found: list[Found] = []
        i = 0
        while i < len(words):
            match = self._name_at(text, words, i)
            if match is None:
                i += 1
                continue
            found.append(self._with_first_name(text, words, match[1]))
            i = match[0]
        return found

    def _with_first_name(self, text: str, words: list[Token], item: Found) -> Found:
        """A surname found, with the first name of the lists written just before or after
        it (any first name, even a frequent one: next to a surname, it names someone)."""
        hashed = self.hashed
        assert hashed is not None
        if item.kind != "nom" or not hashed.first:
            return item
        at = {w.start: k for k, w in enumerate(words)}
        upto = {w.end: k for k, w in enumerate(words)}
        start, end = item.start, item.end
        k = at.get(start)
        if k is not None:
            for size in (2, 1):
                j = k - size
                if j < 0 or not _glued(text[words[k - 1].end : words[k].start]):
                    continue
                key = self._key(text, words, j, size)
                if key is not None and hashed.h(key) in hashed.first:
                    start = words[j].start
                    break
        k = upto.get(end)
        if k is not None:
            for size in (2, 1):
                j = k + 1
                if j + size > len(words) or not _glued(text[words[k].end : words[j].start]):
                    continue
                key = self._key(text, words, j, size)
                if key is not None and hashed.h(key) in hashed.first:
                    end = words[j + size - 1].end
                    break
        return item if (start, end) == (item.start, item.end) else Found(start, end, "nom")

    def _key(self, text: str, words: list[Token], i: int, size: int) -> str | None:
        """The folded words i..i+size joined by spaces, if they are written next to each
        other (spaces, hyphens or apostrophes between them), else None."""
        if i + size > len(words):
            return None
        for k in range(i, i + size - 1):
            if not _glued(text[words[k].end : words[k + 1].start]):
                return None
        return " ".join(w.folded for w in words[i : i + size])

    def _joined(self, text: str, left: Token, right: Token, dots: bool = False) -> bool:
        gap = text[left.end : right.start]
        if dots:
            return 0 < len(gap) <= 3 and gap.strip(GAP + ".") == ""
        return _glued(gap)

    def _name_at(self, text: str, words: list[Token], i: int) -> tuple[int, Found] | None:
        hashed = self.hashed
        assert hashed is not None
        word = words[i]
        after_saint = (
            i > 0 and words[i - 1].folded in SAINTS and self._joined(text, words[i - 1], word)
        )
        for size in self.sizes:
            key = self._key(text, words, i, size)
            if key is None:
                continue
            h = hashed.h(key)
            end = words[i + size - 1].end
            if h in hashed.full:
                return i + size, Found(word.start, end, "nom")
            nxt = words[i + size] if i + size < len(words) else None
            # A first name and the initial of the surname: "Hélène L."
            if (
                nxt is not None
                and nxt.initial
                and self._joined(text, words[i + size - 1], nxt)
                and hashed.h(f"{key} {nxt.folded}") in hashed.first_initial
            ):
                return i + size + 1, Found(word.start, nxt.end + int(nxt.dot), "nom")
            if h in hashed.last or h in hashed.last_context:
                context = self._surname_context(text, words, i, size)
                alone = h in hashed.last and not after_saint and h not in self.places
                if alone or context is not None:
                    start = context if context is not None else word.start
                    # "Blanc H.": the initial after the surname goes too
                    if (
                        nxt is not None
                        and nxt.initial
                        and nxt.dot
                        and self._joined(text, words[i + size - 1], nxt)
                    ):
                        return i + size + 1, Found(start, nxt.end + 1, "nom")
                    return i + size, Found(start, end, "nom")
            if h in self.rare_first and not after_saint and len(key) >= 3 and h not in self.places:
                return i + size, Found(word.start, end, "prenom")
        # An initial then a surname: "H. Lefèvre", "H. Blanc"
        if word.initial and word.dot and i + 1 < len(words) and word.folded not in CIVILITIES:
            for size in self.sizes:
                key = self._key(text, words, i + 1, size)
                if key is None or not self._joined(text, word, words[i + 1], dots=True):
                    continue
                h = hashed.h(key)
                if h in hashed.last or h in hashed.last_context:
                    return i + 1 + size, Found(word.start, words[i + size].end, "nom")
        return None

    def _surname_context(self, text: str, words: list[Token], i: int, size: int) -> int | None:
        """Where a name that is also a word starts, when it clearly names someone, else None:
        in capitals, after a form of address, next to an initial, after a first name."""
        hashed = self.hashed
        assert hashed is not None
        if all(w.capitals for w in words[i : i + size]):
            return words[i].start
        nxt = words[i + size] if i + size < len(words) else None
        if (
            nxt is not None
            and nxt.initial
            and nxt.dot
            and self._joined(text, words[i + size - 1], nxt)
        ):
            return words[i].start
        if i == 0:
            return None
        prev = words[i - 1]
        if not self._joined(text, prev, words[i], dots=True):
            return None
        must_capital = CIVILITIES.get(prev.folded)
        if must_capital is not None and (not must_capital or prev.raw[:1].isupper()):
            return words[i].start
        if prev.initial and prev.dot:
            return prev.start
        for back in (2, 1):
            if i - back < 0:
                continue
            key = self._key(text, words, i - back, back)
            first_word = words[i - back]
            if key is not None and first_word.raw[:1].isupper() and hashed.h(key) in hashed.first:
                return first_word.start
        return None


#: What may separate the words of one name: spaces (a line break too), apostrophes, hyphens.
GAP = " '-\t\n\r"
#: Markdown's emphasis and code marks, read as spaces when looking for names.
_MARKS_RE = re.compile(r"[*_~`]+")


def _with_marks(text: str, item: Found) -> Found:
    """A name found across emphasis marks, with the marks that open or close them outside
    it (``**Hélène** Lefèvre`` is masked whole, not as ``**[nom masqué]``)."""
    start, end = item.start, item.end
    for run in _MARKS_RE.findall(text[start:end]):
        if text[start - len(run) : start] == run:
            start -= len(run)
        elif text[end : end + len(run)] == run:
            end += len(run)
    if (start, end) == (item.start, item.end):
        return item
    return Found(start, end, item.kind, item.known)


def _glued(gap: str) -> bool:
    """Whether two words separated by ``gap`` may be one name: up to three spaces,
    apostrophes, hyphens or one line break, or a dot alone (``lefevre.helene``)."""
    return (0 < len(gap) <= 3 and gap.strip(GAP) == "" and gap.count("\n") <= 1) or gap == "."


# --------------------------------------------------------------------------- scrubbing


def scrub(text: str, finder: Finder | None = None) -> str:
    """``text`` without e-mails, phone numbers and known names (each replaced by a mask).

    Without a finder, only addresses and numbers are removed (found by their shape).
    """
    if not text:
        return text
    if "&" in text:  # letters written as HTML references (Val&eacute;rie, Nico&shy;las)
        text = _LETTER_REFERENCE_RE.sub(_letter, text)
    # composed accents (a Mac may save « é » as « e » + a combining accent): the names of
    # the lists are composed, and so is what is published
    text = unicodedata.normalize("NFC", text)
    cleaned, where = textnorm.clean_with_positions(text)
    found = (finder or Finder()).find(cleaned)
    if not found:
        return text
    parts = []
    last = 0
    for item in found:  # the text as typed (its dashes, apostrophes), only the values masked
        start, end = where(item.start), where(item.end - 1) + 1
        parts.append(text[last:start])
        parts.append(MASKS[item.kind])
        last = end
    parts.append(text[last:])
    return "".join(parts)


_LETTER_REFERENCE_RE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


def _letter(match: re.Match) -> str:
    """An HTML character reference as the letter it stands for (a soft hyphen or a
    zero-width character as itself); any other reference (``&lt;``, ``&amp;``) as written,
    so that the text's markup means the same."""
    char = html.unescape(match.group())
    if len(char) == 1 and (
        unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Cf"
    ):
        return char
    return match.group()


def scrub_series(series: pd.Series, finder: Finder | None) -> pd.Series:
    """:func:`scrub` over a text column (NA stays NA, each distinct value scrubbed once)."""
    s = series.astype("string")
    uniques = s.dropna().unique()
    mapping = {value: scrub(value, finder) for value in uniques}
    return s.map(mapping, na_action="ignore").astype("string")


def scrub_all(texts: Iterable[str], finder: Finder | None) -> list[str]:
    return [scrub(t, finder) for t in texts]
