"""The record of every number a page publishes about people, and what it counts.

A published count is a :class:`Figure`: the number of rows of one or more *populations*
(``contacts``, ``participants``, ``satisfaction``, ``porteurs``…: one row per contact, per
participant, per answer, per project holder followed) that match *filters* on their columns
(``action``, ``profil``, ``territoire``…). Two pages that publish the same figure publish the
same cell: its :meth:`Figure.key` is the same. A page keeps a :class:`Ledger` of what it
shows (the value) and of what it hides (masked cells, never with their value); the build
gathers the ledgers of every page and the statistical audit (:mod:`vccap.disclosure.lp`)
tries to work back each hidden cell from all the published ones.

The ledger holds no personal value and no hidden count: it travels in the pages' summaries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The value of a filter that matches a missing answer (NA).
MISSING = ""


@dataclass(frozen=True)
class Filter:
    """Rows whose ``dim`` is one of ``values`` (or, with ``negate``, none of them).

    Values are canonical texts; :data:`MISSING` stands for a missing answer.
    """

    dim: str
    values: tuple[str, ...]
    negate: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dim": self.dim, "valeurs": list(self.values)}
        if self.negate:
            out["sauf"] = True
        return out

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Filter:
        return cls(str(data["dim"]), tuple(str(v) for v in data["valeurs"]), bool(data.get("sauf")))


@dataclass(frozen=True)
class Term:
    """The rows of one population matching every filter."""

    population: str
    filters: tuple[Filter, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"population": self.population, "filtres": [f.as_dict() for f in self.filters]}

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Term:
        return cls(str(data["population"]), tuple(Filter.of(f) for f in data["filtres"]))


def _filter(dim: str, value: Any, negate: bool = False) -> Filter:
    if isinstance(value, set | frozenset | list | tuple):
        values = tuple(sorted({MISSING if v is None else str(v) for v in value}))
    else:
        values = (MISSING if value is None else str(value),)
    return Filter(dim, values, negate)


@dataclass(frozen=True)
class Figure:
    """A count: the sum of its terms (usually one)."""

    terms: tuple[Term, ...]

    @classmethod
    def count(cls, population: str, /, **filters: Any) -> Figure:
        """``Figure.count("contacts", action="2016-06-…", profil="partenaire")``.

        A filter value may be a set of values (rows matching any of them); ``None`` matches
        a missing answer.
        """
        parts = tuple(sorted((_filter(d, v) for d, v in filters.items()), key=lambda f: f.dim))
        return cls((Term(population, parts),))

    def where(self, dim: str, value: Any, *, negate: bool = False) -> Figure:
        """The same count restricted to ``dim`` in ``value`` (or not in, with ``negate``)."""
        extra = _filter(dim, value, negate)
        terms = []
        for term in self.terms:
            kept = tuple(f for f in term.filters if f.dim != dim)
            terms.append(Term(term.population, tuple(sorted((*kept, extra), key=lambda f: f.dim))))
        return Figure(tuple(terms))

    def plus(self, other: Figure) -> Figure:
        return Figure(tuple(sorted((*self.terms, *other.terms), key=_term_key)))

    def as_dict(self) -> list[dict[str, Any]]:
        return [t.as_dict() for t in self.terms]

    @classmethod
    def of(cls, data: Iterable[Mapping[str, Any]]) -> Figure:
        return cls(tuple(Term.of(t) for t in data))

    def key(self) -> str:
        """The cell's identity: the same on every page that counts the same rows."""
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)

    @property
    def populations(self) -> set[str]:
        return {t.population for t in self.terms}


def _term_key(term: Term) -> str:
    return json.dumps(term.as_dict(), ensure_ascii=False, sort_keys=True)


@dataclass
class Ledger:
    """What one page publishes about people: counts, shares, and the cells it hides.

    ``counts``: (figure, value) shown; ``shares``: (numerator, denominator, value,
    precision) shown (a share shown as ``87 %`` has precision 0.005); ``hidden``: figures
    the page masks (small counts, and cells masked so that they cannot be worked back).
    """

    page: str
    counts: dict[str, tuple[Figure, int]] = field(default_factory=dict)
    shares: dict[str, tuple[Figure, Figure, float, float]] = field(default_factory=dict)
    hidden: dict[str, Figure] = field(default_factory=dict)

    def shown(self, figure: Figure, value: int) -> None:
        self.counts.setdefault(figure.key(), (figure, int(value)))

    def share(self, numerator: Figure, denominator: Figure, value: float, precision: float) -> None:
        key = numerator.key() + "/" + denominator.key()
        self.shares.setdefault(key, (numerator, denominator, float(value), float(precision)))

    def hide(self, figure: Figure) -> None:
        self.hidden.setdefault(figure.key(), figure)

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "effectifs": [{"cellule": f.as_dict(), "valeur": v} for f, v in self.counts.values()],
            "parts": [
                {
                    "numerateur": n.as_dict(),
                    "denominateur": d.as_dict(),
                    "valeur": v,
                    "precision": p,
                }
                for n, d, v, p in self.shares.values()
            ],  # fmt: skip
            "masquees": [f.as_dict() for f in self.hidden.values()],
        }

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Ledger:
        ledger = cls(str(data.get("page", "")))
        for item in data.get("effectifs", []):
            ledger.shown(Figure.of(item["cellule"]), int(item["valeur"]))
        for item in data.get("parts", []):
            ledger.share(
                Figure.of(item["numerateur"]),
                Figure.of(item["denominateur"]),
                float(item["valeur"]),
                float(item["precision"]),
            )
        for item in data.get("masquees", []):
            ledger.hide(Figure.of(item))
        return ledger
