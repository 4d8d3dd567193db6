"""One independent block of the attacker's linear model (:mod:`vccap.disclosure.lp`), and the
small programmes that answer most questions about it without solving it whole.

A question is: how small and how large can a hidden cell (a linear ``cost``) be, given every
published figure of the block but the ``drop``-ped ones? Exactly, it is two linear programmes
over the whole block (:meth:`Block.bounds`), solved with HiGHS. Two cheaper, *sound* answers
come first, both over a neighbourhood of the cell (its unknowns, and those sharing a narrow
row with them, a few rings deep):

* **inner range** (:meth:`Block.inner_range`): every unknown outside the neighbourhood keeps
  its value in a known solution (a *witness*: the true counts, or an earlier programme's
  solution). Each point found is a point of the whole block, so a range as wide as the
  threshold proves the cell safe;
* **outer range** (:meth:`Block.outer_range`): only the narrow rows touching the
  neighbourhood are kept, every unknown they name is free. Leaving rows out can only widen
  what the cell can be, so a range narrower than the threshold proves the cell disclosed.

Only when neither concludes is the whole block solved.
"""

from __future__ import annotations

import math
import os

import highspy
import numpy as np
from scipy import sparse

#: Solutions each block keeps to answer later questions without solving.
MAX_WITNESSES = 64
#: Rows of at most this many unknowns link a neighbourhood (wider ones are totals).
LOCAL_ROW = 400
#: Rounds of :meth:`Block.spread` (two programmes each at most).
SPREAD_ROUNDS = 4


class Block:
    """One block of the model, with its rows (``matrix``: rows x unknowns of the block;
    ``kinds``: "eq" or "ub" per row; ``rhs``) and the model's indices of its unknowns
    (``cols``) and rows (``rows``). The HiGHS instance is made at the first programme;
    ``witness``: a known solution (true counts), kept first."""

    def __init__(
        self,
        matrix: sparse.csr_matrix,
        kinds: np.ndarray,
        rhs: np.ndarray,
        cols: np.ndarray,
        rows: np.ndarray,
        keep: bool = True,
        witness: np.ndarray | None = None,
    ) -> None:
        self.cols, self.rows = cols, rows
        self.keeps = keep
        self.matrix = matrix.tocsr()
        self.kinds, self.rhs = kinds, rhs
        inf = highspy.kHighsInf
        self.lower = np.where(kinds == "eq", rhs, -inf).astype(float)
        self.upper = np.asarray(rhs, dtype=float)
        self._csc: sparse.csc_matrix | None = None
        self.highs: highspy.Highs | None = None
        self._started = False
        self.relaxed: list[int] = []
        #: Points that satisfy every published figure of the block.
        self.witnesses: list[np.ndarray] = [] if witness is None else [witness]
        self._next = 0

    @property
    def csc(self) -> sparse.csc_matrix:
        if self._csc is None:
            self._csc = self.matrix.tocsc()
        return self._csc

    def _ready(self) -> highspy.Highs:
        if self.highs is not None:
            return self.highs
        inf = highspy.kHighsInf
        n = int(self.matrix.shape[1])
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = int(self.matrix.shape[0])
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, inf)
        lp.row_lower_ = self.lower
        lp.row_upper_ = self.upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = self.matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.matrix.data.astype(float)
        self.highs = silent_highs()
        status = self.highs.passModel(lp)
        if status != highspy.HighsStatus.kOk:
            raise RuntimeError(f"modèle linéaire refusé par HiGHS ({status})")
        return self.highs

    # -- local answers -----------------------------------------------------------------

    def neighbourhood(self, cost: np.ndarray, rings: int, largest: int) -> np.ndarray:
        """The cell's unknowns, grown ``rings`` times by the narrow rows they share, while
        at most ``largest`` unknowns (indices within the block)."""
        free = np.flatnonzero(cost)
        widths = np.diff(self.matrix.indptr)
        for _ in range(rings):
            rows = np.unique(self.csc[:, free].indices)
            rows = rows[widths[rows] <= LOCAL_ROW]
            grown = np.union1d(free, self.matrix[rows].indices)
            if len(grown) > largest or len(grown) == len(free):
                break
            free = grown
        return free

    def inner_range(
        self, cost: np.ndarray, drop: list[int], free: np.ndarray
    ) -> tuple[float, float] | None:
        """The cell's range when only ``free`` unknowns move and the others keep their
        value in the first witness (None: no witness, or ``free`` is the whole block)."""
        if not self.witnesses or not len(self.rows) or len(free) >= len(self.cols):
            return None
        point = self.witnesses[0]
        rows = np.unique(self.csc[:, free].indices)
        sub = self.matrix[rows]
        fixed = sub @ point - sub[:, free] @ point[free]
        dropped = set(drop)
        local = Block(sub[:, free], self.kinds[rows], self.rhs[rows] - fixed, free, rows, False)
        off = [i for i, r in enumerate(rows) if int(r) in dropped]
        try:
            return local.bounds(cost[free], off)
        except RuntimeError:  # rounding in the fixed part: let the whole block answer
            return None

    def outer_range(
        self, cost: np.ndarray, drop: list[int], free: np.ndarray
    ) -> tuple[tuple[float, float], list[np.ndarray]] | None:
        """The cell's range with only the narrow rows touching ``free`` kept (every unknown
        they name may move): it contains the true range. Also the points of the whole block
        reached at both ends, when the first witness completes them into solutions of every
        row (:meth:`complete`): then the range is the true one. None when no row is kept."""
        if not len(self.rows):
            return None
        widths = np.diff(self.matrix.indptr)
        rows = np.unique(self.csc[:, free].indices)
        rows = rows[widths[rows] <= LOCAL_ROW]
        rows = np.setdiff1d(rows, np.asarray(drop, dtype=int))
        if not len(rows):
            return None
        sub = self.matrix[rows]
        names = np.union1d(free, sub.indices)
        local = Block(sub[:, names], self.kinds[rows], self.rhs[rows], names, rows, False)
        ends, points = [], []
        try:
            for minimize in (True, False):
                ends.append(local.solve(cost[names], [], minimize=minimize))
                if math.isfinite(ends[-1]):
                    values = np.asarray(local._ready().getSolution().col_value, dtype=float)
                    point = self.complete(names, values)
                    if point is not None:
                        points.append(point)
        except RuntimeError:
            return None
        return (ends[0], ends[1]), points

    def complete(self, names: np.ndarray, values: np.ndarray) -> np.ndarray | None:
        """The first witness with the unknowns ``names`` set to ``values``, when that
        satisfies every row of the block (then it is a solution of the whole block)."""
        if not self.witnesses or (values < -1e-9).any():
            return None
        x = self.witnesses[0].copy()
        x[names] = values
        rows = np.unique(self.csc[:, names].indices)
        got = self.matrix[rows] @ x
        slack = 1e-6 * np.maximum(1.0, np.abs(self.rhs[rows]))
        if (got < self.lower[rows] - slack).any() or (got > self.upper[rows] + slack).any():
            return None
        return x

    def keep_point(self, x: np.ndarray) -> None:
        """Keep a solution of the whole block found elsewhere (see :meth:`complete`)."""
        if len(self.witnesses) < MAX_WITNESSES:
            self.witnesses.append(x)

    def witness_range(self, cost: np.ndarray) -> tuple[float, float] | None:
        """Smallest and largest value of ``cost @ x`` over the kept solutions (None: none)."""
        if not self.witnesses:
            return None
        values = np.vstack(self.witnesses) @ cost
        return float(values.min()), float(values.max())

    # -- programmes over the whole block -----------------------------------------------

    def _keep(self) -> None:
        if self.relaxed or not self.keeps:
            return
        x = np.asarray(self._ready().getSolution().col_value, dtype=float)
        if len(self.witnesses) < MAX_WITNESSES:
            self.witnesses.append(x)
        else:  # the oldest goes (the first, the true counts, stays)
            self.witnesses[1 + self._next] = x
            self._next = (self._next + 1) % (MAX_WITNESSES - 1)

    def _relax(self, rows: list[int]) -> None:
        if rows == self.relaxed:
            return
        highs = self._ready()
        inf = highspy.kHighsInf
        if self.relaxed:
            idx = np.array(self.relaxed, dtype=np.int32)
            highs.changeRowsBounds(len(idx), idx, self.lower[idx], self.upper[idx])
        if rows:
            idx = np.array(rows, dtype=np.int32)
            highs.changeRowsBounds(len(idx), idx, np.full(len(idx), -inf), np.full(len(idx), inf))
        self.relaxed = list(rows)

    def bounds(self, cost: np.ndarray, drop: list[int]) -> tuple[float, float]:
        return self.solve(cost, drop, minimize=True), self.solve(cost, drop, minimize=False)

    def solve(self, cost: np.ndarray, drop: list[int], *, minimize: bool) -> float:
        """The smallest (or largest) value of ``cost @ x`` with the rows ``drop`` relaxed."""
        if not len(self.rows):  # nothing published touches these unknowns
            return 0.0 if minimize or not cost.any() else math.inf
        highs = self._ready()
        self._relax(drop)
        n = len(cost)
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), cost.astype(float))
        sense = highspy.ObjSense.kMinimize if minimize else highspy.ObjSense.kMaximize
        highs.changeObjectiveSense(sense)
        if self.keeps and not self._started:
            # no basis yet: the interior point method and crossover find the first one
            # (measured on the 131,750 unknowns of 1,000 actions' contacts: 48.5 s with the
            # primal simplex, 22.5 s with presolve and the dual simplex, 4.2 s); the next
            # programmes go on from it with the primal simplex (see silent_highs)
            highs.setOptionValue("presolve", "on")
            highs.setOptionValue("solver", "ipm")
            try:
                highs.run()
            finally:
                highs.setOptionValue("presolve", "off")
                highs.setOptionValue("solver", "simplex")
            self._started = True
            if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                # unbounded, say, which the interior point method may not tell from
                # infeasible: the simplex says which
                highs.clearSolver()
                highs.run()
        else:
            highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            self._keep()
            return float(highs.getInfo().objective_function_value)
        if status == highspy.HighsModelStatus.kUnbounded:
            return math.inf
        raise RuntimeError(f"programme linéaire sans solution ({status})")

    def spread(self, cells: sparse.csc_matrix, threshold: int, rounds: int | None = None) -> int:
        """Keep solutions that move many cells at once, so that the kept points alone prove
        most of them safe (:meth:`witness_range`): ``cells`` is one column per cell (its
        coefficients over the block's unknowns). A round takes the cells the kept points
        do not yet show ``threshold`` apart, and solves two programmes over the whole
        block: the smallest sum of those not yet seen at zero or below, then the largest
        sum of them all, each of their unknowns capped at its value in the first witness
        plus twice the threshold (a bounded programme: its solution is one of the block,
        the caps are not among its rows). Returns the programmes solved.

        Only solutions are kept: a cell the points do not settle is asked as before."""
        if not len(self.rows) or not self.keeps or not self.witnesses or not cells.shape[1]:
            return 0
        inf = highspy.kHighsInf
        solved = 0
        for _ in range(SPREAD_ROUNDS if rounds is None else rounds):
            values = np.vstack(self.witnesses) @ cells
            low, high = values.min(axis=0), values.max(axis=0)
            open_ = np.floor(high - 1e-6) - np.ceil(low + 1e-6) < threshold
            if not open_.any():
                break
            lower = open_ & (low > 1e-6)
            if lower.any():
                self.solve(np.asarray(cells[:, lower].sum(axis=1)).ravel(), [], minimize=True)
                solved += 1
            weights = np.asarray(cells[:, open_].sum(axis=1)).ravel()
            idx = np.flatnonzero(weights).astype(np.int32)
            highs = self._ready()
            caps = self.witnesses[0][idx] + 2 * threshold
            highs.changeColsBounds(len(idx), idx, np.zeros(len(idx)), caps)
            try:
                self.solve(weights, [], minimize=False)
            finally:
                highs.changeColsBounds(len(idx), idx, np.zeros(len(idx)), np.full(len(idx), inf))
            solved += 1
        return solved

    def seed(self, directions: int, rng: np.random.Generator) -> None:
        """Keep the solutions of a few programmes in random directions (both senses): far
        apart points of the block, which answer most later questions without solving."""
        for _ in range(directions):
            cost = rng.uniform(-1.0, 1.0, len(self.cols))
            for minimize in (True, False):
                self.solve(cost, [], minimize=minimize)


def silent_highs() -> highspy.Highs:
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
