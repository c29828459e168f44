"""Relay information (Hintze & Adami 2023) and its greedy search on arrays (docs/relay.md §1, §3).

For binary ``X_in`` (a concept bit), ``X_out`` (the network's answer) and binary hidden
units ``Y`` split into relay nodes ``Y_R`` and the rest ``Y_0``::

    I_R = I(X_in; X_out; Y_R | Y_0)
        = −H(Y_0) + H(X_in,Y_0) + H(Y) + H(Y_0,X_out)
          − H(X_in,Y) − H(X_in,Y_0,X_out) − H(Y,X_out) + H(X_in,Y,X_out)
        = I(X_in; X_out | Y_0) − I(X_in; X_out | Y)

(plug-in entropies, bits). This module checks the inputs (:mod:`inforelay.relay.validation`)
and runs the fast search of :mod:`inforelay.relay.kernel`; :mod:`inforelay.relay.reference`
holds the plain implementations it is tested and benchmarked against.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from inforelay.info.codes import all_zero_one, pack_codes_with_count
from inforelay.relay.kernel import Search, greedy_search
from inforelay.relay.null import shuffle_null, shuffle_p_value
from inforelay.relay.result import RelayResult, result_from_path
from inforelay.relay.tables import clog_table, cmi_codes
from inforelay.relay.validation import check_binary

__all__ = ["relay_information", "greedy_relay", "check_arrays", "check_n_shuffles"]


def check_arrays(x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate the inputs of one search; return ``(x, z, bits)`` as int64, int64, int8 0/1.

    ``x_in`` and ``x_out`` must be 0/1 (:func:`inforelay.relay.validation.check_binary`:
    bool, integers or floats exactly 0.0/1.0; ±1 is read as 0/1).

    Raises
    ------
    ValueError
        ``bits`` not ``(n, N)`` with ``n > 0``, values other than 0/1, or ``x_in``/``x_out``
        not ``(n,)`` 0/1.
    """
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"bits must be (n, N), got shape {bits.shape}")
    n = bits.shape[0]
    if n == 0:
        raise ValueError("bits have no samples")
    checked = []
    for name, arr in (("x_in", x_in), ("x_out", x_out)):
        arr = np.asarray(arr)
        if arr.shape != (n,):
            raise ValueError(f"{name} must have shape ({n},) like bits' samples, got {arr.shape}")
        checked.append(check_binary(arr, name).astype(np.int64))
    if bits.size and not all_zero_one(bits):
        raise ValueError("bits must contain only 0 and 1 (see inforelay.info.binarize)")
    return checked[0], checked[1], bits.astype(np.int8, copy=False)


def check_n_shuffles(n_shuffles: int) -> None:
    """Raise ``ValueError`` unless ``n_shuffles`` is a non-negative integer."""
    if int(n_shuffles) != n_shuffles or n_shuffles < 0:
        raise ValueError(f"n_shuffles must be a non-negative integer, got {n_shuffles!r}")


def _relay_set(relay_nodes: Iterable[int] | np.ndarray, n_units: int) -> np.ndarray:
    """Sorted unit indices of a relay set given as indices or a boolean mask (checked)."""
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


def _as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """``rng`` itself, or a generator seeded with it (``None``: seed 0)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


def relay_information(
    x_in: np.ndarray,
    x_out: np.ndarray,
    bits: np.ndarray,
    relay_nodes: Iterable[int] | np.ndarray,
) -> float:
    """Relay information ``I_R = I(X_in; X_out; Y_R | Y_0)`` in bits (docs/relay.md §1).

    Parameters
    ----------
    x_in, x_out
        ``(n,)`` 0/1 samples: the concept bit and the network's answer (±1 is read as 0/1).
    bits
        ``(n, N)`` binary unit states ``Y``.
    relay_nodes
        Unit indices of ``Y_R`` (or a boolean mask of length ``N``); the other
        units form ``Y_0``. An empty set relays 0.

    Returns
    -------
    float
        ``I(X_in; X_out | Y_0) − I(X_in; X_out | Y)``, equal to the eight-term formula
        (plug-in, bits). It can be negative (synergy).
    """
    x, z, bits = check_arrays(x_in, x_out, bits)
    relay = _relay_set(relay_nodes, bits.shape[1])
    if relay.size == 0:
        return 0.0
    rest = np.setdiff1d(np.arange(bits.shape[1]), relay)
    clog = clog_table(bits.shape[0])
    xz = x * 2 + z
    g0, m0 = pack_codes_with_count(bits[:, rest])
    gy, my = pack_codes_with_count(bits)
    return cmi_codes(g0, m0, xz, 2, 2, clog) - cmi_codes(gy, my, xz, 2, 2, clog)


def greedy_relay(
    x_in: np.ndarray,
    x_out: np.ndarray,
    bits: np.ndarray,
    *,
    n_shuffles: int = 0,
    rng: np.random.Generator | int | None = None,
) -> RelayResult:
    """Greedy shrinking of the relay set (docs/relay.md §3).

    Start with every unit relaying; at each step remove the unit whose removal
    keeps ``I_R`` largest (ties: lowest unit index); repeat until no unit is left.

    Parameters
    ----------
    x_in, x_out
        ``(n,)`` 0/1 samples: the concept bit and the network's answer (±1 is read as 0/1).
    bits
        ``(n, N)`` 0/1 unit states (see :func:`inforelay.info.binarize`).
    n_shuffles
        Permutations of ``x_in`` for a shuffle null of ``full`` (0: none; docs/relay.md §4).
    rng
        Generator or seed for the permutations (``None``: seed 0, deterministic).

    Returns
    -------
    RelayResult
    """
    check_n_shuffles(n_shuffles)
    x, z, bits = check_arrays(x_in, x_out, bits)
    n = bits.shape[0]
    clog = clog_table(n)
    search = Search(x, z, bits)
    path = greedy_search(search, clog)
    result = result_from_path(path.full, path.order, path.curve, n)
    if n_shuffles:
        null = shuffle_null(search, path.y_codes, path.m_y, int(n_shuffles), _as_rng(rng), clog)
        result.null_mean = float(null.mean())
        result.p_value = shuffle_p_value(null, path.full)
    return result
