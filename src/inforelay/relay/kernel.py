"""The fast greedy relay search (docs/relay.md §3, §7).

For binary ``X_in``, ``X_out`` and units ``Y = Y_R ∪ Y_0`` (docs/relay.md §1)::

    I_R = I(X_in; X_out | Y_0) − I(X_in; X_out | Y)

``Y`` is the same for every candidate set of a search, so only ``I(X_in; X_out | Y_0 ∪ {a})``
changes between candidates ``a``: four of the eight entropy terms, all counted from one
histogram of ``(Y_0 group, a, X_in, X_out)`` (:mod:`inforelay.relay.tables`). Samples with
equal ``(Y, X_in, X_out)`` are merged first (:mod:`inforelay.relay.rows`). Groups in which
``X_in`` or ``X_out`` is constant add nothing to any later score and are dropped; once none
is left every remaining candidate ties at zero. Two searches share this core:
:mod:`inforelay.relay.few_units` recounts every group at every step (a loop compiled with
Numba), and :mod:`inforelay.relay.many_units` recounts only the groups the chosen unit splits
(NumPy and scipy.sparse). No torch is needed.
"""

from __future__ import annotations

import numpy as np

from inforelay.relay.many_units import many_unit_search
from inforelay.relay.rows import TIE_TOLERANCE, Search, SearchPath, merge_rows

__all__ = ["TIE_TOLERANCE", "MANY_UNITS", "Search", "SearchPath", "greedy_search"]

MANY_UNITS = 32
"""From this many units the search recounts only the groups the chosen unit splits
(:mod:`inforelay.relay.many_units`); below, every group at every step (:mod:`~inforelay.relay.few_units`)."""


def greedy_search(search: Search, clog: np.ndarray) -> SearchPath:
    """The greedy relay search on checked inputs (docs/relay.md §3).

    Start with every unit relaying; at each step remove the unit whose removal keeps
    ``I_R`` largest; ties (within :data:`TIE_TOLERANCE` bits) go to the lowest unit index.
    ``clog`` is :func:`inforelay.relay.tables.clog_table` of at least ``n``. Both searches
    give identical results (tests/test_relay.py checks them against the plain implementation).
    """
    rows, y_codes, m_y = merge_rows(search, clog)
    if search.bits.shape[1] >= MANY_UNITS:
        order, curve = many_unit_search(rows, clog)
    else:
        from inforelay.relay.few_units import few_unit_search  # imports Numba on first use

        order, curve = few_unit_search(rows, clog)
    return SearchPath(rows.full, order, curve, y_codes, m_y)
