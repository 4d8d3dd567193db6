"""The grid of cells a file holds, before any schema is applied."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Excel's own limits: wider tables or longer cells are not tables people type.
MAX_COLUMNS = 16_384
MAX_CELL = 32_767


class Unreadable(Exception):
    """The file cannot be read as a table (internal; becomes an InputError).

    ``line`` is the first line concerned, ``rows`` all of them when there are several, and
    ``value`` what the first one holds, as shown to the person.
    """

    def __init__(self, code: str, expected: str, line: int | None = None, *,
                 value: str | None = None, rows: tuple[int, ...] = ()) -> None:  # fmt: skip
        super().__init__(code, expected, line)
        self.code = code
        self.expected = expected
        self.line = line
        self.value = value
        self.rows = rows


@dataclass
class Grid:
    """The cells of one sheet or text file.

    ``columns`` holds one object array per column: text cells are ``str`` (``""`` when
    empty); cells of a workbook keep their native value (``float``, ``bool``,
    ``datetime``). ``lines[i]`` is the line a person sees for row ``i`` (1-based).
    ``hidden`` are hidden lines, ``sums`` lines holding a SUM-like formula and
    ``uncomputed`` the ``(line, column index)`` of formulas without a computed value.
    """

    columns: list[np.ndarray]
    lines: np.ndarray
    sheet: str | None = None
    hidden: frozenset[int] = frozenset()
    sums: frozenset[int] = frozenset()
    uncomputed: frozenset[tuple[int, int]] = frozenset()
    native: bool = False
    sheet_hidden: bool = False
    numbers: list[int] | None = None
    problems: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.lines)

    def column_number(self, j: int) -> int:
        """The sheet's own 0-based column index of grid column ``j`` (A is 0)."""
        return self.numbers[j] if self.numbers is not None else j


def columns_from_rows(rows: list) -> list[np.ndarray]:
    """Rows of cells (lists or tuples, ragged) as equally long object columns ("" filled)."""
    width = max((len(r) for r in rows), default=0)
    columns = [np.full(len(rows), "", dtype=object) for _ in range(width)]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            columns[j][i] = value
    return columns
