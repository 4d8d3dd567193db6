"""The helper sheets of the kit's Excel templates, as the writer makes them and the reader
knows them.

A template (:mod:`vccap.excel`) holds the table to fill and three helper sheets:
« Instructions » (its first cell is the template's title), « Dictionnaire » (one row per
field under fixed column titles) and « listes » (hidden: the values of the drop-down
lists, one column per list). A team fills the table and sends the workbook back with them:
the reader (:func:`vccap.reading.headers.is_kit_sheet`) recognises them by name *and*
content and says nothing about them, while any other extra sheet is still reported.
"""

from __future__ import annotations

from functools import cache

from vccap.schemas import REFERENCE_TABLES, TABLE_KINDS, load_schema

__all__ = [
    "DICTIONARY_HEADERS",
    "INSTRUCTIONS_TITLE",
    "LIST_OF_BOOLEANS",
    "SHEET_DICTIONARY",
    "SHEET_INSTRUCTIONS",
    "SHEET_LISTS",
    "list_names",
]

SHEET_INSTRUCTIONS = "Instructions"
SHEET_DICTIONARY = "Dictionnaire"
SHEET_LISTS = "listes"

#: The first cell of the Instructions sheet: ``INSTRUCTIONS_TITLE.format(title=…, kind=…)``.
INSTRUCTIONS_TITLE = "Modèle de tableau « {title} » ({kind})"
#: The column titles of the Dictionnaire sheet (its first row).
DICTIONARY_HEADERS = (
    "Colonne",
    "Nom technique",
    "Type",
    "Obligatoire",
    "Valeurs permises",
    "Description",
    "Donnée personnelle",
)
#: The title of the drop-down list of yes/no fields in the listes sheet.
LIST_OF_BOOLEANS = "oui_non"


@cache
def list_names() -> frozenset[str]:
    """Every title a column of the listes sheet can have (a scale, a closed field, the
    yes/no list or a reference table), over all table kinds."""
    names = {LIST_OF_BOOLEANS, *REFERENCE_TABLES}
    for kind in TABLE_KINDS:
        for f in load_schema(kind).fields:
            if f.enum:
                names.add(f.echelle or f.name)
    return frozenset(names)
