"""Plain implementations the fast relay search is checked against (tests and ``bench/relay.py``).

:func:`plain_greedy_relay` is the implementation one would write first, and the yardstick of
``bench/relay.py``: rows of bits packed into integer codes, one 1-D :func:`numpy.unique` per
entropy term (all eight terms of docs/relay.md §1), candidates in a Python loop (at most 30 units).
:func:`reference_greedy_relay` is slower still (every term from the stacked columns with
``np.unique(axis=0)``, a *strawman* for timing) but the most literal transcription of §1 and
§3; :func:`exhaustive_relay` scores every relay set of every size (``2^N`` sets), to see how
often greedy is optimal. Keep them simple enough to check by eye.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np

from inforelay.info.codes import pack_codes_with_count
from inforelay.relay.kernel import TIE_TOLERANCE
from inforelay.relay.result import RelayResult, result_from_path
from inforelay.relay.search import check_arrays
from inforelay.relay.tables import clog_table, cmi_codes

__all__ = [
    "plain_entropy",
    "plain_relay_information",
    "plain_greedy_relay",
    "reference_entropy",
    "reference_relay_information",
    "reference_greedy_relay",
    "exhaustive_relay",
]


def _row_codes(bits: np.ndarray) -> np.ndarray:
    """One integer per row of a 0/1 matrix (its bits read as a binary number; ≤ 30 columns).

    30 bits leave room to combine a code with two more binary variables inside an int64.
    """
    if bits.shape[1] > 30:
        raise ValueError("the plain implementation packs at most 30 units into one integer")
    return bits.astype(np.int64) @ (np.int64(1) << np.arange(bits.shape[1], dtype=np.int64))


def plain_entropy(*codes: np.ndarray) -> float:
    """Plug-in joint entropy in bits of integer-coded variables: one ``np.unique`` of a combined code."""
    key = np.zeros(codes[0].size, dtype=np.int64)
    for code in codes:
        key = key * (int(code.max()) + 1) + code
    _, counts = np.unique(key, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)))


def plain_relay_information(
    x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray, relay_nodes: Iterable[int]
) -> float:
    """The eight-term formula of docs/relay.md §1 on packed codes, one ``np.unique`` per term."""
    bits = np.asarray(bits)
    relay = set(int(a) for a in relay_nodes)
    if not relay:
        return 0.0
    rest = [a for a in range(bits.shape[1]) if a not in relay]
    xi = np.asarray(x_in, dtype=np.int64)
    xo = np.asarray(x_out, dtype=np.int64)
    y = _row_codes(bits)
    y0 = _row_codes(bits[:, rest])
    h = plain_entropy
    return -h(y0) + h(xi, y0) + h(y) + h(y0, xo) - h(xi, y) - h(xi, y0, xo) - h(y, xo) + h(xi, y, xo)


def plain_greedy_relay(x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray) -> RelayResult:
    """Greedy search the plain way: for every candidate, all eight terms by ``np.unique`` (≤ 30 units)."""
    bits = np.asarray(bits)
    relay = list(range(bits.shape[1]))
    full = plain_relay_information(x_in, x_out, bits, relay)
    curve = [full]
    order: list[int] = []
    while relay:
        values = [plain_relay_information(x_in, x_out, bits, [b for b in relay if b != a]) for a in relay]
        top = max(values)
        pick = next(i for i, v in enumerate(values) if v >= top - TIE_TOLERANCE)
        order.append(relay.pop(pick))
        curve.append(values[pick] if relay else 0.0)
    return result_from_path(full, order, np.array(curve), bits.shape[0])


def reference_entropy(*columns: np.ndarray) -> float:
    """Plug-in joint entropy in bits via one ``np.unique`` over the stacked columns."""
    if not columns:
        return 0.0
    data = np.column_stack(columns)
    if data.shape[1] == 0:
        return 0.0
    _, counts = np.unique(data, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)))


def reference_relay_information(
    x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray, relay_nodes: Iterable[int]
) -> float:
    """The eight-term formula of docs/relay.md §1, written out term by term."""
    bits = np.asarray(bits)
    relay = sorted(int(a) for a in relay_nodes)
    if not relay:
        return 0.0
    rest = [a for a in range(bits.shape[1]) if a not in relay]
    xi = np.asarray(x_in)[:, None]
    xo = np.asarray(x_out)[:, None]
    y = bits
    y0 = bits[:, rest]
    h = reference_entropy
    return -h(y0) + h(xi, y0) + h(y) + h(y0, xo) - h(xi, y) - h(xi, y0, xo) - h(y, xo) + h(xi, y, xo)


def reference_greedy_relay(x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray) -> RelayResult:
    """Greedy search the most literal way (a strawman for timing): every candidate, every term."""
    bits = np.asarray(bits)
    n_units = bits.shape[1]
    relay = list(range(n_units))
    full = reference_relay_information(x_in, x_out, bits, relay)
    curve = [full]
    order: list[int] = []
    while relay:
        values = [
            reference_relay_information(x_in, x_out, bits, [b for b in relay if b != a]) for a in relay
        ]
        top = max(values)
        pick = next(i for i, v in enumerate(values) if v >= top - TIE_TOLERANCE)
        order.append(relay.pop(pick))
        curve.append(values[pick] if relay else 0.0)
    return result_from_path(full, order, np.array(curve), bits.shape[0])


def exhaustive_relay(
    x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray
) -> tuple[np.ndarray, list[list[tuple[int, ...]]]]:
    """Best ``I_R`` over all relay sets of each size (for checking the greedy search).

    Returns
    -------
    best, argbest
        ``best[k]`` is the largest ``I_R`` of any set of ``k`` units
        (``k = 0..N``); ``argbest[k]`` lists every set reaching it (within
        :data:`inforelay.relay.kernel.TIE_TOLERANCE`). Cost grows as ``2^N``: keep ``N`` small.
    """
    x, z, bits = check_arrays(x_in, x_out, bits)
    n, n_units = bits.shape
    clog = clog_table(n)
    xz = x * 2 + z
    gy, my = pack_codes_with_count(bits)
    cmi_full = cmi_codes(gy, my, xz, 2, 2, clog)
    best = np.full(n_units + 1, -np.inf)
    argbest: list[list[tuple[int, ...]]] = [[] for _ in range(n_units + 1)]
    for size in range(n_units + 1):
        for relay in itertools.combinations(range(n_units), size):
            rest = [a for a in range(n_units) if a not in relay]
            g0, m0 = pack_codes_with_count(bits[:, rest])
            value = cmi_codes(g0, m0, xz, 2, 2, clog) - cmi_full if relay else 0.0
            if value > best[size] + TIE_TOLERANCE:
                best[size] = value
                argbest[size] = [relay]
            elif value >= best[size] - TIE_TOLERANCE:
                argbest[size].append(relay)
    return best, argbest
