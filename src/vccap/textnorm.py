"""The one normaliser of personal values in free text, shared by scrubbing and the audit.

Whatever :mod:`vccap.personal` removes from a text before publishing, the audit
(:mod:`vccap.audit`) finds in a published file, because both read text through this module:

- :func:`clean` drops zero-width characters and soft hyphens, and writes typographic
  apostrophes (’ ‘ ʼ ´ `), dashes (‐ – — −) and non-breaking spaces as their plain forms;
- :func:`fold` is :func:`clean` plus no accents and no case (``"LEFÈVRE"`` -> ``"lefevre"``);
- :func:`tokens` cuts a text into words (runs of letters: apostrophes, hyphens, dots, spaces
  and digits separate them), each with its folded form and how it was written (capitals,
  an initial followed by a dot);
- :data:`EMAIL_RE` finds e-mail addresses, obfuscated ones too (``x [at] y.fr``,
  ``x(at)y.fr``, ``x @ y.fr``, ``x@y`` without a top-level domain); :data:`SPELLED_EMAIL_RE`
  those spelled out (``x point y arobase z point fr``);
- :func:`find_phones` finds phone numbers: French ones in every usual spelling (``06 12 34
  56 78``, ``06.12.34.56.78``, ``06/12/34/56/78``, ``0612345678``) and international ones
  (``+33 (0)6 12…``, ``0033 6 12…``, ``+44 20 7946 0958``), checked with ``phonenumbers``;
- :func:`is_common_word` tells a frequent French word (``blanc``, ``petit``, ``roux``,
  ``marin``, ``grand``…) from a word that can only be a name, from the list shipped in
  ``vccap/lexique/mots_courants.txt`` (see ``tools/make_common_words.py``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "CIVILITIES",
    "EMAIL_RE",
    "PHONE_RE",
    "Token",
    "clean",
    "find_phones",
    "fold",
    "is_common_word",
    "phone_identity",
    "tokens",
]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("\u2019\u2018\u02bc\u00b4`\u2032\u201b", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u00a0\u202f\u2009\u2007\u2008\u200a\u3000", " "),
    }
)


def clean(text: str) -> str:
    """``text`` without zero-width characters, with plain apostrophes, dashes and spaces."""
    return text.translate(_ZERO_WIDTH).translate(_PLAIN)


def clean_with_positions(text: str):
    """:func:`clean` of ``text``, and a function giving for each position of the clean text
    its position in ``text`` (zero-width characters are the only ones removed)."""
    cleaned = clean(text)
    if len(cleaned) == len(text):
        return cleaned, lambda i: i
    kept = [i for i, c in enumerate(text) if ord(c) not in _ZERO_WIDTH]
    return cleaned, kept.__getitem__


def fold(text: str) -> str:
    """Case- and accent-free form of ``text`` (after :func:`clean`)."""
    text = clean(text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text.casefold()


# --------------------------------------------------------------------------- words

_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Token:
    """One word of a cleaned text: where it is, its folded form, how it is written."""

    start: int
    end: int
    raw: str
    folded: str
    dot: bool  # followed by a dot ("H." in "H. Lefèvre")

    @property
    def capitals(self) -> bool:
        """Written in capitals (two letters or more)."""
        return len(self.raw) > 1 and self.raw.isupper()

    @property
    def initial(self) -> bool:
        """One capital letter ("H" of "H. Lefèvre", "L" of "Hélène L.")."""
        return len(self.raw) == 1 and self.raw.isupper()


def tokens(text: str) -> list[Token]:
    """The words of ``text``, which must already be :func:`clean`."""
    found = []
    for match in _WORD_RE.finditer(text):
        end = match.end()
        found.append(
            Token(
                match.start(), end, match.group(), fold(match.group()), text[end : end + 1] == "."
            )
        )
    return found


def words(text: str) -> list[str]:
    """The folded words of ``text`` (for building keys of names)."""
    return [t.folded for t in tokens(clean(text))]


#: Forms of address before a surname ("Mme LEFÈVRE", "M. Lefevre", "Docteur Roux").
#: Those marked True must be written with a capital ("Me" is also a pronoun).
CIVILITIES = {
    "m": True,
    "mr": False,
    "mme": False,
    "mmes": False,
    "mlle": False,
    "mlles": False,
    "monsieur": False,
    "madame": False,
    "mademoiselle": False,
    "dr": False,
    "docteur": False,
    "pr": False,
    "professeur": False,
    "me": True,
    "maitre": True,
}


@functools.cache
def common_words() -> frozenset[str]:
    """Folded frequent French words (the shipped list, one word a line, ``#`` comments)."""
    text = resources.files("vccap").joinpath("lexique", "mots_courants.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_common_word(folded: str) -> bool:
    """True for a frequent French word (``"blanc"``), False for ``"lefevre"``."""
    return folded in common_words()


# --------------------------------------------------------------------------- e-mails

_AT = (
    r"(?:[ \t]{0,3}@[ \t]{0,3}"
    r"|[ \t]{0,3}[\[({<][ \t]{0,2}(?:at|arobase|chez|@)[ \t]{0,2}[\])}>][ \t]{0,3})"
)
_DOT = r"(?:\.|[ \t]{0,2}[\[({][ \t]{0,2}(?:dot|point)[ \t]{0,2}[\])}][ \t]{0,2})"
#: An e-mail address, obfuscated or not, with or without a top-level domain (on clean text).
EMAIL_RE = re.compile(
    rf"(?<![\w.+%-])[\w][\w.+%-]*{_AT}[\w][\w-]*(?:{_DOT}[\w][\w-]*)*", re.IGNORECASE
)
#: An address spelled out in words: ``jean point dupont arobase exemple point fr`` (``at``
#: and ``dot`` too). It must end with a dot word and a top-level domain, so that prose
#: ("rendez-vous à 10 h") is never taken for one.
_SPELLED_SEP = r"[ \t]{1,3}(?:point|dot)[ \t]{1,3}"
SPELLED_EMAIL_RE = re.compile(
    rf"(?<![\w.+%-])[\w][\w.+%-]*(?:{_SPELLED_SEP}[\w][\w+%-]*)*"
    rf"[ \t]{{1,3}}(?:arobase|at)[ \t]{{1,3}}[\w][\w-]*(?:{_SPELLED_SEP}[\w][\w-]*)*"
    rf"{_SPELLED_SEP}(?:fr|com|org|net|eu|info|be|ch|lu|ca|io|gouv\.fr)\b",
    re.IGNORECASE,
)
#: A word that looks like the local part of an address ("zephyrine.canari", "jdupont42").
LOCAL_PART_RE = re.compile(r"(?<![\w.+%-])[\w][\w.+%-]*[\w](?![\w+%-]|\.\w)")


def loose_at(text: str) -> bool:
    """True for a match of :data:`EMAIL_RE` that is only a bare ``@`` with spaces around it
    and no top-level domain (``"inline @page"``, ``"rdv @ mairie"``): prose rather than an
    address, unless the address is known."""
    if not re.search(r"[ \t]@|@[ \t]", text) or re.search(r"[\[({<]", text):
        return False
    return "." not in text.split("@", 1)[1]


def email_key(text: str) -> str:
    """Comparable form of an address: no obfuscation, no spaces, folded."""
    text = clean(text)
    if SPELLED_EMAIL_RE.fullmatch(text.strip()):
        text = re.sub(r"[ \t]+(?:arobase|at)[ \t]+", "@", text, flags=re.IGNORECASE)
        text = re.sub(_SPELLED_SEP, ".", text, flags=re.IGNORECASE)
    text = re.sub(rf"{_AT}", "@", text, flags=re.IGNORECASE)
    text = re.sub(_DOT, ".", text, flags=re.IGNORECASE)
    return fold(re.sub(r"\s+", "", text))


def distinctive_local_part(local: str) -> bool:
    """A local part that names someone even without its domain: 5 characters or more, with a
    dot, dash, underscore, plus or digit (``zephyrine.canari``, not ``contact``)."""
    return len(local) >= 5 and bool(re.search(r"[._+\-\d]", local))


# --------------------------------------------------------------------------- phones

_LEFT = r"(?<![\w.,+\-/])"
#: French national numbers, the same separator between every pair of digits.
PHONE_RE = re.compile(_LEFT + r"0[1-9](?P<s>[ .\-/]?)\d\d(?:(?P=s)\d\d){3}(?![\w])")
# International numbers: + or 00, a country code, then 6 to 14 digits (single separators).
_INTERNATIONAL_RE = re.compile(
    _LEFT + r"(?:\+|00)[ ]?[1-9]\d{0,2}(?:[ ]?\(0\))?(?:[ .\-/]?\d){6,14}(?![\w])"
)
# Any run of 9 digits or more, whatever the separators (compared with the known numbers).
_DIGITS_RE = re.compile(r"(?<![\w])\d(?:[ .\-/()]{0,3}\d){8,}(?![\w])")


def phone_identity(text: str) -> str | None:
    """The last nine digits of a number (how the known numbers are compared), or None."""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    return digits[-9:] if len(digits) >= 9 else None


def _international(text: str) -> bool:
    import phonenumbers

    number = text.replace("(0)", "")
    if number.startswith("00"):
        number = "+" + number[2:]
    try:
        parsed = phonenumbers.parse(number, "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(parsed)


def find_phones(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, identity)`` of each phone number in a clean text, known or not: French
    numbers, international ones that ``phonenumbers`` accepts, and any run of 9 digits or more
    (its identity is compared with the known numbers): the identity of a number found by
    its shape starts with "+" (:func:`is_phone_shaped`)."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for regex in (PHONE_RE, _INTERNATIONAL_RE):
        for match in regex.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            if regex is _INTERNATIONAL_RE and not _international(match.group()):
                continue
            identity = phone_identity(match.group())
            if identity:
                found.append((match.start(), match.end(), "+" + identity))
                taken.append((match.start(), match.end()))
    for match in _DIGITS_RE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        identity = phone_identity(match.group())
        if identity:
            found.append((match.start(), match.end(), identity))
    return sorted(found)


def is_phone_shaped(identity: str) -> bool:
    """True for a number found by its shape (French or international), False for a plain
    run of digits (only a phone if it is a known one)."""
    return identity.startswith("+")
