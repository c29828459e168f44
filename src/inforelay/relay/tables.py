"""Count tables of relay information: ``c log c`` lookups, margins and ``n · I(X; Z | G)``.

Counts are laid out ``(..., groups, mx, mz)`` (group, ``X_in`` label, ``X_out`` label);
``n · I(X; Z | G) = Σ c_g log c_g + Σ c_gxz log c_gxz − Σ c_gx log c_gx − Σ c_gz log c_gz``
with a lookup table of ``c log2 c`` for integer counts (docs/relay.md §7). Sums over the
tiny label axes are done by slice additions, several times faster than NumPy reductions.
The greedy search's own scores are in :mod:`inforelay.relay.scores`.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = [
    "clog_table",
    "margins",
    "cmi_sums",
    "cmi_codes",
    "two_or_more",
]


@functools.lru_cache(maxsize=16)
def clog_table(n: int) -> np.ndarray:
    """``c * log2(c)`` for the counts ``c = 0..n`` (0 for ``c = 0``); read-only, cached per ``n``."""
    c = np.arange(n + 1, dtype=np.float64)
    table = np.zeros(n + 1)
    table[1:] = c[1:] * np.log2(c[1:])
    table.flags.writeable = False
    return table


def margins(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def cmi_sums(counts: np.ndarray, clog: np.ndarray) -> np.ndarray:
    """``n · I(X; Z | G)`` from counts shaped ``(..., groups, mx, mz)``.

    ``n · I = Σ c_g log c_g + Σ c_gxz log c_gxz − Σ c_gx log c_gx − Σ c_gz log c_gz``
    (the ``log n`` terms of the four entropies cancel).
    """
    cx, cz, cg = margins(counts)
    lead = counts.shape[:-3]
    add = np.add.reduce
    s_xzg = add(clog.take(counts).reshape(*lead, -1), axis=-1)
    s_xg = add(clog.take(cx).reshape(*lead, -1), axis=-1)
    s_zg = add(clog.take(cz).reshape(*lead, -1), axis=-1)
    s_g = add(clog.take(cg).reshape(*lead, -1), axis=-1)
    return (s_g + s_xzg) - (s_xg + s_zg)


def cmi_codes(groups: np.ndarray, m: int, xz: np.ndarray, mx: int, mz: int, clog: np.ndarray) -> float:
    """``I(X; Z | G)`` in bits for dense group codes ``groups`` (``m`` groups).

    ``xz = x * mz + z`` codes the pair of dense labels ``x < mx``, ``z < mz``;
    ``clog`` is :func:`clog_table` of at least the number of samples.
    """
    q = mx * mz
    counts = np.bincount(groups * q + xz, minlength=m * q).reshape(m, mx, mz)
    return float(cmi_sums(counts, clog)) / groups.size


def two_or_more(counts: np.ndarray) -> np.ndarray:
    """Rows of an ``(m, k)`` count table with at least two non-zero entries."""
    if counts.shape[1] < 2:
        return np.zeros(counts.shape[0], dtype=bool)
    if counts.shape[1] == 2:
        return (counts[:, 0] > 0) & (counts[:, 1] > 0)
    return np.add.reduce(counts > 0, axis=1) >= 2
