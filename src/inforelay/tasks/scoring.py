"""What counts as a correct answer: the one accuracy convention of inforelay.

Targets are ±1. An output counts as the answer ``+1`` when it is ``> 0`` and as ``−1``
otherwise, the same threshold that binarizes outputs into ``X_out`` for relay information
(``docs/method.md``). Training, evaluation, knockouts and figures all score answers here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["correct_answers", "answer_accuracy"]


def correct_answers(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Boolean array, ``True`` where ``outputs > 0`` agrees with ``targets > 0``.

    ``outputs`` may carry leading axes (e.g. one per knockout set) that ``targets`` lacks;
    the trailing axes must match.
    """
    out = np.asarray(outputs)
    tgt = np.asarray(targets)
    if out.shape[out.ndim - tgt.ndim :] != tgt.shape:
        raise ValueError(f"outputs {out.shape} and targets {tgt.shape} differ in shape")
    return (out > 0) == (tgt > 0)


def answer_accuracy(outputs: np.ndarray, targets: np.ndarray, axis: int | tuple[int, ...] | None = None) -> np.ndarray | float:
    """Fraction of correct answers (:func:`correct_answers`), over ``axis`` (all by default)."""
    correct = correct_answers(outputs, targets)
    if correct.size == 0:
        raise ValueError("no outputs to score")
    result = correct.mean(axis=axis)
    return float(result) if axis is None else result
