"""Table files written the way project teams write them.

CSV in the dialects real teams produce (UTF-8 with commas and ISO dates, a French Excel's
Windows-1252 with semicolons, French dates and decimal commas, UTF-8 with a BOM, tabs) and
XLSX workbooks saved deterministically (fixed zip timestamps and document dates: the same
call gives the same bytes).

Shared by the synthetic benchmark workspaces (``benchmarks/synthetic.py``) and the example
workspace's XLSX files (``tools/example/make_xlsx.py``). The kit itself never imports this
module: it *reads* such files. Plain functions, importable without installing anything
(the scripts put ``tools/`` on ``sys.path``); openpyxl is imported only to write XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from openpyxl import Workbook


class Dialect(NamedTuple):
    """How a CSV file is written: bytes, separator, line end, dates and decimals."""

    encoding: str
    separator: str
    newline: str
    date_format: str
    decimal_comma: bool


UTF8 = Dialect("utf-8", ",", "\n", "%Y-%m-%d", False)
EXCEL_FR = Dialect("cp1252", ";", "\r\n", "%d/%m/%Y", True)  # "CSV (séparateur : point-virgule)"
UTF8_BOM = Dialect("utf-8-sig", ";", "\r\n", "%d/%m/%Y", True)  # "CSV UTF-8"
TAB = Dialect("utf-8", "\t", "\n", "%Y-%m-%d", False)


def decimal_fr(amount: float) -> str:
    """4500.5 -> '4 500,50', as typed in a French spreadsheet."""
    whole, cents = f"{amount:.2f}".split(".")
    if len(whole) > 3:
        whole = f"{whole[:-3]} {whole[-3:]}"
    return f"{whole},{cents}"


def write_csv(path: Path, header: list[str], rows: list[list], dialect: Dialect = UTF8) -> Path:
    """Write one table; ``None`` is an empty cell, dates and floats follow ``dialect``.

    An encoding that lacks a character (cp1252) fails loudly rather than writing '?'.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=dialect.separator, lineterminator=dialect.newline)
    writer.writerow(header)
    for row in rows:
        out = []
        for v in row:
            if v is None:
                out.append("")
            elif isinstance(v, dt.date):
                out.append(v.strftime(dialect.date_format))
            elif isinstance(v, float):
                out.append(decimal_fr(v) if dialect.decimal_comma else f"{v:.2f}")
            else:
                out.append(v)
        writer.writerow(out)
    path.write_bytes(buf.getvalue().encode(dialect.encoding))
    return path


def xlsx_table(
    header: list[str],
    rows: list[list],
    *,
    sheet: str = "Feuil1",
    bold_header: bool = False,
    date_format: str = "DD/MM/YYYY",
) -> Workbook:
    """A one-sheet workbook holding a table; ``""`` and ``None`` are empty cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    if bold_header:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = date_format
    return wb


def save_xlsx(wb: Workbook, path: Path, *, when: dt.datetime, creator: str) -> Path:
    """Save ``wb`` as if last saved at ``when``: the same workbook gives the same bytes.

    openpyxl stamps the document and every zip entry with the current time; both are
    replaced by ``when``.
    """
    wb.properties.creator = creator
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())
    return path


def write_xlsx(
    path: Path,
    header: list[str],
    rows: list[list],
    *,
    when: dt.datetime,
    creator: str,
    sheet: str = "Feuil1",
) -> Path:
    """Write one table as a deterministic one-sheet workbook (dates as DD/MM/YYYY)."""
    return save_xlsx(xlsx_table(header, rows, sheet=sheet), path, when=when, creator=creator)
