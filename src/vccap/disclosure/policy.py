"""The one disclosure-control policy of every number a page publishes about people.

With ``t`` the workspace's threshold (``seuil_confidentialite``):

- **Counts** (people, answers, contacts): a count between 1 and ``t - 1`` is never shown
  (primary suppression); zero is shown. A count the build decided to hide (secondary
  suppression, :mod:`vccap.disclosure.control`) is hidden too.
- **Breakdowns**: small categories are grouped in « Autres (regroupés) », with the missing
  answers when they are few; the group grows with the smallest other categories until it
  reaches ``t``; a breakdown of fewer than ``t`` people is not published.
- **Ordinal scales** (satisfaction) are coarsened, keeping their meaning: « satisfaits ou très
  satisfaits » against « peu ou pas satisfaits » (never « Satisfait » among « Autres »).
- **Shares, rates, means and delays** computed on people are shown only over at least ``t``
  people, and a share is shown only when neither its numerator nor its complement is a small
  count (otherwise share and base would give the hidden count back).
- **Extremes**: minima, maxima and any single person's value are never published; quantiles
  only over at least ``t`` people.

Every decision is written in the page's :class:`~vccap.disclosure.ledger.Ledger`: shown
values, and hidden cells without their value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from vccap.disclosure.ledger import MISSING, Figure, Ledger

GROUPED = "Autres (regroupés)"
#: Two classes of the satisfaction scale (and what each gathers), for coarsening.
SATISFIED = "Satisfaits ou très satisfaits"
UNSATISFIED = "Peu ou pas satisfaits"


def small(value: int | float | None, threshold: int) -> bool:
    return value is not None and not pd.isna(value) and 0 < value < threshold


@dataclass
class Protected:
    """A breakdown as published.

    ``table``: columns ``libelle``, ``effectif`` (shown categories, biggest first, then the
    group); ``masked``: number of categories hidden (grouped or not published);
    ``total``: people counted in what is shown; ``grouped_missing``: the missing answers
    were few and are inside the group.
    """

    table: pd.DataFrame
    masked: int
    total: int
    grouped_missing: bool = False


class Publisher:
    """The one path of a page's numbers about people (see the module's policy)."""

    def __init__(self, page: str, threshold: int, masks: frozenset[str] = frozenset()) -> None:
        self.ledger = Ledger(page)
        self.threshold = int(threshold)
        self.masks = masks
        #: Masks this page applied (a figure it would have shown otherwise): the build's hash
        #: of the page depends on them (:func:`vccap.build.disclosure.with_masks`).
        self.applied: set[str] = set()

    def masked(self, key: str) -> bool:
        """Whether the build's secondary suppression hides the figure ``key`` (recorded)."""
        if key in self.masks:
            self.applied.add(key)
            return True
        return False

    def count(self, figure: Figure, value: int | float | None) -> int | None:
        """The count to show, or None when it must be hidden."""
        if value is None or pd.isna(value):
            return None
        value = int(value)
        if small(value, self.threshold) or self.masked(figure.key()):
            self.ledger.hide(figure)
            return None
        self.ledger.shown(figure, value)
        return value

    def share(
        self,
        numerator: Figure,
        denominator: Figure,
        num: int,
        den: int,
        *,
        precision: float = 0.005,
    ) -> float | None:
        """``num / den`` when it may be shown (see the policy), else None.

        ``precision``: half the rounding step of how it is shown (``87 %``: 0.005).
        """
        if not den or den < self.threshold:
            return None
        key = numerator.key() + "/" + denominator.key()
        if small(num, self.threshold) or small(den - num, self.threshold) or self.masked(key):
            return None
        self.ledger.share(numerator, denominator, num / den, precision)
        return num / den

    def quantile_base(self, people: int) -> bool:
        """True when a median or quartiles over ``people`` may be shown."""
        return people >= self.threshold

    def breakdown(
        self,
        base: Figure,
        dim: str,
        counts: Mapping[str, int],
        labels: Mapping[str, str],
        *,
        missing: int = 0,
        other: str = GROUPED,
    ) -> Protected:
        """A breakdown of ``base`` by ``dim`` (canonical value -> count), protected.

        ``labels`` give each value's French label; ``missing`` counts the rows without an
        answer (never shown, but grouped when few, so that totals cannot give them back).
        """
        t = self.threshold
        values = {k: int(v) for k, v in counts.items() if int(v) > 0}
        order = sorted(values, key=lambda k: (-values[k], labels.get(k, k)))
        hidden = [k for k in order if small(values[k], t) or self._masked(base, dim, k)]
        shown = [k for k in order if k not in hidden]
        # A category hidden by secondary suppression: no « Autres » group, which would be a
        # new sum of the people the audit has just protected.
        grouping = not any(self._masked(base, dim, k) for k in order)
        with_missing = small(missing, t)
        group = sum(values[k] for k in hidden) + (missing if with_missing else 0)
        if grouping and (hidden or with_missing):
            while group < t and shown:
                moved = shown.pop()  # the smallest shown category joins the group
                hidden.append(moved)
                group += values[moved]
            excluded = list(shown) if with_missing else [*shown, MISSING]
            group_figure = base.where(dim, excluded, negate=True)
            if group < t or self.masked(group_figure.key()):  # nothing is published
                for k in order:
                    self.ledger.hide(base.where(dim, k))
                if missing:
                    self.ledger.hide(base.where(dim, MISSING))
                empty = pd.DataFrame({"libelle": [], "effectif": []})
                return Protected(empty, len(order), 0, with_missing)
        rows = []
        for k in shown:
            self.ledger.shown(base.where(dim, k), values[k])
            rows.append((labels.get(k, k), values[k]))
        for k in hidden:
            self.ledger.hide(base.where(dim, k))
        if with_missing or (missing and not grouping):
            self.ledger.hide(base.where(dim, MISSING))
        if grouping and (hidden or with_missing):
            self.ledger.shown(group_figure, group)
            rows.append((other, group))
        table = pd.DataFrame(rows, columns=["libelle", "effectif"])
        table["effectif"] = table["effectif"].astype(int)
        return Protected(table, len(hidden), int(table["effectif"].sum()), with_missing)

    def scale(
        self,
        base: Figure,
        dim: str,
        counts: Mapping[str, int],
        labels: Mapping[str, str],
        classes: Sequence[tuple[str, Sequence[str]]],
        *,
        missing: int = 0,
    ) -> Protected:
        """An ordinal scale (levels in ``classes`` order), coarsened when a level is small.

        ``classes``: ``[(label, [levels…])…]`` from the top of the scale. When every level can
        be shown (and few blank answers do not have to be hidden), levels are shown one by
        one; otherwise each class is shown as one, the few blank answers going with the last
        class (« …, ou sans réponse »); a class still small hides the whole question.
        """
        t = self.threshold
        levels = [lv for _, lvs in classes for lv in lvs]
        values = {lv: int(counts.get(lv, 0)) for lv in levels}
        blank = small(missing, t)
        if not blank and not any(
            small(values[lv], t) or self._masked(base, dim, lv) for lv in levels
        ):
            rows = [(labels.get(lv, lv), values[lv]) for lv in levels if values[lv] > 0]
            for lv in levels:
                if values[lv] > 0:
                    self.ledger.shown(base.where(dim, lv), values[lv])
            return self._frame(rows, 0)
        for lv in levels:
            if values[lv] > 0:
                self.ledger.hide(base.where(dim, lv))
        if blank:
            self.ledger.hide(base.where(dim, MISSING))
        sums = []
        for i, (label, lvs) in enumerate(classes):
            members = list(lvs)
            n = sum(values[lv] for lv in lvs)
            if blank and i == len(classes) - 1:
                members.append(MISSING)
                label += ", ou sans réponse"
                n += missing
            sums.append((label, members, n))
        unpublishable = any(
            small(n, t) or self.masked(base.where(dim, members).key()) for _, members, n in sums
        )
        if unpublishable or sum(n for _, _, n in sums) < t:
            for _, members, n in sums:
                if n:
                    self.ledger.hide(base.where(dim, members))
            return self._frame([], len(levels))
        rows = []
        for label, members, n in sums:
            self.ledger.shown(base.where(dim, members), n)
            if n:
                rows.append((label, n))
        return self._frame(rows, len(levels))

    def _frame(self, rows: list[tuple[str, int]], masked: int) -> Protected:
        table = pd.DataFrame(rows, columns=["libelle", "effectif"])
        table["effectif"] = table["effectif"].astype(int)
        return Protected(table, masked, int(table["effectif"].sum()), False)

    def _masked(self, base: Figure, dim: str, value: str) -> bool:
        return self.masked(base.where(dim, value).key())
