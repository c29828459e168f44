"""Dense integer codes of discrete variables: the counting keys of every entropy.

A variable is a 1-D array of discrete labels (integers, booleans or other hashable NumPy
scalars) or a 2-D array ``(n, k)`` whose ``k`` columns together form one joint variable
(e.g. ``k`` binary hidden units). Each is reduced to one dense code per sample
(``0..m-1``, ``m`` the number of distinct values), so any number of columns works (there is
no 63-bit limit on the number of binary units). See docs/relay.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["pack_codes", "pack_codes_with_count", "dense_labels", "joint_codes", "all_zero_one"]


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Relabel non-negative integer codes to 0..m-1 keeping their order."""
    if codes.size == 0:
        return codes.astype(np.int64), 0
    top = int(codes.max())
    if codes.min() >= 0 and top < 4 * codes.size + 1024:
        present = np.bincount(codes, minlength=top + 1) > 0
        mapping = np.cumsum(present) - 1
        return mapping[codes], int(mapping[-1]) + 1
    uniq, inverse = np.unique(codes, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(uniq.size)


def pack_codes(bits: np.ndarray) -> np.ndarray:
    """Pack the rows of a binary matrix into dense integer codes.

    Parameters
    ----------
    bits
        ``(n, k)`` array of 0/1 (``k`` may be 0 or more than 62).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int64 codes ``0..m-1``, ``m`` the number of distinct rows;
        equal rows get equal codes, and codes follow the lexicographic order of
        the rows (column 0 most significant).
    """
    codes, _ = pack_codes_with_count(bits)
    return codes


def pack_codes_with_count(bits: np.ndarray, *, validate: bool = True) -> tuple[np.ndarray, int]:
    """:func:`pack_codes` and the number ``m`` of distinct rows.

    Parameters
    ----------
    bits
        ``(n, k)`` array of 0/1 (a 1-D array is one column).
    validate
        Check that ``bits`` hold only 0 and 1. Callers that have checked them already
        (the relay search) pass ``False``; other values then give meaningless codes.

    Returns
    -------
    codes, m
        ``(n,)`` int64 codes ``0..m-1`` (as :func:`pack_codes`) and ``m``.

    Raises
    ------
    ValueError
        Not 1-D/2-D, or values other than 0 and 1.
    """
    arr = np.asarray(bits)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"bits must be (n, k), got shape {arr.shape}")
    n, k = arr.shape
    if validate and arr.size and not all_zero_one(arr):
        raise ValueError("bits must contain only 0 and 1")
    codes = np.zeros(n, dtype=np.int64)
    if n == 0:
        return codes, 0
    if k == 0:
        return codes, 1
    # Dense codes stay < n, so `width` more bits fit into int64 after each relabeling; a chunk's
    # value is a float64 dot product with powers of two (exact below 2**53, and a BLAS call:
    # several times faster than an integer matmul).
    width = max(1, min(_EXACT_FLOAT_BITS, 62 - int(n).bit_length()))
    m = 1
    for start in range(0, k, width):
        chunk = arr[:, start : start + width]
        powers = np.ldexp(1.0, np.arange(chunk.shape[1] - 1, -1, -1))
        codes = (codes << np.int64(chunk.shape[1])) | (chunk @ powers).astype(np.int64)
        codes, m = _dense(codes)
    return codes, m


_EXACT_FLOAT_BITS = 52  # integers below 2**53 are exact in float64


def all_zero_one(arr: np.ndarray) -> bool:
    """Whether every value is 0 or 1 (integers and booleans: by their range, without temporaries)."""
    if arr.dtype == np.bool_:
        return True
    if arr.dtype.kind in "iu":
        return bool(np.minimum.reduce(arr, axis=None) >= 0 and np.maximum.reduce(arr, axis=None) <= 1)
    return bool(np.all((arr == 0) | (arr == 1)))


def dense_labels(variable: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense labels of one (possibly multi-column) discrete variable.

    Parameters
    ----------
    variable
        ``(n,)`` discrete labels or ``(n, k)`` discrete columns (one joint variable).

    Returns
    -------
    codes, m
        ``(n,)`` int64 codes ``0..m-1`` that keep the order of the values, and the
        number ``m`` of distinct values.
    """
    arr = np.asarray(variable)
    if arr.ndim == 1:
        if arr.dtype == np.bool_ or (np.issubdtype(arr.dtype, np.integer) and arr.size and arr.min() >= 0):
            return _dense(arr.astype(np.int64, copy=False))
        uniq, inverse = np.unique(arr, return_inverse=True)
        return inverse.reshape(-1).astype(np.int64), int(uniq.size)
    if arr.ndim == 2:
        codes = np.zeros(arr.shape[0], dtype=np.int64)
        m = 1 if arr.shape[0] else 0
        for column in arr.T:
            labels, size = dense_labels(column)
            codes, m = _combine(codes, m, labels, size)
        return codes, m
    raise ValueError(f"a variable must be 1-D or 2-D (samples first), got shape {arr.shape}")


def _combine(codes: np.ndarray, m: int, labels: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Joint dense code of two dense-coded variables."""
    if m * size < 2**62:
        return _dense(codes * size + labels)
    uniq, inverse = np.unique(np.stack([codes, labels], axis=1), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(uniq.shape[0])


def joint_codes(*variables: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense joint code of several discrete variables.

    Parameters
    ----------
    *variables
        1-D ``(n,)`` or 2-D ``(n, k)`` discrete arrays with the same ``n``.

    Returns
    -------
    codes, m
        ``(n,)`` int64 codes in ``0..m-1`` and the number ``m`` of distinct joint values.
    """
    if not variables:
        raise ValueError("joint_codes needs at least one variable")
    n = _n_samples(variables)
    codes = np.zeros(n, dtype=np.int64)
    m = 1 if n else 0
    for variable in variables:
        labels, size = dense_labels(variable)
        codes, m = _combine(codes, m, labels, size)
    return codes, m


def _n_samples(variables: Sequence[np.ndarray]) -> int:
    """The common number of samples (axis 0) of ``variables``; raises if they differ or are empty."""
    lengths = {np.shape(v)[0] if np.ndim(v) else -1 for v in variables}
    if -1 in lengths:
        raise ValueError("variables must be arrays with samples on axis 0")
    if len(lengths) != 1:
        raise ValueError(f"variables have different numbers of samples: {sorted(lengths)}")
    n = lengths.pop()
    if n == 0:
        raise ValueError("variables have no samples")
    return n
