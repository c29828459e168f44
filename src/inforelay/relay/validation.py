"""The one place where relay inputs are checked: concepts, answers and the relay's sanity.

Every entry point (``greedy_relay``, ``relay_over_time``/``relay_all_states``,
``read_relay_inputs`` and ``inforelay relay``) checks its inputs here, so the same input gets
the same verdict everywhere (docs/relay.md §6):

- concepts (``X_in``) must be 0/1: bool, integers, or floats exactly 0.0/1.0; ±1 (the
  pipeline's targets) is accepted and read as −1 → 0, +1 → 1;
- outputs are binarized as ``output > threshold``; all outputs in [0, 1] with threshold 0 is
  refused (sigmoid outputs or probabilities need ``threshold=0.5``);
- a relay that is zero at every step raises a :class:`RelayWarning` naming the likely cause.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np

__all__ = [
    "RelayWarning",
    "check_binary",
    "check_concepts",
    "check_threshold",
    "binarize_outputs",
    "warn_if_no_relay",
]

_MAX_LISTED = 5  # offending values named in an error message


class RelayWarning(UserWarning):
    """A relay result that is almost certainly not what the user meant (e.g. zero everywhere)."""


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


def check_threshold(threshold: object) -> float:
    """``threshold`` as a finite float; ``ValueError`` otherwise."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    return float(threshold)


def binarize_outputs(outputs: object, threshold: float = 0.0, where: str | None = None) -> np.ndarray:
    """The network's answers as ``int8`` 0/1: ``output > threshold`` (same shape as ``outputs``).

    Parameters
    ----------
    outputs
        Real-valued outputs (any shape; finite).
    threshold
        Decision threshold: 0 for tanh/±1 outputs (default), 0.5 for sigmoid outputs or
        probabilities.
    where
        Prefix of error messages (a file path), or ``None``.

    Raises
    ------
    ValueError
        Non-numeric or non-finite outputs, a non-finite threshold, or every output in
        [0, 1] while ``threshold`` is 0 (every answer would be 1: use ``threshold=0.5``).
    """
    threshold = check_threshold(threshold)
    arr = np.asarray(outputs)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{_prefix(where)}outputs must be numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{_prefix(where)}outputs contain NaN or infinite values")
    if threshold == 0.0 and arr.size and arr.min() >= 0 and arr.max() <= 1:
        raise ValueError(
            f"{_prefix(where)}every output lies in [0, 1] (sigmoid outputs or probabilities?) but the "
            "answer threshold is 0, so every answer would count as 1: use threshold=0.5 "
            "(inforelay relay --threshold 0.5)"
        )
    return (arr > threshold).astype(np.int8)


def warn_if_no_relay(
    full: np.ndarray,
    concepts: np.ndarray,
    answers: np.ndarray,
    state: str,
    where: str | None = None,
    concept_names: Sequence[str] | None = None,
) -> None:
    """Warn (:class:`RelayWarning`) for each concept whose relay is zero at every step.

    Parameters
    ----------
    full
        ``(T, C)`` relay of all units per step and concept.
    concepts, answers
        ``(n, C)`` 0/1 ``X_in`` and ``X_out``; used to name the likely cause.
    state
        ``"hidden"`` or ``"cell"``, for the message.
    """
    dead = np.flatnonzero(np.all(np.abs(full) <= 1e-12, axis=0))
    for c in dead:
        label = f"concept {c}" if concept_names is None else f"concept {c} ({concept_names[c]})"
        if np.ptp(concepts[:, c]) == 0:
            cause = "the concept is constant"
        elif np.ptp(answers[:, c]) == 0:
            cause = "the answers are constant (constant outputs, or a wrong threshold)"
        else:
            cause = "the answers do not depend on the concept (unrelated concepts or outputs?)"
        warnings.warn(
            f"{_prefix(where)}the {state} relay of {label} is zero at every step: {cause}",
            RelayWarning,
            stacklevel=3,
        )
