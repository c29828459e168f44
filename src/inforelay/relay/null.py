"""The shuffle null of a relay search: ``full`` of permuted ``X_in`` (docs/relay.md §4).

Permutations are drawn in one batch per chunk (``Generator.permuted`` of a broadcast
``arange``) and counted with one bincount per chunk, so a null of hundreds of permutations
costs a few NumPy calls. Only NumPy is needed (no torch).
"""

from __future__ import annotations

import numpy as np

from inforelay.relay.rows import TIE_TOLERANCE, Search
from inforelay.relay.tables import cmi_sums, two_or_more

__all__ = ["shuffle_null", "shuffle_p_value"]

_CHUNK_ELEMENTS = 4_000_000  # permutations × samples counted per bincount


def shuffle_null(
    search: Search,
    y_codes: np.ndarray,
    m_y: int,
    n_shuffles: int,
    rng: np.random.Generator,
    clog: np.ndarray,
) -> np.ndarray:
    """``full`` relay of ``n_shuffles`` permutations of ``X_in`` (docs/relay.md §4).

    ``full = I(X; Z) − I(X; Z | Y)``. Only groups of ``Y`` in which ``Z`` varies can add
    to ``I(X; Z | Y)``, whatever the permutation, so the second term is counted over
    their samples only; permutations are counted in chunks with batched bincounts.
    ``y_codes``/``m_y`` are the dense codes of ``Y`` (:attr:`SearchPath.y_codes`).
    """
    x, z = search.x, search.z
    n = x.size
    z_counts = np.bincount(y_codes * 2 + z, minlength=m_y * 2).reshape(m_y, 2)
    live = two_or_more(z_counts)
    sel = live[y_codes].nonzero()[0]
    m_live = int(live.sum())
    y_live = (np.cumsum(live) - 1)[y_codes[sel]] * 4 + z[sel]
    null = np.empty(n_shuffles, dtype=np.float64)
    block = max(m_live, 1) * 4
    chunk = max(1, min(n_shuffles, _CHUNK_ELEMENTS // max(block, n)))
    for start in range(0, n_shuffles, chunk):
        size = min(chunk, n_shuffles - start)
        perms = rng.permuted(np.broadcast_to(np.arange(n), (size, n)), axis=1)
        xp = x[perms] * 2  # (size, n)
        counts = np.bincount(
            (xp + z + (np.arange(size, dtype=np.int64) * 4)[:, None]).ravel(), minlength=size * 4
        ).reshape(size, 1, 2, 2)
        mi = cmi_sums(counts, clog)
        if m_live:
            keys = xp[:, sel] + y_live + (np.arange(size, dtype=np.int64) * block)[:, None]
            counts = np.bincount(keys.ravel(), minlength=size * block).reshape(size, m_live, 2, 2)
            mi = mi - cmi_sums(counts, clog)
        null[start : start + size] = mi / n
    return null


def shuffle_p_value(null: np.ndarray, observed: float) -> float:
    """``(1 + #{null ≥ observed}) / (1 + k)``; values within rounding of ``observed`` count."""
    return float((1 + np.count_nonzero(null >= observed - TIE_TOLERANCE)) / (1 + null.size))
