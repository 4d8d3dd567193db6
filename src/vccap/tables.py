"""Raw tables: a thin facade over :mod:`vccap.reading` (kept for existing importers)."""

from __future__ import annotations

from vccap.reading import (
    EXPECTED_BOOLEAN,
    EXPECTED_DATE,
    EXPECTED_EMPTY_FILE,
    EXPECTED_INTEGER,
    EXPECTED_NUMBER,
    EXPECTED_OLD_FORMAT,
    EXPECTED_REQUIRED,
    EXPECTED_TEXT_FILE,
    EXPECTED_XLSX,
    TABLE_SUFFIXES,
    RawTable,
    ReadOptions,
    find_table_files,
    read_table,
)

__all__ = [
    "EXPECTED_BOOLEAN",
    "EXPECTED_DATE",
    "EXPECTED_EMPTY_FILE",
    "EXPECTED_INTEGER",
    "EXPECTED_NUMBER",
    "EXPECTED_OLD_FORMAT",
    "EXPECTED_REQUIRED",
    "EXPECTED_TEXT_FILE",
    "EXPECTED_XLSX",
    "TABLE_SUFFIXES",
    "RawTable",
    "ReadOptions",
    "find_table_files",
    "read_table",
]
