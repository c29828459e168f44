"""Argument checks shared by the analyses: finite arrays of a known rank, and permutations.

Every check raises :class:`ValueError` whose message names the argument, so a bad input says
which of a function's arrays is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["finite_array", "permutation_rows"]


def finite_array(
    values: np.ndarray,
    name: str,
    axes: Sequence[str],
    *,
    minimum: Mapping[str, int] | None = None,
) -> np.ndarray:
    """``values`` as a float64 array with one axis per name in ``axes``, every entry finite.

    Parameters
    ----------
    values
        The array to check.
    name
        The argument's name, used in the error messages.
    axes
        Names of the expected axes, e.g. ``("T", "C", "N")``.
    minimum
        Smallest allowed length of some axes, e.g. ``{"n": 2}``.

    Returns
    -------
    np.ndarray
        ``values`` as float64.
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != len(axes):
        raise ValueError(f"{name} must be ({', '.join(axes)}), got shape {arr.shape}")
    short = {
        axis: least
        for axis, least in (minimum or {}).items()
        if arr.shape[list(axes).index(axis)] < least
    }
    if short:
        needed = " and ".join(f"{axis} >= {least}" for axis, least in short.items())
        raise ValueError(f"{name} needs {needed}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds non-finite values")
    return arr


def permutation_rows(order: np.ndarray, name: str, *, integers: bool = False) -> np.ndarray:
    """Check that every row of the ``(C, N)`` array ``order`` is a permutation of ``0..N-1``.

    With ``integers`` the array must also have an integer dtype (unit indices).

    Returns
    -------
    np.ndarray
        ``order`` as int64.
    """
    rows = np.asarray(order)
    if rows.ndim != 2:
        raise ValueError(f"{name} must be (C, N), got shape {rows.shape}")
    if integers and not np.issubdtype(rows.dtype, np.integer):
        raise ValueError(f"{name} must hold unit indices (integers), got dtype {rows.dtype}")
    expected = np.arange(rows.shape[1])
    for c, row in enumerate(rows):
        if not np.array_equal(np.sort(row), expected):
            raise ValueError(f"{name}[{c}] is not a permutation of the {rows.shape[1]} units")
    return rows.astype(np.int64)
