"""read_table: one raw file, read, validated and normalised into a RawTable.

Reading is forgiving about form (encoding, separator, header spelling and row, sheet, date
and number writing, trailing empty rows and columns) and strict about content: every value
that cannot be understood becomes an :class:`~vccap.errors.InputError` (an error) with the
file, the line as seen in a spreadsheet, the column as written, the value and what was
expected. Rows are never dropped silently: a bad cell is set to NA and its row kept; a total
line is left out with a warning; hidden and repeated rows are kept with a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vccap.errors import AVERTISSEMENT, ERREUR, INFORMATION, InputError
from vccap.messages import lines_text
from vccap.normalize import fold
from vccap.reading import columns as C
from vccap.reading.checks import (
    check_cells,
    check_duplicates,
    check_lookalikes,
    convert_dates,
    convert_numbers,
    far_dates,
    left_out_rows,
    mixed_date_orders,
    number_columns,
)
from vccap.reading.dates import DateColumn
from vccap.reading.expected import (
    EXPECTED_EMPTY_FILE,
    EXPECTED_NO_COLUMN,
    EXPECTED_REQUIRED,
    EXPECTED_TEXT_FILE,
    EXPECTED_WEB_PAGE,
)
from vccap.reading.grid import Grid, Unreadable
from vccap.reading.headers import choose_header, is_kit_sheet
from vccap.reading.spreadsheet import column_letter, is_workbook, read_workbook_grids
from vccap.reading.textfile import read_text_grid
from vccap.schemas import load_schema

__all__ = ["RawTable", "ReadOptions", "read_table"]

#: Titles of the timestamp or id column that forms add (identical rows then are repeats).
_STAMP_HEADERS = {
    "horodateur", "horodatage", "timestamp", "date_de_soumission", "submission_time",
    "submitted_at", "heure_de_debut", "heure_de_fin", "start", "end", "start_time",
    "completion_time", "date_et_heure", "id", "uuid", "identifiant", "numero", "n",
}  # fmt: skip


@dataclass(frozen=True)
class ReadOptions:
    """What the workspace tells the reader about one action's tables.

    ``headers`` maps a table kind to ``{folded header: field name}`` declared by the
    workspace (``correspondances.yml``); ``scales`` maps a field name to its declared
    numeric scale ``(low, high)`` (default 1-4); ``period`` is the action's
    ``(date_debut, date_fin)``, used to flag dates far from them.
    """

    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scales: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    period: tuple[dt.date, dt.date] | None = None

    def digest(self) -> str:
        """A stable hash of the options (part of what decides a file's problems)."""
        payload = repr(
            (
                sorted((k, sorted(v.items())) for k, v in self.headers.items()),
                sorted(self.scales.items()),
                self.period,
            )
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class RawTable:
    """One table read from a file, validated and normalised.

    ``df`` has one column per schema field (canonical names, canonical values, NA where a
    value is missing or wrong), ``_ligne`` (the line a person sees) and, on tables with a
    ``code_postal``, ``departement``. ``problems`` lists the errors found (rows with
    problems are kept), ``warnings`` what is said but does not stop the figures, and
    ``notices`` what was left aside (ignored columns, sheets, title lines). ``headers``
    maps canonical field names to the headers as written, ``ignored`` lists the headers
    that match no field and ``sheet`` names the workbook sheet read.
    """

    kind: str
    path: Path
    display: str
    df: pd.DataFrame
    problems: list[InputError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    notices: list[InputError] = field(default_factory=list)
    sheet: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file has no error."""
        return not self.problems


def _empty_frame(kind: str) -> pd.DataFrame:
    schema = load_schema(kind)
    columns = {f.name: C.empty_series(f, 0) for f in schema.fields}
    columns["_ligne"] = pd.Series(pd.array([], dtype="Int64"))
    if "code_postal" in schema.names:
        columns["departement"] = pd.Series([], dtype="str")
    return pd.DataFrame(columns)


def _grids(data: bytes) -> list[Grid]:
    if not data or data.isspace():
        raise Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    if is_workbook(data):
        return read_workbook_grids(data)
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise Unreadable("fichier_illisible", EXPECTED_WEB_PAGE)
    return [read_text_grid(data)]


class _Reader:
    """The state of one reading: where problems go and how they are worded."""

    def __init__(self, kind: str, shown: str, action: str | None, options: ReadOptions):
        self.kind = kind
        self.schema = load_schema(kind)
        self.shown = shown
        self.action = action
        self.options = options
        self.sheet: str | None = None
        self.found: list[tuple[int, int, InputError]] = []

    def add(self, expected: str, code: str, line: int | None = None, column: str | None = None,
            value: object = None, *, severity: str = ERREUR, position: int = -1,
            rows: tuple[int, ...] = (), sheet: str | None | bool = True) -> None:  # fmt: skip
        shown = None if value is None else (value if isinstance(value, str) else C.text_of(value))
        if shown is not None and len(shown) > 200:
            shown = shown[:200] + "…"
        problem = InputError(
            file=self.shown, expected=expected, line=line, column=column, value=shown,
            code=code, action=self.action, severity=severity, table=self.kind,
            rows=tuple(int(r) for r in rows), sheet=self.sheet if sheet is True else sheet,
        )  # fmt: skip
        self.found.append((line if line is not None else 0, position, problem))

    def split(self) -> tuple[list[InputError], list[InputError], list[InputError]]:
        self.found.sort(key=lambda p: (p[0], p[1]))
        out: dict[str, list[InputError]] = {ERREUR: [], AVERTISSEMENT: [], INFORMATION: []}
        for _, _, p in self.found:
            out[p.severity].append(p)
        return out[ERREUR], out[AVERTISSEMENT], out[INFORMATION]


def read_table(
    path: Path,
    kind: str,
    *,
    display: str | None = None,
    references: Mapping[str, Mapping[str, str]] | None = None,
    action: str | None = None,
    options: ReadOptions | None = None,
) -> RawTable:
    """Read, validate and normalise the raw table ``path`` of kind ``kind``.

    ``display`` is the path as shown in problems (default: ``path`` as given).
    ``references`` maps a reference table name (``"territoires"``, ``"structures"``) to
    ``{folded id or folded name: id}``; when ``None`` reference fields are kept as typed
    and not checked. ``action`` is copied into every problem; ``options`` carries what the
    workspace declares (header mappings, scales, the action's dates). Never raises for bad
    input: every problem is in the returned table's ``problems``, ``warnings``, ``notices``.
    """
    path = Path(path)
    shown = display if display is not None else str(path)
    reader = _Reader(kind, shown, action, options or ReadOptions())

    def unreadable(code: str, expected: str, line: int | None = None, value: str | None = None,
                   rows: tuple[int, ...] = ()) -> RawTable:  # fmt: skip
        reader.add(expected, code, line, value=value, rows=rows)
        errors, warnings, notices = reader.split()
        return RawTable(kind, path, shown, _empty_frame(kind), errors, warnings=warnings,
                        notices=notices, sheet=reader.sheet)  # fmt: skip

    try:
        data = path.read_bytes()
    except OSError:
        return unreadable("fichier_illisible", EXPECTED_TEXT_FILE)
    try:
        grids = _grids(data)
    except Unreadable as exc:
        return unreadable(exc.code, exc.expected, exc.line, exc.value, exc.rows)
    extra = reader.options.headers.get(kind, {})
    choice = choose_header(grids, kind, extra)
    if choice is None:
        return unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    grid, header_row, mapping = choice
    if len(grids) > 1:
        reader.sheet = grid.sheet
        fields = set(mapping.values())
        for other in grids:
            if other is grid or not any(len(c) for c in other.columns) or is_kit_sheet(other):
                continue  # an empty sheet, or a helper sheet of the kit's template
            same = None if other.sheet_hidden else choose_header([other], kind, extra)
            if same is not None and set(same[2].values()) == fields:
                # The same table on two visible sheets (« Jour 1 », « Jour 2 »): reading one
                # would give half the figure, adding them might count people twice.
                reader.add(f"une seule feuille par tableau : les feuilles « {grid.sheet} » et "
                           f"« {other.sheet} » ont les mêmes colonnes ; réunissez leurs lignes "
                           "dans une seule feuille", "feuilles_en_double", value=other.sheet,
                           sheet=None)  # fmt: skip
                continue
            reader.add(f"feuille « {other.sheet} » laissée de côté (le tableau est lu sur "
                       f"la feuille « {grid.sheet} »)", "feuille_ignoree",
                       value=other.sheet, severity=INFORMATION, sheet=None)  # fmt: skip
    if grid.sheet_hidden:
        reader.add("le tableau a été lu sur une feuille masquée du classeur",
                   "feuille_masquee", value=grid.sheet, severity=AVERTISSEMENT)  # fmt: skip
    return _read_grid(reader, path, grid, header_row, mapping, references)


def _read_grid(
    reader: _Reader,
    path: Path,
    grid: Grid,
    header_row: int,
    mapping: dict[int, str],
    references: Mapping[str, Mapping[str, str]] | None,
) -> RawTable:
    kind, schema = reader.kind, reader.schema
    header_line = int(grid.lines[header_row])
    columns = grid.columns
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    grid_cols: list[C.Column] = []
    for j, values in enumerate(columns):
        cell = values[header_row]
        written = C.text_of(cell)
        name = mapping.get(j)
        if name is not None and name in headers:
            title = schema.field(name).title
            expected = (
                f"une seule colonne « {title} » (déjà donnée par la colonne « {headers[name]} »)"
            )
            reader.add(expected, "entete_double", header_line, written, written, position=j)
            name = None
        elif name is None and written:
            ignored.append(written)
        elif name is not None:
            headers[name] = written
            positions[name] = j
        coded = name is not None and C.is_coded(schema.field(name))
        grid_cols.append(C.Column.of(values) if coded else C.Column.plain(values))

    n_all = len(grid.lines)
    has_data = np.zeros(n_all, dtype=bool)
    for col in grid_cols:
        has_data |= ~col.empty()
    formula_lines = set(grid.sums) | {line for line, _ in grid.uncomputed}
    if formula_lines:
        has_data |= np.isin(grid.lines, list(formula_lines))
    title_rows = np.flatnonzero(has_data[:header_row])
    if len(title_rows):
        lines = tuple(int(grid.lines[i]) for i in title_rows)
        reader.add(f"ligne{'s' if len(lines) > 1 else ''} de titre au-dessus des titres de "
                   f"colonnes (ligne {header_line}) laissée{'s' if len(lines) > 1 else ''} "
                   "de côté", "lignes_titre", lines[0], severity=INFORMATION,
                   rows=lines)  # fmt: skip
    rows = np.flatnonzero(has_data)
    rows = rows[rows > header_row]

    # Rows that are not records (totals, notes under the table) are left out, with a warning.
    titles = {positions[name]: written for name, written in headers.items()}
    rows = left_out_rows(reader, grid, grid_cols, rows, mapping, titles)
    lines = grid.lines[rows].astype(np.int64)
    n = len(rows)
    data_cols = {j: col.take(rows) for j, col in enumerate(grid_cols)}

    if grid.hidden:
        hidden = tuple(int(x) for x in lines[np.isin(lines, list(grid.hidden))])
        if hidden:
            several = "s" if len(hidden) > 1 else ""
            reader.add(f"{len(hidden)} ligne{several} masquée{several} dans le tableur "
                       f"({lines_text(hidden)}), comptée{several} comme les autres : "
                       "supprimez-les si elles ne doivent pas compter", "lignes_masquees",
                       hidden[0], severity=AVERTISSEMENT, rows=hidden)  # fmt: skip

    for j, values in enumerate(columns):
        if not C.text_of(values[header_row]) and not data_cols[j].empty().all():
            number = grid.column_number(j)
            letter = column_letter(number)
            expected = (
                f"un titre pour la colonne n° {number + 1} ({letter}), qui contient des données"
            )
            reader.add(expected, "entete_vide", header_line, position=j)

    if not headers:
        names = ", ".join(f.title for f in schema.fields[:6])
        reader.add(EXPECTED_NO_COLUMN.format(names=names, kind=kind), "aucune_colonne",
                   header_line)  # fmt: skip
    else:
        for f in schema.fields:
            if f.required and f.name not in headers:
                reader.add(f"une colonne « {f.title} »", "colonne_manquante", header_line,
                           f.title, "", position=-1)  # fmt: skip
    for written in ignored:
        reader.add("colonne ignorée : son titre n'est le nom d'aucun champ de la table "
                   f"« {kind} » (pour la lire, déclarez-la dans correspondances.yml)",
                   "colonne_ignoree", header_line, written, written,
                   severity=INFORMATION)  # fmt: skip
    check_lookalikes(reader, schema, columns, mapping, headers, header_row, header_line, rows)
    check_cells(reader, grid, data_cols, lines, headers, positions, mapping, columns, header_row)

    converted = _convert(reader, grid, data_cols, lines, headers, positions, references)
    converted["_ligne"] = pd.Series(pd.array(lines, dtype="Int64"))
    if "code_postal" in schema.names:
        departement = converted.pop("departement", None)
        converted["departement"] = (
            departement if departement is not None else pd.Series([None] * n, dtype="str")
        )
    df = pd.DataFrame(converted)
    identity = any(schema.field(n).personnel for n in headers) or any(
        fold(w) in _STAMP_HEADERS for w in ignored
    )
    if identity:
        check_duplicates(reader, data_cols, lines, headers, positions)
    errors, warnings, notices = reader.split()
    return RawTable(kind=kind, path=path, display=reader.shown, df=df, problems=errors,
                    headers=headers, ignored=ignored, warnings=warnings, notices=notices,
                    sheet=reader.sheet)  # fmt: skip


def _convert(reader, grid, data_cols, lines, headers, positions, references):
    schema, kind = reader.schema, reader.kind
    numbers = number_columns(data_cols, headers, positions, schema)
    file_evidence: set[str] = set().union(*(c.evidence for c in numbers.values()))
    dates = {}
    for name in headers:
        if schema.field(name).type == "date":
            col = data_cols[positions[name]]
            texts = np.array([u if isinstance(u, str) else "" for u in col.uniq], dtype=object)
            dates[name] = DateColumn(texts)
    month_first_hint = any(d.month_first and not d.day_first for d in dates.values())
    n = len(lines)
    out: dict[str, pd.Series] = {}
    for f in schema.fields:
        if f.name not in headers:
            out[f.name] = C.empty_series(f, n)
            continue
        j = positions[f.name]
        col = data_cols[j]
        uniq = col.uniq
        empty_u = col.empty_u
        present = np.zeros(len(uniq), dtype=bool)
        present[col.codes] = True
        if grid.native:
            native = np.array([not isinstance(u, str) and u is not None for u in uniq], dtype=bool)
        else:
            native = np.zeros(len(uniq), dtype=bool)
        notes: list[tuple[str, str, str]] = []
        if f.enum:
            scale = reader.options.scales.get(f.name)
            out_u, issues, notes = C.convert_enum(f, uniq, empty_u, present, scale)
        elif f.type == "boolean":
            out_u, issues, notes = C.convert_boolean(f, uniq, empty_u, present)
        elif f.type == "date":
            out_u, issues = convert_dates(reader, f, dates[f.name], uniq, empty_u, native,
                                           month_first_hint)  # fmt: skip
        elif f.type in ("number", "integer"):
            out_u, issues = convert_numbers(kind, f, numbers[f.name], uniq, empty_u, native,
                                             file_evidence)  # fmt: skip
        else:
            out_u, issues = C.convert_string(f, uniq, empty_u, references)
        if f.required:
            issues.append((empty_u, "obligatoire", EXPECTED_REQUIRED))
        written = headers[f.name]
        for mask_u, code, expected in issues:
            hit = mask_u & present
            if not hit.any():
                continue
            for i in np.flatnonzero(hit[col.codes]):
                line = int(lines[i])
                if code == "obligatoire" and (line, j) in grid.uncomputed:
                    continue  # the formula's own error says why the cell is empty
                reader.add(expected, code, line, written, uniq[col.codes[i]], position=j)
        for code, expected, value in notes:
            reader.add(expected, code, None, written, value, severity=INFORMATION, position=j)
        if f.type == "date":
            mixed_date_orders(reader, dates[f.name], out_u, col, lines, written, j)
        if f.type == "date" and reader.options.period is not None:
            far_dates(reader, f, out_u, col, lines, written, j)
        out[f.name] = C.series_for(f, out_u[col.codes])
        if f.format == "code_postal":
            zips = out_u
            departement_u = np.array(
                [z[:2] if isinstance(z, str) and len(z) == 5 and z.isdigit() else None
                 for z in zips], dtype=object)  # fmt: skip
            out["departement"] = pd.Series(departement_u[col.codes], dtype="str")
    return out
