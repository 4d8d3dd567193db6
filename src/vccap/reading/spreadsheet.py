"""Workbooks (XLSX, XLSM, ODS, XLS) read with python-calamine, into one Grid per sheet.

calamine reads the cells; a light pass over the sheet's XML (XLSX, ODS) tells what calamine
does not: hidden rows, SUM-like formulas, formulas without a computed value, error cells,
and how far the farthest cell lies (calamine allocates the whole rectangle: a stray cell
in XFD1048576 would exhaust memory, so such sheets are read sparsely with openpyxl).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import numpy as np

from vccap.reading.expected import (
    EXPECTED_EMPTY_FILE,
    EXPECTED_HUGE_SHEET,
    EXPECTED_OLD_FORMAT,
    EXPECTED_PASSWORD,
    EXPECTED_XLSX,
)
from vccap.reading.grid import MAX_COLUMNS, Grid, Unreadable, columns_from_rows

__all__ = ["read_workbook_grids", "is_workbook"]

#: Cells calamine may allocate densely (32 bytes each); beyond, sheets are read sparsely.
DENSE_LIMIT = 2_000_000
#: Cells a sparse reading may keep; beyond, the sheet is refused.
SPARSE_LIMIT = 5_000_000
#: Beyond this many columns, columns holding nothing are left out of the grid.
WIDE = 256
#: Bytes of XML read from one sheet (a zip bomb stops here).
XML_LIMIT = 100_000_000
_SUM = re.compile(r"^\s*(?:of:)?=?\s*(?:SUM|SUBTOTAL|AGGREGATE|SOMME|SOUS\.TOTAL)\s*\(", re.I)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def is_workbook(data: bytes) -> bool:
    """Whether bytes look like a workbook (ZIP container or old OLE2 file)."""
    return data.startswith((b"PK\x03\x04", _OLE2))


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class _SheetInfo:
    """What the XML says about one sheet (rows and columns 0-based)."""

    hidden_rows: set[int] = field(default_factory=set)
    sums: set[int] = field(default_factory=set)
    uncomputed: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    max_row: int = -1
    max_col: int = -1
    hidden_sheet: bool = False
    rows: list[int] = field(default_factory=list)  # 1-based rows holding cells (XLSX)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as stream:
        data = stream.read(XML_LIMIT + 1)
    if len(data) > XML_LIMIT:
        raise Unreadable("fichier_illisible", EXPECTED_HUGE_SHEET.format(cell="?"))
    return data


_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d{1,7})\"")
_DETAIL = re.compile(rb"hidden=\"(?:1|true)\"|\bt=\"e\"|<(?:\w+:)?f[\s>/]")


def _scan_xlsx_sheet(xml: bytes) -> _SheetInfo:
    info = _SheetInfo()
    rows = _ROW_REF.findall(xml)
    cols = set(_CELL_REF.findall(xml))
    if rows:
        info.max_row = max(int(r) for r in rows) - 1
    if cols:
        letters = {c for c, _ in cols}
        info.max_col = max(_column_index(c.decode()) for c in letters)
        info.rows = sorted({int(r) for _, r in cols})
        info.max_row = max(info.max_row, info.rows[-1] - 1)
    if not _DETAIL.search(xml):
        return info
    row = -1
    for event, elem in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        name = _local(elem.tag)
        if event == "start" and name == "row":
            ref = elem.get("r")
            row = int(ref) - 1 if ref and ref.isdigit() else row + 1
            if elem.get("hidden") in ("1", "true"):
                info.hidden_rows.add(row)
        elif event == "end" and name == "c":
            ref = elem.get("r") or ""
            match = re.match(r"([A-Z]{1,3})(\d+)$", ref)
            if match is None:
                continue
            r, c = int(match.group(2)) - 1, _column_index(match.group(1))
            formula = value = None
            for child in elem:
                child_name = _local(child.tag)
                if child_name == "f":
                    formula = child.text or ""
                elif child_name == "v":
                    value = child.text
            if elem.get("t") == "e" and value:
                info.errors[(r, c)] = value
            if formula is not None:
                if _SUM.match(formula):
                    info.sums.add(r)
                if value in (None, "") and elem.get("t") not in ("str", "inlineStr"):
                    info.uncomputed.add((r, c))
        elif event == "end" and name == "row":
            elem.clear()
    return info


def _xlsx_sheets(archive: zipfile.ZipFile) -> dict[str, _SheetInfo]:
    """Sheet name -> info, for the worksheets of an XLSX (Transitional or Strict)."""
    names = set(archive.namelist())
    try:
        workbook = ElementTree.fromstring(_read_member(archive, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_read_member(archive, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels:
        target = (rel.get("Target") or "").lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        targets[rel.get("Id")] = target
    out: dict[str, _SheetInfo] = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid)
        if target not in names:
            continue
        info = _scan_xlsx_sheet(_read_member(archive, target))
        info.hidden_sheet = sheet.get("state") in ("hidden", "veryHidden")
        out[sheet.get("name") or ""] = info
    return out


_ODS = "urn:oasis:names:tc:opendocument:xmlns:"
_T = "{" + _ODS + "table:1.0}"
_O = "{" + _ODS + "office:1.0}"
_S = "{" + _ODS + "style:1.0}"


def _ods_sheets(archive: zipfile.ZipFile) -> dict[str, _SheetInfo]:
    """Sheet name -> info, for the tables of an ODS (repeated rows and cells counted)."""
    try:
        xml = _read_member(archive, "content.xml")
    except KeyError:
        return {}
    hidden_styles: set[str] = set()
    out: dict[str, _SheetInfo] = {}
    info = _SheetInfo()
    row = col = 0
    row_repeat = 1
    for event, elem in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag == _T + "table":
                info = _SheetInfo(hidden_sheet=elem.get(_T + "style-name") in hidden_styles)
                out[elem.get(_T + "name") or ""] = info
                row = 0
            elif tag == _T + "table-row":
                col = 0
                row_repeat = int(elem.get(_T + "number-rows-repeated") or 1)
                if elem.get(_T + "visibility") in ("collapse", "filter"):
                    info.hidden_rows.update(range(row, row + min(row_repeat, 100_000)))
            continue
        if tag == _S + "style":
            props = elem.find(_S + "table-properties")
            if props is not None and props.get(_T + "display") == "false":
                hidden_styles.add(elem.get(_S + "name") or "")
        elif tag in (_T + "table-cell", _T + "covered-table-cell"):
            repeat = int(elem.get(_T + "number-columns-repeated") or 1)
            formula = elem.get(_T + "formula")
            has_value = elem.get(_O + "value-type") is not None or len(elem) > 0
            if has_value:
                info.max_col = max(info.max_col, col + repeat - 1)
                info.max_row = max(info.max_row, row + row_repeat - 1)
            if formula:
                if _SUM.match(formula):
                    info.sums.add(row)
                if elem.get(_O + "value-type") is None:
                    info.uncomputed.add((row, col))
            col += repeat
            elem.clear()
        elif tag == _T + "table-row":
            row += row_repeat
            elem.clear()
    return out


def _cells(info: _SheetInfo | None) -> int:
    if info is None or info.max_row < 0 or info.max_col < 0:
        return 0
    return (info.max_row + 1) * (info.max_col + 1)


def _native(value: object) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _grid_from_rows(
    rows: list, start_row: int, start_col: int, name: str, info: _SheetInfo | None
) -> Grid:
    if info is not None:
        # calamine trims trailing rows it sees as empty: formulas without value live there.
        needed = max([*info.sums, *(r for r, _ in info.uncomputed)], default=-1) + 1 - start_row
        if needed > len(rows) and needed - len(rows) < 10_000:
            rows.extend([[] for _ in range(needed - len(rows))])
        for (r, c), text in info.errors.items():
            i, j = r - start_row, c - start_col
            if 0 <= i < len(rows) and 0 <= j < len(rows[i]):
                rows[i][j] = text
    columns = columns_from_rows(rows)
    if start_col:
        columns = [np.full(len(rows), "", dtype=object) for _ in range(start_col)] + columns
    lines = np.arange(start_row + 1, start_row + 1 + len(rows))
    numbers = None
    uncomputed = {(r + 1, c) for r, c in info.uncomputed} if info is not None else set()
    if len(columns) > WIDE:  # a far cell: keep only columns holding something
        numbers = [j for j, c in enumerate(columns) if bool((c != "").any())]
        position = {j: k for k, j in enumerate(numbers)}
        columns = [columns[j] for j in numbers]
        uncomputed = {(line, position[c]) for line, c in uncomputed if c in position}
    if info is None:
        return Grid(columns, lines, sheet=name, native=True, numbers=numbers)
    return Grid(
        columns,
        lines,
        sheet=name,
        hidden=frozenset(r + 1 for r in info.hidden_rows),
        sums=frozenset(r + 1 for r in info.sums),
        uncomputed=frozenset(uncomputed),
        native=True,
        sheet_hidden=info.hidden_sheet,
        numbers=numbers,
    )


def _present_rows(ws, rows: list[int]):
    """``(row number, values)`` of the rows holding cells, without walking the empty ones."""
    ranges: list[list[int]] = []
    for r in rows:
        if ranges and r == ranges[-1][1] + 1:
            ranges[-1][1] = r
        else:
            ranges.append([r, r])
    if not rows or len(ranges) > 50:  # many gaps: one pass over everything
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
        return
    for low, high in ranges:
        yield from enumerate(ws.iter_rows(min_row=low, max_row=high, values_only=True), start=low)


def _sparse_xlsx(data: bytes, name: str, info: _SheetInfo) -> Grid:
    """A sheet whose farthest cell is very far: keep only rows and cells with content."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb[name]
        ws.reset_dimensions()
        kept: list[list] = []
        lines: list[int] = []
        width = 0
        for number, row in _present_rows(ws, info.rows):
            cells = [_native(v) if v is not None else "" for v in row]
            while cells and (
                cells[-1] == "" or (isinstance(cells[-1], str) and not cells[-1].strip())
            ):
                cells.pop()
            if not cells:
                continue
            width = max(width, len(cells))
            if width > MAX_COLUMNS or width * (len(kept) + 1) > SPARSE_LIMIT:
                far = f"{column_letter(info.max_col)}{info.max_row + 1}"
                raise Unreadable("fichier_illisible", EXPECTED_HUGE_SHEET.format(cell=far))
            kept.append(cells)
            lines.append(number)
        wb.close()
    except Unreadable:
        raise
    except Exception:  # noqa: BLE001 - any failure of a damaged file is the same to a person
        far = f"{column_letter(info.max_col)}{info.max_row + 1}"
        raise Unreadable("fichier_illisible", EXPECTED_HUGE_SHEET.format(cell=far)) from None
    grid = _grid_from_rows(kept, 0, 0, name, info)
    grid.lines = np.asarray(lines, dtype=np.int64)
    return grid


def read_workbook_grids(data: bytes) -> list[Grid]:
    """One Grid per worksheet of a workbook, in workbook order; raises :class:`Unreadable`.

    Each grid says whether its sheet is hidden. A password-protected workbook, a damaged
    file or an old format calamine cannot read are each told for what they are.
    """
    import python_calamine as pc

    if data.startswith(_OLE2) and _ENCRYPTED in data:
        raise Unreadable("mot_de_passe", EXPECTED_PASSWORD)
    infos: dict[str, _SheetInfo] = {}
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "META-INF/manifest.xml" in names and b"encryption-data" in _read_member(
                    archive, "META-INF/manifest.xml"
                ):
                    raise Unreadable("mot_de_passe", EXPECTED_PASSWORD)
                if "content.xml" in names:
                    infos = _ods_sheets(archive)
                elif "xl/workbook.xml" in names:
                    infos = _xlsx_sheets(archive)
                else:
                    raise Unreadable("fichier_illisible", EXPECTED_XLSX)
        except (zipfile.BadZipFile, ElementTree.ParseError, EOFError, OSError, ValueError):
            raise Unreadable("fichier_illisible", EXPECTED_XLSX) from None
    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise Unreadable("mot_de_passe", EXPECTED_PASSWORD) from None
    except Exception:  # noqa: BLE001 - calamine's many errors all mean a damaged file
        expected = EXPECTED_OLD_FORMAT if data.startswith(_OLE2) else EXPECTED_XLSX
        raise Unreadable("fichier_illisible", expected) from None
    grids: list[Grid] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] not in ("WorkSheet", "Worksheet"):
                continue
            info = infos.get(meta.name)
            hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
            if _cells(info) > DENSE_LIMIT and info is not None:
                grid = _sparse_xlsx(data, meta.name, info)
            else:
                sheet = workbook.get_sheet_by_name(meta.name)
                rows = [[_native(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                grid = _grid_from_rows(rows, 0, 0, meta.name, info)
            grid.sheet_hidden = grid.sheet_hidden or hidden
            grids.append(grid)
    except Unreadable:
        raise
    except Exception:  # noqa: BLE001
        raise Unreadable("fichier_illisible", EXPECTED_XLSX) from None
    finally:
        workbook.close()
    if not grids:
        raise Unreadable("fichier_vide", EXPECTED_EMPTY_FILE)
    return grids
