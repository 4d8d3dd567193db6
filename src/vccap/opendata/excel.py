"""CSV files that French Excel opens in columns, with numbers it can add up.

The choices (the same for every CSV a reader downloads from the site and for
``vccap indicators --format csv-excel``):

- encoding UTF-8 with a byte-order mark (without it, Excel reads UTF-8 as Windows-1252
  and « é » comes out as « Ã© »);
- separator ``;`` (French Excel's list separator: with ``,`` a file opens in one column),
  fields quoted only when needed, lines ended by CRLF;
- numbers with a decimal comma and no thousands separator (``1234,5``): Excel reads them
  as numbers; a unit shown on the page (``%``, ``€``) moves to the column's title when a
  whole column has it (« Part (%) », 41);
- dates as ``jj/mm/aaaa`` (``15/06/2016``), which French Excel reads as dates;
- text as shown; a text starting with ``=``, ``+``, ``-`` or ``@`` gets a leading
  apostrophe, so that Excel never runs it as a formula.

The data package (:mod:`vccap.opendata.package`) is for programs and keeps ISO dates and
decimal points.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

BOM = "\ufeff"
SEPARATOR = ";"
#: Units a page writes after a number, moved to the column's title in a CSV.
UNITS = ("%", "€")
#: French month names, as :func:`vccap.fmt.date` writes them.
MONTHS = {
    "janvier": 1,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
}
_SPACES = "\u00a0\u202f\u2009 "
_NUMBER_RE = re.compile(
    rf"^(?P<sign>[-−]?)(?P<int>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)(?:,(?P<dec>\d+))?"
    rf"(?:[{_SPACES}]?(?P<unit>%|€))?$"
)
_DATE_RE = re.compile(
    rf"^(?P<day>1er|\d{{1,2}})[{_SPACES}](?P<month>[a-zéû]+)[{_SPACES}](?P<year>\d{{4}})$"
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def parse_number(text: str) -> tuple[str, str] | None:
    """A number as a French page writes it -> (Excel text, unit), or None.

    ``"1 234,5"`` -> ``("1234,5", "")``; ``"41 %"`` -> ``("41", "%")``; ``"33,33 €"`` ->
    ``("33,33", "€")``. The digits are kept as written (never rounded again).
    """
    match = _NUMBER_RE.match(text.strip())
    if not match:
        return None
    digits = re.sub(f"[{_SPACES}]", "", match["int"])
    sign = "-" if match["sign"] else ""
    value = sign + digits + ("," + match["dec"] if match["dec"] else "")
    return value, match["unit"] or ""


def parse_date(text: str) -> dt.date | None:
    """``"15 juin 2016"`` or ``"1er mars 2017"`` (as :func:`vccap.fmt.date` writes) -> date."""
    match = _DATE_RE.match(text.strip())
    if not match or match["month"] not in MONTHS:
        return None
    day = 1 if match["day"] == "1er" else int(match["day"])
    try:
        return dt.date(int(match["year"]), MONTHS[match["month"]], day)
    except ValueError:
        return None


def excel_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def safe_text(text: str) -> str:
    """Text that Excel shows as typed: never a formula (leading apostrophe), one line."""
    text = " ".join(str(text).split())
    return "'" + text if text.startswith(_FORMULA_START) else text


def excel_number(value: float | int) -> str:
    """A number as French Excel reads it: ``1234,5`` (up to 10 significant digits)."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(float(value), ".10g").replace(".", ",")


def excel_value(value: Any) -> str:
    """A typed value (number, date, boolean, text, missing) as one cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return ""
        return excel_number(value)
    if isinstance(value, dt.datetime):
        return excel_date(value.date())
    if isinstance(value, dt.date):
        return excel_date(value)
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
        if isinstance(value, pd.Timestamp):
            return excel_date(value.date())
    except (ImportError, TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return excel_value(value.item())
    return safe_text(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """The bytes of a French-Excel CSV file of ready-made cells (see the module)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow(list(row))
    return (BOM + buffer.getvalue()).encode("utf-8")


def typed_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A French-Excel CSV of typed values (numbers, dates, booleans, text, None)."""
    return write_csv(header, ([excel_value(v) for v in row] for row in rows))


def shown_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """A French-Excel CSV of cells as a page shows them (text).

    A cell that is a number becomes an Excel number; a column whose numbers all carry the
    same unit gets it in its title (« Part (%) ») and loses it in its cells; dates become
    ``jj/mm/aaaa``; anything else (« masqué », « — », « non mesuré », a name) stays as shown.
    """
    width = max([len(header), *(len(r) for r in rows)]) if rows else len(header)
    header = list(header) + [""] * (width - len(header))
    units: list[set[str]] = [set() for _ in range(width)]
    parsed = []
    for row in rows:
        cells = []
        for index, cell in enumerate(list(row) + [""] * (width - len(row))):
            number = parse_number(cell)
            cells.append((cell, number))
            if number is not None:
                units[index].add(number[1])
        parsed.append(cells)
    titles = []
    for index, title in enumerate(header):
        unit = next(iter(units[index])) if len(units[index]) == 1 else ""
        titles.append(f"{title} ({unit})" if unit and title else title)
    out_rows = []
    for cells in parsed:
        out = []
        for index, (cell, number) in enumerate(cells):
            same_unit = len(units[index]) == 1
            if number is not None and (same_unit or not number[1]):
                out.append(number[0])
                continue
            date = parse_date(cell)
            out.append(excel_date(date) if date else safe_text(cell))
        out_rows.append(out)
    return write_csv(titles, out_rows)


def read_back(data: bytes) -> list[list[str]]:
    """The rows of a CSV written here (header first), as Excel would split them."""
    text = data.decode("utf-8")
    if text.startswith(BOM):
        text = text[1:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=SEPARATOR))


def human_size(size: int) -> str:
    """A file size in French: ``412 octets``, ``1,2 Ko``, ``3,4 Mo``."""
    if size < 1024:
        return f"{size} octet{'s' if size > 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} Ko".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
