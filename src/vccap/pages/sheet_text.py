"""Text and data helpers of the method sheets: editions, deadlines, abstracts, lists.

Pure functions (no page state): :class:`Edition` (one realised action of a type with its
tables, indicators and debrief), :func:`edition_labels`, the rétroplanning's wording
(:func:`jour_label`, :func:`delai_texte`), the practice abstract's cut
(:func:`truncate_abstract`), markdown lists (:func:`bullets`) and ranges (:func:`value_range`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markdown_it import MarkdownIt

from vccap import fmt
from vccap.indicators import IndicatorValue, ObjectiveResult
from vccap.model import Action, Debrief

ABSTRACT_LIMIT = 1500
CHECKBOX = "☐"
WORKED = "Ce qui a fonctionné"
DIFFICULTIES = "Difficultés"
TO_CHANGE = "À faire évoluer"
ADVICE = "Conseils pour transférer"

_INLINE = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")
_SENTENCE_END_RE = re.compile(r"[.!?…](?=\s|$)")


def jour_label(jours_avant: int | float) -> str:
    """A rétroplanning deadline: 180 -> 'J-180', 0 -> 'Jour J', -7 -> 'J+7'."""
    days = int(jours_avant)
    if days == 0:
        return "Jour J"
    return f"J-{days}" if days > 0 else f"J+{-days}"


def delai_texte(jours_avant: int | float) -> str:
    """The same deadline in words: '6 mois avant', '2 semaines avant', '1 semaine après'."""
    days = int(jours_avant)
    if days == 0:
        return "le jour même"
    n = abs(days)
    if n % 30 == 0:
        amount = f"{n // 30} mois"
    elif n % 7 == 0:
        weeks = n // 7
        amount = f"{weeks} semaine{'s' if weeks > 1 else ''}"
    else:
        amount = f"{n} jour{'s' if n > 1 else ''}"
    return amount + (" avant" if days > 0 else " après")


def truncate_abstract(text: str, limit: int = ABSTRACT_LIMIT) -> str:
    """``text`` cut at its last complete sentence, with '…', so that it fits in ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - 2]
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(room)]
    if ends and ends[-1] > limit // 3:
        cut = room[: ends[-1]].rstrip()
    else:  # no sentence end far enough: cut at a word
        cut = room.rsplit(" ", 1)[0].rstrip(" ,;:")
    result = cut + " …"
    assert len(result) <= limit, len(result)
    return result


def bullets(text: str) -> list[str]:
    """The items of a markdown list ('- ', '* ', '1. '); paragraphs when there is no list."""
    items: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            items.append(" ".join(paragraph))
            paragraph.clear()

    last_was_item = False
    for line in (text or "").splitlines():
        match = _BULLET_RE.match(line)
        if match:
            flush()
            items.append(match.group(1))
            last_was_item = True
        elif not line.strip():
            flush()
            last_was_item = False
        elif last_was_item and line[:1].isspace():
            items[-1] += " " + line.strip()
        else:
            paragraph.append(line.strip())
            last_was_item = False
    flush()
    return [i.strip() for i in items if i.strip()]


def inline(text: str) -> str:
    """One line of markdown to HTML without a paragraph (raw HTML comes out escaped)."""
    return _INLINE.renderInline(text or "")


def lower_first(text: str) -> str:
    """'Répartir les coûts' -> 'répartir les coûts' (acronyms such as 'CCI' are kept)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


# --------------------------------------------------------------------------- editions


@dataclass
class Edition:
    """One realised action of the type, with its tables, indicators and debrief."""

    action: Action
    tables: dict[str, pd.DataFrame]
    values: dict[str, IndicatorValue]
    objectives: list[ObjectiveResult]
    debrief: Debrief | None
    label: str = ""
    rows: dict[str, int | None] = field(default_factory=dict)  # published row counts

    @property
    def periode(self) -> str:
        return fmt.periode(self.action.date_debut, self.action.date_fin)

    @property
    def audience(self) -> tuple[str, pd.DataFrame] | None:
        """Who was reached: contacts for stands, else participants (as in the reports)."""
        for kind in ("contacts", "participants"):
            df = self.tables.get(kind)
            if df is not None and len(df):
                return kind, df
        return None

    def value(self, indicator: str) -> float | None:
        v = self.values.get(indicator)
        return v.valeur if v is not None else None

    def section(self, heading: str) -> str:
        return self.debrief.section(heading) if self.debrief else ""


def edition_labels(editions: list[Edition]) -> None:
    """'2016' when the year is enough, else 'mai 2017', else 'mai 2017 (Lyon)'."""
    years: dict[Any, int] = {}
    for e in editions:
        years[e.action.annee] = years.get(e.action.annee, 0) + 1
    months: dict[str, int] = {}
    for e in editions:
        d = e.action.date_debut
        if years[e.action.annee] == 1 or d is None:
            e.label = str(e.action.annee or e.action.id)
        else:
            e.label = fmt.date(d).split(" ", 1)[1]
        months[e.label] = months.get(e.label, 0) + 1
    for e in editions:
        if months[e.label] > 1:
            e.label += f" ({e.action.lieu or e.action.id})"


def value_range(values: Iterable[float | None], show) -> str:
    """'94 – 110', a single value when all are equal, '—' when none is known."""
    known = [v for v in values if v is not None]
    if not known:
        return "—"
    low, high = min(known), max(known)
    return show(low) if low == high else f"{show(low)} – {show(high)}"
