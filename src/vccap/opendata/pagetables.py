"""Each page's tables as French-Excel CSV files, with a download link under each table.

The CSV files are made from the page itself, once it is rendered: each ``<table>`` gives
one file holding exactly the cells the page shows (a masked cell reads « masqué » there
too; nothing that the page does not show can reach a file). They live in
``donnees/tableaux/<page id>/<nn>-<caption>.csv`` and are rewritten with their page
(:func:`publish_page`), removed with it (:func:`remove_page_tables`), and audited with the
rest of the site.

The link sits right after its table (after the closed « Voir les données du graphique »
box for a chart's table, so that it can be found without opening it), says what it gives
(« Télécharger le tableau « Objectifs de l'action » (CSV pour tableur, 412 octets) ») and
is left out of printed pages and Word documents.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from vccap.normalize import fold
from vccap.opendata.excel import human_size, shown_csv
from vccap.site.publish import root_for, write_text_atomic

DATA_DIR = "donnees"
TABLES_DIR = f"{DATA_DIR}/tableaux"
LINK_CLASS = "vc-telechargement"
GROUP_TITLE = "Groupe"

_TABLE_RE = re.compile(r"<table\b.*?</table\s*>", re.DOTALL | re.IGNORECASE)
_AFTER_TABLE_RE = re.compile(r"\s*</div>")
_DETAILS_OPEN_RE = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE_RE = re.compile(r"</details\s*>", re.IGNORECASE)
_HEADING_RE = re.compile(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", re.DOTALL | re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass
class PageTable:
    """One table of a page: its caption, header and rows as the page shows them."""

    caption: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def csv(self) -> bytes:
        return shown_csv(self.header, self.rows)


class _TableParser(HTMLParser):
    """Text of the caption and of every cell of one ``<table>`` (``<br>`` read as « — »)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.caption: list[str] | None = None
        self.caption_text = ""
        self.section = "tbody"
        self.head: list[list[str]] = []
        self.body: list[tuple[list[str], bool]] = []  # (cells, is a group heading)
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.group_cell = False
        self.row_is_group = False

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "caption":
            self.caption = []
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.row, self.row_is_group = [], False
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []
            if attributes.get("scope") == "rowgroup":
                self.row_is_group = True
        elif tag == "br" and self.cell is not None:
            self.cell.append(" — ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self.caption is not None:
            self.caption_text = " ".join("".join(self.caption).split())
            self.caption = None
        elif tag in ("th", "td") and self.cell is not None and self.row is not None:
            text = " ".join("".join(self.cell).split())
            self.row.append(text.strip(" —").strip() if text.endswith("—") else text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.section == "thead":
                self.head.append(self.row)
            else:
                self.body.append((self.row, self.row_is_group))
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.caption is not None:
            self.caption.append(data)


def parse_table(markup: str) -> PageTable:
    """A ``<table>``'s caption, header (its ``<thead>``'s last row) and rows.

    A row that is a group heading (``<th scope="rowgroup">``) becomes a first column
    « Groupe » of the rows under it.
    """
    parser = _TableParser()
    parser.feed(markup)
    parser.close()
    header = parser.head[-1] if parser.head else []
    grouped = any(is_group for _, is_group in parser.body)
    rows: list[list[str]] = []
    group = ""
    for cells, is_group in parser.body:
        if is_group:
            group = " ".join(c for c in cells if c)
            continue
        rows.append([group, *cells] if grouped else cells)
    if grouped:
        header = [GROUP_TITLE, *header]
    return PageTable(parser.caption_text, header, rows)


def slug(text: str, limit: int = 60) -> str:
    """``"Profil du public (contacts)"`` -> ``"profil-du-public-contacts"``."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return (words[:limit].rstrip("-") or "tableau") if words else "tableau"


def tables_folder(page_id: str) -> PurePosixPath:
    """``donnees/tableaux/actions/<id>`` for page ``actions/<id>``."""
    return PurePosixPath(TABLES_DIR) / page_id


def _insertion_point(page: str, end: int) -> tuple[int, bool]:
    """Where a table's link goes: after its scrolling box, or after the ``<details>`` that
    holds it (a chart's data); and whether it is in such a box."""
    after = _AFTER_TABLE_RE.match(page, end)
    position = after.end() if after else end
    before = page[:position]
    if len(_DETAILS_OPEN_RE.findall(before)) > len(_DETAILS_CLOSE_RE.findall(before)):
        closing = _DETAILS_CLOSE_RE.search(page, position)
        if closing:
            return closing.end(), True
    return position, False


def _link(href: str, table: PageTable, number: int, size: int, chart: bool) -> str:
    if table.caption:
        what = (
            f"les données du graphique « {table.caption} »"
            if chart
            else f"le tableau « {table.caption} »"
        )
    else:
        what = f"le tableau n° {number} de la page"
    text = f"Télécharger {what} (CSV pour tableur, {human_size(size)})"
    return (
        f'\n<p class="{LINK_CLASS}"><a href="{htmllib.escape(href)}" download '
        f'type="text/csv">{htmllib.escape(text)}</a></p>'
    )


def with_downloads(page: str, page_id: str) -> tuple[str, dict[str, bytes]]:
    """The page with a download link after each table, and the CSV files
    (path under the site root -> bytes). A page without tables is returned as it is."""
    files: dict[str, bytes] = {}
    inserts: list[tuple[int, str]] = []
    folder = tables_folder(page_id)
    root = root_for(page_id + ".html")
    for number, match in enumerate(_TABLE_RE.finditer(page), start=1):
        table = parse_table(match.group(0))
        if not table.rows:
            continue
        if not table.caption:  # the heading above it names it (the index's overview)
            headings = _HEADING_RE.findall(page, max(0, match.start() - 3000), match.start())
            if headings:
                table.caption = " ".join(htmllib.unescape(_TAG_RE.sub(" ", headings[-1])).split())
        data = table.csv()
        name = f"{number:02d}-{slug(table.caption)}.csv"
        path = (folder / name).as_posix()
        files[path] = data
        position, chart = _insertion_point(page, match.end())
        inserts.append((position, _link(root + path, table, number, len(data), chart)))
    for position, markup in sorted(inserts, reverse=True):
        page = page[:position] + markup + page[position:]
    return page, files


def remove_page_tables(out_dir: Path, page_id: str) -> None:
    """Remove a page's CSV files (when the page is rebuilt, fails or disappears)."""
    folder = Path(out_dir) / tables_folder(page_id)
    if folder.is_dir():
        shutil.rmtree(folder)


def publish_page(out_dir: Path, page_path: str, page_id: str, page: str) -> bool:
    """Write a page and its tables' CSV files (old ones of the page removed first).

    ``page_path``: the page's path under ``out_dir`` (``actions/<id>.html``); ``page_id``:
    its id (``actions/<id>``, ``index``). Files whose bytes are unchanged are left alone.
    Returns True when something was written or removed.
    """
    out_dir = Path(out_dir)
    page, files = with_downloads(page, page_id)
    changed = False
    folder = out_dir / tables_folder(page_id)
    if folder.is_dir():
        wanted = {out_dir / p for p in files}
        for old in folder.rglob("*"):
            if old.is_file() and old not in wanted:
                old.unlink()
                changed = True
    for rel, data in files.items():
        target = out_dir / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.chmod(0o644)
        tmp.replace(target)
        changed = True
    target = out_dir / page_path
    if not (target.is_file() and target.read_text(encoding="utf-8") == page):
        write_text_atomic(target, page)
        changed = True
    return changed
