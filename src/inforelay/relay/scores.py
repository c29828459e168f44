"""Scores of the greedy relay search: ``n · I(X_in; X_out | group, unit)`` from count tables.

A group of ``Y_0`` (binary ``X_in``, ``X_out``) has four cells 00, 01, 10, 11 (``xz = 2 · X_in +
X_out``). Splitting it by a unit's bit gives two children: the bit-1 child's cells are counted,
the bit-0 child's are the group's minus those. For every unit ``a`` and group ``g``::

    φ[a, g] = Σ_children n · I(X; Z | child)
            = Σ_children Σ clog(cells) + clog(total) − Σ clog(X_in margins) − Σ clog(X_out margins)

(``clog(c) = c log2 c``, :func:`inforelay.relay.tables.clog_table`). Counts are laid out
``(unit, cell, group)``. The many-unit search (:mod:`inforelay.relay.many_units`) scores with
these; the few-unit one computes the same sums in its compiled loop. docs/relay.md §7.
"""

from __future__ import annotations

import numpy as np

from inforelay.relay.tables import clog_table

# A group's nine terms from its cells 00, 01, 10, 11: the four cells, the total, the X_in margins
# (x = 0, 1) and the X_out margins (z = 0, 1). An integer matrix: numpy's own matmul loop (never a
# multithreaded BLAS call) is the cheapest on a few columns, but it multiplies every zero too:
# from _FEW_COLUMNS columns on, slice additions are several times faster.
_NINE = np.array(
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
     [1, 1, 1, 1],
     [1, 1, 0, 0], [0, 0, 1, 1],
     [1, 0, 1, 0], [0, 1, 0, 1]],
    dtype=np.intp,
)  # fmt: skip
_FEW_COLUMNS = 128

__all__ = [
    "SMALL_GROUP",
    "group_cells",
    "child_scores",
    "small_child_table",
    "unit_cell_counts",
    "nine_terms",
]


def nine_terms(cells: np.ndarray) -> np.ndarray:
    """``(9, M)`` terms of ``(4, M)`` integer cells: the four cells, the total, the ``X_in``
    margins (x = 0, 1) and the ``X_out`` margins (z = 0, 1)."""
    if cells.shape[1] < _FEW_COLUMNS:
        return _NINE @ cells
    terms = np.empty((9, cells.shape[1]), dtype=cells.dtype)
    terms[:4] = cells
    c00, c01, c10, c11 = cells
    np.add(c00, c01, out=terms[5])
    np.add(c10, c11, out=terms[6])
    np.add(c00, c10, out=terms[7])
    np.add(c01, c11, out=terms[8])
    np.add(terms[5], terms[6], out=terms[4])
    return terms


def group_cells(cell: np.ndarray, weights: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(4, G)`` cells, ``(G,)`` sizes (samples) and liveness of groups; ``cell = xz · G + group`` per row.

    A group lives when both ``X_in`` values and both ``X_out`` values occur in it; the others
    add nothing to any conditional mutual information, now or after further splits.
    """
    cells = np.bincount(cell, weights=weights, minlength=4 * n_groups).astype(np.intp).reshape(4, n_groups)
    return (cells, *_sizes_and_liveness(cells))


def _sizes_and_liveness(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Samples per group and whether both ``X_in`` and both ``X_out`` values occur, from ``(4, G)`` cells."""
    totals = nine_terms(cells)
    return totals[4], np.minimum.reduce(totals[5:]) > 0


def child_scores(ones: np.ndarray, cells: np.ndarray, sizes: np.ndarray, clog: np.ndarray) -> np.ndarray:
    """``φ`` ``(K, G)`` from the ``(K, 4, G)`` bit-1 cells of ``K`` units and the groups' cells and sizes.

    Groups of at most :data:`SMALL_GROUP` samples look each child's ``n · I`` up in one table
    (:func:`small_child_table`); larger groups sum the nine ``c log c`` terms of each child.
    """
    if np.maximum.reduce(sizes) <= SMALL_GROUP:
        return _small_group_scores(ones, cells)
    if np.minimum.reduce(sizes) > SMALL_GROUP:
        return _large_group_scores(ones, cells, clog)
    small = sizes <= SMALL_GROUP
    phi = np.empty((ones.shape[0], cells.shape[1]))
    phi[:, small] = _small_group_scores(ones[:, :, small], cells[:, small])
    phi[:, ~small] = _large_group_scores(ones[:, :, ~small], cells[:, ~small], clog)
    return phi


def _large_group_scores(ones: np.ndarray, cells: np.ndarray, clog: np.ndarray) -> np.ndarray:
    """``φ`` from the eighteen ``c log c`` terms of both children: one lookup, two sums.

    Counts are laid out ``(unit, child, term, group)``, terms = four cells, total (added) and
    the four margins (subtracted); the bit-0 child's terms are the group's minus the bit-1 child's.
    """
    counts = np.empty((ones.shape[0], 2, 9, ones.shape[2]), dtype=np.intp)
    one = counts[:, 1]
    one[:, :4] = ones
    by_xz = ones.reshape(ones.shape[0], 2, 2, -1)  # (unit, X_in, X_out, group)
    np.add.reduce(by_xz, axis=2, out=one[:, 5:7])  # X_in = 0, 1
    np.add.reduce(by_xz, axis=1, out=one[:, 7:9])  # X_out = 0, 1
    np.add.reduce(one[:, 5:7], axis=1, out=one[:, 4])  # total
    np.subtract(nine_terms(cells), one, out=counts[:, 0])
    terms = clog.take(counts)
    return np.add.reduce(terms[:, :, :5], axis=(1, 2)) - np.add.reduce(terms[:, :, 5:], axis=(1, 2))


SMALL_GROUP = 31
"""Groups of at most this many samples score their children by one table lookup each
(``bench/relay.py``: 31 beats 15 on random units, ties on network-like ones)."""

_BASE = SMALL_GROUP + 1
_CODE = np.array([1, _BASE, _BASE**2, _BASE**3], dtype=np.intp)  # cells 00, 01, 10, 11 → one code
_SMALL_TABLE: list[np.ndarray] = []


def _cell_codes(cells: np.ndarray) -> np.ndarray:
    """``(..., M)`` codes ``c00 + 32 c01 + 32² c10 + 32³ c11`` of ``(..., 4, M)`` cells of at
    most :data:`SMALL_GROUP` samples each."""
    if cells.shape[-1] < _FEW_COLUMNS:
        return _CODE @ cells
    code = cells[..., 3, :] * _BASE
    code += cells[..., 2, :]
    code *= _BASE
    code += cells[..., 1, :]
    code *= _BASE
    code += cells[..., 0, :]
    return code


def small_child_table() -> np.ndarray:
    """``n · I(X; Z)`` (bits · samples) of a child with cells ``(c00, c01, c10, c11)``, each ≤ 31.

    Indexed by ``c00 + 32 c01 + 32² c10 + 32³ c11`` (8 MB); computed once, with the
    ``c log2 c`` terms of :func:`inforelay.relay.tables.clog_table`.
    """
    if not _SMALL_TABLE:
        clog = clog_table(4 * (_BASE - 1))
        c00, c01, c10, c11 = np.indices((_BASE,) * 4).reshape(4, -1)[::-1]
        table = (
            clog[c00] + clog[c01] + clog[c10] + clog[c11]
            - (clog[c00 + c01] + clog[c10 + c11])
            - (clog[c00 + c10] + clog[c01 + c11])
            + clog[c00 + c01 + c10 + c11]
        )  # fmt: skip
        _SMALL_TABLE.append(table)
    return _SMALL_TABLE[0]


def _small_group_scores(ones: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """``φ`` of groups of at most :data:`SMALL_GROUP` samples: every cell count fits one base-32 digit."""
    code1 = _cell_codes(ones)  # (K, G): the bit-1 child
    code0 = _cell_codes(cells) - code1  # the bit-0 child: the group's cells minus the bit-1 ones
    table = small_child_table()
    return table.take(code0) + table.take(code1)


SPARSE_MIN_UNITS = 32
"""From this many units (and ``_SPARSE_ABOVE`` rows × units) :func:`unit_cell_counts` uses a
sparse product, fastest on ``float32`` bits; below it a bincount."""
_SPARSE_ABOVE = 20_000


def unit_cell_counts(weighted_bits: np.ndarray, rows: np.ndarray, cell: np.ndarray, n_groups: int) -> np.ndarray:
    """``(N, 4, G)`` bit-1 cells of every unit and group: ``Σ weighted_bits[rows[i], a]`` per ``cell[i]``.

    Small inputs: one weighted :func:`numpy.bincount` over ``(unit, cell)`` keys. Large ones: a
    sparse ``(4G × R)`` one-hot matrix times ``weighted_bits`` (no copy of the rows, contiguous
    additions of whole rows: several times faster from a few hundred rows of many units).
    """
    n_units = weighted_bits.shape[1]
    n_cells = 4 * n_groups
    if n_units < SPARSE_MIN_UNITS or rows.size * n_units < _SPARSE_ABOVE:
        keys = (np.arange(n_units) * n_cells)[:, None] + cell
        ones = np.bincount(keys.ravel(), weights=weighted_bits[rows].T.ravel(), minlength=n_cells * n_units)
        return ones.astype(np.intp).reshape(n_units, 4, n_groups)
    from scipy.sparse import csc_matrix

    # column j of the one-hot matrix is row j of weighted_bits; int32 indices spare scipy a check
    present = np.zeros(weighted_bits.shape[0] + 1, dtype=np.int32)
    present[rows + 1] = 1
    one_hot = csc_matrix(
        (np.ones(rows.size, dtype=weighted_bits.dtype), cell[np.argsort(rows)].astype(np.int32),
         np.cumsum(present, dtype=np.int32)),
        shape=(n_cells, weighted_bits.shape[0]),
    )  # fmt: skip
    return (one_hot @ weighted_bits).T.astype(np.intp, order="C").reshape(n_units, 4, n_groups)
