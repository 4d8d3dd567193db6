"""What a page adds to its summary for the open data: its published figures, as shown.

The pages call these functions from ``summary()`` (the machine-readable summary the build
keeps and the index reads). Only what the page shows goes in: a value the disclosure policy
hides is recorded as « non publié » without its value, and every number is the text the
page writes (``"41 %"``, ``"8 400 €"``), so that the data package gives no more precision
than the page (a share rounded to the percent stays rounded; see
:mod:`vccap.opendata.package`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vccap import fmt
from vccap.indicators import IndicatorValue, ObjectiveResult

PUBLISHED = "publie"
NOT_PUBLISHED = "non_publie"
NOT_MEASURED = "non_mesure"


def indicator_records(
    values: Mapping[str, IndicatorValue], hidden: Iterable[str]
) -> list[dict[str, Any]]:
    """Each indicator of an action as its report shows it: ``{id, libelle, unite, affiche,
    etat}`` where ``affiche`` is the French text of the value (None unless published) and
    ``etat`` is ``publie``, ``non_publie`` (hidden by the disclosure policy) or
    ``non_mesure``."""
    masked = set(hidden)
    out = []
    for key, value in values.items():
        if value.valeur is not None:
            state, shown = PUBLISHED, fmt.valeur(value.valeur, value.unite)
        else:
            state, shown = (NOT_PUBLISHED if key in masked else NOT_MEASURED), None
        out.append(
            {
                "id": key,
                "libelle": value.libelle,
                "unite": value.unite,
                "affiche": shown,
                "etat": state,
            }
        )
    return out


def objective_records(objectives: Iterable[ObjectiveResult]) -> list[dict[str, Any]]:
    """Each objective as the report's table shows it (objectives already published: a
    hidden value hides its status, ``non_publie``)."""
    return [
        {
            "libelle": o.libelle,
            "indicateur": o.indicateur,
            "unite": o.unite,
            "cible": fmt.valeur(o.cible, o.unite) if o.cible is not None else None,
            "valeur": fmt.valeur(o.valeur, o.unite) if o.valeur is not None else None,
            "statut": o.statut,
        }
        for o in objectives
    ]


def advice_records(
    editions: Iterable[tuple[str, str, Mapping[str, list[str]]]],
) -> list[dict[str, Any]]:
    """The teams' published advice on a method sheet: ``(action id, edition label,
    {heading: items})`` -> ``[{action, edition, rubrique, texte}]`` (scrubbed debriefs)."""
    return [
        {"action": action, "edition": label, "rubrique": heading, "texte": text}
        for action, label, sections in editions
        for heading, items in sections.items()
        for text in items
    ]
