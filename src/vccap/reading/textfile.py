"""Text tables (CSV, TSV, « Texte Unicode »): encoding, separator, quotes, into a Grid.

Encodings: UTF-8 (with or without BOM), UTF-16 (« Texte Unicode » of Excel, with or without
BOM) and the 8-bit encodings of office software (Windows-1252, MacRoman of « CSV
Macintosh »). 8-bit candidates are proposed by charset-normalizer and kept only when the
text reads as plausible office text, so that garbled text is never accepted silently.
"""

from __future__ import annotations

import io
import re
import unicodedata

import numpy as np
import pandas as pd

from vccap.messages import lines_text
from vccap.reading.expected import (
    EXPECTED_EMPTY_FILE,
    EXPECTED_ENCODING,
    EXPECTED_MAC,
    EXPECTED_MIXED,
    EXPECTED_QUOTE,
    EXPECTED_TEXT_FILE,
    EXPECTED_TOO_WIDE,
)
from vccap.reading.grid import MAX_COLUMNS, Grid, Unreadable, columns_from_rows

__all__ = ["decode", "read_text_grid", "sniff_separator"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_EIGHT_BIT = ("cp1252", "mac_roman")
#: Non-ASCII characters expected in French (and neighbouring) office text.
_PLAUSIBLE = set(
    "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæßÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆ"
    "€£°²³µ«»‘’‚“”„–—…·•™©®§¶\u00a0\u202f\u200b\u00ad×÷±¼½¾"
)
_SAMPLE = 262_144


def _suspicion(text: str) -> tuple[int, int]:
    """(implausible characters, non-ASCII characters) in a sample of ``text``."""
    sample = text[:_SAMPLE]
    bad = total = 0
    for m in _NON_ASCII.finditer(sample):
        total += 1
        c = m.group()
        if c not in _PLAUSIBLE:
            bad += 1
        elif c.isupper() and m.start() > 0 and sample[m.start() - 1].islower():
            bad += 1  # « CafÉ »: an accented capital inside a lower-case word
    return bad, total


def _score(data: bytes, candidates: list[str]) -> list[tuple[int, int, str]]:
    scored: list[tuple[int, int, str]] = []
    for rank, encoding in enumerate(candidates):
        try:
            sample = data[:_SAMPLE].decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        bad, _ = _suspicion(sample)
        scored.append((bad, rank, encoding))
    return sorted(scored)


def _eight_bit(data: bytes) -> tuple[str, str]:
    candidates = list(_EIGHT_BIT)
    scored = _score(data, candidates)
    clear = len(scored) >= 1 and scored[0][0] == 0 and (len(scored) == 1 or scored[1][0] > 0)
    if not clear:  # Windows and Mac readings both doubtful: ask the detector for others
        from charset_normalizer import from_bytes

        try:
            found = from_bytes(data[:_SAMPLE], cp_isolation=["cp1252", "mac_roman", "cp850"])
            candidates += [m.encoding for m in found if m.encoding not in candidates]
        except Exception:  # noqa: BLE001 - the detector is advisory
            pass
        scored = _score(data, candidates)
    text = None
    while scored:
        try:  # every byte must exist in the encoding, not only those of the sample
            text = data.decode(scored[0][2])
            break
        except UnicodeDecodeError:
            scored.pop(0)
    if text is None:
        raise Unreadable("encodage", EXPECTED_ENCODING)
    bad, _, encoding = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else None
    if bad and (runner_up is None or bad * 5 > runner_up):
        mac = any(e == "mac_roman" for _, _, e in scored[:2])
        raise Unreadable("encodage", EXPECTED_MAC if mac else EXPECTED_ENCODING)
    return text, encoding


def _refuse_mixed(data: bytes, *, bom: bool) -> None:
    """Raise :class:`Unreadable` (``encodage_mixte``) when some lines are UTF-8 and others
    are not: reading the whole file in one encoding would garble one of the two.

    A line counts as UTF-8 when it decodes so and reads as plausible text (a byte pair of
    Windows-1252 that happens to be valid UTF-8 reads as an unlikely letter, not as one).
    The odd lines, the fewer of the two, are named, the first as it reads.
    """
    if not bom and data.decode("utf-8", "ignore").isascii():
        return  # no UTF-8 letter at all: an 8-bit file (C speed: the common case)
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
            continue
        if _suspicion(decoded)[0] == 0:
            utf8.append(number)
    if not other or not (utf8 or bom):
        return
    if len(other) <= len(utf8) or bom:
        odd, most, encoding = other, "UTF-8", "cp1252"
        what = ("ne l'est pas (ci-dessus, lue en Windows-1252)",
                "ne le sont pas (ci-dessus la première, lue en Windows-1252)")  # fmt: skip
    else:
        odd, most, encoding = utf8, "Windows-1252", "utf-8"
        what = ("est en UTF-8 (ci-dessus)", "sont en UTF-8 (ci-dessus la première)")
    several = int(len(odd) > 1)
    expected = EXPECTED_MIXED.format(
        most=most,
        lines=("la ", "les ")[several] + lines_text(odd),
        what=what[several],
        its=("ses", "leurs")[several],
    )
    first = data.splitlines()[odd[0] - 1].decode(encoding, errors="replace")
    raise Unreadable("encodage_mixte", expected, odd[0], value=first, rows=tuple(odd))


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding name; raises :class:`Unreadable`.

    UTF-8 first (BOM removed), UTF-16 with a BOM or with the zero bytes of « Texte
    Unicode », then the best plausible 8-bit encoding. A file whose lines are partly UTF-8
    and partly not (a line added in another encoding) is refused, naming those lines.
    """
    original = data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encodings: tuple[str, ...] = ("utf-8",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        head = data[:4096]
        if head and head.count(b"\x00") * 4 > len(head):
            even, odd = head[0::2].count(0), head[1::2].count(0)
            encodings = ("utf-16-be",) if even > odd else ("utf-16-le",)
        else:
            encodings = ("utf-8",)
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            if encoding != "utf-8":
                raise Unreadable("fichier_illisible", EXPECTED_TEXT_FILE) from None
    else:
        head = data[:65536]
        if b"\x00" in head or len(_CONTROL_BYTES.findall(head)) > len(head) // 200:
            raise Unreadable("fichier_illisible", EXPECTED_TEXT_FILE)
        _refuse_mixed(data, bom=encodings == ("utf-8",) and original.startswith(b"\xef\xbb\xbf"))
        text, encoding = _eight_bit(data)
    sample = text[:65536]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) // 200:
        raise Unreadable("fichier_illisible", EXPECTED_TEXT_FILE)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, encoding


_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_SEPARATORS = (";", "\t", ",", "|")


def sniff_separator(text: str) -> str:
    """The separator of a text table, ignoring separators inside quoted fields.

    For each candidate, the most frequent non-zero count per line among the first lines
    (a title line above the table has none); the separator is the one found the same number
    of times on the most lines, then the most times (ties: ``;``, tab, ``,``, ``|``);
    ``,`` when none is found.
    """
    sample = _QUOTED.sub("", text[:65536])
    lines = [line for line in sample.splitlines() if line.strip()][:30]
    best, best_key = ",", (0, 0)
    for sep in _SEPARATORS:
        counts = [line.count(sep) for line in lines]
        found = [c for c in counts if c]
        if not found:
            continue
        common = max(set(found), key=lambda c: (found.count(c), c))
        key = (found.count(common), common)
        if key > best_key:
            best, best_key = sep, key
    return best


_SEP_HINT = re.compile(r"^sep=(.)[ \t]*\r?\n")
_EOF_IN_STRING = re.compile(r"EOF inside string starting at row (\d+)")


def _parse(payload: bytes, sep: str, width: int | None) -> pd.DataFrame:
    options = dict(sep=sep, header=None, dtype=object, na_filter=False, skip_blank_lines=False)
    if width is not None:
        options["names"] = range(width)
    return pd.read_csv(io.BytesIO(payload), engine="c", encoding="utf-8", **options)


def read_text_grid(data: bytes) -> Grid:
    """The cells of a text table; raises :class:`Unreadable` (with the line when known)."""
    if not data or data.isspace():
        raise Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    text, _ = decode(data)
    hint = _SEP_HINT.match(text)
    offset = 0
    if hint:  # "sep=;" first line written by some tools; Excel hides it
        text = text[hint.end() :]
    if not text or text.isspace():
        raise Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    sep = hint.group(1) if hint else sniff_separator(text)
    first = _first_line(text)
    if first.count(sep) >= MAX_COLUMNS:
        raise Unreadable(
            "trop_de_colonnes",
            EXPECTED_TOO_WIDE.format(limit=MAX_COLUMNS, count=first.count(sep) + 1),
            line=1,
        )
    payload = text.encode("utf-8")
    try:
        df = _parse(payload, sep, None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        _raise_unclosed(str(exc), offset)
        # Some rows have more cells than the first one: give the parser the width.
        width = max(line.count(sep) for line in text.splitlines()) + 1
        if width > MAX_COLUMNS:
            raise Unreadable(
                "trop_de_colonnes", EXPECTED_TOO_WIDE.format(limit=MAX_COLUMNS, count=width)
            ) from None
        try:
            df = _parse(payload, sep, width)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as again:
            _raise_unclosed(str(again), offset)
            raise Unreadable("fichier_illisible", EXPECTED_TEXT_FILE) from None
    columns = [df[c].to_numpy(dtype=object) for c in df.columns]
    if '"' in text:
        _check_swallowed(columns, sep)
    return Grid(columns, np.arange(1, len(df) + 1))


def _first_line(text: str) -> str:
    """The first non-blank line (without splitting the whole text)."""
    start = 0
    while start < len(text):
        ends = [i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0]
        end = min(ends) if ends else len(text)
        line = text[start:end]
        if line.strip():
            return line
        start = end + 1
    return ""


def _raise_unclosed(message: str, offset: int) -> None:
    found = _EOF_IN_STRING.search(message)
    if found:
        raise Unreadable("guillemet", EXPECTED_QUOTE, line=int(found.group(1)) + 1 + offset)


def _check_swallowed(columns: list[np.ndarray], sep: str) -> None:
    """An unclosed quote closed by a later one swallows lines: refuse such a cell."""
    needed = max(1, (len(columns) - 1) // 2)
    for values in columns:
        if "\n" not in "\x00".join(values.tolist()):
            continue
        multi = pd.Series(values, dtype=object).str.contains("\n", regex=False, na=False)
        for i in np.flatnonzero(multi.to_numpy()):
            inner = str(values[i]).splitlines()[1:]
            if any(line.count(sep) >= needed for line in inner):
                raise Unreadable("guillemet", EXPECTED_QUOTE, line=int(i) + 1)


def rows_to_grid(rows: list[list[str]]) -> Grid:
    """A grid from rows already split (tests and small files)."""
    return Grid(columns_from_rows(rows), np.arange(1, len(rows) + 1))
