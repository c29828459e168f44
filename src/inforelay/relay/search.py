"""Relay information (Hintze & Adami 2023) and its greedy search, per time step.

For binary ``X_in`` (a concept bit), ``X_out`` (the network's answer) and binary
hidden units ``Y`` split into relay nodes ``Y_R`` and the rest ``Y_0``::

    I_R = I(X_in; X_out; Y_R | Y_0)
        = −H(Y_0) + H(X_in,Y_0) + H(Y) + H(Y_0,X_out)
          − H(X_in,Y) − H(X_in,Y_0,X_out) − H(Y,X_out) + H(X_in,Y,X_out)
        = I(X_in; X_out | Y_0) − I(X_in; X_out | Y)

(plug-in entropies, bits). The last form is what makes the greedy search fast:
``Y`` is the same for every candidate set, so only ``I(X_in; X_out | Y_0 ∪ {a})``
changes between candidates ``a``, and all four of its entropy terms come from one
joint histogram of ``(Y_0 code, a, X_in, X_out)``. All candidates of a step are
counted with a single weighted :func:`numpy.bincount` (one block of bins per
candidate), after merging samples with equal ``(Y, X_in, X_out)`` into weighted
rows; :func:`relay_over_time` runs the searches of all time steps and concepts
of a state in the same calls. Groups of ``Y_0`` in which ``X_in`` or ``X_out``
is constant contribute nothing to any later conditional mutual information
(their refinements stay constant), so their rows are dropped as the search goes
on; once no row is left every remaining candidate ties at zero.

The plain implementation (:func:`_reference_greedy_relay`: one :func:`numpy.unique`
per entropy term, a loop over candidates) stays here so tests and ``bench/relay.py``
can compare against it.

Only NumPy and h5py are needed (no torch).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import h5py
import numpy as np

from inforelay.core.atomic import atomic_path
from inforelay.core.hdf5 import decode_attr, read_attrs, write_attrs
from inforelay.core.provenance import provenance_attrs
from inforelay.core.seeding import derive_rng
from inforelay.info.measures import BINARIZATION_METHODS, _labels, _pack_codes, binarize

__all__ = [
    "RelayResult",
    "RelayOverTime",
    "RelayInputs",
    "RelayFileError",
    "STATES",
    "relay_information",
    "greedy_relay",
    "relay_over_time",
    "relay_all_states",
    "read_relay_inputs",
    "write_relay",
    "read_relay",
    "read_relay_attrs",
]

STATES = ("hidden", "cell")
"""Recurrent states a relay analysis can use (``cell``: LSTM only)."""

_PRUNE_FRACTION = 0.8  # few candidates: prune once ≥ 20% of the rows are dead
_PRUNE_ALWAYS_ABOVE = 16  # more candidates than this: prune every dead row
_BATCH_ELEMENTS = 1_000_000  # samples × units of the searches batched into one call

TIE_TOLERANCE = 1e-12
"""Candidates whose ``I_R`` is within this many bits of the best count as tied
(ties go to the lowest unit index); it only absorbs floating-point rounding."""


class RelayFileError(ValueError):
    """A relay input or output file is missing data or malformed (message starts with the path)."""


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


@dataclass
class RelayResult:
    """Result of one greedy relay search (DESIGN §6).

    Attributes
    ----------
    full
        ``I_R`` with every unit relaying, in bits.
    order
        ``(N,)`` unit indices in removal order, least relaying first.
    curve
        ``(N+1,)`` ``curve[0] == full``; ``curve[i]`` is ``I_R`` of the set left
        after removal ``i``; ``curve[N] == 0``.
    node_relay
        ``(N,)`` the authors' accumulated loss: ``Σ_i (curve[0] − curve[i])`` over
        the steps ``i`` (1..N) after which the unit is still in the set.
    contribution
        ``(N,)`` drop of ``I_R`` at the unit's removal; sums to ``full``.
    n_samples
        Samples the estimate used.
    null_mean, p_value
        With a shuffle null (``n_shuffles > 0``): mean of ``full`` over the
        permutations of ``X_in`` and ``(1 + #{null ≥ full}) / (1 + n_shuffles)``.
    """

    full: float
    order: np.ndarray
    curve: np.ndarray
    node_relay: np.ndarray
    contribution: np.ndarray
    n_samples: int
    null_mean: float | None = None
    p_value: float | None = None


def _result_from_path(full: float, order: Sequence[int], curve: np.ndarray, n_samples: int) -> RelayResult:
    """Derive ``node_relay`` and ``contribution`` from the removal order and the curve."""
    n_units = len(order)
    order_arr = np.asarray(order, dtype=np.int64)
    curve = np.asarray(curve, dtype=np.float64)
    steps = np.arange(1, n_units + 1)
    loss = curve[0] - curve[1:]  # loss after each step i = 1..N
    # a unit removed at step r is still in the set after the steps 1..r-1
    cumulative = np.concatenate([[0.0], np.cumsum(loss)])
    node_relay = np.empty(n_units, dtype=np.float64)
    contribution = np.empty(n_units, dtype=np.float64)
    node_relay[order_arr] = cumulative[steps - 1]
    contribution[order_arr] = curve[:-1] - curve[1:]
    return RelayResult(
        full=float(full),
        order=order_arr,
        curve=curve,
        node_relay=node_relay,
        contribution=contribution,
        n_samples=int(n_samples),
    )


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------


def _check_arrays(
    x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray
) -> tuple[np.ndarray, int, np.ndarray, int, np.ndarray]:
    """Validate and dense-label ``x_in``/``x_out``; return ``(x, mx, z, mz, bits int8)``."""
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"bits must be (n, N), got shape {bits.shape}")
    n = bits.shape[0]
    if n == 0:
        raise ValueError("bits have no samples")
    x_in = np.asarray(x_in)
    x_out = np.asarray(x_out)
    for name, arr in (("x_in", x_in), ("x_out", x_out)):
        if arr.shape != (n,):
            raise ValueError(f"{name} must have shape ({n},) like bits' samples, got {arr.shape}")
    if bits.size and not np.all((bits == 0) | (bits == 1)):
        raise ValueError("bits must contain only 0 and 1 (see inforelay.info.measures.binarize)")
    x, mx = _labels(x_in)
    z, mz = _labels(x_out)
    return x, mx, z, mz, bits.astype(np.int8, copy=False)


def _relay_set(relay_nodes: Iterable[int] | np.ndarray, n_units: int) -> np.ndarray:
    nodes = np.asarray(relay_nodes)
    if nodes.dtype == np.bool_:
        if nodes.shape != (n_units,):
            raise ValueError(f"a boolean relay_nodes mask must have shape ({n_units},)")
        return np.flatnonzero(nodes)
    nodes = nodes.reshape(-1)
    if nodes.size and not np.issubdtype(nodes.dtype, np.integer):
        raise ValueError("relay_nodes must be unit indices (integers) or a boolean mask")
    nodes = nodes.astype(np.int64)
    if nodes.size and (nodes.min() < 0 or nodes.max() >= n_units):
        raise ValueError(f"relay_nodes must be in 0..{n_units - 1}, got {nodes.tolist()}")
    if np.unique(nodes).size != nodes.size:
        raise ValueError(f"relay_nodes has duplicates: {nodes.tolist()}")
    return np.sort(nodes)


# ---------------------------------------------------------------------------
# fast core
# ---------------------------------------------------------------------------


def _clog_table(n: int) -> np.ndarray:
    """``c * log2(c)`` for the counts ``c = 0..n`` (0 for ``c = 0``)."""
    c = np.arange(n + 1, dtype=np.float64)
    table = np.zeros(n + 1)
    table[1:] = c[1:] * np.log2(c[1:])
    return table


def _margins(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Marginal counts over the last two (small) axes by slice additions.

    NumPy's reductions over a tiny axis are slow; adding the few slices is
    several times faster.
    """
    mx, mz = counts.shape[-2:]
    cx = counts[..., 0]
    for j in range(1, mz):
        cx = cx + counts[..., j]
    cz = counts[..., 0, :]
    for i in range(1, mx):
        cz = cz + counts[..., i, :]
    cg = cx[..., 0]
    for i in range(1, mx):
        cg = cg + cx[..., i]
    return cx, cz, cg


def _cmi_sums(counts: np.ndarray, clog: np.ndarray) -> np.ndarray:
    """``n · I(X; Z | G)`` from counts shaped ``(..., groups, mx, mz)``.

    ``n · I = Σ c_g log c_g + Σ c_gxz log c_gxz − Σ c_gx log c_gx − Σ c_gz log c_gz``
    (the ``log n`` terms of the four entropies cancel).
    """
    cx, cz, cg = _margins(counts)
    lead = counts.shape[:-3]
    add = np.add.reduce
    s_xzg = add(clog[counts].reshape(*lead, -1), axis=-1)
    s_xg = add(clog[cx].reshape(*lead, -1), axis=-1)
    s_zg = add(clog[cz].reshape(*lead, -1), axis=-1)
    s_g = add(clog[cg].reshape(*lead, -1), axis=-1)
    return (s_g + s_xzg) - (s_xg + s_zg)


def _cmi_codes(groups: np.ndarray, m: int, xz: np.ndarray, mx: int, mz: int, clog: np.ndarray) -> float:
    """``I(X; Z | G)`` in bits for dense group codes ``groups`` (``m`` groups)."""
    q = mx * mz
    counts = np.bincount(groups * q + xz, minlength=m * q).reshape(m, mx, mz)
    return float(_cmi_sums(counts, clog)) / groups.size


def _two_or_more(counts: np.ndarray) -> np.ndarray:
    """Rows of an ``(m, k)`` count table with at least two non-zero entries."""
    if counts.shape[1] < 2:
        return np.zeros(counts.shape[0], dtype=bool)
    if counts.shape[1] == 2:
        return (counts[:, 0] > 0) & (counts[:, 1] > 0)
    return np.add.reduce(counts > 0, axis=1) >= 2


def _live_groups(counts: np.ndarray) -> np.ndarray:
    """Groups (axis 0 of ``(m, mx, mz)`` counts) where both X and Z take ≥ 2 values."""
    cx, cz, _ = _margins(counts)
    return _two_or_more(cx) & _two_or_more(cz)


def _sum_axis(a: np.ndarray, axis: int) -> np.ndarray:
    """Sum over a small leading axis (0 or 1) by slice additions."""
    take = (lambda i: a[i]) if axis == 0 else (lambda i: a[:, i])
    out = take(0)
    for i in range(1, a.shape[axis]):
        out = out + take(i)
    return out


def _two_or_more_axis0(counts: np.ndarray) -> np.ndarray:
    """Columns of a ``(k, m)`` count table with at least two non-zero entries."""
    if counts.shape[0] < 2:
        return np.zeros(counts.shape[1], dtype=bool)
    if counts.shape[0] == 2:
        return (counts[0] > 0) & (counts[1] > 0)
    return np.add.reduce(counts > 0, axis=0) >= 2


@dataclass
class _Search:
    """One greedy search's inputs: dense labels of ``X_in``/``X_out`` and the unit bits."""

    x: np.ndarray
    mx: int
    z: np.ndarray
    mz: int
    bits: np.ndarray


@dataclass
class _Path:
    """One greedy search's raw output (before node_relay/contribution are derived)."""

    full: float
    order: np.ndarray
    curve: np.ndarray
    y_codes: np.ndarray
    m_y: int


def _greedy_batch(searches: Sequence[_Search], clog: np.ndarray) -> list[_Path]:
    """Fast greedy relay searches, several at once (same ``n`` and ``N``).

    All searches advance together, one removal per step, so every step costs a
    fixed number of NumPy calls however many searches there are.

    - Samples with the same ``(Y, X_in, X_out)`` are merged into one weighted
      row per search; counts are weighted :func:`numpy.bincount` calls.
    - ``groups`` holds a global dense id of each row's ``Y_0`` group; ids of
      different searches never collide and ascend with the search index.
    - ``cand[j, row]`` is the bit of candidate ``j`` of the row's search,
      which is unit ``units[search, j]``; a removed candidate's entries are
      overwritten by the last candidate's (swap removal).
    - The count key of (row, candidate ``j``) is
      ``xz · (K·2M) + j · 2M + group · 2 + bit``: one bincount counts the
      ``(child group, X_in, X_out)`` cells of every candidate of every search,
      laid out as ``(mx, mz, K, 2M)`` so that margins are contiguous sums.
    - Rows of groups that are pure in ``X_in`` or ``X_out`` are dropped: they
      add zero to every later conditional mutual information.
    """
    n_searches = len(searches)
    n, n_units = searches[0].bits.shape
    mx = max(s.mx for s in searches)
    mz = max(s.mz for s in searches)
    q = mx * mz
    tol = TIE_TOLERANCE * n
    fulls = np.empty(n_searches)
    cmi_full = np.empty(n_searches)
    y_list: list[tuple[np.ndarray, int]] = []
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (bits rows, xz, weights)
    live_searches: list[int] = []
    for index, s in enumerate(searches):
        xz = s.x * mz + s.z
        y_codes, m_y = _pack_codes(s.bits)
        y_list.append((y_codes, m_y))
        row_key = y_codes * q + xz
        row_counts = np.bincount(row_key, minlength=m_y * q)
        table = row_counts.reshape(m_y, mx, mz)
        whole = table.sum(axis=0, keepdims=True)
        cmi_full[index] = float(_cmi_sums(table, clog)) / n
        fulls[index] = float(_cmi_sums(whole, clog)) / n - cmi_full[index]
        if n_units > 1 and _live_groups(whole)[0]:
            # one weighted row per distinct (Y, X_in, X_out); equal keys have equal bits
            present = row_counts > 0
            inverse = (np.cumsum(present) - 1)[row_key]
            rep = np.empty(int(np.count_nonzero(present)), dtype=np.int64)
            rep[inverse] = np.arange(n)
            rows.append((s.bits[rep], xz[rep], row_counts[present].astype(np.float64)))
            live_searches.append(index)

    curve = np.empty((n_searches, n_units + 1))
    curve[:, 0] = fulls
    order = np.empty((n_searches, n_units), dtype=np.int64)
    units = np.tile(np.arange(n_units, dtype=np.int64), (n_searches, 1))
    all_s = np.arange(n_searches)
    if rows:
        sizes = [r[1].size for r in rows]
        cand = np.ascontiguousarray(np.concatenate([r[0] for r in rows]).T, dtype=np.int64)
        xz_live = np.concatenate([r[1] for r in rows])
        tiled = np.tile(np.concatenate([r[2] for r in rows]), (n_units, 1))  # weight per key
        row_search = np.repeat(live_searches, sizes)
        groups = np.repeat(np.arange(len(rows)), sizes)
        group_search = np.asarray(live_searches, dtype=np.int64)  # search of each group
    else:
        cand = np.zeros((n_units, 0), dtype=np.int64)
        groups = np.zeros(0, dtype=np.int64)
    for step in range(1, n_units + 1):
        k = n_units - step + 1
        if k == 1:
            best = np.zeros(n_searches, dtype=np.int64)
            value = cmi_full  # the last unit: Y_0 == Y, I_R == 0
        elif groups.size == 0:
            # every group is pure in X_in or X_out: all candidates tie at I(X;Z|Y0) = 0
            best = units[:, :k].argmin(axis=1)
            value = np.zeros(n_searches)
        else:
            n_rows = groups.size
            width = 2 * group_search.size  # child groups (group, bit)
            keys = cand + (xz_live * (k * width) + groups * 2)[None, :]
            keys += np.arange(0, k * width, width, dtype=np.int64)[:, None]
            counts = np.bincount(keys.ravel(), weights=tiled[:k].ravel(), minlength=q * k * width)
            counts = counts.astype(np.intp).reshape(mx, mz, k, width)
            cx = _sum_axis(counts, 1)  # (mx, k, width)
            cz = _sum_axis(counts, 0)  # (mz, k, width)
            cg = _sum_axis(cx, 0)  # (k, width)
            # n · I(X;Z | child group) for every candidate and child group
            phi = (clog[cg] + np.add.reduce(clog[counts].reshape(q, k, width), axis=0)) - (
                np.add.reduce(clog[cx], axis=0) + np.add.reduce(clog[cz], axis=0)
            )
            child_search = np.repeat(group_search, 2)  # ascending
            starts = np.flatnonzero(np.diff(child_search, prepend=-1))
            sums = np.zeros((k, n_searches))
            sums[:, child_search[starts]] = np.add.reduceat(phi, starts, axis=1)
            tied = sums >= sums.max(axis=0) - tol
            best = np.where(tied, units[:, :k].T, n_units).argmin(axis=0)  # ties: lowest unit
            value = sums[best, all_s] / n
            # move each search's chosen unit to its Y_0: split groups, keep the live ones
            flat = best[row_search] * n_rows + np.arange(n_rows)  # (chosen candidate, row)
            split = groups * 2 + cand.reshape(-1)[flat]
            child = np.arange(width)
            child_best = best[child_search]
            live = _two_or_more_axis0(cx[:, child_best, child]) & _two_or_more_axis0(cz[:, child_best, child])
            keep = live[split]
            kept = keep.nonzero()[0]
            cand.reshape(-1)[flat] = cand[k - 1]  # cand is C-contiguous: reshape is a view
            cand = cand[: k - 1]
            if kept.size < (1.0 if k > _PRUNE_ALWAYS_ABOVE else _PRUNE_FRACTION) * n_rows:
                # drop the rows of dead groups (pure in X_in or X_out)
                groups = (np.add.accumulate(live) - 1)[split[kept]]
                group_search = child_search[live]
                xz_live = xz_live[kept]
                row_search = row_search[kept]
                cand = cand.take(kept, axis=1)
                tiled = tiled[: k - 1].take(kept, axis=1)
            else:
                # few dead rows: cheaper to keep them (they add 0) than to copy
                present = cg[child_best, child] > 0
                groups = (np.add.accumulate(present) - 1)[split]
                group_search = child_search[present]
        order[:, step - 1] = units[all_s, best]
        units[all_s, best] = units[:, k - 1]
        curve[:, step] = value - cmi_full
    curve[:, n_units] = 0.0  # Y_0 == Y: zero by definition
    return [_Path(float(fulls[i]), order[i], curve[i], y_list[i][0], y_list[i][1]) for i in range(n_searches)]


def _shuffle_null(
    x: np.ndarray,
    mx: int,
    z: np.ndarray,
    mz: int,
    y_codes: np.ndarray,
    m_y: int,
    n_shuffles: int,
    rng: np.random.Generator,
    clog: np.ndarray,
) -> np.ndarray:
    """``full`` relay of ``n_shuffles`` permutations of ``x`` (batched bincounts).

    ``full = I(X; Z) − I(X; Z | Y)``. Only groups of ``Y`` in which ``Z`` varies
    can add to ``I(X; Z | Y)``, whatever the permutation, so the second term is
    counted over their samples only.
    """
    n = x.size
    q = mx * mz
    z_counts = np.bincount(y_codes * mz + z, minlength=m_y * mz).reshape(m_y, mz)
    live = _two_or_more(z_counts)
    sel = live[y_codes].nonzero()[0]
    m_live = int(live.sum())
    y_live = (np.cumsum(live) - 1)[y_codes[sel]] * q + z[sel]
    null = np.empty(n_shuffles, dtype=np.float64)
    block = max(m_live, 1) * q
    chunk = max(1, min(n_shuffles, 4_000_000 // max(block, n)))
    for start in range(0, n_shuffles, chunk):
        size = min(chunk, n_shuffles - start)
        perms = rng.permuted(np.broadcast_to(np.arange(n), (size, n)), axis=1)
        xp = x[perms] * mz  # (size, n)
        counts = np.bincount(
            (xp + z + (np.arange(size, dtype=np.int64) * q)[:, None]).ravel(), minlength=size * q
        ).reshape(size, 1, mx, mz)
        mi = _cmi_sums(counts, clog)
        if m_live:
            keys = xp[:, sel] + y_live + (np.arange(size, dtype=np.int64) * block)[:, None]
            counts = np.bincount(keys.ravel(), minlength=size * block).reshape(size, m_live, mx, mz)
            mi = mi - _cmi_sums(counts, clog)
        null[start : start + size] = mi / n
    return null


def _p_value(null: np.ndarray, observed: float) -> float:
    """``(1 + #{null ≥ observed}) / (1 + k)``; values within rounding of ``observed`` count."""
    return float((1 + np.count_nonzero(null >= observed - TIE_TOLERANCE)) / (1 + null.size))


def _as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def relay_information(
    x_in: np.ndarray,
    x_out: np.ndarray,
    bits: np.ndarray,
    relay_nodes: Iterable[int] | np.ndarray,
) -> float:
    """Relay information ``I_R = I(X_in; X_out; Y_R | Y_0)`` in bits.

    Parameters
    ----------
    x_in, x_out
        ``(n,)`` discrete samples (0/1 in the paper's use).
    bits
        ``(n, N)`` binary unit states ``Y``.
    relay_nodes
        Unit indices of ``Y_R`` (or a boolean mask of length ``N``); the other
        units form ``Y_0``. An empty set relays 0.

    Returns
    -------
    float
        ``I(X_in; X_out | Y_0) − I(X_in; X_out | Y)``, the eight-term formula of
        DESIGN §6 (plug-in, bits). It can be negative (synergy).
    """
    x, mx, z, mz, bits = _check_arrays(x_in, x_out, bits)
    relay = _relay_set(relay_nodes, bits.shape[1])
    if relay.size == 0:
        return 0.0
    rest = np.setdiff1d(np.arange(bits.shape[1]), relay)
    clog = _clog_table(bits.shape[0])
    xz = x * mz + z
    g0, m0 = _pack_codes(bits[:, rest])
    gy, my = _pack_codes(bits)
    return _cmi_codes(g0, m0, xz, mx, mz, clog) - _cmi_codes(gy, my, xz, mx, mz, clog)


def greedy_relay(
    x_in: np.ndarray,
    x_out: np.ndarray,
    bits: np.ndarray,
    *,
    n_shuffles: int = 0,
    rng: np.random.Generator | int | None = None,
) -> RelayResult:
    """Greedy shrinking of the relay set (DESIGN §6).

    Start with every unit relaying; at each step remove the unit whose removal
    keeps ``I_R`` largest (ties: lowest unit index); repeat until no unit is left.

    Parameters
    ----------
    x_in, x_out
        ``(n,)`` discrete samples (0/1: concept bit and the network's answer).
    bits
        ``(n, N)`` 0/1 unit states (see :func:`inforelay.info.measures.binarize`).
    n_shuffles
        Permutations of ``x_in`` for a shuffle null of ``full`` (0: none).
    rng
        Generator or seed for the permutations (``None``: seed 0, deterministic).

    Returns
    -------
    RelayResult
    """
    if int(n_shuffles) != n_shuffles or n_shuffles < 0:
        raise ValueError(f"n_shuffles must be a non-negative integer, got {n_shuffles!r}")
    x, mx, z, mz, bits = _check_arrays(x_in, x_out, bits)
    n = bits.shape[0]
    clog = _clog_table(n)
    path = _greedy_batch([_Search(x, mx, z, mz, bits)], clog)[0]
    full = path.full
    result = _result_from_path(full, path.order, path.curve, n)
    if n_shuffles:
        null = _shuffle_null(x, mx, z, mz, path.y_codes, path.m_y, int(n_shuffles), _as_rng(rng), clog)
        result.null_mean = float(null.mean())
        result.p_value = _p_value(null, full)
    return result


# ---------------------------------------------------------------------------
# plain reference implementation (tests and bench compare against it)
# ---------------------------------------------------------------------------


def _reference_entropy(*columns: np.ndarray) -> float:
    """Plug-in joint entropy in bits via one ``np.unique`` over the stacked columns."""
    if not columns:
        return 0.0
    data = np.column_stack(columns)
    if data.shape[1] == 0:
        return 0.0
    _, counts = np.unique(data, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)))


def _reference_relay_information(
    x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray, relay_nodes: Iterable[int]
) -> float:
    """The eight-term formula of DESIGN §6, written out term by term."""
    bits = np.asarray(bits)
    relay = sorted(int(a) for a in relay_nodes)
    if not relay:
        return 0.0
    rest = [a for a in range(bits.shape[1]) if a not in relay]
    xi = np.asarray(x_in)[:, None]
    xo = np.asarray(x_out)[:, None]
    y = bits
    y0 = bits[:, rest]
    h = _reference_entropy
    return -h(y0) + h(xi, y0) + h(y) + h(y0, xo) - h(xi, y) - h(xi, y0, xo) - h(y, xo) + h(xi, y, xo)


def _reference_greedy_relay(x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray) -> RelayResult:
    """Greedy search the straightforward way: every candidate, every term, from scratch."""
    bits = np.asarray(bits)
    n_units = bits.shape[1]
    relay = list(range(n_units))
    full = _reference_relay_information(x_in, x_out, bits, relay)
    curve = [full]
    order: list[int] = []
    while relay:
        values = [
            _reference_relay_information(x_in, x_out, bits, [b for b in relay if b != a]) for a in relay
        ]
        top = max(values)
        pick = next(i for i, v in enumerate(values) if v >= top - TIE_TOLERANCE)
        order.append(relay.pop(pick))
        curve.append(values[pick] if relay else 0.0)
    return _result_from_path(full, order, np.array(curve), bits.shape[0])


def _exhaustive_relay(
    x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray
) -> tuple[np.ndarray, list[list[tuple[int, ...]]]]:
    """Best ``I_R`` over all relay sets of each size (for checking the greedy search).

    Returns
    -------
    best, argbest
        ``best[k]`` is the largest ``I_R`` of any set of ``k`` units
        (``k = 0..N``); ``argbest[k]`` lists every set reaching it (within
        :data:`TIE_TOLERANCE`). Cost grows as ``2^N``: keep ``N`` small.
    """
    x, mx, z, mz, bits = _check_arrays(x_in, x_out, bits)
    n, n_units = bits.shape
    clog = _clog_table(n)
    xz = x * mz + z
    gy, my = _pack_codes(bits)
    cmi_full = _cmi_codes(gy, my, xz, mx, mz, clog)
    best = np.full(n_units + 1, -np.inf)
    argbest: list[list[tuple[int, ...]]] = [[] for _ in range(n_units + 1)]
    for size in range(n_units + 1):
        for relay in itertools.combinations(range(n_units), size):
            rest = [a for a in range(n_units) if a not in relay]
            g0, m0 = _pack_codes(bits[:, rest])
            value = _cmi_codes(g0, m0, xz, mx, mz, clog) - cmi_full if relay else 0.0
            if value > best[size] + TIE_TOLERANCE:
                best[size] = value
                argbest[size] = [relay]
            elif value >= best[size] - TIE_TOLERANCE:
                argbest[size].append(relay)
    return best, argbest


# ---------------------------------------------------------------------------
# relay over time on a recording
# ---------------------------------------------------------------------------


@dataclass
class RelayInputs:
    """The arrays a relay analysis needs from a recording (DESIGN §5, minimal subset).

    ``hidden (n, T, N)``, ``outputs (n, T', C)``, ``concepts (n, C)``,
    ``answer_step (n,)``; ``cell (n, T, N)`` for LSTMs (else ``None``) and the
    file's decoded attributes.
    """

    hidden: np.ndarray
    outputs: np.ndarray
    concepts: np.ndarray
    answer_step: np.ndarray
    cell: np.ndarray | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = "<memory>"


@dataclass
class RelayOverTime:
    """Greedy relay searches for every time step and concept of one state.

    Arrays are indexed ``[t, c, ...]`` with ``t`` the 0-based time step and ``c``
    the concept. ``contribution`` is the paper's matrix ``R[t, c, unit]``.
    """

    contribution: np.ndarray  # (T, C, N)
    node_relay: np.ndarray  # (T, C, N)
    full: np.ndarray  # (T, C)
    order: np.ndarray  # (T, C, N) int64
    curve: np.ndarray  # (T, C, N+1)
    null_mean: np.ndarray | None  # (T, C) or None
    p_value: np.ndarray | None  # (T, C) or None
    analysis_step: int
    n_samples: int
    method: str

    @property
    def n_steps(self) -> int:
        return int(self.full.shape[0])

    @property
    def n_concepts(self) -> int:
        return int(self.full.shape[1])

    @property
    def n_units(self) -> int:
        return int(self.order.shape[2])

    def result(self, step: int, concept: int) -> RelayResult:
        """The :class:`RelayResult` of one time step and concept."""
        nm = None if self.null_mean is None else float(self.null_mean[step, concept])
        pv = None if self.p_value is None else float(self.p_value[step, concept])
        return RelayResult(
            full=float(self.full[step, concept]),
            order=self.order[step, concept].copy(),
            curve=self.curve[step, concept].copy(),
            node_relay=self.node_relay[step, concept].copy(),
            contribution=self.contribution[step, concept].copy(),
            n_samples=self.n_samples,
            null_mean=nm,
            p_value=pv,
        )


def _open_h5(path: str | os.PathLike[str], mode: str = "r") -> h5py.File:
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        return h5py.File(path, mode)
    except OSError as err:
        raise RelayFileError(f"{path}: not a readable HDF5 file ({err})") from err


def read_relay_inputs(path: str | os.PathLike[str]) -> RelayInputs:
    """Read what a relay analysis needs from an activation file (HDF5).

    Only ``hidden (n,T,N)``, ``outputs (n,T',C)``, ``concepts (n,C)`` and
    ``answer_step (n,)`` are required; ``cell`` (same shape as ``hidden``) and
    any attributes (e.g. ``info_length``) are optional. Pipeline files
    (DESIGN §5) and users' own recordings both work.

    Raises
    ------
    FileNotFoundError, RelayFileError
        Missing file, not HDF5, missing dataset, wrong shapes or values; the
        message starts with the path.
    """
    with _open_h5(path) as f:
        missing = [k for k in ("hidden", "outputs", "concepts", "answer_step") if k not in f]
        if missing:
            raise RelayFileError(
                f"{path}: missing dataset(s) {', '.join(missing)} "
                "(a relay input needs hidden (n,T,N), outputs (n,T,C), concepts (n,C), answer_step (n,))"
            )
        arrays = {}
        for key in ("hidden", "cell", "outputs", "concepts", "answer_step"):
            if key in f:
                node = f[key]
                if not isinstance(node, h5py.Dataset):
                    raise RelayFileError(f"{path}: '{key}' is not a dataset")
                arrays[key] = node[()]
        attrs = read_attrs(f.attrs)
    inputs = RelayInputs(
        hidden=arrays["hidden"],
        outputs=arrays["outputs"],
        concepts=arrays["concepts"],
        answer_step=arrays["answer_step"],
        cell=arrays.get("cell"),
        attrs=attrs,
        source=str(path),
    )
    _validate_inputs(inputs, RelayFileError)
    return inputs


def _validate_inputs(inputs: RelayInputs, error: type[Exception] = ValueError) -> None:
    src = inputs.source
    hidden = np.asarray(inputs.hidden)
    if hidden.ndim != 3 or 0 in hidden.shape:
        raise error(f"{src}: hidden must be a non-empty (n, T, N) array, got shape {hidden.shape}")
    n, n_steps, _ = hidden.shape
    if inputs.cell is not None and np.shape(inputs.cell) != hidden.shape:
        raise error(f"{src}: cell must have hidden's shape {hidden.shape}, got {np.shape(inputs.cell)}")
    outputs = np.asarray(inputs.outputs)
    if outputs.ndim != 3 or outputs.shape[0] != n or 0 in outputs.shape:
        raise error(f"{src}: outputs must be ({n}, T, C), got shape {outputs.shape}")
    concepts = np.asarray(inputs.concepts)
    if concepts.shape != (n, outputs.shape[2]):
        raise error(
            f"{src}: concepts must be ({n}, {outputs.shape[2]}) "
            f"(one column per output), got shape {concepts.shape}"
        )
    answer = np.asarray(inputs.answer_step)
    if answer.shape != (n,) or not np.issubdtype(answer.dtype, np.integer):
        raise error(f"{src}: answer_step must be ({n},) integers, got {answer.dtype} {answer.shape}")
    if answer.min() < 0 or answer.max() >= outputs.shape[1]:
        raise error(
            f"{src}: answer_step must lie in 0..{outputs.shape[1] - 1} (0-based steps of outputs), "
            f"got {answer.min()}..{answer.max()}"
        )
    for key, arr in (("hidden", hidden), ("outputs", outputs), ("cell", inputs.cell)):
        if arr is not None and not np.all(np.isfinite(arr)):
            raise error(f"{src}: {key} contains NaN or infinite values")


def _as_inputs(activations: Any) -> RelayInputs:
    if isinstance(activations, (str, os.PathLike)):
        return read_relay_inputs(activations)
    if isinstance(activations, RelayInputs):
        inputs = activations
    else:
        try:
            inputs = RelayInputs(
                hidden=activations.hidden,
                outputs=activations.outputs,
                concepts=activations.concepts,
                answer_step=activations.answer_step,
                cell=getattr(activations, "cell", None),
                attrs=dict(getattr(activations, "attrs", None) or {}),
                source=str(getattr(activations, "path", None) or getattr(activations, "source", "<memory>")),
            )
        except AttributeError as err:
            raise TypeError(
                "activations must be a path or an object with hidden, outputs, concepts, "
                f"answer_step (and optionally cell, attrs): {err}"
            ) from err
    _validate_inputs(inputs)
    return inputs


def _analysis_step(inputs: RelayInputs, n_steps: int) -> int:
    info_length = inputs.attrs.get("info_length")
    if info_length is None:
        return n_steps - 1
    step = int(info_length) - 1
    if not 0 <= step < n_steps:
        raise ValueError(f"{inputs.source}: info_length {info_length} does not fit {n_steps} time steps")
    return step


def relay_over_time(
    activations: Any,
    *,
    state: str = "hidden",
    method: str = "kmeans",
    n_shuffles: int = 0,
    seed: int = 0,
) -> RelayOverTime:
    """Greedy relay search for every time step and concept of one recurrent state.

    For each concept ``c`` and step ``t``: ``X_in = concepts[:, c]``,
    ``X_out = outputs[i, answer_step[i], c] > 0`` and
    ``Y = binarize(state[:, t, :], method)``.

    Parameters
    ----------
    activations
        Path of an activation file (HDF5, see :func:`read_relay_inputs`) or an
        object with ``hidden``, ``outputs``, ``concepts``, ``answer_step`` and
        optionally ``cell`` and ``attrs`` (e.g. :class:`inforelay.nets.recording.Activations`).
    state
        ``"hidden"`` or ``"cell"`` (LSTM).
    method
        Binarization method (:data:`inforelay.info.measures.BINARIZATION_METHODS`).
    n_shuffles
        Shuffle-null permutations per search (0: none).
    seed
        Base seed of the permutations; each search uses
        ``derive_rng("relay-null", seed, state, t, c)``.

    Returns
    -------
    RelayOverTime
        ``analysis_step`` is ``info_length − 1`` when the recording has an
        ``info_length`` attribute, otherwise the last step.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, got {state!r}")
    if method not in BINARIZATION_METHODS:
        raise ValueError(f"method must be one of {', '.join(BINARIZATION_METHODS)}, got {method!r}")
    if int(n_shuffles) != n_shuffles or n_shuffles < 0:
        raise ValueError(f"n_shuffles must be a non-negative integer, got {n_shuffles!r}")
    inputs = _as_inputs(activations)
    values = inputs.hidden if state == "hidden" else inputs.cell
    if values is None:
        raise ValueError(f"{inputs.source}: no '{state}' state (only LSTM recordings have a cell state)")
    values = np.asarray(values)
    n, n_steps, n_units = values.shape
    bits_all = binarize(values.reshape(n, n_steps * n_units), method).reshape(n, n_steps, n_units)
    answers = np.asarray(inputs.outputs)[np.arange(n), np.asarray(inputs.answer_step)]
    x_out_all = (answers > 0).astype(np.int8)
    concepts = np.asarray(inputs.concepts)
    n_concepts = concepts.shape[1]
    clog = _clog_table(n)
    labels = [(_labels(concepts[:, c]), _labels(x_out_all[:, c])) for c in range(n_concepts)]

    shape = (n_steps, n_concepts)
    contribution = np.empty((*shape, n_units))
    node_relay = np.empty((*shape, n_units))
    order = np.empty((*shape, n_units), dtype=np.int64)
    curve = np.empty((*shape, n_units + 1))
    full = np.empty(shape)
    null_mean = np.empty(shape) if n_shuffles else None
    p_value = np.empty(shape) if n_shuffles else None
    pairs = [(t, c) for t in range(n_steps) for c in range(n_concepts)]
    batch = max(1, _BATCH_ELEMENTS // max(1, n * n_units))  # searches per batched call
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        searches = [
            _Search(*labels[c][0], *labels[c][1], np.ascontiguousarray(bits_all[:, t, :])) for t, c in chunk
        ]
        for (t, c), search, path in zip(chunk, searches, _greedy_batch(searches, clog)):
            r = _result_from_path(path.full, path.order, path.curve, n)
            contribution[t, c] = r.contribution
            node_relay[t, c] = r.node_relay
            order[t, c] = r.order
            curve[t, c] = r.curve
            full[t, c] = r.full
            if n_shuffles:
                rng = derive_rng("relay-null", seed, state, t, c)
                null = _shuffle_null(
                    search.x,
                    search.mx,
                    search.z,
                    search.mz,
                    path.y_codes,
                    path.m_y,
                    int(n_shuffles),
                    rng,
                    clog,
                )
                null_mean[t, c] = null.mean()  # type: ignore[index]
                p_value[t, c] = _p_value(null, r.full)  # type: ignore[index]
    return RelayOverTime(
        contribution=contribution,
        node_relay=node_relay,
        full=full,
        order=order,
        curve=curve,
        null_mean=null_mean,
        p_value=p_value,
        analysis_step=_analysis_step(inputs, n_steps),
        n_samples=n,
        method=method,
    )


def relay_all_states(
    activations: Any, *, method: str = "kmeans", n_shuffles: int = 0, seed: int = 0
) -> dict[str, RelayOverTime]:
    """:func:`relay_over_time` for ``hidden`` and, when the recording has one, ``cell``.

    The recording is read once. Returns ``{"hidden": ..., "cell": ...}`` (no
    ``"cell"`` key for RNN/GRU recordings).
    """
    inputs = _as_inputs(activations)
    states = ["hidden"] + (["cell"] if inputs.cell is not None else [])
    return {
        s: relay_over_time(inputs, state=s, method=method, n_shuffles=n_shuffles, seed=seed) for s in states
    }


# ---------------------------------------------------------------------------
# relay files
# ---------------------------------------------------------------------------

_ARRAYS = ("contribution", "node_relay", "full", "order", "curve")
_OPTIONAL = ("null_mean", "p_value")
FORMAT = "inforelay-relay-1"


def write_relay(
    path: str | os.PathLike[str],
    results: Mapping[str, RelayOverTime],
    attrs: Mapping[str, Any] | None = None,
    *,
    config_slice: Mapping[str, Any] | None = None,
) -> None:
    """Write relay results to HDF5, atomically, one group per state.

    Layout: group ``/<state>`` (``hidden``, ``cell``) with datasets
    ``contribution (T,C,N)``, ``node_relay (T,C,N)``, ``full (T,C)``,
    ``order (T,C,N) int64``, ``curve (T,C,N+1)`` and, with a shuffle null,
    ``null_mean (T,C)``, ``p_value (T,C)``; group attributes ``analysis_step``,
    ``n_samples``, ``method``. File attributes: ``format``, the provenance
    ``versions``/``config`` (:func:`inforelay.core.provenance.provenance_attrs` of
    ``config_slice``) and ``attrs``, which override those defaults (so a caller
    may pass its own ``**provenance_attrs(...)``); values are encoded with
    :func:`inforelay.core.hdf5.encode_attr` (mappings as JSON strings, sequences as arrays).
    """
    if not results:
        raise ValueError(f"{path}: no relay results to write")
    for state in results:
        if state not in STATES:
            raise ValueError(f"{path}: unknown state {state!r} (allowed: {', '.join(STATES)})")
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            meta = {"format": FORMAT, **provenance_attrs(config_slice), **dict(attrs or {})}
            write_attrs(f.attrs, meta)
            for state, res in results.items():
                g = f.create_group(state)
                for key in _ARRAYS:
                    g.create_dataset(key, data=np.asarray(getattr(res, key)))
                for key in _OPTIONAL:
                    value = getattr(res, key)
                    if value is not None:
                        g.create_dataset(key, data=np.asarray(value, dtype=np.float64))
                g.attrs["analysis_step"] = int(res.analysis_step)
                g.attrs["n_samples"] = int(res.n_samples)
                g.attrs["method"] = str(res.method)


def read_relay(path: str | os.PathLike[str]) -> dict[str, RelayOverTime]:
    """Read a relay file written by :func:`write_relay`; validates names and shapes.

    Raises
    ------
    FileNotFoundError, RelayFileError
        The message starts with the path.
    """
    out: dict[str, RelayOverTime] = {}
    with _open_h5(path) as f:
        states = [s for s in STATES if s in f]
        if not states:
            raise RelayFileError(f"{path}: no relay group ({' or '.join(STATES)}) in the file")
        for state in states:
            g = f[state]
            missing = [k for k in _ARRAYS if k not in g]
            missing += [k for k in ("analysis_step", "n_samples", "method") if k not in g.attrs]
            if missing:
                raise RelayFileError(f"{path}: group '{state}' lacks {', '.join(missing)}")
            data = {k: g[k][()] for k in (*_ARRAYS, *_OPTIONAL) if k in g}
            full = data["full"]
            if full.ndim != 2:
                raise RelayFileError(f"{path}: {state}/full must be (T, C), got {full.shape}")
            t, c = full.shape
            n_units = data["order"].shape[-1] if data["order"].ndim == 3 else -1
            expected = {
                "contribution": (t, c, n_units),
                "node_relay": (t, c, n_units),
                "order": (t, c, n_units),
                "curve": (t, c, n_units + 1),
                "null_mean": (t, c),
                "p_value": (t, c),
            }
            for key, shape in expected.items():
                if key in data and data[key].shape != shape:
                    raise RelayFileError(
                        f"{path}: {state}/{key} has shape {data[key].shape}, expected {shape}"
                    )
            if ("null_mean" in data) != ("p_value" in data):
                raise RelayFileError(f"{path}: {state} has only one of null_mean, p_value")
            out[state] = RelayOverTime(
                contribution=data["contribution"],
                node_relay=data["node_relay"],
                full=full,
                order=data["order"].astype(np.int64),
                curve=data["curve"],
                null_mean=data.get("null_mean"),
                p_value=data.get("p_value"),
                analysis_step=int(g.attrs["analysis_step"]),
                n_samples=int(g.attrs["n_samples"]),
                method=str(decode_attr(g.attrs["method"])),
            )
    return out


def read_relay_attrs(path: str | os.PathLike[str]) -> dict[str, Any]:
    """File attributes of a relay file, JSON strings decoded (``config``, ``versions``, ...)."""
    with _open_h5(path) as f:
        return read_attrs(f.attrs)
