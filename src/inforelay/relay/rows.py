"""What every greedy relay search starts from: its inputs, its output and the merged rows.

Samples with equal ``(Y, X_in, X_out)`` are merged into one row weighted by their number
(trained networks show a few hundred distinct patterns among thousands of samples), and
``I(X_in; X_out | Y)`` — the same for every candidate set — is counted once (docs/relay.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inforelay.info.codes import pack_codes_with_count
from inforelay.relay.tables import cmi_sums

__all__ = ["TIE_TOLERANCE", "Search", "SearchPath", "Rows", "merge_rows", "last_tied"]

TIE_TOLERANCE = 1e-12
"""Candidates whose ``I_R`` is within this many bits of the best count as tied
(ties go to the lowest unit index); it only absorbs floating-point rounding."""


@dataclass
class Search:
    """One greedy search's inputs: ``X_in``, ``X_out`` (0/1) and the ``(n, N)`` 0/1 unit bits."""

    x: np.ndarray
    z: np.ndarray
    bits: np.ndarray


@dataclass
class SearchPath:
    """One greedy search's raw output (before node_relay/contribution are derived).

    ``y_codes``/``m_y`` (dense codes of ``Y``) let the shuffle null skip re-packing the bits.
    """

    full: float
    order: np.ndarray
    curve: np.ndarray
    y_codes: np.ndarray
    m_y: int


@dataclass
class Rows:
    """The distinct ``(Y, X_in, X_out)`` rows of a search and what the searches need of them.

    Attributes
    ----------
    bits
        ``(R, N)`` int8 unit bits.
    xz
        ``(R,)`` ``2 · X_in + X_out``.
    weights
        ``(R,)`` float64 samples per row.
    n, full, cmi_full
        Samples, ``I_R`` of all units and ``I(X_in; X_out | Y)`` in bits.
    """

    bits: np.ndarray
    xz: np.ndarray
    weights: np.ndarray
    n: int
    full: float
    cmi_full: float


def merge_rows(search: Search, clog: np.ndarray) -> tuple[Rows, np.ndarray, int]:
    """The weighted distinct rows of a search, and the dense codes of ``Y`` and their number."""
    n = search.x.size
    xz = search.x * 2 + search.z
    y_codes, m_y = pack_codes_with_count(search.bits, validate=False)  # checked by the caller
    row_key = y_codes * 4 + xz
    row_counts = np.bincount(row_key, minlength=m_y * 4)
    c00, c01, c10, c11 = np.bincount(xz, minlength=4).tolist()
    if min(c00 + c01, c10 + c11, c00 + c10, c01 + c11) > 0:
        cmi_full = float(cmi_sums(row_counts.reshape(m_y, 2, 2), clog)) / n
        whole = np.array([[[c00, c01], [c10, c11]]])
        full = float(cmi_sums(whole, clog)) / n - cmi_full
    else:  # X_in or X_out constant: no information at all, exactly
        cmi_full = full = 0.0
    present = np.flatnonzero(row_counts)  # the distinct (Y, X_in, X_out) keys, ascending
    sample = np.empty(row_counts.size, dtype=np.intp)
    sample[row_key] = np.arange(n)  # one sample per key (equal keys have equal bits)
    first = sample.take(present)
    weights = row_counts.take(present).astype(np.float64)
    rows = Rows(search.bits.take(first, axis=0), present & 3, weights, n, full, cmi_full)
    return rows, y_codes, m_y


def last_tied(order: np.ndarray, curve: np.ndarray, step: int, remaining: np.ndarray, cmi_full: float) -> None:
    """Fill ``order``/``curve`` from ``step`` on when no live group is left.

    Every group is pure in ``X_in`` or ``X_out``: all remaining candidates tie at
    ``I(X; Z | Y_0 + a) = 0`` and go in ascending unit order; the last one relays 0.
    """
    order[step - 1 :] = np.sort(remaining)
    curve[step:-1] = -cmi_full
    curve[-1] = 0.0
