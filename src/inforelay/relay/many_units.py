"""The greedy relay search for many units: only the groups the chosen unit splits are recounted.

For every live group ``g`` of ``Y_0`` and every unit ``a`` the search keeps
``φ[g, a] = n · I(X_in; X_out | g, a)`` (:func:`inforelay.relay.scores.child_scores`) in a slot
of one buffer; a candidate's score is ``Σ_g φ[g, a]``. With many units the chosen unit
usually splits few groups (or none: then nothing is recounted at all), so a step recounts
only the rows of the split groups, frees their slots and fills free slots with their live
children; the other ``φ`` rows stay where they are. docs/relay.md §7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inforelay.relay.rows import TIE_TOLERANCE, Rows, last_tied
from inforelay.relay.scores import child_scores, group_cells, unit_cell_counts

__all__ = ["many_unit_search"]

# Recount every group when the chosen unit splits more than this share of them.
_RECOUNT_SHARE = 0.9


@dataclass
class _UnitRows:
    """Merged rows as the many-unit search reads them: weighted bits ``(R, N)`` and bits by unit ``(N, R)``.

    ``float32`` weighted bits (for the sparse product) sum counts exactly below 2^24 samples.
    """

    weighted_bits: np.ndarray
    unit_bits: np.ndarray


@dataclass
class _Groups:
    """The live groups of ``Y_0``, each in a slot of ``phi``.

    ``rows`` (indices into :class:`_Rows`, with the rows' ``xz`` and weights alongside) and the
    slot ``group`` of each row; ``phi[slot, a] = n · I(X_in; X_out | group, unit a)``;
    ``score[a] = Σ φ[slot, a]`` over the live slots. Splitting a group frees its slot and
    fills free slots with its live children, so ``phi`` is never copied whole.
    """

    rows: np.ndarray  # (r,)
    xz: np.ndarray  # (r,)
    weights: np.ndarray  # (r,)
    group: np.ndarray  # (r,) slot of each row
    phi: np.ndarray  # (slots, N)
    used: np.ndarray | None  # (slots,) slots holding a live group (None: every slot, no free one)
    score: np.ndarray  # (N,)
    sizes: np.ndarray | None = None  # (slots,) rows per slot, counted when first needed


def _score_groups(
    rows: _UnitRows, idx: np.ndarray, xz: np.ndarray, weights: np.ndarray, group: np.ndarray, n_groups: int,
    clog: np.ndarray,
) -> _Groups:
    """The live ones of ``n_groups`` groups (rows ``idx``, ids ``group``) in slots ``0..L-1``, scored."""
    cell = xz * n_groups + group
    cells, sizes, live = group_cells(cell, weights, n_groups)
    if not live.all():  # drop the rows of dead groups before the expensive count
        keep = live[group].nonzero()[0]
        idx, xz, weights = idx[keep], xz[keep], weights[keep]
        group = (np.cumsum(live) - 1)[group[keep]]
        cells, sizes = cells[:, live], sizes[live]
        cell = xz * cells.shape[1] + group
    if group.size == 0:
        phi = np.zeros((0, rows.weighted_bits.shape[1]))
    else:
        ones = unit_cell_counts(rows.weighted_bits, idx, cell, cells.shape[1])
        phi = child_scores(ones, cells, sizes, clog).T  # (G, N)
    return _Groups(idx, xz, weights, group, phi, None, np.add.reduce(phi, axis=0))


def _with_free_slots(groups: _Groups) -> _Groups:
    """``groups`` with one slot per row: room for every group the rows can ever form."""
    phi = np.empty((groups.rows.size, groups.phi.shape[1]))
    phi[: groups.phi.shape[0]] = groups.phi
    used = np.zeros(groups.rows.size, dtype=bool)
    used[: groups.phi.shape[0]] = True
    return _Groups(groups.rows, groups.xz, groups.weights, groups.group, phi, used, groups.score)


def _recount_split(groups: _Groups, bit: np.ndarray, split: np.ndarray, rows: _UnitRows, clog: np.ndarray) -> _Groups:
    """Recount only the groups that ``bit`` splits; the others keep their slots and ``φ``."""
    moved = split[groups.group]
    child = (np.cumsum(split) - 1)[groups.group[moved]] * 2 + bit[moved]
    fresh = _score_groups(
        rows, groups.rows[moved], groups.xz[moved], groups.weights[moved], child,
        2 * int(np.count_nonzero(split)), clog,
    )  # fmt: skip
    parents = np.flatnonzero(split)
    score = groups.score - np.add.reduce(groups.phi[parents], axis=0) + fresh.score
    used = groups.used
    used[parents] = False
    slots = np.flatnonzero(~used)[: fresh.phi.shape[0]]  # a live group has ≥ 2 rows: slots suffice
    groups.phi[slots] = fresh.phi
    used[slots] = True
    stay = ~moved
    return _Groups(
        rows=np.concatenate([groups.rows[stay], fresh.rows]),
        xz=np.concatenate([groups.xz[stay], fresh.xz]),
        weights=np.concatenate([groups.weights[stay], fresh.weights]),
        group=np.concatenate([groups.group[stay], slots[fresh.group]]),
        phi=groups.phi,
        used=used,
        score=score,
    )


def _refine(groups: _Groups, unit: int, rows: _UnitRows, clog: np.ndarray) -> _Groups:
    """The groups of ``Y_0 ∪ {unit}``: none changed, only the split ones recounted, or all.

    The ``φ`` buffer and ``used`` of ``groups`` are updated in place (``groups`` is done with).
    """
    bit = rows.unit_bits[unit].take(groups.rows)
    n_slots = groups.phi.shape[0]
    if groups.sizes is None:
        groups.sizes = np.bincount(groups.group, minlength=n_slots)
    ones = np.bincount(groups.group, weights=bit, minlength=n_slots)
    split = (ones > 0) & (ones < groups.sizes)
    n_split = int(np.count_nonzero(split))
    if n_split == 0:
        return groups  # the same object: the search keeps its scores
    if n_split <= _RECOUNT_SHARE * np.count_nonzero(groups.used):
        return _recount_split(groups, bit, split, rows, clog)
    fresh = _score_groups(rows, groups.rows, groups.xz, groups.weights, groups.group * 2 + bit, 2 * n_slots, clog)
    return _with_free_slots(fresh)


def many_unit_search(rows: Rows, clog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order`` and ``curve`` of the greedy search (docs/relay.md §3) over the merged ``rows``."""
    n_units = rows.bits.shape[1]
    exact = np.float32 if rows.n < 2**24 else np.float64
    unit_rows = _UnitRows((rows.bits * rows.weights[:, None]).astype(exact), np.ascontiguousarray(rows.bits.T))
    order = np.empty(n_units, dtype=np.int64)
    curve = np.zeros(n_units + 1)
    curve[0] = rows.full
    removed = np.zeros(n_units, dtype=bool)
    every = np.arange(rows.xz.size)
    groups = _with_free_slots(_score_groups(unit_rows, every, rows.xz, rows.weights, 0 * every, 1, clog))
    tol = TIE_TOLERANCE * rows.n
    scored = None  # the groups whose scores `score` holds
    for step in range(1, n_units):
        if groups.rows.size == 0:
            last_tied(order, curve, step, np.flatnonzero(~removed), rows.cmi_full)
            return order, curve
        if groups is not scored:
            score = groups.score.copy()  # n · I(X; Z | Y_0 + a) for every unit a
            score[removed] = -np.inf
            scored = groups
        best = int((score >= score.max() - tol).argmax())  # ties: the lowest unit
        order[step - 1] = best
        curve[step] = score[best] / rows.n - rows.cmi_full
        removed[best] = True
        score[best] = -np.inf
        if step < n_units - 1:  # the last unit needs no scores
            groups = _refine(groups, best, unit_rows, clog)
    order[n_units - 1] = np.flatnonzero(~removed)[0]  # the last unit: Y_0 == Y, I_R == 0
    return order, curve
