"""The greedy relay search for up to a few dozen units: every group recounted at every step.

With few units nearly every group of ``Y_0`` splits when a unit joins it, so each step simply
counts, with one weighted bincount, the ``(X_in, X_out)`` cells of every (cell, remaining
candidate, group, candidate bit = 1) and scores every candidate from them
(:func:`inforelay.relay.scores.candidate_scores`). The state is kept compact for that
bincount: the weighted bits of the live rows, one contiguous row per remaining candidate in
ascending unit order (so ties go to the first), copied without the chosen one at each step.
docs/relay.md §7.
"""

from __future__ import annotations

import numpy as np

from inforelay.relay.rows import TIE_TOLERANCE, Rows, last_tied
from inforelay.relay.scores import candidate_scores, child_cells, group_cells

__all__ = ["few_unit_search"]


def few_unit_search(rows: Rows, clog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order`` and ``curve`` of the greedy search (docs/relay.md §3) over the merged ``rows``.

    A hot loop kept in one piece: its state (candidate bits, rows' groups, the groups' cells)
    is updated in place step by step, and splitting it would pass a dozen arrays around.
    """
    n_units = rows.bits.shape[1]
    order = np.empty(n_units, dtype=np.int64)
    curve = np.zeros(n_units + 1)
    curve[0] = rows.full
    units = np.arange(n_units)
    if n_units <= 1:
        order[:] = units
        return order, curve
    cand = np.ascontiguousarray(rows.bits.T * rows.weights)  # (N, r): candidate bits × samples per row
    xz, weights, group = rows.xz, rows.weights, np.zeros(rows.xz.size, dtype=np.int64)
    cells, sizes, live = group_cells(xz, weights, 1)
    if not live[0]:
        last_tied(order, curve, 1, units, rows.cmi_full)
        return order, curve
    tol = TIE_TOLERANCE * rows.n
    for step in range(1, n_units):
        k, n_groups = units.size, cells.shape[1]
        # bit-1 cells of every (cell, candidate, group): one weighted bincount
        keys = np.arange(0, k * n_groups, n_groups)[:, None] + (xz * (k * n_groups) + group)
        ones = np.bincount(keys.ravel(), weights=cand.ravel(), minlength=4 * n_groups * k)
        ones = ones.astype(np.intp).reshape(4, k, n_groups)
        score = candidate_scores(ones, cells, sizes, clog)  # n · I(X; Z | Y_0 + a)
        best = int((score >= np.maximum.reduce(score) - tol).argmax())  # units ascending: ties → lowest
        order[step - 1] = units[best]
        curve[step] = score[best] / rows.n - rows.cmi_full
        if k == 2:
            order[-1] = units[1 - best]  # the last unit: Y_0 == Y, I_R == 0
            break
        cells, sizes, live = child_cells(cells, ones[:, best])
        child = group + n_groups * (cand[best] > 0)  # the children are g + G · bit
        others = _without(k, best)  # drop the chosen candidate, keep the others in order
        cand, units = cand.take(others, axis=0), units.take(others)
        if np.logical_and.reduce(live):
            group = child
            continue
        keep = live[child].nonzero()[0]  # rows of the live children
        if keep.size == 0:
            last_tied(order, curve, step + 1, units, rows.cmi_full)
            break
        cand = cand.take(keep, axis=1)
        xz, weights = xz.take(keep), weights.take(keep)
        group = (live.cumsum() - 1).take(child.take(keep))
        cells, sizes = cells[:, live], sizes[live]
    return order, curve


_WITHOUT: dict[int, np.ndarray] = {}


def _without(k: int, index: int) -> np.ndarray:
    """``0..k-1`` without ``index`` (the rows of a ``(k, k-1)`` table made once per ``k``)."""
    if k not in _WITHOUT:
        full = np.arange(k)
        _WITHOUT[k] = np.array([np.delete(full, i) for i in range(k)]).reshape(k, k - 1)
    return _WITHOUT[k][index]
