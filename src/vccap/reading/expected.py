"""What the reading layer says it expected, in French (shown after « attendu : »)."""

from __future__ import annotations

EXPECTED_DATE = "une date (2016-06-15 ou 15/06/2016)"
EXPECTED_NUMBER = "un nombre (1234,5)"
EXPECTED_INTEGER = "un nombre entier (12)"
EXPECTED_REQUIRED = "une valeur (colonne obligatoire)"
EXPECTED_BOOLEAN = "oui ou non"
EXPECTED_EMPTY_FILE = "un tableau avec une ligne de titres de colonnes"
EXPECTED_TEXT_FILE = "un fichier CSV (texte en UTF-8 ou Windows-1252) ou un classeur XLSX"
EXPECTED_XLSX = "un classeur XLSX lisible (ce fichier est endommagé ou n'est pas un classeur)"
EXPECTED_OLD_FORMAT = (
    "un classeur .xlsx ou un fichier .csv (enregistrez-le sous l'un de ces formats "
    "depuis le tableur)"
)
EXPECTED_PASSWORD = (
    "un classeur sans mot de passe : ce fichier est protégé par un mot de passe ; "
    "enregistrez-en une copie sans mot de passe (Fichier > Informations > Protéger le classeur)"
)
EXPECTED_FORMULA = (
    "une valeur calculée : la cellule contient une formule jamais calculée (fichier produit "
    "par un programme) ; ouvrez et enregistrez le fichier dans votre tableur"
)
EXPECTED_MAC = (
    "un texte lisible : ce fichier semble enregistré avec l'encodage Mac (« CSV Macintosh ») "
    "mais ne se lit pas correctement ; enregistrez-le en « CSV UTF-8 »"
)
EXPECTED_ENCODING = (
    "un texte lisible : l'encodage de ce fichier n'a pas pu être reconnu avec certitude ; "
    "enregistrez-le en « CSV UTF-8 »"
)
EXPECTED_MIXED = (
    "un fichier dans un seul encodage : la plupart des lignes sont en {most}, mais {lines} "
    "{what} ; vccap ne devine pas : ouvrez le fichier dans un éditeur de texte, retapez "
    "{its} lettres accentuées, puis enregistrez-le en UTF-8"
)
EXPECTED_QUOTE = (
    "un guillemet fermant : un guillemet ouvert à cette ligne n'est jamais refermé et avale "
    "les lignes suivantes ; fermez-le ou supprimez-le"
)
EXPECTED_TOO_WIDE = (
    "un tableau d'au plus {limit} colonnes (ce fichier en compte {count} : ce n'est pas un "
    "tableau de vccap)"
)
EXPECTED_LONG_CELL = "une cellule d'au plus {limit} caractères (celle-ci en compte {count})"
EXPECTED_HUGE_SHEET = (
    "une feuille de taille raisonnable : une cellule est remplie très loin du tableau "
    "({cell}) ; supprimez les lignes et colonnes vides au-delà du tableau"
)
EXPECTED_NO_COLUMN = (
    "au moins une colonne reconnue ({names}) : aucun titre de colonne de ce fichier "
    "n'est un champ de la table « {kind} »"
)
EXPECTED_AMOUNT_DECIMALS = (
    "un montant avec au plus deux décimales (un point ou une virgule de séparateur de milliers ?)"
)
EXPECTED_AMBIGUOUS_DATE = (
    "une date sans ambiguïté : la colonne mélange des dates jour/mois (31/12/2016) et "
    "mois/jour (12/31/2016) ; écrivez-les 2016-12-31"
)
EXPECTED_AMBIGUOUS_DATE_VALUE = (
    "une date sans ambiguïté : la colonne mélange des dates jour/mois et mois/jour, et "
    "« {value} » peut être le {day_first} (jour/mois) ou le {month_first} (mois/jour) ; "
    "écrivez {iso_day} ou {iso_month}"
)
EXPECTED_MIXED_ORDERS = (
    "la colonne mélange des dates écrites jour/mois ({day_first}) et mois/jour "
    "({month_first}) : chacune est lue dans le seul ordre possible, et celles qui se lisent "
    "dans les deux sens sont signalées à part ; vérifiez la colonne (le plus sûr : des dates "
    "écrites {iso})"
)
EXPECTED_SCALE = (
    "une note de l'échelle {low} à {high} : la colonne contient la note {value}, hors de "
    "l'échelle déclarée ; si le questionnaire utilise une autre échelle, déclarez-la dans "
    "action.yml (par exemple « echelle: 1-5 »)"
)
EXPECTED_TABLE_NAME = (
    "un nom de tableau reconnu : participants, contacts, satisfaction, suivi, evenements ou "
    "couts (.csv, .xlsx, .ods ou .xls)"
)
EXPECTED_WEB_PAGE = (
    "un classeur ou un CSV : ce fichier est une page web (HTML ou XML) enregistrée sous un nom "
    "de tableur ; ouvrez-le dans le tableur et enregistrez-le en .xlsx ou en .csv"
)
