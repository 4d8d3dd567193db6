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
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from vccap.disclosure.ledger import Figure, Ledger, Term
from vccap.disclosure.lpblock import Block

#: The value of a column standing for every value no published figure names.
OTHER = "\x00autre"
EPSILON = 1e-6
#: Blocks of at least this many unknowns, with no known solution (the true counts), start
#: with solutions in random directions.
SEED_FROM = 200
SEED_DIRECTIONS = 3
#: Neighbourhoods of a figure for the local answers (:mod:`vccap.disclosure.lpblock`): rings
#: of narrow rows, and the most unknowns; the last one is tried when the first concludes
#: nothing.
LOCAL_MAX = 4000
LEVELS = ((2, 1),)  # (rings, times LOCAL_MAX)
#: Largest distance between the true counts and what the published figures say (rounding).
FEASIBLE = 1e-6


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

    def structure(self) -> dict[str, tuple]:
        """Per population, what its unknowns are (each clique's columns and shape, each
        column's values): two models with the same structure number a population's
        unknowns the same way, and make the same consistency rows."""
        return {
            population: (
                tuple((c.dims, c.shape) for c in cliques),
                tuple((d, tuple(v)) for d, v in self.domains[population].items()),
            )
            for population, cliques in self.cliques.items()
        }

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
        self._blocks: dict[int, Block] = {}
        #: A point that satisfies every published figure (the true counts), when known.
        self.point: np.ndarray | None = None
        #: How :meth:`is_disclosed` answered: from kept points, a local programme (safe or
        #: disclosed), or the whole block solved.
        self.answered = {"points": 0, "local": 0, "outer": 0, "solved": 0, "unproven": 0}
        self._key_rows: dict[int, dict[str, list[int]]] = {}
        #: The bounds behind the last answer of :meth:`is_disclosed` (local ones when a
        #: local programme concluded: they contain the true range).
        self.last_bounds: tuple[float, float] = (0.0, math.inf)

    def use_point(self, x: np.ndarray) -> bool:
        """Take ``x`` (one value per unknown: the true counts) as a known solution of every
        block, when it satisfies every published figure (within rounding); False otherwise
        (it is then not used). Saves the random programmes that would look for one."""
        x = np.asarray(x, dtype=float)
        if x.shape != (self.n,) or (x < -FEASIBLE).any():
            return False
        values = self.matrix @ x
        eq = self.kinds == "eq"
        scale = np.maximum(1.0, np.abs(self.rhs))
        if (np.abs(values - self.rhs)[eq] > FEASIBLE * scale[eq]).any():
            return False
        if (values - self.rhs)[~eq].max(initial=0.0) > FEASIBLE:
            return False
        self.point = x
        for part in self._blocks.values():
            part.witnesses.insert(0, x[part.cols])
        return True

    # -- questions -----------------------------------------------------------------------

    def _block(self, block: int) -> Block:
        if block not in self._blocks:
            cols = np.flatnonzero(self.col_block == block)
            rows = np.flatnonzero(self.row_block == block)
            witness = None if self.point is None else self.point[cols]
            part = Block(
                self.matrix[rows][:, cols], self.kinds[rows], self.rhs[rows], cols, rows,
                witness=witness,
            )  # fmt: skip
            if witness is None and len(cols) >= SEED_FROM and len(rows):
                part.seed(SEED_DIRECTIONS, np.random.default_rng(block))
            self._blocks[block] = part
        return self._blocks[block]

    def key_blocks(self) -> dict[str, int]:
        """The block of each published figure's rows (figure key -> block)."""
        if not hasattr(self, "_key_block"):
            self._key_block = {
                key: int(self.row_block[r]) for r, key in enumerate(self.keys) if key is not None
            }
        return self._key_block

    def _rows_of(self, part: Block, keys: set[str]) -> list[int]:
        """The rows of block ``part`` (its own indices, in order) that come from the
        published figures ``keys``."""
        if not keys:
            return []
        index = self._key_rows.get(id(part))
        if index is None:
            index = {}
            for i, r in enumerate(part.rows):
                key = self.keys[r]
                if key is not None:
                    index.setdefault(key, []).append(i)
            self._key_rows[id(part)] = index
        return sorted(i for key in keys for i in index.get(key, ()))

    def bounds(self, figure: Figure, drop: Iterable[str] = ()) -> tuple[float, float]:
        """The smallest and largest value the figure can take given everything published
        but the figures in ``drop`` (``math.inf`` when nothing bounds it above)."""
        c = self.row(figure)
        dropped = set(drop)
        low = high = 0.0
        for block in np.unique(self.col_block[c != 0]):
            part = self._block(int(block))
            off = self._rows_of(part, dropped)
            lo, hi = part.bounds(c[part.cols], off)
            low, high = low + lo, high + hi
        return low, high

    def cells_by_block(self, figures: Iterable[Figure]) -> dict[int, sparse.csc_matrix]:
        """The figures that lie in one block, grouped by it: per block, a matrix with one
        column per figure over the block's unknowns (figures over several blocks are left
        out)."""
        grouped: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        for figure in figures:
            cols, data = self._sparse_row(figure)
            blocks = np.unique(self.col_block[cols])
            if len(blocks) == 1:
                grouped.setdefault(int(blocks[0]), []).append((cols, data))
        out = {}
        for block, cells in grouped.items():
            part_cols = self._block(block).cols
            rows = np.concatenate([np.searchsorted(part_cols, c) for c, _ in cells])
            cols = np.concatenate([np.full(len(c), j) for j, (c, _) in enumerate(cells)])
            data = np.concatenate([d for _, d in cells])
            out[block] = sparse.csc_matrix((data, (rows, cols)), shape=(len(part_cols), len(cells)))
        return out

    def spread(
        self, cells: dict[int, sparse.csc_matrix], threshold: int
    ) -> dict[int, list[np.ndarray]]:
        """Keep, in each block of ``cells`` (:meth:`cells_by_block`), solutions that move
        its cells (:meth:`Block.spread`): before many questions, a few programmes per block
        let the kept points answer most of them. Returns the new solutions per block (to
        give to a copy of the model: :meth:`keep_points`); a block whose programme fails
        keeps what it found."""
        found: dict[int, list[np.ndarray]] = {}
        for block, matrix in cells.items():
            part = self._block(block)
            before = len(part.witnesses)
            try:
                part.spread(matrix, threshold)
            except RuntimeError:  # the questions will solve what they need
                pass
            found[block] = part.witnesses[before:]
        return found

    def keep_points(self, points: dict[int, list[np.ndarray]]) -> None:
        """Keep solutions of blocks found by another copy of this model (:meth:`spread`)."""
        for block, xs in points.items():
            part = self._block(block)
            for x in xs:
                part.keep_point(x)

    @property
    def kept_points(self) -> int:
        """How many solutions the blocks keep to answer questions without solving."""
        return sum(len(part.witnesses) for part in self._blocks.values())

    def proven_safe(self, figure: Figure, threshold: int, drop: Iterable[str] = ()) -> bool:
        """True when kept solutions or the inner range of the figure's neighbourhood prove
        it safe with the figures ``drop`` hidden; False means « not proven this cheaply »,
        not « disclosed » (no programme over the whole block is solved). Secondary
        suppression tries its candidates with it first: a candidate that works is usually
        proven at once, and one that does not costs no whole-block programme."""
        return not self.is_disclosed(figure, threshold, drop, quick=True)

    def is_disclosed(
        self, figure: Figure, threshold: int, drop: Iterable[str] = (), *, quick: bool = False
    ) -> bool:
        """Whether everything published but ``drop`` pins the figure, or bounds it within
        fewer than ``threshold`` values: the answer of
        ``disclosed(*self.bounds(figure, drop), threshold)``, with fewer programmes solved.

        In order: the solutions each block keeps (points that satisfy every published
        figure, hence also what is left when some are dropped: two of them ``threshold``
        apart prove it safe); then small programmes over the figure's neighbourhood (see
        :mod:`vccap.disclosure.lpblock`: the inner range proves it safe, the outer one proves
        it disclosed), in two sizes; only then the whole blocks are solved, the smallest
        value first, the largest only when the kept points do not already reach
        ``threshold`` above it. The bounds behind the answer are in :attr:`last_bounds`.
        """
        c = self.row(figure)
        dropped = set(drop)
        parts = []
        for block in np.unique(self.col_block[c != 0]):
            part = self._block(int(block))
            off = self._rows_of(part, dropped)
            parts.append((part, c[part.cols], off))
        if not parts:
            self.last_bounds = (0.0, 0.0)
            return False
        ranges = [part.witness_range(cost) for part, cost, _ in parts]
        seen_high = sum(r[1] for r in ranges) if all(ranges) else None
        if seen_high is not None:
            seen_low = sum(r[0] for r in ranges)
            self.last_bounds = (seen_low, seen_high)
            if math.floor(seen_high - EPSILON) - math.ceil(seen_low + EPSILON) >= threshold:
                self.answered["points"] += 1
                return False
        for rings, times in LEVELS:
            free = [part.neighbourhood(cost, rings, LOCAL_MAX * times) for part, cost, _ in parts]
            inner = [
                p.inner_range(cost, off, f) for (p, cost, off), f in zip(parts, free, strict=True)
            ]
            if all(inner):
                # each part's range holds its kept points too (a block's values form an
                # interval: between two reachable values, every value is reachable)
                if all(ranges):
                    inner = [
                        (min(a[0], b[0]), max(a[1], b[1]))
                        for a, b in zip(inner, ranges, strict=True)
                    ]
                low, high = sum(r[0] for r in inner), sum(r[1] for r in inner)
                if math.isinf(high) or (
                    math.floor(high + EPSILON) - math.ceil(low - EPSILON) >= threshold
                ):
                    self.last_bounds = (low, high)
                    self.answered["local"] += 1
                    return False
            if quick:
                continue
            if seen_high is not None and seen_high > EPSILON:  # a true value above zero
                outer = [
                    p.outer_range(cost, off, f)
                    for (p, cost, off), f in zip(parts, free, strict=True)
                ]
                if all(outer):
                    low = sum(r[0][0] for r in outer)
                    high = sum(r[0][1] for r in outer)
                    for (part, _, _), (_, points) in zip(parts, outer, strict=True):
                        for point in points:
                            part.keep_point(point)
                    exact = all(len(points) == 2 for _, points in outer)
                    if disclosed(low, high, threshold) or exact:
                        # a wider range than the true one, or the true one (both ends
                        # reached by solutions of the whole model)
                        self.last_bounds = (low, high)
                        self.answered["outer"] += 1
                        return disclosed(low, high, threshold)
        if quick:  # not proven safe cheaply (see proven_safe)
            self.answered["unproven"] += 1
            return True
        self.answered["solved"] += 1
        low = sum(part.solve(cost, off, minimize=True) for part, cost, off in parts)
        if seen_high is not None:
            self.last_bounds = (low, seen_high)
            if math.floor(seen_high - EPSILON) - math.ceil(low - EPSILON) >= threshold:
                return False
        high = sum(part.solve(cost, off, minimize=False) for part, cost, off in parts)
        self.last_bounds = (low, high)
        return disclosed(low, high, threshold)


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
