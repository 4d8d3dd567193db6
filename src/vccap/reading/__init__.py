"""The reading layer: raw tables (CSV, TSV, XLSX, ODS, XLS) of an action, read honestly.

Modules: :mod:`~vccap.reading.files` (which files of an action folder are tables),
:mod:`~vccap.reading.textfile` and :mod:`~vccap.reading.spreadsheet` (a file into a grid
of cells), :mod:`~vccap.reading.headers` (sheet, title row, fields),
:mod:`~vccap.reading.numbers`, :mod:`~vccap.reading.dates`, :mod:`~vccap.reading.columns`
(what cells mean, decided per column), :mod:`~vccap.reading.rows` (rows that are not
records) and :mod:`~vccap.reading.table` (:func:`read_table`).
"""

from vccap.reading.expected import (
    EXPECTED_BOOLEAN,
    EXPECTED_DATE,
    EXPECTED_EMPTY_FILE,
    EXPECTED_INTEGER,
    EXPECTED_NUMBER,
    EXPECTED_OLD_FORMAT,
    EXPECTED_REQUIRED,
    EXPECTED_TEXT_FILE,
    EXPECTED_XLSX,
)
from vccap.reading.files import TABLE_SUFFIXES, find_table_files
from vccap.reading.table import RawTable, ReadOptions, read_table

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
