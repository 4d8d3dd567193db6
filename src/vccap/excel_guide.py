"""The French guide inside each Excel template: what a drop-down offers, the Instructions
sheet and the Dictionnaire sheet, all from the table schemas.

Used by :mod:`vccap.excel`, which writes the workbooks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vccap.normalize import fold
from vccap.schemas import REFERENCE_TABLES, Field, load_schema
from vccap.template_sheets import DICTIONARY_HEADERS, INSTRUCTIONS_TITLE

TEMPLATE_ROWS = 500
"""Pre-formatted empty rows (with validations) under the header row."""


DATE_FORMAT = "DD/MM/YYYY"
NUMBER_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
TEXT_FORMAT = "@"
PERSONAL_NOTE = "Donnée personnelle : jamais publiée"
BOOLEAN_CHOICES = ("oui", "non")

# Fixed document date, so that generating a template twice gives the same bytes.
FIXED_TIME = dt.datetime(2016, 1, 1)
ZIP_TIME = (2016, 1, 1, 0, 0, 0)
DATE_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))

# French labels offered in the drop-down lists (folded, each gives back its canonical value;
# checked by :func:`choices`). Values absent here are shown as "Canonical value".
LABELS = {
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

TYPE_NAMES = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "date": "date",
    "boolean": "oui / non",
}
REFERENCE_NOUNS = {"territoires": "un territoire", "structures": "une structure"}

# House style.
DARK = "1F4E79"
FILL_REQUIRED = PatternFill("solid", fgColor=DARK)
FILL_OPTIONAL = PatternFill("solid", fgColor="DDEBF7")
FILL_PERSONAL = PatternFill("solid", fgColor="F8CBAD")
FONT_REQUIRED = Font(bold=True, color="FFFFFF")
FONT_HEADER = Font(bold=True, color="000000")
FONT_TITLE = Font(bold=True, size=14, color=DARK)
FONT_SECTION = Font(bold=True, size=12, color=DARK)
THIN = Side(style="thin", color="9BC2E6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


# --------------------------------------------------------------------------- values offered


def label(canonical: str) -> str:
    return LABELS.get(canonical) or canonical.replace("_", " ").capitalize()


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
            text = label(canonical)
            out.append(text if mapping.get(fold(text)) == canonical else canonical)
        return out
    if f.type == "boolean":
        truthy = {fold(v) for v in f.true_values} or {"oui"}
        falsy = {fold(v) for v in f.false_values} or {"non"}
        if BOOLEAN_CHOICES[0] in truthy and BOOLEAN_CHOICES[1] in falsy:
            return list(BOOLEAN_CHOICES)
        return [(f.true_values or ("oui",))[0], (f.false_values or ("non",))[0]]
    return []


def scale_hint(f: Field) -> str:
    digits = sorted((k for k in f.synonyms if k.isdigit()), key=int)
    return f" (ou une note de {digits[-1]} à {digits[0]})" if digits else ""


def number_text(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def allowed_values(f: Field) -> str:
    """What the Dictionnaire says a field accepts (French)."""
    if f.enum:
        return " ; ".join(choices(f)) + scale_hint(f)
    if f.type == "boolean":
        return "oui, non (aussi vrai/faux, 1/0, ou « x » pour une case cochée)"
    if f.type == "date":
        return "une date : 15/06/2016 (ou 2016-06-15)"
    if f.type in ("integer", "number"):
        kind = "un nombre entier" if f.type == "integer" else "un nombre (virgule décimale)"
        if f.minimum is not None:
            return f"{kind}, {number_text(f.minimum)} ou plus"
        return kind
    if f.reference is not None:
        noun = REFERENCE_NOUNS.get(f.reference.table, "une valeur")
        text = f"{noun} de {f.reference.table}.csv (identifiant ou nom)"
        return text if f.reference.strict else text + ", ou un nom libre"
    if f.format == "code_postal":
        return "5 chiffres (ex. 07150)"
    if f.format == "departement":
        return "numéro de département (ex. 07)"
    return "texte libre"


def type_name(f: Field) -> str:
    if f.enum:
        return "liste"
    return TYPE_NAMES.get(f.type, f.type)


def number_format(f: Field) -> str:
    return {
        "date": DATE_FORMAT,
        "number": NUMBER_FORMAT,
        "integer": INTEGER_FORMAT,
    }.get(f.type, TEXT_FORMAT)


def file_instructions(kind: str) -> list[str]:
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


def instructions_sheet(sheet: Worksheet, kind: str) -> None:
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
        noun = REFERENCE_NOUNS.get(table, "une valeur")
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
        cell.alignment = WRAP
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        row += 1

    put(INSTRUCTIONS_TITLE.format(title=schema.title, kind=kind), FONT_TITLE)
    put(schema.description)
    row += 1
    for title, lines in (
        ("Comment remplir ce tableau", how),
        ("Données personnelles", privacy),
        ("Enregistrer le fichier", file_instructions(kind)),
        ("Vérifier", check),
    ):
        put(title, FONT_SECTION)
        for line in lines:
            put("• " + line)
        row += 1
    put("Couleurs des titres de colonnes", FONT_SECTION)
    put("Colonne obligatoire", FONT_REQUIRED, FILL_REQUIRED)
    put("Colonne facultative", FONT_HEADER, FILL_OPTIONAL)
    put(PERSONAL_NOTE, FONT_HEADER, FILL_PERSONAL)
    row += 1
    put(
        f"Modèle produit par vccap à partir du schéma de la table « {kind} ».",
        Font(italic=True, color="595959"),
    )


def dictionary_sheet(sheet: Worksheet, kind: str) -> None:
    widths = (24, 22, 14, 12, 50, 70, 12)
    for j, (header, width) in enumerate(zip(DICTIONARY_HEADERS, widths, strict=True), start=1):
        cell = sheet.cell(1, j, header)
        cell.fill, cell.font, cell.alignment = FILL_REQUIRED, FONT_REQUIRED, HEADER_ALIGN
        sheet.column_dimensions[get_column_letter(j)].width = width
    for i, f in enumerate(load_schema(kind).fields, start=2):
        values = (
            f.title,
            f.name,
            type_name(f),
            "oui" if f.required else "non",
            allowed_values(f),
            f.description,
            "oui" if f.personnel else "non",
        )
        for j, value in enumerate(values, start=1):
            cell = sheet.cell(i, j, value)
            cell.alignment = WRAP
            cell.border = BORDER
    sheet.freeze_panes = "A2"


# --------------------------------------------------------------------------- workbooks
