"""French formatting of numbers, shares, amounts and dates (babel)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "fr_FR"
NBSP = "\u202f"  # narrow no-break space, as babel uses for French thousands


def nombre(value: float | int | None, decimals: int = 1) -> str:
    """1 234,5 — integers without decimals; None -> '—'."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return format_decimal(int(value), format="#,##0", locale=LOCALE)
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALE)


def part(value: float | None, decimals: int = 0) -> str:
    """A share between 0 and 1 as a French percentage: 0.875 -> '88 %'."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    return format_percent(value, format=pattern, locale=LOCALE)


def euros(value: float | None) -> str:
    """An amount in euros, one rule whatever its size: whole euros without decimals
    (4 500 €, 95 €), anything else with its two cents (1 234,50 €, 62,23 €).

    The amount is first rounded to the cent (a computed 954.999999 is 955 €). None -> '—'.
    """
    if value is None:
        return "—"
    cents = round(float(value) * 100)
    if cents % 100 == 0:
        return format_decimal(cents // 100, format="#,##0", locale=LOCALE) + "\u00a0€"
    return format_decimal(cents / 100, format="#,##0.00", locale=LOCALE) + "\u00a0€"


def date(value: dt.date | None) -> str:
    """15 juin 2016 (1er for the first day of a month)."""
    if value is None:
        return "date non renseignée"
    text = format_date(value, format="d MMMM y", locale=LOCALE)
    if value.day == 1:
        text = "1er" + text[1:]
    return text


def periode(start: dt.date | None, end: dt.date | None) -> str:
    """'15 juin 2016', '15-16 juin 2016', '30 juin – 2 juillet 2016'."""
    if start is None:
        return "date non renseignée"
    if end is None or end == start:
        return date(start)
    if (start.year, start.month) == (end.year, end.month):
        first = "1er" if start.day == 1 else str(start.day)
        return f"{first}-{date(end)}"
    if start.year == end.year:
        return f"{date(start).rsplit(' ', 1)[0]} – {date(end)}"
    return f"{date(start)} – {date(end)}"


UNITS = {
    "personnes": ("personne", "personnes"),
    "structures": ("structure", "structures"),
    "territoires": ("territoire", "territoires"),
    "evenements": ("événement", "événements"),
    "reponses": ("réponse", "réponses"),
    "projets": ("projet", "projets"),
}


def valeur(value: float | None, unite: str) -> str:
    """An indicator's value in its unit, the French way."""
    if value is None:
        return "non mesuré"
    if unite == "part":
        return part(value)
    if unite in ("euros", "euros_par_personne"):
        return euros(value)
    return nombre(value)


# --------------------------------------------------------------------------- names with articles

#: The articles a territory's name may take (``article`` column of territoires.csv);
#: ``aucun``: the name takes none (« Saint-Étienne Métropole », « Oyonnax »).
ARTICLES = ("le", "la", "les", "l'", "aucun")
_CONTRACTED = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
_VOWELS = tuple("aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸŒÆ")


def avec_article(nom: str, article: str | None, preposition: str = "") -> str:
    """A name with its article after an optional preposition, the French way.

    ``article`` is one of :data:`ARTICLES`; empty or None means "not given": the name is
    then introduced by « le territoire » (« du territoire CC Pays Diois »), which needs no
    article of its own. ``preposition``: "" (subject or object), "de", "à", or any other
    word that does not contract ("avec", "pour"…).

    >>> avec_article("CC Pays Diois", "la", "de")
    'de la CC Pays Diois'
    >>> avec_article("Site de proximité du Roannais", "le", "à")
    'au Site de proximité du Roannais'
    >>> avec_article("Oyonnax", "aucun", "de")
    "d'Oyonnax"
    """
    art = (article or "").strip().lower().replace("\u2019", "'")
    if art not in ARTICLES:  # not given: a phrasing that needs no article
        nom, art = f"territoire {nom}", "le"
    if art == "aucun":
        if preposition == "de" and nom.startswith(_VOWELS):
            return f"d'{nom}"
        return f"{preposition} {nom}".strip()
    contracted = _CONTRACTED.get((preposition, art))
    if contracted:
        return f"{contracted} {nom}"
    head = f"{art}{nom}" if art == "l'" else f"{art} {nom}"
    return f"{preposition} {head}".strip()


def initiale(text: str) -> str:
    """The text with its first letter in capitals (« le Pays Diois » -> « Le Pays Diois »)."""
    return text[:1].upper() + text[1:]
