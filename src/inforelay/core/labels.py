"""The one home of label checks: concepts (0/1, ±1 or exact float 0.0/1.0) and answer steps.

Every reader and writer of recordings (:mod:`inforelay.core.recordings`) and every relay entry
point (:mod:`inforelay.relay.validation` re-exports these) gives the same input the same verdict.
numpy only.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_answer_steps", "check_binary", "check_concepts"]

_MAX_LISTED = 5  # offending values named in an error message


def _prefix(where: str | None) -> str:
    return f"{where}: " if where else ""


def _format_value(value: object) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return str(value)


def _location(bad: np.ndarray) -> str:
    """'first at row 3, column 1' (2-D) or 'first at index 3' (1-D) of the first True."""
    first = np.unravel_index(int(np.argmax(bad)), bad.shape)
    if bad.ndim == 2:
        return f"first at row {first[0]}, column {first[1]}"
    return f"first at index {first[0]}" if bad.ndim == 1 else f"first at {tuple(int(i) for i in first)}"


def check_binary(values: object, name: str = "values", where: str | None = None) -> np.ndarray:
    """``values`` as an ``int8`` 0/1 array of the same shape; ``ValueError`` naming bad values.

    Parameters
    ----------
    values
        Array-like of 0/1: bool, integers, or floats exactly 0.0/1.0. Values all in {−1, 1}
        (±1 targets) are accepted and mapped −1 → 0, 1 → 1.
    name
        What the values are (``"concepts"``, ``"x_in"``), for the message.
    where
        Prefix of the message (a file path), or ``None``.

    Raises
    ------
    ValueError
        Not numbers (strings, bytes, objects), or values other than 0/1 (or ±1), NaN included;
        the message lists the offending values and where the first one is (0-based).
    """
    arr = np.asarray(values)
    if arr.dtype == np.bool_:
        return arr.astype(np.int8)
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"{_prefix(where)}{name} must be 0/1 numbers (bool, integers or floats), got dtype {arr.dtype}"
        )
    if arr.size == 0:
        return arr.astype(np.int8)
    is01 = (arr == 0) | (arr == 1)
    if is01.all():
        return arr.astype(np.int8)
    if arr.dtype.kind != "u" and ((arr == -1) | (arr == 1)).all():
        return (arr == 1).astype(np.int8)  # ±1 targets
    bad = ~is01
    offending = np.unique(arr[bad])
    listed = ", ".join(_format_value(v) for v in offending[:_MAX_LISTED])
    more = f" and {offending.size - _MAX_LISTED} more" if offending.size > _MAX_LISTED else ""
    raise ValueError(
        f"{_prefix(where)}{name} must be 0/1 (bool, integers or floats exactly 0.0/1.0; ±1 is read as 0/1); "
        f"found values {listed}{more} ({_location(bad)})"
    )


def check_concepts(concepts: object, where: str | None = None) -> np.ndarray:
    """Concepts (``X_in``) as ``int8`` 0/1 (see :func:`check_binary`; ±1 is read as 0/1)."""
    return check_binary(concepts, "concepts", where)


def as_answer_steps(answer_step: int | np.ndarray, n: int, where: str | None = None) -> np.ndarray:
    """``(n,)`` int64 answer steps from one step for every sequence or an ``(n,)`` array.

    Raises
    ------
    ValueError
        For non-integers or a wrong shape.
    """
    steps = np.asarray(answer_step)
    if not (np.issubdtype(steps.dtype, np.integer) and not np.issubdtype(steps.dtype, np.bool_)):
        raise ValueError(f"{_prefix(where)}answer_step must be an int or (n,) integers, got dtype {steps.dtype}")
    if steps.ndim == 0:
        steps = np.full(n, int(steps))
    if steps.shape != (n,):
        raise ValueError(f"{_prefix(where)}answer_step must be an int or have shape ({n},), got {steps.shape}")
    return steps.astype(np.int64)
