"""Which sheet, which row holds the titles, and which field each title names."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from vccap.normalize import fold
from vccap.reading.columns import Column, text_of
from vccap.reading.grid import Grid
from vccap.schemas import header_map
from vccap.template_sheets import (
    DICTIONARY_HEADERS,
    INSTRUCTIONS_TITLE,
    SHEET_DICTIONARY,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    list_names,
)

__all__ = ["choose_header", "field_of", "is_kit_sheet"]

#: Rows looked at for the titles (title lines above them are common, dozens are not).
_SCAN_ROWS = 30


def field_of(written: str, hmap: Mapping[str, str], extra: Mapping[str, str]) -> str | None:
    """The field a column title names: the workspace's declarations first, then the schema."""
    key = fold(written)
    if not key:
        return None
    return extra.get(key) or hmap.get(key)


_TITLE_START = INSTRUCTIONS_TITLE.split("{")[0]


def is_kit_sheet(grid: Grid) -> bool:
    """Whether a sheet is a helper sheet of the kit's own templates, by name and content.

    « Instructions » whose first cell is the template's title, « Dictionnaire » whose first
    row is the dictionary's column titles, « listes » whose first row holds only names of
    the kit's drop-down lists (see :mod:`vccap.template_sheets`). A sheet of the same name
    with other content is not one (it is reported like any other sheet left aside).
    """
    if grid.sheet is None or not grid.height:
        return False
    name = fold(grid.sheet)
    first = [t for t in (text_of(c[0]) for c in grid.columns) if t]
    if not first:
        return False
    if name == fold(SHEET_INSTRUCTIONS):
        return first[0].startswith(_TITLE_START) and first[0].endswith(")")
    if name == fold(SHEET_DICTIONARY):
        return tuple(first) == DICTIONARY_HEADERS
    if name == fold(SHEET_LISTS):
        return set(first) <= list_names()
    return False


def _filled_rows(grid: Grid, limit: int) -> list[int]:
    """Indexes of the first ``limit`` rows holding a non-blank cell."""
    n = grid.height
    found: list[int] = []
    for i in range(min(n, 200)):
        if any(text_of(c[i]) for c in grid.columns):
            found.append(i)
            if len(found) >= limit:
                return found
    if n <= 200 or found:
        return found
    filled = np.zeros(n, dtype=bool)
    for values in grid.columns:
        filled |= ~Column.plain(values).empty()
    return [int(i) for i in np.flatnonzero(filled)[:limit]]


def _mapping(grid: Grid, row: int, hmap, extra) -> dict[int, str]:
    out: dict[int, str] = {}
    for j, values in enumerate(grid.columns):
        name = field_of(text_of(values[row]), hmap, extra)
        if name is not None:
            out[j] = name
    return out


def _best_row(grid: Grid, hmap, extra) -> tuple[int, int, dict[int, str]] | None:
    rows = _filled_rows(grid, _SCAN_ROWS)
    if not rows:
        return None
    best = (rows[0], _mapping(grid, rows[0], hmap, extra))
    best_score = len(set(best[1].values()))
    for row in rows[1:]:
        mapping = _mapping(grid, row, hmap, extra)
        score = len(set(mapping.values()))
        if score > best_score:
            best, best_score = (row, mapping), score
    return best_score, best[0], best[1]


def choose_header(
    grids: list[Grid], kind: str, extra: Mapping[str, str]
) -> tuple[Grid, int, dict[int, str]] | None:
    """``(grid, header row index, {column index: field})`` or None when all are empty.

    The grid is the visible sheet whose title row names the most fields of ``kind`` (the
    first one on ties); a hidden sheet is used only when no visible one names any field.
    The title row is the first filled row unless a later one (within the first rows)
    names more fields: the lines above it are titles of the document. The helper sheets
    of the kit's templates (:func:`is_kit_sheet`) are never chosen when another sheet is.
    """
    hmap = header_map(kind)
    scored = []
    grids = [g for g in grids if not is_kit_sheet(g)] or grids
    for order, grid in enumerate(grids):
        best = _best_row(grid, hmap, extra)
        if best is not None:
            score, row, mapping = best
            scored.append((not grid.sheet_hidden, score, -order, grid, row, mapping))
    if not scored:
        return None
    visible = [s for s in scored if s[0]]
    pool = visible if visible and max(s[1] for s in visible) > 0 else scored
    if not any(s[1] for s in pool):
        pool = visible or scored
    _, _, _, grid, row, mapping = max(pool, key=lambda s: (s[1], s[2]))
    return grid, row, mapping
