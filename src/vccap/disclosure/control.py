"""Site-wide disclosure control: the statistical audit and secondary suppression.

The pages protect what they publish one by one (small counts hidden or grouped, shares only
over enough people, ordinal scales coarsened: :mod:`vccap.disclosure.policy`). What one page
hides, the site as a whole could still give back: a total on one page minus the cells of
another. After the pages are built, :func:`audit` gathers every page's ledger and, for each
hidden cell that is small (between 1 and the threshold minus 1), asks the linear model
(:mod:`vccap.disclosure.lp`) for the smallest and largest values it can take given everything
published. A cell is *disclosed* when it is pinned, or known within fewer values than the
threshold. :func:`complementary` then picks published cells to hide as well (secondary
suppression), favouring shares and the smallest cells close to the disclosed one; the build
publishes the pages again with these cells hidden, until no cell is disclosed.

Masks chosen by the build are kept in ``<workspace>/.vccap/masques.json`` (keys of figures, no
value), read by every page when it loads, so that a notebook opened in JupyterLab hides the
same cells as the site.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vccap.disclosure.ledger import Figure, Ledger
from vccap.disclosure.lp import Model, interval
from vccap.disclosure.populations import Populations

MAX_CANDIDATES = 12


@dataclass
class Finding:
    """A hidden cell that everything published gives back (bounds after rounding)."""

    page: str
    figure: Figure
    low: float
    high: float


@dataclass
class AuditResult:
    """What the statistical audit saw and found."""

    published: int = 0
    shares: int = 0
    hidden: int = 0
    small: int = 0
    secondary: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    #: Small hidden cells found safe, and what was published when they were (to skip them
    #: in the next round, see :func:`audit`).
    safe: set[str] = field(default_factory=set)
    figures: dict[str, tuple] = field(default_factory=dict)
    #: The model's structure per population (:meth:`Model.structure`) and the threshold.
    structure: dict[str, tuple] = field(default_factory=dict)
    threshold: int = 0
    #: Small hidden cells asked (the others were known safe from the last round).
    asked: int = 0

    def as_dict(self) -> dict:
        return {
            "cellules_publiees": self.published,
            "parts_publiees": self.shares,
            "cellules_masquees": self.hidden,
            "masquees_primaires": self.small,
            "masquees_secondaires": self.secondary,
            "retrouvables": len(self.findings),
            "secondes": round(self.seconds, 2),
        }


def targets(
    ledgers: Iterable[Ledger], populations: Populations, threshold: int
) -> list[tuple[str, Figure]]:
    """Hidden cells that are small: what an attacker must not get back (page, figure)."""
    seen: dict[str, tuple[str, Figure]] = {}
    for ledger in ledgers:
        for key, figure in ledger.hidden.items():
            if key not in seen and 0 < populations.value(figure) < threshold:
                seen[key] = (ledger.page, figure)
    return list(seen.values())


def published_figures(ledgers: Iterable[Ledger]) -> dict[str, tuple]:
    """Every published figure's key and value (counts, and shares with their precision)."""
    out: dict[str, tuple] = {}
    for ledger in ledgers:
        for key, (_, value) in ledger.counts.items():
            out.setdefault(key, (value,))
        for key, (_, _, value, precision) in ledger.shares.items():
            out.setdefault(key, (value, precision))
    return out


def true_point(model: Model, populations: Populations) -> np.ndarray:
    """The true value of every unknown of ``model`` (shape ``(model.n,)``): each cell of its
    cliques counted in the populations' rows, values no figure names in the "other" cell.
    It satisfies every figure the pages published from the same rows."""
    x = np.zeros(model.n)
    for population, cliques in model.cliques.items():
        for clique in cliques:
            if not clique.dims:
                x[clique.offset] = populations.size(population)
                continue
            axes = []
            for dim in clique.dims:
                domain = model.domains[population][dim]
                where = {value: i for i, value in enumerate(domain)}
                column = populations.column(population, dim)
                other = len(domain) - 1
                axes.append(
                    np.fromiter((where.get(v, other) for v in column), np.int64, len(column))
                )
            cells = np.ravel_multi_index(axes, clique.shape)
            x[clique.offset : clique.offset + clique.size] = np.bincount(
                cells, minlength=clique.size
            )
    return x


#: Below this many small hidden cells, one process asks every question.
PARALLEL_FROM = 200
#: What the workers of :func:`_in_parts` read (set by the parent before forking).
_SHARED: Any = None


def _in_parts(worker: Callable[[int, int], Any], state: Any, jobs: int, parallel: bool) -> list:
    """``[worker(part, jobs) for part in range(jobs)]`` in ``jobs`` forked processes when
    ``parallel`` (and the system forks), else ``[worker(0, 1)]`` here; the workers read
    ``state`` from :data:`_SHARED` (forked, they share the parent's model and its caches)."""
    from vccap.forking import can_fork, forked_pool

    global _SHARED
    _SHARED = state
    try:
        if parallel and jobs > 1 and can_fork():
            with forked_pool(jobs) as pool:
                return list(pool.map(worker, range(jobs), [jobs] * jobs))
        return [worker(0, 1)]
    finally:
        _SHARED = None


def _answer(part: int, parts: int) -> list[tuple[int, bool, tuple[float, float]]]:
    """Worker: every ``parts``-th question of the list the parent set before forking
    (index, disclosed, bounds behind the answer)."""
    model, found, threshold = _SHARED
    out = []
    for i in range(part, len(found), parts):
        disclosed = model.is_disclosed(found[i][1], threshold)
        out.append((i, disclosed, model.last_bounds))
    return out


def _spread_part(part: int, parts: int) -> dict[int, list[np.ndarray]]:
    """Worker: :meth:`Model.spread` over this worker's share of the blocks."""
    model, cells, threshold = _SHARED
    mine = _shares(model, cells, parts)[part]
    return model.spread({b: m for b, m in cells.items() if b in mine}, threshold)


def _shares(model: Model, blocks: Iterable[int], parts: int) -> list[set[int]]:
    """Blocks dealt to ``parts`` workers, largest first to the least loaded (by unknowns)."""
    sizes = np.bincount(model.col_block)
    shares: list[set[int]] = [set() for _ in range(parts)]
    load = [0] * parts
    for block in sorted(blocks, key=lambda b: (-int(sizes[b]), b)):
        i = load.index(min(load))
        shares[i].add(block)
        load[i] += int(sizes[block])
    return shares


def _spread(model: Model, found: list[tuple[str, Figure]], threshold: int, jobs: int) -> None:
    """Before the questions: solutions that move many of the cells at once, kept in
    ``model`` (:meth:`Model.spread`); in forked workers, a share of the blocks each, when
    there are many questions (the parent then runs no programme itself: HiGHS starts
    threads, which a fork does not copy)."""
    cells = model.cells_by_block(figure for _, figure in found)
    parallel = len(found) >= PARALLEL_FROM
    for points in _in_parts(_spread_part, (model, cells, threshold), jobs, parallel):
        model.keep_points(points)


def _answers(
    model: Model, found: list[tuple[str, Figure]], threshold: int, jobs: int
) -> list[tuple[bool, tuple[float, float]]]:
    """Whether each small hidden cell is disclosed, and the bounds behind the answer; in
    ``jobs`` forked processes when there are many (each keeps its own solutions: the answers
    are the same, some bounds may differ within the true range). Solutions that settle
    many cells at once are looked for first (:func:`_spread`)."""
    _spread(model, found, threshold, jobs)
    parts = _in_parts(_answer, (model, found, threshold), jobs, len(found) >= PARALLEL_FROM)
    merged: list[tuple[bool, tuple[float, float]]] = [(False, (0.0, 0.0))] * len(found)
    for part in parts:
        for i, disclosed, bounds in part:
            merged[i] = (disclosed, bounds)
    return merged


def audit(
    ledgers: list[Ledger],
    populations: Populations,
    threshold: int,
    *,
    masks: Iterable[str] = (),
    previous: AuditResult | None = None,
    jobs: int = 1,
) -> AuditResult:
    """Try to work back every small hidden cell from everything the ledgers publish.

    ``previous``: the last round's result. A cell found safe then is safe now, and is not
    asked again, when every figure published now in its block of the model (the unknowns
    and figures linked to it) was published then with the same value, under the same
    model structure: the attacker knows no more about it than he did (secondary
    suppression hides more; a figure published anew is asked about in its block only).
    ``jobs``: processes sharing the questions (forked, when there are many).
    """
    start = time.perf_counter()
    model = Model(ledgers)
    model.use_point(true_point(model, populations))
    found = targets(ledgers, populations, threshold)
    figures = published_figures(ledgers)
    structure = model.structure()
    known_safe: set[str] = set()
    if previous is not None and previous.threshold == threshold:
        known_safe = _still_safe(model, previous, figures, structure, found)
    result = AuditResult(
        published=len(model.counts),
        shares=len(model.shares),
        hidden=len(model.hidden),
        small=len(found),
        secondary=len(set(masks)),
        figures=figures,
        structure=structure,
        threshold=threshold,
    )
    asked = [(page, figure) for page, figure in found if figure.key() not in known_safe]
    result.asked = len(asked)
    result.safe |= {figure.key() for _, figure in found if figure.key() in known_safe}
    for (page, figure), (disclosed, bounds) in zip(
        asked, _answers(model, asked, threshold, jobs), strict=True
    ):
        if not disclosed:
            result.safe.add(figure.key())
        else:
            low, high = interval(*bounds)
            result.findings.append(Finding(page, figure, low, high))
    result.seconds = time.perf_counter() - start
    return result


def _still_safe(
    model: Model,
    previous: AuditResult,
    figures: dict[str, tuple],
    structure: dict[str, tuple],
    found: list[tuple[str, Figure]],
) -> set[str]:
    """The cells of ``found`` that ``previous`` found safe and that nothing published since
    can concern (see :func:`audit`). Sound because a block's range depends on its rows
    only: when each of them was a row of the last model, every solution of the last model
    gives one of this block, so the cell can take at least the values it could then."""
    changed = {k for k, v in figures.items() if previous.figures.get(k) != v}
    touched = {int(model.row_block[r]) for r, key in enumerate(model.keys) if key in changed}
    for population, cliques in model.cliques.items():  # unknowns numbered anew
        if previous.structure.get(population) != structure[population]:
            for clique in cliques:
                span = model.col_block[clique.offset : clique.offset + clique.size]
                touched.update(int(b) for b in np.unique(span))
    out: set[str] = set()
    for _, figure in found:
        key = figure.key()
        if key not in previous.safe:
            continue
        cols, _ = model._sparse_row(figure)
        if not touched.intersection(int(b) for b in np.unique(model.col_block[cols])):
            out.add(key)
    return out


def _items(figure: Figure) -> list[tuple[str, frozenset]]:
    """A figure's terms as (population, its filters by dimension), for :func:`_related`."""
    return [(t.population, frozenset((f.dim, f) for f in t.filters)) for t in figure.terms]


def _related(target: Figure, figure: Figure) -> int:
    """How close a published figure is to a disclosed one (higher: closer): 1 + the filters
    a term of ``figure`` shares with a term of ``target`` on the same population; 0 when
    they count no common population."""
    return _related_items(_items(target), _items(figure))


def _related_items(target: list[tuple[str, frozenset]], figure: list[tuple[str, frozenset]]) -> int:
    score = 0
    for pa, fa in target:
        for pb, fb in figure:
            if pa == pb:
                score = max(score, 1 + len(fa & fb))
    return score


def _detail(figure: Figure) -> int:
    """How fine a figure is (its filters): hiding a fine cell costs readers less than hiding
    a total or a key figure."""
    return sum(len(t.filters) for t in figure.terms)


#: Pages whose figures readers need most (hidden last): an action's report first.
PAGE_COST = {"actions": 2, "fiches": 1, "annees": 1}


def _cost(pages: set[str]) -> int:
    return max((PAGE_COST.get(p.split("/", 1)[0], 0) for p in pages), default=0)


class Published:
    """The figures a set of ledgers publishes, indexed once for :meth:`candidates` (one
    secondary suppression asks for the candidates of every disclosed cell)."""

    def __init__(self, ledgers: list[Ledger]) -> None:
        self.pages: dict[str, set[str]] = {}
        #: count key -> (figure's terms, detail, value); the last ledger's, as published
        self.counts: dict[str, tuple[list, int, int]] = {}
        #: share key -> the terms of each (numerator, denominator) it was published with
        self.shares: dict[str, list[tuple[list, list]]] = {}
        for ledger in ledgers:
            for key in ledger.counts:
                self.pages.setdefault(key, set()).add(ledger.page)
        for ledger in ledgers:
            for key, (num, den, _, _) in ledger.shares.items():
                self.shares.setdefault(key, []).append((_items(num), _items(den)))
            for key, (figure, value) in ledger.counts.items():
                self.counts[key] = (_items(figure), _detail(figure), value)
        self.cost = {key: _cost(pages) for key, pages in self.pages.items()}

    def candidates(
        self,
        target: Figure,
        threshold: int,
        fresh: Iterable[str] = (),
        among: set[str] | None = None,
    ) -> list[str]:
        """See :func:`candidates`; ``among``: only these keys (the same order as filtering
        the whole list, without scoring the others)."""
        aim = _items(target)
        shares: dict[str, int] = {}
        for key, pairs in self.shares.items():
            if among is not None and key not in among:
                continue
            score = max(
                max(_related_items(aim, num), _related_items(aim, den)) for num, den in pairs
            )
            if score:
                shares[key] = score
        counts: dict[str, tuple[int, int, int]] = {}
        for key, (terms, detail, value) in self.counts.items():
            if among is not None and key not in among:
                continue
            if value >= threshold:
                score = _related_items(aim, terms)
                if score:
                    counts[key] = (score, detail, value)
        new = set(fresh)
        ordered = sorted((k for k in counts if k in new), key=lambda k: (-counts[k][0], k))
        ordered += sorted(shares, key=lambda k: -shares[k])
        cost = self.cost
        ordered += sorted(
            counts, key=lambda k: (cost[k], -counts[k][0], -counts[k][1], counts[k][2], k)
        )
        return list(dict.fromkeys(ordered))


def candidates(
    ledgers: list[Ledger], target: Figure, threshold: int, fresh: Iterable[str] = ()
) -> list[str]:
    """Published figures that could be hidden to protect ``target``, best first: shares on
    the same rows, then counts shown only on secondary pages (a territory's page before a
    yearly review or a method sheet, before an action's report), the closest, the finest (a
    territory's cell before an action's total), the smallest (never under the threshold)."""
    return Published(ledgers).candidates(target, threshold, fresh)


def complementary(
    ledgers: list[Ledger],
    findings: list[Finding],
    threshold: int,
    masks: Iterable[str] = (),
    fresh: Iterable[str] = (),
    populations: Populations | None = None,
    jobs: int = 1,
) -> set[str]:
    """Figures to hide so that no finding is disclosed any more (greedy, one at a time).

    For each disclosed cell, the candidates are tried in order; the first one whose removal
    makes the cell safe is chosen; when none does alone, candidates are hidden in order until
    it is safe, then those not needed are shown again (last first). ``fresh``: figures
    published since the last round (a new « Autres » group, say): tried first, so that
    hiding more does not keep publishing new sums of the same people. ``populations``: the
    true counts, a known solution that spares programmes (see :func:`true_point`).

    Only figures of the cell's own blocks of the model are candidates (hiding another
    block's figure changes nothing of its range). Findings whose blocks meet form a group,
    protected in order; groups share nothing, so ``jobs`` forked processes may take them
    (many findings): the masks are the same for any ``jobs``.
    """
    model = Model(ledgers)
    if populations is not None:
        model.use_point(true_point(model, populations))
    groups = _groups(model, findings)
    state = (model, Published(ledgers), threshold, frozenset(masks), frozenset(fresh), groups)
    parallel = len(groups) > 1 and len(findings) >= COMPLEMENTARY_PARALLEL_FROM
    chosen = set(masks)
    for part in _in_parts(_protect_part, state, jobs, parallel):
        chosen.update(part)
    return chosen


#: From this many disclosed cells, secondary suppression forks workers (see complementary).
COMPLEMENTARY_PARALLEL_FROM = 16


def _groups(model: Model, findings: list[Finding]) -> list[list[Finding]]:
    """Findings grouped by the blocks of the model they lie in (findings whose blocks meet
    are in one group), each group in the findings' order, groups by their first finding."""
    parent: dict[int, int] = {}

    def root(b: int) -> int:
        while parent.setdefault(b, b) != b:
            b = parent[b]
        return b

    blocks = [_blocks_of(model, f.figure) for f in findings]
    for found in blocks:
        first = next(iter(sorted(found)), None)
        for b in found:
            if first is not None:
                parent[root(b)] = root(first)
    groups: dict[int, list[Finding]] = {}
    for finding, found in zip(findings, blocks, strict=True):
        key = root(min(found)) if found else -1 - len(groups)
        groups.setdefault(key, []).append(finding)
    return list(groups.values())


def _blocks_of(model: Model, figure: Figure) -> frozenset[int]:
    cols, _ = model._sparse_row(figure)
    return frozenset(int(b) for b in np.unique(model.col_block[cols]))


def _protect_part(part: int, parts: int) -> set[str]:
    """Worker: the masks chosen for every ``parts``-th group of findings."""
    model, published, threshold, masks, fresh, groups = _SHARED
    where: dict[int, set[str]] = {}
    for key, block in model.key_blocks().items():
        where.setdefault(block, set()).add(key)
    out: set[str] = set()
    for group in groups[part::parts]:
        out |= _protect(model, published, where, group, threshold, set(masks), fresh)
    return out


def _protect(
    model: Model,
    published: Published,
    where: dict[int, set[str]],
    findings: list[Finding],
    threshold: int,
    chosen: set[str],
    fresh: frozenset[str],
) -> set[str]:
    """The masks that make each of ``findings`` (one group) safe, with ``chosen`` hidden."""
    picks: set[str] = set()
    for finding in findings:
        if not model.is_disclosed(finding.figure, threshold, drop=chosen):
            continue
        among = set().union(*(where.get(b, ()) for b in _blocks_of(model, finding.figure)))
        options = published.candidates(finding.figure, threshold, fresh, among - chosen)
        picked = _quick_pick(model, finding.figure, threshold, chosen, options)
        if picked is None:  # the exact answers (whole-block programmes)
            picked = []
            for key in options[:MAX_CANDIDATES]:
                if not model.is_disclosed(finding.figure, threshold, drop=chosen | {key}):
                    picked.append(key)
                    break
        if not picked:  # none alone: the shortest run of candidates, in order, that makes it safe
            picked = options[: _shortest_prefix(model, finding.figure, threshold, chosen, options)]
            figure, hidden = finding.figure, frozenset(chosen)

            def safe(keys: list[str], figure: Figure = figure, hidden=hidden) -> bool:
                return not model.is_disclosed(figure, threshold, drop=hidden | set(keys))

            if safe(picked):  # then show again those not needed
                picked = _needed(safe, picked[:-1], [picked[-1]]) + [picked[-1]]
        chosen |= set(picked)
        picks |= set(picked)
    return picks


def _quick_pick(
    model: Model, figure: Figure, threshold: int, chosen: set[str], options: list[str]
) -> list[str] | None:
    """Candidates to hide that make ``figure`` safe, proven with the cheap answers only
    (kept solutions, inner ranges: :meth:`Model.proven_safe`), or None when they prove
    nothing. The first candidate proven alone; else the shortest run of candidates, in
    order, proven (a bisection: hiding more only widens the ranges), then those whose
    removal is still proven safe are shown again. Proving that a candidate does *not* work
    costs programmes over the whole block: the exact path is left for when this one fails.
    Every mask chosen is checked again by the next audit round."""
    for key in options[:MAX_CANDIDATES]:
        if model.proven_safe(figure, threshold, drop=chosen | {key}):
            return [key]
    if not options or not model.proven_safe(figure, threshold, drop=chosen | set(options)):
        return None
    low, high = 1, len(options)
    while low < high:
        middle = (low + high) // 2
        if model.proven_safe(figure, threshold, drop=chosen | set(options[:middle])):
            high = middle
        else:
            low = middle + 1
    picked = options[:low]

    def safe(keys: list[str]) -> bool:
        return model.proven_safe(figure, threshold, drop=chosen | set(keys))

    return _needed(safe, picked[:-1], [picked[-1]]) + [picked[-1]]


def _needed(safe, group: list[str], kept: list[str]) -> list[str]:
    """The keys of ``group`` to keep hidden, with ``kept``, for ``safe`` to hold (it holds
    with all of them): halves are shown again together when that stays safe, so a long run of
    candidates of which few matter costs a few programmes per key kept, not one per key."""
    if not group or safe(kept):
        return []
    if len(group) == 1:
        return list(group)
    half = len(group) // 2
    first, second = group[:half], group[half:]
    keep_second = _needed(safe, second, kept + first)
    return _needed(safe, first, kept + keep_second) + keep_second


def _shortest_prefix(
    model: Model, figure: Figure, threshold: int, chosen: set[str], options: list[str]
) -> int:
    """How many of ``options`` (in order) must be hidden, with ``chosen``, for ``figure`` to
    be safe; all of them when even that is not enough. Hiding more only widens what the
    attacker can say (fewer constraints), so safety grows with the prefix: a bisection."""
    low, high = 1, len(options)
    if model.is_disclosed(figure, threshold, drop=chosen | set(options)):
        return high
    while low < high:
        middle = (low + high) // 2
        if model.is_disclosed(figure, threshold, drop=chosen | set(options[:middle])):
            low = middle + 1
        else:
            high = middle
    return low


def pages_to_rebuild(ledgers: Mapping[str, Ledger], masks: Iterable[str]) -> set[str]:
    """Pages that publish a figure the build has just decided to hide."""
    keys = set(masks)
    return {
        page for page, ledger in ledgers.items() if keys & (set(ledger.counts) | set(ledger.shares))
    }
