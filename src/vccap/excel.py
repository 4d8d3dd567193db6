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
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vccap.errors import InputError
from vccap.normalize import fold
from vccap.schemas import REFERENCE_TABLES, SCHEMA_KINDS, TABLE_KINDS, Field, load_schema

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

TEMPLATE_ROWS = 500
"""Pre-formatted empty rows (with validations) under the header row."""

SHEET_INSTRUCTIONS = "Instructions"
SHEET_DICTIONARY = "Dictionnaire"
SHEET_LISTS = "listes"

DATE_FORMAT = "DD/MM/YYYY"
NUMBER_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
TEXT_FORMAT = "@"
PERSONAL_NOTE = "Donnée personnelle : jamais publiée"
BOOLEAN_CHOICES = ("oui", "non")

# Fixed document date, so that generating a template twice gives the same bytes.
_FIXED_TIME = dt.datetime(2016, 1, 1)
_ZIP_TIME = (2016, 1, 1, 0, 0, 0)
_DATE_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))

# French labels offered in the drop-down lists (folded, each gives back its canonical value;
# checked by :func:`choices`). Values absent here are shown as "Canonical value".
_LABELS = {
    "porteur_de_projet": "Porteur de projet",
    "partenaire": "Partenaire",
    "technicien_territoire": "Technicien de territoire",
    "elu": "Élu",
    "intervenant": "Intervenant",
    "autre": "Autre",
    "agriculture_alimentation": "Agriculture, alimentation",
    "numerique": "Numérique",
    "economie_circulaire": "Économie circulaire",
    "sante_social": "Santé, social",
    "idee": "Idée",
    "reflexion": "Réflexion",
    "preparation": "Préparation",
    "pret": "Prêt",
    "creation": "Création",
    "rendez_vous": "Rendez-vous",
    "visite_territoire": "Visite du territoire",
    "tres_satisfait": "Très satisfait",
    "periurbain": "Périurbain",
}

_TYPE_NAMES = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "date": "date",
    "boolean": "oui / non",
}
_REFERENCE_NOUNS = {"territoires": "un territoire", "structures": "une structure"}

# House style.
_DARK = "1F4E79"
_FILL_REQUIRED = PatternFill("solid", fgColor=_DARK)
_FILL_OPTIONAL = PatternFill("solid", fgColor="DDEBF7")
_FILL_PERSONAL = PatternFill("solid", fgColor="F8CBAD")
_FONT_REQUIRED = Font(bold=True, color="FFFFFF")
_FONT_HEADER = Font(bold=True, color="000000")
_FONT_TITLE = Font(bold=True, size=14, color=_DARK)
_FONT_SECTION = Font(bold=True, size=12, color=_DARK)
_THIN = Side(style="thin", color="9BC2E6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


# --------------------------------------------------------------------------- values offered


def _label(canonical: str) -> str:
    return _LABELS.get(canonical) or canonical.replace("_", " ").capitalize()


def choices(f: Field) -> list[str]:
    """The values a drop-down list offers for ``f``, in schema order.

    For a closed vocabulary, one French label per canonical value, each folding back to
    it through the schema (so ``read_table`` reads the label as the canonical value); for
    a boolean, ``oui`` and ``non``; otherwise an empty list.
    """
    if f.enum:
        mapping = f.value_map()
        out = []
        for canonical in f.enum:
            label = _label(canonical)
            out.append(label if mapping.get(fold(label)) == canonical else canonical)
        return out
    if f.type == "boolean":
        truthy = {fold(v) for v in f.true_values} or {"oui"}
        falsy = {fold(v) for v in f.false_values} or {"non"}
        if BOOLEAN_CHOICES[0] in truthy and BOOLEAN_CHOICES[1] in falsy:
            return list(BOOLEAN_CHOICES)
        return [(f.true_values or ("oui",))[0], (f.false_values or ("non",))[0]]
    return []


def _scale_hint(f: Field) -> str:
    digits = sorted((k for k in f.synonyms if k.isdigit()), key=int)
    return f" (ou une note de {digits[-1]} à {digits[0]})" if digits else ""


def _number_text(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _allowed_values(f: Field) -> str:
    """What the Dictionnaire says a field accepts (French)."""
    if f.enum:
        return " ; ".join(choices(f)) + _scale_hint(f)
    if f.type == "boolean":
        return "oui, non (aussi vrai/faux, 1/0, ou « x » pour une case cochée)"
    if f.type == "date":
        return "une date : 15/06/2016 (ou 2016-06-15)"
    if f.type in ("integer", "number"):
        kind = "un nombre entier" if f.type == "integer" else "un nombre (virgule décimale)"
        if f.minimum is not None:
            return f"{kind}, {_number_text(f.minimum)} ou plus"
        return kind
    if f.reference is not None:
        noun = _REFERENCE_NOUNS.get(f.reference.table, "une valeur")
        text = f"{noun} de {f.reference.table}.csv (identifiant ou nom)"
        return text if f.reference.strict else text + ", ou un nom libre"
    if f.format == "code_postal":
        return "5 chiffres (ex. 07150)"
    if f.format == "departement":
        return "numéro de département (ex. 07)"
    return "texte libre"


def _type_name(f: Field) -> str:
    if f.enum:
        return "liste"
    return _TYPE_NAMES.get(f.type, f.type)


def _number_format(f: Field) -> str:
    return {
        "date": DATE_FORMAT,
        "number": NUMBER_FORMAT,
        "integer": INTEGER_FORMAT,
    }.get(f.type, TEXT_FORMAT)


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
            header.font = _FONT_HEADER
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
        name = (f.echelle or f.name) if f.enum else "oui_non"
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
                f"Choisissez {_REFERENCE_NOUNS.get(f.reference.table, 'une valeur')} "
                f"de la liste (fichier {f.reference.table}.csv de l'espace de travail)."
            )
            dv.showErrorMessage = True
        else:  # a suggestion: free names are accepted
            dv.showErrorMessage = False
        return dv
    if f.type == "date":
        low, high = (str((d - dt.date(1899, 12, 30)).days) for d in _DATE_RANGE)
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
                formula1=_number_text(f.minimum).replace(",", "."),
                allow_blank=True,
            )
            dv.error = f"Écrivez {noun} supérieur ou égal à {_number_text(f.minimum)}."
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
            cell.fill, cell.font = _FILL_PERSONAL, _FONT_HEADER
        elif f.required:
            cell.fill, cell.font = _FILL_REQUIRED, _FONT_REQUIRED
        else:
            cell.fill, cell.font = _FILL_OPTIONAL, _FONT_HEADER
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER
        cell.comment = _comment(f)
        sheet.column_dimensions[letter].width = _width(f, choices(f))
        number_format = _number_format(f)
        for i in range(2, last_row + 1):
            sheet.cell(i, j).number_format = number_format
        dv = _validation(f, lists, references)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(dv)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(schema.fields))
    sheet.auto_filter.ref = f"A1:{last}{last_row}"


def _file_instructions(kind: str) -> list[str]:
    if kind in REFERENCE_TABLES:
        return [
            f"Enregistrez ce tableau au format CSV (« CSV UTF-8 » dans Excel) sous le nom "
            f"{kind}.csv, à la racine de l'espace de travail (à côté de demarche.yml). "
            f"Le fichier {kind}.csv de l'espace est le seul lu par vccap.",
        ]
    return [
        f"Enregistrez le classeur au format Excel (.xlsx) sous le nom {kind}.xlsx, dans le "
        f"dossier de l'action : actions/<identifiant-de-l-action>/{kind}.xlsx (par exemple "
        f"actions/2016-06-salon-entrepreneurs-lyon/{kind}.xlsx).",
        f"Un seul fichier « {kind} » par action : pas de {kind}.csv en plus du {kind}.xlsx.",
        "Ne déposez dans le dossier de l'action que des tableaux remplis : un modèle vide "
        "y serait lu comme un tableau sans aucune ligne (les indicateurs vaudraient 0 au lieu "
        "de « non mesuré »). Les modèles vierges restent dans le sous-dossier modeles/.",
    ]


def _instructions_sheet(sheet: Worksheet, kind: str) -> None:
    schema = load_schema(kind)
    fields = schema.fields
    required = [f.title for f in fields if f.required]
    listed = [f.title for f in fields if f.enum]
    booleans = [f.title for f in fields if f.type == "boolean"]
    dates = [f.title for f in fields if f.type == "date"]
    numbers = [f.title for f in fields if f.type in ("integer", "number")]
    personal = [f.title for f in fields if f.personnel]
    references = [f for f in fields if f.reference is not None]

    def quoted(titles: Sequence[str]) -> str:
        return ", ".join(f"« {t} »" for t in titles)

    how = [
        f"Remplissez la première feuille, « {kind} » : une ligne par enregistrement, à partir "
        "de la ligne 2, sans ligne vide au milieu ni ligne de total.",
        "Gardez la ligne des titres de colonnes telle quelle. L'ordre des colonnes n'a pas "
        "d'importance ; une colonne ajoutée est ignorée ; une colonne facultative peut rester "
        "vide ou être supprimée.",
        (
            f"Colonnes obligatoires (titre sur fond bleu foncé) : {quoted(required)}. "
            "Une ligne où l'une d'elles est vide est signalée."
            if required
            else "Aucune colonne n'est obligatoire : laissez vide ce que vous ne savez pas."
        ),
    ]
    if listed:
        how.append(
            f"Listes déroulantes ({quoted(listed)}) : choisissez une valeur proposée. "
            "Majuscules, accents et espaces n'ont pas d'importance."
        )
    if booleans:
        how.append(f"Oui / non ({quoted(booleans)}) : choisissez « oui » ou « non ».")
    if dates:
        how.append(f"Dates ({quoted(dates)}) : jour/mois/année, par exemple 15/06/2016.")
    if numbers:
        how.append(
            f"Nombres ({quoted(numbers)}) : des chiffres seuls, virgule pour les décimales "
            "(1234,50), sans le symbole €."
        )
    for f in references:
        table = f.reference.table
        noun = _REFERENCE_NOUNS.get(table, "une valeur")
        extra = "" if f.reference.strict else " ; un nom libre est accepté s'il n'y figure pas"
        how.append(
            f"« {f.title} » : {noun} du fichier {table}.csv de l'espace de travail, "
            f"par son identifiant ou son nom{extra}."
        )
    how.append(
        "Survolez un titre de colonne pour lire sa description ; la feuille « Dictionnaire » "
        "décrit chaque colonne et les valeurs permises."
    )

    free_text = [f.title for f in fields if f.texte_libre and not f.personnel]
    privacy = [
        "Le fichier rempli reste dans l'espace de travail : seuls des chiffres agrégés sont "
        "publiés, et un effectif inférieur au seuil de confidentialité n'est jamais affiché."
    ]
    if personal:
        privacy.append(
            f"Les colonnes {quoted(personal)} (titre sur fond orange) contiennent des données "
            "personnelles : vccap les remplace par un pseudonyme dès la lecture et ne les publie "
            "jamais (ni dans les bilans, ni dans le site). Ne transmettez pas ce fichier rempli "
            "en dehors de l'équipe projet."
        )
    if free_text:
        privacy.append(
            f"Texte libre ({quoted(free_text)}) : n'y écrivez ni nom, ni courriel, ni numéro de "
            "téléphone ; vccap retire ceux qu'il reconnaît avant toute publication."
        )
    check = [
        "Vérifiez le fichier avec la commande : vccap validate ESPACE (ESPACE : le dossier de "
        "l'espace de travail). Chaque problème est signalé avec le fichier, la ligne, la "
        "colonne, la valeur et ce qui était attendu.",
        "Les feuilles « Instructions » et « Dictionnaire » peuvent rester dans le classeur : "
        "vccap ne lit que la première feuille.",
    ]

    sheet.column_dimensions["A"].width = 110
    row = 1

    def put(text: str, font: Font | None = None, fill: PatternFill | None = None) -> None:
        nonlocal row
        cell = sheet.cell(row, 1, text)
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        row += 1

    put(f"Modèle de tableau « {schema.title} » ({kind})", _FONT_TITLE)
    put(schema.description)
    row += 1
    for title, lines in (
        ("Comment remplir ce tableau", how),
        ("Données personnelles", privacy),
        ("Enregistrer le fichier", _file_instructions(kind)),
        ("Vérifier", check),
    ):
        put(title, _FONT_SECTION)
        for line in lines:
            put("• " + line)
        row += 1
    put("Couleurs des titres de colonnes", _FONT_SECTION)
    put("Colonne obligatoire", _FONT_REQUIRED, _FILL_REQUIRED)
    put("Colonne facultative", _FONT_HEADER, _FILL_OPTIONAL)
    put(PERSONAL_NOTE, _FONT_HEADER, _FILL_PERSONAL)
    row += 1
    put(
        f"Modèle produit par vccap à partir du schéma de la table « {kind} ».",
        Font(italic=True, color="595959"),
    )


DICTIONARY_HEADERS = (
    "Colonne",
    "Nom technique",
    "Type",
    "Obligatoire",
    "Valeurs permises",
    "Description",
    "Donnée personnelle",
)


def _dictionary_sheet(sheet: Worksheet, kind: str) -> None:
    widths = (24, 22, 14, 12, 50, 70, 12)
    for j, (header, width) in enumerate(zip(DICTIONARY_HEADERS, widths, strict=True), start=1):
        cell = sheet.cell(1, j, header)
        cell.fill, cell.font, cell.alignment = _FILL_REQUIRED, _FONT_REQUIRED, _HEADER_ALIGN
        sheet.column_dimensions[get_column_letter(j)].width = width
    for i, f in enumerate(load_schema(kind).fields, start=2):
        values = (
            f.title,
            f.name,
            _type_name(f),
            "oui" if f.required else "non",
            _allowed_values(f),
            f.description,
            "oui" if f.personnel else "non",
        )
        for j, value in enumerate(values, start=1):
            cell = sheet.cell(i, j, value)
            cell.alignment = _WRAP
            cell.border = _BORDER
    sheet.freeze_panes = "A2"


# --------------------------------------------------------------------------- workbooks


def _check_kind(kind: str) -> None:
    if kind not in SCHEMA_KINDS:
        raise ValueError(f"unknown table kind {kind!r}; known: {', '.join(SCHEMA_KINDS)}")


def _reproducible(data: bytes) -> bytes:
    """The same workbook with a fixed modification date and fixed zip timestamps."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
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
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
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
    _instructions_sheet(instructions, kind)
    _dictionary_sheet(dictionary, kind)
    lists_sheet.sheet_state = "hidden"
    wb.active = 0
    props = wb.properties
    props.creator = "vccap"
    props.lastModifiedBy = "vccap"
    props.title = f"Modèle vccap : {load_schema(kind).title}"
    props.created = _FIXED_TIME
    props.modified = _FIXED_TIME
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
