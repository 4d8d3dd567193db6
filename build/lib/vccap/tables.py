"""Raw tables: the only code that reads the CSV and XLSX files people fill in.

Reading is forgiving about form (encoding, separator, header spelling, date and number
writing, trailing empty rows and columns) and strict about content: every value that
cannot be understood becomes an :class:`~vccap.errors.InputError` with the file, the line
as seen in a spreadsheet, the column as written, the value and what was expected. Rows
are never dropped: a bad cell is set to NA and the row is kept.

Validation and normalisation are vectorised: each column is factorised once, the
distinct values are checked and converted, and the results are spread back to the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vccap.errors import InputError
from vccap.normalize import fold
from vccap.schemas import TABLE_KINDS, Field, header_map, load_schema

__all__ = ["RawTable", "find_table_files", "read_table", "TABLE_SUFFIXES"]

TABLE_SUFFIXES = (".csv", ".xlsx")
_UNSUPPORTED_SUFFIXES = (".xls", ".xlsm", ".ods", ".numbers")

# Expected wordings (French: they are shown to people as « attendu »).
EXPECTED_DATE = "une date (2016-06-15 ou 15/06/2016)"
EXPECTED_NUMBER = "un nombre (1234,5)"
EXPECTED_INTEGER = "un nombre entier (12)"
EXPECTED_REQUIRED = "une valeur (colonne obligatoire)"
EXPECTED_BOOLEAN = "oui ou non"
EXPECTED_EMPTY_FILE = "un tableau avec une ligne de titres de colonnes"
EXPECTED_TEXT_FILE = "un fichier CSV (texte en UTF-8 ou Windows-1252) ou un classeur XLSX"
EXPECTED_XLSX = "un classeur XLSX lisible (ce fichier est endommagé ou n'est pas un classeur)"
EXPECTED_OLD_FORMAT = (
    "un classeur .xlsx ou un fichier .csv (enregistrez-le sous l'un de ces formats "
    "depuis le tableur)"
)
_REFERENCE_NOUNS = {"territoires": "un territoire", "structures": "une structure"}


@dataclass
class RawTable:
    """One table read from a file, validated and normalised.

    ``df`` has one column per schema field (canonical names, canonical values, NA where a
    value is missing or wrong), ``_ligne`` (the line a person sees) and, on tables with a
    ``code_postal``, ``departement``. ``problems`` lists every problem found; rows with
    problems are kept. ``headers`` maps canonical field names to the headers as written
    and ``ignored`` lists the headers that match no field (they are not an error).
    """

    kind: str
    path: Path
    display: str
    df: pd.DataFrame
    problems: list[InputError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file has no problem."""
        return not self.problems


# --------------------------------------------------------------------------------------
# Finding the table files of an action
# --------------------------------------------------------------------------------------


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def find_table_files(
    action_dir: Path, *, display_root: Path | None = None, action: str | None = None
) -> tuple[dict[str, Path], list[InputError]]:
    """The raw table files of an action folder: ``({kind: path}, problems)``.

    A file is a table when its folded stem is a table kind (``Contacts.CSV`` and
    ``contacts.xlsx`` are both ``contacts``) and its suffix is ``.csv`` or ``.xlsx``.
    Other files (``action.yml``, ``retour_experience.md``), hidden files and office lock
    files (``~$contacts.xlsx``) are ignored. Two files for one kind are a problem and
    neither is returned; a table saved in a format the kit cannot read (``.xls``,
    ``.ods``) is a problem too. Paths in problems are shown relative to ``display_root``
    when given.
    """
    action_dir = Path(action_dir)
    found: dict[str, list[Path]] = {}
    problems: list[InputError] = []
    if not action_dir.is_dir():
        return {}, problems
    for path in sorted(action_dir.iterdir()):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        kind = fold(path.stem)
        if kind not in TABLE_KINDS:
            continue
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            found.setdefault(kind, []).append(path)
        elif suffix in _UNSUPPORTED_SUFFIXES:
            problems.append(
                InputError(
                    file=_display(path, display_root),
                    expected=EXPECTED_OLD_FORMAT,
                    code="fichier_illisible",
                    action=action,
                )
            )
    tables: dict[str, Path] = {}
    for kind, paths in found.items():
        if len(paths) == 1:
            tables[kind] = paths[0]
            continue
        names = ", ".join(p.name for p in paths)
        problems.append(
            InputError(
                file=_display(paths[1], display_root),
                expected=(
                    f"un seul fichier pour la table « {kind} » "
                    f"({kind}.csv ou {kind}.xlsx, pas les deux)"
                ),
                value=names,
                code="fichier_double",
                action=action,
            )
        )
    return tables, problems


# --------------------------------------------------------------------------------------
# Reading a file into a grid of strings
# --------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The file cannot be read as a table (internal; becomes an InputError)."""

    def __init__(self, code: str, expected: str) -> None:
        super().__init__(code, expected)
        self.code = code
        self.expected = expected


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode(data: bytes) -> tuple[str, bytes | None]:
    """The file's text, and its UTF-8 bytes when the file is UTF-8 (BOM removed)."""
    utf8: bytes | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _Unreadable("fichier_illisible", EXPECTED_TEXT_FILE) from None
    else:
        utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        try:
            text = utf8.decode("utf-8")
        except UnicodeDecodeError:
            utf8 = None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise _Unreadable("fichier_illisible", EXPECTED_TEXT_FILE) from None
    sample = text[:65536]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) // 200:
        raise _Unreadable("fichier_illisible", EXPECTED_TEXT_FILE)
    return text, utf8


def _sniff_separator(text: str) -> str:
    for line in text[:65536].splitlines():
        if line.strip(" "):
            counts = {sep: line.count(sep) for sep in (";", "\t", ",")}
            best = max(counts, key=lambda s: counts[s])  # ties: ";" then tab then ","
            return best if counts[best] else ","
    return ","


_SEP_HINT = re.compile(r"^sep=(.)[ \t]*\r?\n")


def _read_csv(data: bytes) -> list[np.ndarray]:
    text, utf8 = _decode(data)
    hint = _SEP_HINT.match(text)
    if hint:  # "sep=;" first line written by some tools; Excel hides it
        text = text[hint.end() :]
    if not text or text.isspace():
        raise _Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    sep = hint.group(1) if hint else _sniff_separator(text)
    # The C parser is fastest on UTF-8 bytes: reuse the file's bytes when they are UTF-8.
    payload = utf8 if utf8 is not None and not hint else text.encode("utf-8")
    options = dict(sep=sep, header=None, dtype=object, na_filter=False, skip_blank_lines=False)
    try:
        df = pd.read_csv(io.BytesIO(payload), engine="c", encoding="utf-8", **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # Some rows have more cells than the first one: give the parser an upper bound
        # of the width (separators inside quotes only add empty columns, dropped later).
        width = max(line.count(sep) for line in text.splitlines()) + 1
        try:
            df = pd.read_csv(
                io.BytesIO(payload), engine="c", encoding="utf-8", names=range(width), **options
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError):
            return _read_csv_module(text, sep)
    return [df[c].to_numpy(dtype=object) for c in df.columns]


def _read_csv_module(text: str, sep: str) -> list[np.ndarray]:
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error:
        raise _Unreadable("fichier_illisible", EXPECTED_TEXT_FILE) from None
    return _columns_from_rows(rows)


def _columns_from_rows(rows: list[list[str]] | list[tuple[str, ...]]) -> list[np.ndarray]:
    width = max((len(r) for r in rows), default=0)
    columns = [np.full(len(rows), "", dtype=object) for _ in range(width)]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            columns[j][i] = value
    return columns


def _cell_text(v: object) -> str:
    """The text of an XLSX cell value, as a person would type it in a CSV."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "vrai" if v else "faux"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0, 0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def _read_xlsx(data: bytes) -> list[np.ndarray]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # corrupt zip, missing parts, invalid XML: all the same to a person
        raise _Unreadable("fichier_illisible", EXPECTED_XLSX) from None
    try:
        if not wb.worksheets:
            raise _Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some writers declare a wrong size; read every row
        rows = [tuple(map(_cell_text, row)) for row in ws.iter_rows(values_only=True)]
    except _Unreadable:
        raise
    except Exception:
        raise _Unreadable("fichier_illisible", EXPECTED_XLSX) from None
    finally:
        wb.close()
    if not rows:
        raise _Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    return _columns_from_rows(rows)


def _read_grid(data: bytes) -> list[np.ndarray]:
    """The file's cells as text columns; row ``i`` is line ``i + 1`` of the file."""
    if not data or data.isspace():
        raise _Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an old .xls saved under another name
        raise _Unreadable("fichier_illisible", EXPECTED_OLD_FORMAT)
    return _read_csv(data)


# --------------------------------------------------------------------------------------
# Columns: factorised once, checked and converted on their distinct values
# --------------------------------------------------------------------------------------


@dataclass
class _Column:
    """A column of the grid: ``uniq[codes]`` gives the stripped text of each row."""

    codes: np.ndarray  # intp, one per grid row
    uniq: np.ndarray  # object: stripped distinct texts; the last one is ""

    @classmethod
    def of(cls, values: np.ndarray) -> _Column:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniq = np.empty(len(uniques) + 1, dtype=object)
        uniq[:-1] = [u.strip() for u in uniques.tolist()]
        uniq[-1] = ""
        codes = np.where(codes < 0, len(uniques), codes)
        return cls(codes, uniq)

    @classmethod
    def plain(cls, values: np.ndarray) -> _Column:
        """Identity factorisation, for columns whose values are mostly distinct (names)."""
        cells = values.tolist()
        uniq = np.empty(len(cells) + 1, dtype=object)
        try:
            uniq[:-1] = [v.strip() for v in cells]
        except AttributeError:  # missing cells of short rows
            uniq[:-1] = [v.strip() if isinstance(v, str) else "" for v in cells]
        uniq[-1] = ""
        return cls(np.arange(len(cells)), uniq)

    def take(self, rows: np.ndarray) -> _Column:
        return _Column(self.codes[rows], self.uniq)

    @property
    def empty_u(self) -> np.ndarray:
        return self.uniq == ""

    def empty(self) -> np.ndarray:
        return self.empty_u[self.codes]


# A converter gets the distinct stripped texts (non-empty ones are to be checked) and
# returns (converted distinct values, [(bad distinct values mask, code, expected), ...]).
_Issues = list[tuple[np.ndarray, str, str]]


def _u_series(uniq: np.ndarray) -> pd.Series:
    return pd.Series(uniq, dtype=object)


def _fold_u(uniq: np.ndarray) -> np.ndarray:
    return np.array([fold(u) for u in uniq], dtype=object)


def _convert_enum(f: Field, uniq: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, _Issues]:
    mapping = f.value_map()
    canon = np.array([mapping.get(k) for k in _fold_u(uniq)], dtype=object)
    bad = ~empty & pd.isna(canon)
    expected = "une des valeurs : " + ", ".join(f.enum or ())
    digits = sorted((k for k in f.synonyms if k.isdigit()), key=int)
    if digits:
        expected += f" (ou une note de {digits[-1]} à {digits[0]})"
    return canon, [(bad, "vocabulaire", expected)]


def _convert_boolean(
    f: Field, uniq: np.ndarray, empty: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, _Issues]:
    """int8 per distinct value: 1 true, 0 false, -1 missing."""
    truthy = {fold(v) for v in f.true_values} or {"oui"}
    falsy = {fold(v) for v in f.false_values} or {"non"}
    folded = _fold_u(uniq)
    out = np.full(len(uniq), -1, dtype=np.int8)
    out[np.isin(folded, list(truthy))] = 1
    out[np.isin(folded, list(falsy))] = 0
    out[empty] = -1
    # Checkbox style ("x" for ticked, nothing otherwise): an empty cell means "no".
    used = present & ~empty
    if (folded[used] == "x").any() and not (out[used] == 0).any():
        out[empty] = 0
    bad = ~empty & (out == -1)
    return out, [(bad, "booleen", EXPECTED_BOOLEAN)]


_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
_TIME = r"(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME + "$")
_SERIAL = re.compile(r"^(\d{5})(?:[.,]\d+)?$")
_WORDS = re.compile(r"^(\d{1,2})(?:er)?_([a-z]+)_(\d{4})$")


def _parse_dates(uniq: np.ndarray) -> np.ndarray:
    """datetime64[ns] per distinct text (NaT when not a possible date)."""
    s = _u_series(uniq).astype(str)
    iso = s.str.extract(_ISO)
    fr = s.str.extract(_FR)
    words = pd.Series(_fold_u(uniq), dtype=object).astype(str).str.extract(_WORDS)
    year = pd.to_numeric(iso[0], errors="coerce")
    month = pd.to_numeric(iso[1], errors="coerce")
    day = pd.to_numeric(iso[2], errors="coerce")
    fr_year = pd.to_numeric(fr[2], errors="coerce")
    fr_year = fr_year.where(fr[2].str.len() != 2, fr_year + np.where(fr_year < 70, 2000, 1900))
    year = year.fillna(fr_year).fillna(pd.to_numeric(words[2], errors="coerce"))
    month = month.fillna(pd.to_numeric(fr[1], errors="coerce"))
    month = month.fillna(words[1].map(_MONTHS))
    day = day.fillna(pd.to_numeric(fr[0], errors="coerce"))
    day = day.fillna(pd.to_numeric(words[0], errors="coerce"))
    year = year.where((year >= 1900) & (year <= 2200))  # typos, and datetime64[ns] bounds
    dates = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    ).astype("datetime64[ns]")
    serial = pd.to_numeric(s.str.extract(_SERIAL)[0], errors="coerce")
    from_serial = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
    dates = dates.fillna(from_serial.astype("datetime64[ns]"))
    return dates.to_numpy(dtype="datetime64[ns]", copy=True)


def _convert_date(f: Field, uniq: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, _Issues]:
    out = _parse_dates(uniq)
    bad = ~empty & np.isnat(out)
    out[empty] = np.datetime64("NaT")
    return out, [(bad, "date", EXPECTED_DATE)]


_SPACES_EURO = re.compile(r"[\s\u00a0\u202f€]|(?i:eur(?:os?)?$)")
_EU_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+,\d*$|^[+-]?\d{1,3}(?:\.\d{3}){2,}$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d*$")
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _parse_numbers(uniq: np.ndarray) -> np.ndarray:
    """float64 per distinct text (NaN when not a number)."""
    s = _u_series(uniq).astype(str).str.replace(_SPACES_EURO, "", regex=True)
    eu = s.str.match(_EU_THOUSANDS)
    en = s.str.match(_EN_THOUSANDS)
    s = s.where(~eu, s.str.replace(".", "", regex=False))
    s = s.where(~en, s.str.replace(",", "", regex=False))
    s = s.str.replace(",", ".", regex=False)
    s = s.where(s.str.match(_PLAIN_NUMBER))
    out = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, copy=True)
    out[~np.isfinite(out)] = np.nan
    return out


def _minimum_issue(f: Field, out: np.ndarray) -> _Issues:
    if f.minimum is None:
        return []
    with np.errstate(invalid="ignore"):
        below = out < f.minimum
    minimum = f"{f.minimum:g}".replace(".", ",")
    return [(below, "minimum", f"un nombre supérieur ou égal à {minimum}")]


def _convert_number(f: Field, uniq: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, _Issues]:
    out = _parse_numbers(uniq)
    bad = ~empty & np.isnan(out)
    issues = [(bad, "nombre", EXPECTED_NUMBER), *_minimum_issue(f, out)]
    for mask, *_ in issues[1:]:
        out[mask] = np.nan
    return out, issues


def _convert_integer(f: Field, uniq: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, _Issues]:
    out = _parse_numbers(uniq)
    with np.errstate(invalid="ignore"):
        integral = (out == np.floor(out)) & (np.abs(out) < 2**53)
    bad = ~empty & ~integral
    out[bad] = np.nan
    issues = [(bad, "entier", EXPECTED_INTEGER), *_minimum_issue(f, out)]
    for mask, *_ in issues[1:]:
        out[mask] = np.nan
    return out, issues


_ZIP_FLOAT = re.compile(r"^(\d{4,5})[.,]0+$")
_ZIP = re.compile(r"^\d{5}$")


def _normalise_zip(uniq: np.ndarray) -> np.ndarray:
    s = _u_series(uniq).astype(str)
    s = s.str.replace(_ZIP_FLOAT, r"\1", regex=True)
    squeezed = s.str.replace(r"[\s\u00a0]", "", regex=True)
    s = s.where(~squeezed.str.match(r"^\d{4,5}$"), squeezed)
    s = s.where(~s.str.match(r"^\d{4}$"), "0" + s)
    return s.to_numpy(dtype=object, copy=True)


def _convert_string(
    f: Field,
    uniq: np.ndarray,
    empty: np.ndarray,
    references: Mapping[str, Mapping[str, str]] | None,
) -> tuple[np.ndarray, _Issues]:
    out = uniq.copy()
    issues: _Issues = []
    if f.format == "code_postal":
        out = _normalise_zip(uniq)
    elif f.format == "departement":  # "7" from a spreadsheet that ate the zero: "07"
        out = np.array([f"0{u}" if len(u) == 1 and u.isdigit() else u for u in uniq], dtype=object)
    ref = f.reference
    if ref is not None and references is not None and ref.table in references:
        known = references[ref.table]
        ids = np.array([known.get(k) for k in _fold_u(uniq)], dtype=object)
        unknown = ~empty & pd.isna(ids)
        if ref.strict:
            noun = _REFERENCE_NOUNS.get(ref.table, "une valeur")
            expected = f"{noun} de {ref.table}.csv (identifiant ou nom)"
            issues.append((unknown, "reference", expected))
            out = ids
        else:
            out = np.where(unknown, out, ids)
    out = out.copy()
    out[empty] = None
    for mask, *_ in issues:
        out[mask] = None
    return out, issues


def _series_for(f: Field, values: np.ndarray) -> pd.Series:
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


def _is_coded(f: Field) -> bool:
    """Whether a field's values are few and checked (factorised) or free (kept as typed)."""
    return bool(f.enum or f.type != "string" or f.reference or f.format)


def _first_filled_row(raw: list[np.ndarray]) -> int | None:
    """Index of the first row with a non-blank cell (the header), or None."""
    n = len(raw[0]) if raw else 0
    for i in range(min(n, 100)):
        if any(isinstance(c[i], str) and c[i].strip() for c in raw):
            return i
    if n <= 100:
        return None
    filled = np.zeros(n, dtype=bool)
    for values in raw:
        filled |= ~_Column.plain(values).empty()
    found = np.flatnonzero(filled)
    return int(found[0]) if len(found) else None


def _empty_series(f: Field, n: int) -> pd.Series:
    if f.type == "boolean":
        return pd.Series(pd.array([pd.NA] * n, dtype="boolean"))
    if f.type == "integer":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if f.type == "number":
        return pd.Series(np.full(n, np.nan))
    if f.type == "date":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return pd.Series([None] * n, dtype="str")


def _empty_frame(kind: str) -> pd.DataFrame:
    schema = load_schema(kind)
    columns = {f.name: _empty_series(f, 0) for f in schema.fields}
    columns["_ligne"] = pd.Series(pd.array([], dtype="Int64"))
    if "code_postal" in schema.names:
        columns["departement"] = pd.Series([], dtype="str")
    return pd.DataFrame(columns)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------------------
# read_table
# --------------------------------------------------------------------------------------


def read_table(
    path: Path,
    kind: str,
    *,
    display: str | None = None,
    references: Mapping[str, Mapping[str, str]] | None = None,
    action: str | None = None,
) -> RawTable:
    """Read, validate and normalise the raw table ``path`` of kind ``kind``.

    ``display`` is the path as shown in problems (default: ``path`` as given).
    ``references`` maps a reference table name (``"territoires"``, ``"structures"``) to
    ``{folded id or folded name: id}``; when ``None`` reference fields are kept as typed
    and not checked. ``action`` is copied into every problem. Never raises for bad input:
    every problem is in the returned table's ``problems``.
    """
    path = Path(path)
    schema = load_schema(kind)
    shown = display if display is not None else str(path)

    def problem(expected: str, code: str, line: int | None = None, column: str | None = None,
                value: str | None = None) -> InputError:  # fmt: skip
        return InputError(file=shown, expected=expected, line=line, column=column,
                          value=value, code=code, action=action)  # fmt: skip

    def unreadable(code: str, expected: str) -> RawTable:
        return RawTable(kind, path, shown, _empty_frame(kind), [problem(expected, code)])

    try:
        data = path.read_bytes()
    except OSError:
        return unreadable("fichier_illisible", EXPECTED_TEXT_FILE)
    try:
        raw = _read_grid(data)
    except _Unreadable as exc:
        return unreadable(exc.code, exc.expected)
    header_row = _first_filled_row(raw)
    if header_row is None:
        return unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    header_line = header_row + 1

    problems: list[tuple[int, int, InputError]] = []  # (line, column position, problem)
    hmap = header_map(kind)
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    grid: list[_Column] = []
    for j, values in enumerate(raw):
        cell = values[header_row]
        written = cell.strip() if isinstance(cell, str) else ""
        name = hmap.get(fold(written)) if written else None
        if name is not None and name in headers:
            title = schema.field(name).title
            expected = (
                f"une seule colonne « {title} » (déjà donnée par la colonne « {headers[name]} »)"
            )
            problems.append(
                (header_line, j, problem(expected, "entete_double", header_line, written, written))
            )
            name = None
        elif name is None and written:
            ignored.append(written)
        elif name is not None:
            headers[name] = written
            positions[name] = j
        coded = name is not None and _is_coded(schema.field(name))
        grid.append(_Column.of(values) if coded else _Column.plain(values))

    has_data = np.zeros(len(grid[0].codes), dtype=bool)
    for col in grid:
        has_data |= ~col.empty()
    rows = np.flatnonzero(has_data)
    rows = rows[rows > header_row]
    lines = rows + 1
    n = len(rows)
    data_cols = {j: col.take(rows) for j, col in enumerate(grid)}
    for j, values in enumerate(raw):
        cell = values[header_row]
        if not (isinstance(cell, str) and cell.strip()) and not data_cols[j].empty().all():
            letter = _column_letter(j)
            expected = f"un titre pour la colonne n° {j + 1} ({letter}), qui contient des données"
            problems.append((header_line, j, problem(expected, "entete_vide", header_line)))

    for f in schema.fields:
        if f.required and f.name not in headers:
            err = problem(f"une colonne « {f.title} »", "colonne_manquante", header_line,
                          f.title, "")  # fmt: skip
            problems.append((header_line, -1, err))

    columns: dict[str, pd.Series] = {}
    for f in schema.fields:
        if f.name not in headers:
            columns[f.name] = _empty_series(f, n)
            continue
        j = positions[f.name]
        col = data_cols[j]
        uniq, empty_u = col.uniq, col.empty_u
        present = np.zeros(len(uniq), dtype=bool)
        present[col.codes] = True
        if f.enum:
            out_u, issues = _convert_enum(f, uniq, empty_u)
        elif f.type == "boolean":
            out_u, issues = _convert_boolean(f, uniq, empty_u, present)
        elif f.type == "date":
            out_u, issues = _convert_date(f, uniq, empty_u)
        elif f.type == "number":
            out_u, issues = _convert_number(f, uniq, empty_u)
        elif f.type == "integer":
            out_u, issues = _convert_integer(f, uniq, empty_u)
        else:
            out_u, issues = _convert_string(f, uniq, empty_u, references)
        if f.required:
            issues.append((empty_u, "obligatoire", EXPECTED_REQUIRED))
        for mask_u, code, expected in issues:
            hit = mask_u & present
            if not hit.any():
                continue
            for i in np.flatnonzero(hit[col.codes]):
                value = uniq[col.codes[i]]
                line = int(lines[i])
                problems.append((line, j, problem(expected, code, line, headers[f.name], value)))
        columns[f.name] = _series_for(f, out_u[col.codes])
        if f.format == "code_postal":
            departement_u = np.array(
                [z[:2] if isinstance(z, str) and _ZIP.match(z) else None for z in out_u],
                dtype=object,
            )
            columns["departement"] = pd.Series(departement_u[col.codes], dtype="str")

    columns["_ligne"] = pd.Series(pd.array(lines, dtype="Int64"))
    if "code_postal" in schema.names:
        departement = columns.pop("departement", None)
        columns["departement"] = (
            departement if departement is not None else pd.Series([None] * n, dtype="str")
        )
    df = pd.DataFrame(columns)
    problems.sort(key=lambda p: (p[0], p[1]))
    return RawTable(
        kind=kind,
        path=path,
        display=shown,
        df=df,
        problems=[p for _, _, p in problems],
        headers=headers,
        ignored=ignored,
    )
