"""National figures from regional published figures, and why they re-open nothing.

A region publishes each action's indicators as its report shows them: a value (``publie``),
nothing because it is masked (``non_publie``: under the region's threshold, or hidden so
that it cannot be computed back) or nothing because it was not measured (``non_mesure``).

**The rule.** A national total (per year, per action type, per year and type, overall) adds
up the actions' published values of one indicator, and is published only when *no* action
in its scope has that indicator masked. Every national number is then a sum of numbers the
regions already published, that is a linear combination of published numbers: subtracting
national and regional figures from one another only ever gives back sums of published
numbers, never a masked one (a national total minus the other regions' figures would give
back a masked regional figure exactly when the total counts it: such a total is « non
publié »). Not-measured actions are left out and said so (« mesuré pour 4 actions sur 5 »).
A range (lowest and highest value of the editions) is made of published values only.

Only counts that add up are totalled (people, answers, events, projects, euros: a person
who came to two actions counts twice, as in the regions' own yearly reviews); structures,
territories, shares and costs per person get ranges only.

:func:`audit_totals` checks the rule again from the packages themselves (not from the
totals' own lists): the build of the national site stops on any finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from vccap.federation.packages import RegionalPackage

ADDITIVE_UNITS = ("personnes", "reponses", "evenements", "projets", "euros")
PUBLISHED, HIDDEN = "publie", "non_publie"
REALISED = "realisee"


@dataclass(frozen=True)
class Cell:
    """One action's indicator in one region's package."""

    region: str
    action: str
    indicateur: str


@dataclass
class Total:
    """A national total of one indicator over a scope (``annee``/``type_action``; ``""``:
    all). ``parts``: the published cells it adds up; ``hidden``: masked cells in its scope
    (any makes it « non publié »); ``unmeasured``: cells without a value."""

    indicateur: str
    libelle: str
    unite: str
    annee: str = ""
    type_action: str = ""
    parts: list[tuple[Cell, float]] = field(default_factory=list)
    hidden: list[Cell] = field(default_factory=list)
    unmeasured: list[Cell] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return bool(self.parts) and not self.hidden

    @property
    def value(self) -> float | None:
        """The sum of the published parts, or None when the total is not published."""
        if not self.published:
            return None
        return round(sum(v for _, v in self.parts), 2)

    @property
    def actions(self) -> int:
        """Actions in its scope that have this indicator."""
        return len(self.parts) + len(self.hidden) + len(self.unmeasured)

    def key(self) -> str:
        return f"{self.indicateur} ({self.unite}), {self.annee or 'toutes années'}, " + (
            self.type_action or "tous types"
        )


@dataclass
class Range:
    """The published values of one indicator across the editions of one action type."""

    indicateur: str
    libelle: str
    unite: str
    values: list[tuple[Cell, float]] = field(default_factory=list)
    hidden: int = 0
    unmeasured: int = 0

    @property
    def low(self) -> float | None:
        return min((v for _, v in self.values), default=None)

    @property
    def high(self) -> float | None:
        return max((v for _, v in self.values), default=None)


def number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def indicator_cells(
    packages: Iterable[RegionalPackage],
) -> list[tuple[Cell, dict[str, str], float | None]]:
    """Every action's indicator of every package: (cell, its row, its published value)."""
    out = []
    for package in packages:
        for row in package.rows["indicateurs"]:
            value = number(row["valeur"]) if row["etat"] == PUBLISHED else None
            if row["etat"] == PUBLISHED and value is None:
                continue  # a published figure without a number: nothing to add (never guessed)
            out.append((Cell(package.region, row["action"], row["indicateur"]), row, value))
    return out


def national_totals(packages: list[RegionalPackage]) -> list[Total]:
    """The totals of every additive indicator per (year, type), per year, per type and
    overall, in a stable order (indicator, year, type; ``""`` last)."""
    totals: dict[tuple[str, str, str, str], Total] = {}
    for cell, row, value in indicator_cells(packages):
        if row["unite"] not in ADDITIVE_UNITS:
            continue
        for annee in dict.fromkeys((row["annee"], "")):  # once when the year is unknown
            for type_action in dict.fromkeys((row["type_action"], "")):
                key = (row["indicateur"], row["unite"], annee, type_action)
                total = totals.get(key)
                if total is None:
                    total = totals[key] = Total(
                        row["indicateur"], row["libelle"], row["unite"], annee, type_action
                    )
                if row["etat"] == HIDDEN:
                    total.hidden.append(cell)
                elif value is None:
                    total.unmeasured.append(cell)
                else:
                    total.parts.append((cell, value))
    return [totals[k] for k in sorted(totals, key=lambda k: (k[0], k[1], k[2] or "~", k[3] or "~"))]


def type_ranges(packages: list[RegionalPackage], type_action: str) -> list[Range]:
    """Each indicator of an action type's editions, across every region (any unit)."""
    ranges: dict[tuple[str, str], Range] = {}
    for cell, row, value in indicator_cells(packages):
        if row["type_action"] != type_action:
            continue
        key = (row["indicateur"], row["unite"])
        r = ranges.setdefault(key, Range(row["indicateur"], row["libelle"], row["unite"]))
        if row["etat"] == HIDDEN:
            r.hidden += 1
        elif value is None:
            r.unmeasured += 1
        else:
            r.values.append((cell, value))
    return list(ranges.values())


def audit_totals(
    totals: list[Total], ranges: list[Range], packages: list[RegionalPackage]
) -> list[tuple[str, str]]:
    """Check every published national figure against the packages themselves: each total
    is the sum of the published values of every action in its scope, none of which is
    masked; each range value is a published value. Returns (figure, what is wrong)."""
    cells = indicator_cells(packages)
    published = {cell: value for cell, _, value in cells if value is not None}
    hidden = {cell for cell, row, _ in cells if row["etat"] == HIDDEN}
    findings: list[tuple[str, str]] = []
    for total in totals:
        if not total.published:
            continue
        scope = [
            (cell, value)
            for cell, row, value in cells
            if row["indicateur"] == total.indicateur
            and row["unite"] == total.unite
            and total.annee in ("", row["annee"])
            and total.type_action in ("", row["type_action"])
        ]
        masked = [c for c, _ in scope if c in hidden]
        if masked:
            findings.append(
                (total.key(), f"compte {len(masked)} chiffre(s) masqué(s) par une région")
            )
        expected = round(sum(v for _, v in scope if v is not None), 2)
        if total.value != expected:
            findings.append((total.key(), f"{total.value} au lieu de {expected}"))
        for cell, value in total.parts:
            if published.get(cell) != value:
                findings.append((total.key(), f"{cell.region}/{cell.action} non publié tel quel"))
    for r in ranges:
        for cell, value in r.values:
            if published.get(cell) != value:
                findings.append((r.indicateur, f"{cell.region}/{cell.action} non publié tel quel"))
    return findings


def realised_actions(packages: list[RegionalPackage]) -> list[dict[str, str]]:
    """The realised actions of every region (rows of ``actions``, with ``region``)."""
    return [
        row for package in packages for row in package.rows["actions"] if row["statut"] == REALISED
    ]
