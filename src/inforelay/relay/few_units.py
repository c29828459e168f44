"""The greedy relay search for up to a few dozen units: every group recounted at every step.

With few units nearly every group of ``Y_0`` splits when a unit joins it, so each step counts,
for every remaining candidate, the ``(X_in, X_out)`` cells of its bit-1 rows in every live
group, scores every candidate from them, moves the best one into ``Y_0`` and splits every group
by its bit (children ``2g`` and ``2g + 1``; dead children and their rows are dropped). At these
sizes a NumPy version is bound by the number of NumPy calls per step (about fifty), not by the
data, so this loop is compiled with Numba. Numba caches the compiled code on disk: only the
first search on a machine pays the compilation (a few seconds; ``bench/relay.py``).
docs/relay.md §7.
"""

from __future__ import annotations

import numba
import numpy as np

from inforelay.relay.rows import TIE_TOLERANCE, Rows, last_tied

__all__ = ["compile_search", "few_unit_search"]


def few_unit_search(rows: Rows, clog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order`` and ``curve`` of the greedy search (docs/relay.md §3) over the merged ``rows``."""
    n_units = rows.bits.shape[1]
    order = np.empty(n_units, dtype=np.int64)
    curve = np.zeros(n_units + 1)
    curve[0] = rows.full
    if n_units <= 1:
        order[:] = np.arange(n_units)
        return order, curve
    decided, remaining = _greedy_search(
        rows.bits, rows.xz, rows.weights.astype(np.int64), clog, rows.n, rows.cmi_full,
        TIE_TOLERANCE * rows.n, order, curve,
    )  # fmt: skip
    if decided < n_units:  # no live group left: the remaining candidates tie at zero
        last_tied(order, curve, decided + 1, remaining, rows.cmi_full)
    return order, curve


def compile_search() -> None:
    """Compile (or load from Numba's disk cache) the search now, e.g. before forking workers."""
    bits = np.array([[0, 1], [1, 0], [1, 1], [0, 0]], dtype=np.int8)
    order, curve = np.empty(2, dtype=np.int64), np.zeros(3)
    clog = np.zeros(8)
    clog.flags.writeable = False  # the cached c log c tables are read-only: compile that variant
    _greedy_search(bits, np.arange(4, dtype=np.int64), np.ones(4, dtype=np.int64), clog, 4, 0.0, 0.0, order, curve)


@numba.njit(cache=True, nogil=True)
def _child_score(c00: int, c01: int, c10: int, c11: int, clog: np.ndarray) -> float:
    """``n · I(X_in; X_out)`` of a group with cells ``c00, c01, c10, c11`` (bits · samples)."""
    return (
        clog[c00] + clog[c01] + clog[c10] + clog[c11] + clog[c00 + c01 + c10 + c11]
        - clog[c00 + c01] - clog[c10 + c11] - clog[c00 + c10] - clog[c01 + c11]
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _lives(cells: np.ndarray) -> bool:
    """Whether both ``X_in`` values and both ``X_out`` values occur in a group's four cells."""
    return cells[0] + cells[1] > 0 and cells[2] + cells[3] > 0 and cells[0] + cells[2] > 0 and cells[1] + cells[3] > 0


@numba.njit(cache=True, nogil=True)
def _greedy_search(
    bits: np.ndarray, xz: np.ndarray, weights: np.ndarray, clog: np.ndarray, n: int, cmi_full: float,
    tol: float, order: np.ndarray, curve: np.ndarray,
) -> tuple[int, np.ndarray]:  # fmt: skip
    """Fill ``order``/``curve`` from step 1 on; return (removals decided, remaining units).

    ``bits`` ``(r, N)`` int8, ``xz`` ``(r,)`` cell ``2 · X_in + X_out`` and ``weights`` ``(r,)``
    samples of the merged rows. Fewer than ``N`` removals decided: no live group was left after
    the last one, and the remaining units (ascending) tie at zero.
    """
    n_rows, n_units = bits.shape
    units = np.arange(n_units)  # remaining candidates, ascending (ties go to the first)
    k = n_units
    rows = np.arange(n_rows)  # live rows
    group = np.zeros(n_rows, np.int64)  # group of each live row
    cells = np.zeros((1, 4), np.int64)
    for r in range(n_rows):
        cells[0, xz[r]] += weights[r]
    if not _lives(cells[0]):
        return 0, units
    n_groups = 1
    scores = np.empty(n_units)
    for step in range(1, n_units):
        ones = np.zeros((n_groups, k, 4), np.int64)  # bit-1 cells of every (group, candidate)
        for p in range(n_rows):
            r = rows[p]
            g, c, w = group[p], xz[r], weights[r]
            for j in range(k):
                ones[g, j, c] += w * bits[r, units[j]]
        scores[:k] = 0.0
        for g in range(n_groups):
            a0, a1, a2, a3 = cells[g, 0], cells[g, 1], cells[g, 2], cells[g, 3]
            for j in range(k):
                b0, b1, b2, b3 = ones[g, j, 0], ones[g, j, 1], ones[g, j, 2], ones[g, j, 3]
                scores[j] += _child_score(b0, b1, b2, b3, clog) + _child_score(a0 - b0, a1 - b1, a2 - b2, a3 - b3, clog)
        top = scores[:k].max() - tol
        best = 0
        while scores[best] < top:
            best += 1
        unit = units[best]
        order[step - 1] = unit
        curve[step] = scores[best] / n - cmi_full  # n · I(X; Z | Y_0 + a) → I_R of the set left
        if k == 2:
            order[n_units - 1] = units[1 - best]  # the last unit: Y_0 == Y, I_R == 0
            return n_units, units[:0]
        units[best:k - 1] = units[best + 1:k].copy()
        k -= 1
        # split every group by the chosen unit's bit; keep the live children, numbered in order
        new_group = np.full(2 * n_groups, -1, np.int64)
        children = np.empty((2 * n_groups, 4), np.int64)
        n_live = 0
        for g in range(n_groups):
            for bit in range(2):
                for c in range(4):
                    one = ones[g, best, c]
                    children[n_live, c] = one if bit else cells[g, c] - one
                if _lives(children[n_live]):
                    new_group[2 * g + bit] = n_live
                    n_live += 1
        if n_live == 0:
            return step, units[:k]
        cells = children[:n_live].copy()
        kept = 0
        for p in range(n_rows):
            r = rows[p]
            child = new_group[2 * group[p] + bits[r, unit]]
            if child >= 0:
                rows[kept], group[kept] = r, child
                kept += 1
        n_rows, n_groups = kept, n_live
    return n_units, units[:0]
