"""Blank Excel templates, generated from the table schemas (the single source of truth).

One workbook per table kind. Its sheets, in order:

``<kind>``          the table to fill (read back by :func:`vccap.tables.read_table`, which reads
                    the first sheet with the headers on row 1): French headers (each field's
                    ``title``), pre-formatted empty rows, drop-down lists for closed
                    vocabularies and booleans, date and number validation;
``Instructions``    what the table is for and how to fill and name it (French);
``Dictionnaire``    one row per field: header, name, type, required, allowed values;
``listes``          hidden: the values offered by the drop-down lists.

Drop-down lists offer French labels ("Porteur de projet", "Très satisfait") that
``read_table`` folds back to the canonical values; :func:`choices` guarantees it (a label
that would not fold back is replaced by the canonical value).

Workbooks are reproducible: fixed document properties and zip timestamps, so generating a
template twice gives the same bytes (and an unchanged template is not rewritten).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vccap.errors import InputError
from vccap.excel_guide import (
    BOOLEAN_CHOICES,
    BORDER,
    DATE_FORMAT,
    DATE_RANGE,
    FILL_OPTIONAL,
    FILL_PERSONAL,
    FILL_REQUIRED,
    FIXED_TIME,
    FONT_HEADER,
    FONT_REQUIRED,
    HEADER_ALIGN,
    INTEGER_FORMAT,
    NUMBER_FORMAT,
    PERSONAL_NOTE,
    REFERENCE_NOUNS,
    TEMPLATE_ROWS,
    ZIP_TIME,
    choices,
    dictionary_sheet,
    instructions_sheet,
    number_format,
    number_text,
)
from vccap.normalize import fold
from vccap.schemas import SCHEMA_KINDS, TABLE_KINDS, Field, load_schema
from vccap.template_sheets import (
    LIST_OF_BOOLEANS,
    SHEET_DICTIONARY,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
)

__all__ = [
    "BOOLEAN_CHOICES",
    "DATE_FORMAT",
    "INTEGER_FORMAT",
    "NUMBER_FORMAT",
    "PERSONAL_NOTE",
    "SHEET_DICTIONARY",
    "SHEET_INSTRUCTIONS",
    "SHEET_LISTS",
    "TEMPLATE_ROWS",
    "choices",
    "template_bytes",
    "write_template",
    "write_templates",
]

# --------------------------------------------------------------------------- sheets


class _Lists:
    """The hidden sheet of drop-down values: one column per distinct list."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.columns: dict[tuple[str, ...], str] = {}

    def range_for(self, name: str, values: Sequence[str]) -> str:
        """The absolute range (``'listes'!$A$2:$A$7``) holding ``values``."""
        key = tuple(values)
        if key not in self.columns:
            j = len(self.columns) + 1
            header = self.sheet.cell(1, j, name)
            header.font = FONT_HEADER
            for i, value in enumerate(values, start=2):
                cell = self.sheet.cell(i, j)
                cell.value = value
                cell.data_type = "s"  # a name starting with "=" stays text
            letter = get_column_letter(j)
            self.sheet.column_dimensions[letter].width = max(12, *(len(v) + 2 for v in values))
            self.columns[key] = f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(values) + 1}"
        return self.columns[key]


def _validation(f: Field, lists: _Lists, references: Mapping[str, Sequence[str]]):
    """The data validation of a field's column, or None."""
    offered = choices(f)
    if offered:
        name = (f.echelle or f.name) if f.enum else LIST_OF_BOOLEANS
        dv = DataValidation(type="list", formula1=lists.range_for(name, offered), allow_blank=True)
        dv.errorTitle = "Valeur non prévue"
        dv.error = f"Choisissez une valeur dans la liste déroulante de la colonne « {f.title} »."
        dv.showErrorMessage = True
        return dv
    if f.reference is not None:
        names = _unique(references.get(f.reference.table, ()))
        if not names:
            return None
        formula = lists.range_for(f.reference.table, names)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        if f.reference.strict:
            dv.errorTitle = "Valeur non prévue"
            dv.error = (
                f"Choisissez {REFERENCE_NOUNS.get(f.reference.table, 'une valeur')} "
                f"de la liste (fichier {f.reference.table}.csv de l'espace de travail)."
            )
            dv.showErrorMessage = True
        else:  # a suggestion: free names are accepted
            dv.showErrorMessage = False
        return dv
    if f.type == "date":
        low, high = (str((d - dt.date(1899, 12, 30)).days) for d in DATE_RANGE)
        dv = DataValidation(
            type="date", operator="between", formula1=low, formula2=high, allow_blank=True
        )
        dv.errorTitle = "Date attendue"
        dv.error = "Écrivez une date, par exemple 15/06/2016."
        dv.showErrorMessage = True
        return dv
    if f.type in ("integer", "number"):
        kind = "whole" if f.type == "integer" else "decimal"
        noun = "un nombre entier" if f.type == "integer" else "un nombre"
        if f.minimum is not None:
            dv = DataValidation(
                type=kind,
                operator="greaterThanOrEqual",
                formula1=number_text(f.minimum).replace(",", "."),
                allow_blank=True,
            )
            dv.error = f"Écrivez {noun} supérieur ou égal à {number_text(f.minimum)}."
        else:
            dv = DataValidation(
                type=kind,
                operator="between",
                formula1="-999999999",
                formula2="999999999",
                allow_blank=True,
            )
            dv.error = f"Écrivez {noun}."
        dv.errorTitle = "Nombre attendu"
        dv.showErrorMessage = True
        return dv
    return None


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        text = str(value).strip()
        if text and fold(text) not in seen:
            seen[fold(text)] = text
    return list(seen.values())


def _comment(f: Field) -> Comment:
    parts = [f.description]
    if f.required:
        parts.append("Colonne obligatoire.")
    if f.personnel:
        parts.append(PERSONAL_NOTE + " (remplacée par un pseudonyme dès la lecture).")
    text = "\n\n".join(parts)
    comment = Comment(text, "vccap")
    comment.width = 320
    comment.height = 30 + 16 * math.ceil(len(text) / 45)
    return comment


def _width(f: Field, offered: Sequence[str]) -> float:
    if f.texte_libre or f.name in ("engagement", "commentaire"):
        return 50
    if f.type == "date":
        return 14
    longest = max([len(f.title), *(len(v) for v in offered)]) + 4
    return min(max(longest, 12), 40)


def _data_sheet(
    sheet: Worksheet,
    kind: str,
    lists: _Lists,
    references: Mapping[str, Sequence[str]],
    rows: int,
) -> None:
    schema = load_schema(kind)
    last_row = rows + 1
    for j, f in enumerate(schema.fields, start=1):
        letter = get_column_letter(j)
        cell = sheet.cell(1, j, f.title)
        if f.personnel:
            cell.fill, cell.font = FILL_PERSONAL, FONT_HEADER
        elif f.required:
            cell.fill, cell.font = FILL_REQUIRED, FONT_REQUIRED
        else:
            cell.fill, cell.font = FILL_OPTIONAL, FONT_HEADER
        cell.alignment = HEADER_ALIGN
        cell.border = BORDER
        cell.comment = _comment(f)
        sheet.column_dimensions[letter].width = _width(f, choices(f))
        cell_format = number_format(f)
        for i in range(2, last_row + 1):
            sheet.cell(i, j).number_format = cell_format
        dv = _validation(f, lists, references)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(dv)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(schema.fields))
    sheet.auto_filter.ref = f"A1:{last}{last_row}"


def _check_kind(kind: str) -> None:
    if kind not in SCHEMA_KINDS:
        raise ValueError(f"unknown table kind {kind!r}; known: {', '.join(SCHEMA_KINDS)}")


def _reproducible(data: bytes) -> bytes:
    """The same workbook with a fixed modification date and fixed zip timestamps."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    payload,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, payload)
    return out.getvalue()


def template_bytes(
    kind: str,
    *,
    references: Mapping[str, Sequence[str]] | None = None,
    rows: int = TEMPLATE_ROWS,
) -> bytes:
    """The blank template of table ``kind`` as XLSX bytes (same input, same bytes).

    ``references`` maps a reference table (``"territoires"``, ``"structures"``) to the
    names offered in the drop-down list of the fields that refer to it (a workspace's
    territory names, for instance); without it those columns are free text.
    """
    _check_kind(kind)
    frozen = tuple(sorted((table, tuple(names)) for table, names in (references or {}).items()))
    return _template_bytes(kind, frozen, rows)


@lru_cache(maxsize=32)
def _template_bytes(
    kind: str, references: tuple[tuple[str, tuple[str, ...]], ...], rows: int
) -> bytes:
    wb = Workbook()
    data = wb.active
    data.title = kind
    instructions = wb.create_sheet(SHEET_INSTRUCTIONS)
    dictionary = wb.create_sheet(SHEET_DICTIONARY)
    lists_sheet = wb.create_sheet(SHEET_LISTS)
    lists = _Lists(lists_sheet)
    _data_sheet(data, kind, lists, dict(references), rows)
    instructions_sheet(instructions, kind)
    dictionary_sheet(dictionary, kind)
    lists_sheet.sheet_state = "hidden"
    wb.active = 0
    props = wb.properties
    props.creator = "vccap"
    props.lastModifiedBy = "vccap"
    props.title = f"Modèle vccap : {load_schema(kind).title}"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible(buffer.getvalue())


def _refuse_existing(path: Path, data: bytes) -> None:
    if path.exists() and (not path.is_file() or path.read_bytes() != data):
        raise InputError(
            file=str(path),
            expected=(
                "un nom de fichier libre : vccap ne remplace pas un fichier existant "
                "(déplacez-le ou choisissez un autre dossier)"
            ),
            value=path.name,
            code="fichier_existant",
        )


def write_template(
    kind: str,
    path: Path,
    *,
    references: Mapping[str, Sequence[str]] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the blank template of table ``kind`` to ``path`` and return ``path``.

    An existing file with other content is never replaced unless ``overwrite`` is true
    (:class:`~vccap.errors.InputError`, code ``fichier_existant``): it may be a filled
    table. See :func:`template_bytes` for ``references``.
    """
    path = Path(path)
    data = template_bytes(kind, references=references)
    if not overwrite:
        _refuse_existing(path, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not (path.is_file() and path.read_bytes() == data):
        path.write_bytes(data)
    return path


def write_templates(
    kinds: Iterable[str],
    folder: Path,
    *,
    references: Mapping[str, Sequence[str]] | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write ``<kind>.xlsx`` for each kind into ``folder``; return the paths.

    Refuses (before writing anything) a folder that is an action's folder, where a blank
    template would be read as a table with no rows (code ``dossier_action``), and existing
    files with other content unless ``overwrite`` (code ``fichier_existant``).
    """
    folder = Path(folder)
    kinds = list(dict.fromkeys(kinds))
    for kind in kinds:
        _check_kind(kind)
    if (folder / "action.yml").exists() and any(k in TABLE_KINDS for k in kinds):
        raise InputError(
            file=str(folder),
            expected=(
                "un dossier qui n'est pas celui d'une action : un modèle vide y serait lu "
                "comme un tableau sans ligne ; utilisez par exemple le sous-dossier modeles/"
            ),
            value="dossier d'action (action.yml)",
            code="dossier_action",
        )
    payloads = {kind: template_bytes(kind, references=references) for kind in kinds}
    if not overwrite:
        for kind, data in payloads.items():
            _refuse_existing(folder / f"{kind}.xlsx", data)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, data in payloads.items():
        path = folder / f"{kind}.xlsx"
        if not (path.is_file() and path.read_bytes() == data):
            path.write_bytes(data)
        paths.append(path)
    return paths
