"""Write the example workspace's two XLSX files from their text sources.

Run from the repository root after editing a source::

    .venv/bin/python tools/example/make_xlsx.py          # write the XLSX files into data/
    .venv/bin/python tools/example/make_xlsx.py --check  # exit 1 if one is out of date

The committed ``data/`` is the one source of the example's content: its YAML, Markdown and
CSV files are edited by hand. Only the XLSX files cannot be reviewed in a diff, so their
cells live here as UTF-8 CSV (``xlsx/<action>/<table>.csv``: ISO dates, nothing between
two commas for an empty cell) and this script turns them into workbooks laid out as the
teams left them, with fixed timestamps (``tools/writers.py``). ``tests/test_example.py``
checks that the committed files match their sources: same zip entries, same canonical XML
(openpyxl writes the same document with lxml or with the standard library, with the
namespace declarations in different places, so bytes are not compared).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = Path(__file__).resolve().parent / "xlsx"
sys.path.insert(0, str(ROOT / "tools"))
from writers import save_xlsx, xlsx_table  # noqa: E402

CREATOR = "Cap Rural"


def read_source(name: str, *, dates: tuple[str, ...] = (), ints: tuple[str, ...] = ()):
    """Header and typed rows of ``xlsx/<name>.csv``: '' is an empty cell, ``dates``
    columns hold date-times (as Excel stores a date), ``ints`` columns whole numbers."""
    with (SOURCES / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        header, *lines = csv.reader(f)
    kinds = [dt.datetime.fromisoformat if c in dates else int if c in ints else str for c in header]
    rows = [[kind(v) if v else None for kind, v in zip(kinds, line, strict=True)] for line in lines]
    return header, rows


def satisfaction_2017_04():
    """An online-survey export saved as XLSX: answers as digits 1-4."""
    header, rows = read_source(
        "2017-04-session-accompagnateurs-lyon/satisfaction",
        ints=("Satisfaction globale", "Utilité", "Qualité intervenants"),
    )
    return xlsx_table(header, rows, sheet="Réponses")


def contacts_2017_06():
    """The stand's shared contact sheet: bold header, frozen first row, set widths, two
    formatted but empty trailing rows (a pre-formatted sheet) and a notes sheet."""
    header, rows = read_source("2017-06-salon-entrepreneurs-lyon/contacts", dates=("Date",))
    wb = xlsx_table(header, rows, sheet="Contacts salon 2017", bold_header=True)
    ws = wb.active
    last = ws.max_row
    for r in (last + 1, last + 2):
        ws.cell(row=r, column=1).number_format = "DD/MM/YYYY"
        ws.cell(row=r, column=13).number_format = "@"
    widths = [11, 32, 18, 14, 12, 34, 16, 40, 11, 26, 14, 16, 15]
    for col, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.create_sheet("Notes").append(["Fiche contact commune du stand, saisie par Cap Rural."])
    return wb


# file of data/ -> (workbook builder, when the team last saved it)
FILES: dict[str, tuple[Callable, dt.datetime]] = {
    "actions/2017-04-session-accompagnateurs-lyon/satisfaction.xlsx": (
        satisfaction_2017_04,
        dt.datetime(2017, 4, 27, 9, 30),
    ),
    "actions/2017-06-salon-entrepreneurs-lyon/contacts.xlsx": (
        contacts_2017_06,
        dt.datetime(2017, 6, 19, 14, 5),
    ),
}


def same_workbook(a: Path, b: Path) -> bool:
    """True when two XLSX files hold the same entries with the same canonical XML (C14N 2.0)."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        if sorted(za.namelist()) != sorted(zb.namelist()):
            return False
        for name in za.namelist():
            da, db = za.read(name), zb.read(name)
            if name.endswith((".xml", ".rels")):
                da = ET.canonicalize(da.decode("utf-8"))
                db = ET.canonicalize(db.decode("utf-8"))
            if da != db:
                return False
    return True


def write(workspace: Path) -> list[Path]:
    """Write every XLSX file of :data:`FILES` into ``workspace``."""
    out = []
    for rel, (build, when) in FILES.items():
        path = workspace / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        out.append(save_xlsx(build(), path, when=when, creator=CREATOR))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data = ROOT / "data"
    if argv == ["--check"]:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            stale = [
                str(p.relative_to(tmp))
                for p in write(Path(tmp))
                if not same_workbook(p, data / p.relative_to(tmp))
            ]
        for rel in stale:
            print(f"data/{rel} is out of date: run tools/example/make_xlsx.py")
        return 1 if stale else 0
    if argv:
        print(__doc__)
        return 2
    for path in write(data):
        print(f"{path.relative_to(ROOT)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
