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


def euros(value: float | None, decimals: int | None = None) -> str:
    """4 500 € ; 33,33 € when cents matter."""
    if value is None:
        return "—"
    if decimals is None:
        decimals = 0 if float(value).is_integer() or abs(value) >= 1000 else 2
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE) + "\u00a0€"


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
    if unite == "euros":
        return euros(value)
    if unite == "euros_par_personne":
        return euros(value, decimals=0 if value >= 100 else 2)
    return nombre(value)
