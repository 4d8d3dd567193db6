"""The attacker's model: what all published numbers together tell about a hidden cell.

The classic model for linked tables, written as a linear programme (solved with HiGHS, the
solver behind scipy). Every population (contacts, participants, answers, project holders) is
cut into
*atoms*: the cells of its finest cross-tabulations. For each group of columns that some
published table crosses (a *clique*: action x territory x profile, action x département…),
the model has one non-negative unknown per combination of their values, plus one value
"other" per column for everything no page names. Cross-tabulations of the same population
agree on their shared margins (the same rows, counted two ways). Every published count fixes
the sum of the atoms it covers; every published share (``87 %`` of 15) bounds the ratio of
two such sums within its rounding. A hidden cell is then an unknown sum of atoms: the
smallest and largest values it can take, given everything published, are two linear
programmes. The attacker is assumed to know the model (which columns exist, which values
they can take) but no individual row.

Limits (stated in the method note): medians and quartiles are not linear and are left out
(they are only published over at least the threshold); integrality is relaxed (bounds are
rounded inwards); crossings that no page publishes are not modelled jointly (their margins
are, so no published relation is missed).
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from vccap.disclosure.ledger import Figure, Ledger, Term

#: The value of a column standing for every value no published figure names.
OTHER = "\x00autre"
EPSILON = 1e-6
#: Solutions each block keeps to answer later questions without solving.
MAX_WITNESSES = 64
#: Blocks of at least this many unknowns start with solutions in random directions.
SEED_FROM = 200
SEED_DIRECTIONS = 3
#: Neighbourhood of a figure in the quick local check: rows of at most LOCAL_ROW unknowns,
#: at most LOCAL_MAX unknowns.
LOCAL_ROW = 400
LOCAL_MAX = 4000


@dataclass
class Clique:
    population: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    offset: int

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


class Model:
    """The linear model of everything a set of ledgers publishes.

    ``drop``: keys of published figures (counts, or ``num/den`` for shares) to leave out, as
    if they were hidden. The unknowns fall into independent blocks (the populations, and
    within one the actions no published figure links): each question solves its block only.
    """

    def __init__(self, ledgers: Iterable[Ledger], drop: Iterable[str] = ()) -> None:
        dropped = set(drop)
        self.counts: dict[str, tuple[Figure, int]] = {}
        self.shares: dict[str, tuple[Figure, Figure, float, float]] = {}
        self.hidden: dict[str, Figure] = {}
        for ledger in ledgers:
            for key, item in ledger.counts.items():
                if key not in dropped:
                    self.counts.setdefault(key, item)
            for key, item in ledger.shares.items():
                if key not in dropped:
                    self.shares.setdefault(key, item)
            self.hidden.update(ledger.hidden)
        self._index()
        self._build()

    # -- structure -----------------------------------------------------------------------

    def _terms(self) -> Iterable[Term]:
        for figure, _ in self.counts.values():
            yield from figure.terms
        for num, den, _, _ in self.shares.values():
            yield from num.terms
            yield from den.terms
        for figure in self.hidden.values():
            yield from figure.terms

    def _index(self) -> None:
        domains: dict[str, dict[str, dict[str, int]]] = {}
        dimsets: dict[str, set[frozenset[str]]] = {}
        for term in self._terms():
            pop = domains.setdefault(term.population, {})
            dimsets.setdefault(term.population, set()).add(frozenset(f.dim for f in term.filters))
            for f in term.filters:
                values = pop.setdefault(f.dim, {})
                for v in f.values:
                    values.setdefault(v, len(values))
        self.domains: dict[str, dict[str, list[str]]] = {}
        for population, dims in domains.items():
            self.domains[population] = {
                d: [*sorted(values), OTHER] for d, values in sorted(dims.items())
            }
        self.cliques: dict[str, list[Clique]] = {}
        offset = 0
        for population, sets in sorted(dimsets.items()):
            maximal = [s for s in sets if not any(s < other for other in sets)]
            maximal.sort(key=lambda s: (len(s), sorted(s)))
            cliques = []
            for s in maximal:
                dims = tuple(sorted(s))
                shape = tuple(len(self.domains[population][d]) for d in dims)
                clique = Clique(population, dims, shape, offset)
                offset += clique.size
                cliques.append(clique)
            self.cliques[population] = cliques
        self.n = offset

    def _clique_for(self, term: Term) -> Clique:
        dims = {f.dim for f in term.filters}
        options = [c for c in self.cliques[term.population] if dims <= set(c.dims)]
        return min(options, key=lambda c: c.size)

    def atoms(self, term: Term) -> np.ndarray:
        """Indices of the unknowns a term covers."""
        clique = self._clique_for(term)
        filters = {f.dim: f for f in term.filters}
        axes = []
        for d in clique.dims:
            domain = self.domains[term.population][d]
            f = filters.get(d)
            if f is None:
                axes.append(np.arange(len(domain)))
                continue
            wanted = set(f.values)
            hit = np.array([v in wanted for v in domain])
            axes.append(np.flatnonzero(~hit if f.negate else hit))
        if not clique.dims:
            return np.array([clique.offset])
        grid = np.meshgrid(*axes, indexing="ij")
        flat = np.ravel_multi_index([g.ravel() for g in grid], clique.shape)
        return clique.offset + flat

    def row(self, figure: Figure) -> np.ndarray:
        """The figure as a dense coefficient vector over the unknowns."""
        vector = np.zeros(self.n)
        for term in figure.terms:
            np.add.at(vector, self.atoms(term), 1.0)
        return vector

    def _sparse_row(self, figure: Figure) -> tuple[np.ndarray, np.ndarray]:
        cols = np.concatenate([self.atoms(t) for t in figure.terms])
        uniq, counts = np.unique(cols, return_counts=True)
        return uniq, counts.astype(float)

    def _consistency(self) -> list[tuple[np.ndarray, np.ndarray]]:
        rows = []
        for cliques in self.cliques.values():
            for a, b in itertools.combinations(cliques, 2):
                shared = [d for d in a.dims if d in b.dims]
                ids_a = self._margin_ids(a, shared)
                ids_b = self._margin_ids(b, shared)
                for s in np.unique(np.concatenate([ids_a, ids_b])):
                    cols = np.concatenate(
                        [
                            a.offset + np.flatnonzero(ids_a == s),
                            b.offset + np.flatnonzero(ids_b == s),
                        ]
                    )
                    data = np.concatenate(
                        [np.ones(int((ids_a == s).sum())), -np.ones(int((ids_b == s).sum()))]
                    )
                    rows.append((cols, data))
        return rows

    @staticmethod
    def _margin_ids(clique: Clique, shared: list[str]) -> np.ndarray:
        if not clique.dims:
            return np.zeros(1, dtype=int)
        coords = np.indices(clique.shape).reshape(len(clique.dims), -1)
        if not shared:
            return np.zeros(coords.shape[1], dtype=int)
        picks = [coords[clique.dims.index(d)] for d in shared]
        shape = [clique.shape[clique.dims.index(d)] for d in shared]
        return np.ravel_multi_index(picks, shape)

    def _build(self) -> None:
        rows: list[tuple[np.ndarray, np.ndarray]] = []
        kinds: list[str] = []  # "eq" or "ub"
        rhs: list[float] = []
        keys: list[str | None] = []  # the published figure a row comes from (None: model)
        for cols, data in self._consistency():
            rows.append((cols, data))
            kinds.append("eq")
            rhs.append(0.0)
            keys.append(None)
        for key, (figure, value) in self.counts.items():
            rows.append(self._sparse_row(figure))
            kinds.append("eq")
            rhs.append(float(value))
            keys.append(key)
        for key, (num, den, value, precision) in self.shares.items():
            n_cols, n_data = self._sparse_row(num)
            d_cols, d_data = self._sparse_row(den)
            for sign, ratio in ((1.0, value + precision), (-1.0, value - precision)):
                # sign * (num - ratio * den) <= 0
                rows.append(
                    (np.concatenate([n_cols, d_cols]),
                     np.concatenate([sign * n_data, -sign * ratio * d_data]))
                )  # fmt: skip
                kinds.append("ub")
                rhs.append(0.0)
                keys.append(key)
        self.matrix = _matrix(rows, self.n)
        self.kinds = np.array(kinds)
        self.rhs = np.array(rhs)
        self.keys = keys
        # independent blocks of unknowns (rows link the unknowns they touch)
        graph = sparse.bmat([[None, self.matrix], [self.matrix.T, None]]).tocsr()
        graph.data = np.ones_like(graph.data)
        _, labels = connected_components(graph, directed=False)
        self.row_block = labels[: len(rows)]
        self.col_block = labels[len(rows) :]
        self._blocks: dict[int, _Block] = {}
        #: How :meth:`is_disclosed` answered: from kept points, a local programme, or solved.
        self.answered = {"points": 0, "local": 0, "solved": 0}

    # -- questions -----------------------------------------------------------------------

    def _block(self, block: int) -> _Block:
        if block not in self._blocks:
            cols = np.flatnonzero(self.col_block == block)
            rows = np.flatnonzero(self.row_block == block)
            part = _Block(self.matrix[rows][:, cols], self.kinds[rows], self.rhs[rows], cols, rows)
            if len(cols) >= SEED_FROM and len(rows):
                part.seed(SEED_DIRECTIONS, np.random.default_rng(block))
            self._blocks[block] = part
        return self._blocks[block]

    def bounds(self, figure: Figure, drop: Iterable[str] = ()) -> tuple[float, float]:
        """The smallest and largest value the figure can take given everything published
        but the figures in ``drop`` (``math.inf`` when nothing bounds it above)."""
        c = self.row(figure)
        dropped = set(drop)
        low = high = 0.0
        for block in np.unique(self.col_block[c != 0]):
            part = self._block(int(block))
            off = [i for i, r in enumerate(part.rows) if self.keys[r] in dropped]
            lo, hi = part.bounds(c[part.cols], off)
            low, high = low + lo, high + hi
        return low, high

    @property
    def kept_points(self) -> int:
        """How many solutions the blocks keep to answer questions without solving."""
        return sum(len(part.witnesses) for part in self._blocks.values())

    def is_disclosed(self, figure: Figure, threshold: int, drop: Iterable[str] = ()) -> bool:
        """Whether everything published but ``drop`` pins the figure, or bounds it within
        fewer than ``threshold`` values: the answer of
        ``disclosed(*self.bounds(figure, drop), threshold)``, with fewer programmes solved.

        Each block keeps solutions of its earlier programmes (points that satisfy every
        published figure, hence also what is left when some are dropped). When two of them
        give the figure values at least ``threshold`` apart, it cannot be disclosed and
        nothing is solved; otherwise the smallest value is solved first, and the largest
        only when the kept points do not already reach ``threshold`` above it.
        """
        c = self.row(figure)
        dropped = set(drop)
        parts = []
        for block in np.unique(self.col_block[c != 0]):
            part = self._block(int(block))
            off = [i for i, r in enumerate(part.rows) if self.keys[r] in dropped]
            parts.append((part, c[part.cols], off))
        if not parts:
            return False
        ranges = [part.witness_range(cost) for part, cost, _ in parts]
        seen_high = sum(r[1] for r in ranges) if all(ranges) else None
        if seen_high is not None:
            seen_low = sum(r[0] for r in ranges)
            if math.floor(seen_high - EPSILON) - math.ceil(seen_low + EPSILON) >= threshold:
                self.answered["points"] += 1
                return False
        local = [part.local_range(cost, off) for part, cost, off in parts]
        if all(local):
            local_low = sum(r[0] for r in local)
            local_high = sum(r[1] for r in local)
            if math.isinf(local_high) or (
                math.floor(local_high + EPSILON) - math.ceil(local_low - EPSILON) >= threshold
            ):
                self.answered["local"] += 1
                return False
        self.answered["solved"] += 1
        low = sum(part.solve(cost, off, minimize=True) for part, cost, off in parts)
        if seen_high is not None:
            if math.floor(seen_high - EPSILON) - math.ceil(low - EPSILON) >= threshold:
                return False
        high = sum(part.solve(cost, off, minimize=False) for part, cost, off in parts)
        return disclosed(low, high, threshold)


class _Block:
    """One independent block of the model, kept in a HiGHS instance: each question only
    changes the objective (and relaxes the rows of dropped figures), so HiGHS starts from
    its last basis."""

    def __init__(self, matrix: sparse.csr_matrix, kinds, rhs, cols, rows, keep=True) -> None:
        self.cols, self.rows = cols, rows
        self.keeps = keep
        inf = highspy.kHighsInf
        eq = kinds == "eq"
        self.lower = np.where(eq, rhs, -inf).astype(float)
        self.upper = rhs.astype(float)
        lp = highspy.HighsLp()
        lp.num_col_ = int(matrix.shape[1])
        lp.num_row_ = int(matrix.shape[0])
        lp.col_cost_ = np.zeros(matrix.shape[1])
        lp.col_lower_ = np.zeros(matrix.shape[1])
        lp.col_upper_ = np.full(matrix.shape[1], inf)
        lp.row_lower_ = self.lower
        lp.row_upper_ = self.upper
        csr = matrix.tocsr()
        self.matrix, self.kinds, self.rhs = csr, kinds, rhs
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = csr.indptr.astype(np.int32)
        lp.a_matrix_.index_ = csr.indices.astype(np.int32)
        lp.a_matrix_.value_ = csr.data.astype(float)
        self.highs = _highs()
        status = self.highs.passModel(lp)
        if status != highspy.HighsStatus.kOk:
            raise RuntimeError(f"modèle linéaire refusé par HiGHS ({status})")
        self.relaxed: list[int] = []
        #: Solutions found with no row relaxed: points that satisfy every published figure.
        self.witnesses: list[np.ndarray] = []
        self._next = 0

    def local_range(self, cost: np.ndarray, drop: list[int]) -> tuple[float, float] | None:
        """The figure's smallest and largest values when only the unknowns near it may
        move and every other one keeps its value in a kept solution (None: no solution kept,
        or the neighbourhood is the whole block).

        A stronger attacker than the model's (he also knows every unknown far from the
        figure), so the range is within the true one: wide enough, it proves the figure
        safe with a small programme; narrow, it proves nothing. The neighbourhood: the
        figure's unknowns, then those sharing a narrow row (at most ``LOCAL_ROW`` unknowns)
        with them, twice, up to ``LOCAL_MAX`` unknowns.
        """
        if not self.witnesses or not len(self.rows):
            return None
        free = np.flatnonzero(cost)
        csc = self.matrix.tocsc() if not hasattr(self, "_csc") else self._csc
        self._csc = csc
        widths = np.diff(self.matrix.indptr)
        for _ in range(2):
            rows = np.unique(csc[:, free].indices)
            rows = rows[widths[rows] <= LOCAL_ROW]
            grown = np.union1d(free, self.matrix[rows].indices)
            if len(grown) > LOCAL_MAX:
                break
            free = grown
        if len(free) >= len(self.cols):
            return None
        point = self.witnesses[0]
        rows = np.unique(csc[:, free].indices)
        sub = self.matrix[rows]
        fixed = sub @ point - sub[:, free] @ point[free]
        dropped = set(drop)
        local = _Block(
            sub[:, free], self.kinds[rows], self.rhs[rows] - fixed, free, rows, keep=False
        )
        off = [i for i, r in enumerate(rows) if int(r) in dropped]
        try:
            return local.bounds(cost[free], off)
        except RuntimeError:  # rounding in the fixed part: let the whole block answer
            return None

    def witness_range(self, cost: np.ndarray) -> tuple[float, float] | None:
        """Smallest and largest value of ``cost @ x`` over the kept solutions (None: none)."""
        if not self.witnesses:
            return None
        values = np.vstack(self.witnesses) @ cost
        return float(values.min()), float(values.max())

    def _keep(self) -> None:
        if self.relaxed or not self.keeps:
            return
        x = np.asarray(self.highs.getSolution().col_value, dtype=float)
        if len(self.witnesses) < MAX_WITNESSES:
            self.witnesses.append(x)
        else:  # the oldest goes
            self.witnesses[self._next] = x
            self._next = (self._next + 1) % MAX_WITNESSES

    def _relax(self, rows: list[int]) -> None:
        if rows == self.relaxed:
            return
        inf = highspy.kHighsInf
        if self.relaxed:
            idx = np.array(self.relaxed, dtype=np.int32)
            self.highs.changeRowsBounds(len(idx), idx, self.lower[idx], self.upper[idx])
        if rows:
            idx = np.array(rows, dtype=np.int32)
            self.highs.changeRowsBounds(
                len(idx), idx, np.full(len(idx), -inf), np.full(len(idx), inf)
            )
        self.relaxed = list(rows)

    def bounds(self, cost: np.ndarray, drop: list[int]) -> tuple[float, float]:
        return self.solve(cost, drop, minimize=True), self.solve(cost, drop, minimize=False)

    def solve(self, cost: np.ndarray, drop: list[int], *, minimize: bool) -> float:
        """The smallest (or largest) value of ``cost @ x`` with the rows ``drop`` relaxed."""
        if not len(self.rows):  # nothing published touches these unknowns
            return 0.0 if minimize or not cost.any() else math.inf
        self._relax(drop)
        n = len(cost)
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), cost.astype(float))
        sense = highspy.ObjSense.kMinimize if minimize else highspy.ObjSense.kMaximize
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            self._keep()
            return float(self.highs.getInfo().objective_function_value)
        if status == highspy.HighsModelStatus.kUnbounded:
            return math.inf
        raise RuntimeError(f"programme linéaire sans solution ({status})")

    def seed(self, directions: int, rng: np.random.Generator) -> None:
        """Keep the solutions of a few programmes in random directions (both senses): far
        apart points of the block, which answer most later questions without solving."""
        for _ in range(directions):
            cost = rng.uniform(-1.0, 1.0, len(self.cols))
            for minimize in (True, False):
                self.solve(cost, [], minimize=minimize)


def _highs():
    """A silent HiGHS instance (the library prints a banner once per process, on fd 1)."""
    global _BANNER_SHOWN
    if not _BANNER_SHOWN:
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    else:
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # Questions change only the objective: the last basis stays feasible, so the primal
    # simplex goes on from it (measured 1.5x faster than the default on 40 actions);
    # presolve would throw that basis away.
    highs.setOptionValue("simplex_strategy", 4)
    highs.setOptionValue("presolve", "off")
    return highs


_BANNER_SHOWN = False


def _matrix(rows: list[tuple[np.ndarray, np.ndarray]], n: int) -> sparse.csr_matrix:
    if not rows:
        return sparse.csr_matrix((0, n))
    indptr = np.cumsum([0] + [len(c) for c, _ in rows])
    cols = np.concatenate([c for c, _ in rows]).astype(int)
    data = np.concatenate([d for _, d in rows])
    matrix = sparse.csr_matrix((data, cols, indptr), shape=(len(rows), n))
    matrix.sum_duplicates()  # a share's numerator and denominator cover the same unknowns
    return matrix


def interval(lo: float, hi: float) -> tuple[int, float]:
    """LP bounds rounded inwards to the integers a count can take."""
    low = math.ceil(lo - EPSILON)
    high = math.floor(hi + EPSILON) if math.isfinite(hi) else math.inf
    return low, high


def disclosed(lo: float, hi: float, threshold: int) -> bool:
    """A hidden cell is disclosed when it is pinned, or known within fewer than
    ``threshold`` values, unless it is known to be zero."""
    low, high = interval(lo, hi)
    if high == 0:
        return False
    return (high - low) < threshold
