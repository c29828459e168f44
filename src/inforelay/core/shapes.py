"""Read-only ``int`` properties for the axis lengths of a class's arrays (``n_samples``, ``n_steps`` …).

Classes that hold ``(n, T, ·)`` arrays (task data, recordings, cell adapters) name the lengths of
their axes; :func:`axis_length` declares one such property in a line.
"""

from __future__ import annotations

from typing import Any

__all__ = ["axis_length"]


def axis_length(array: str, axis: int, doc: str) -> property:
    """A read-only property: ``int(self.<array>.shape[axis])``, documented by ``doc``.

    Examples
    --------
    >>> import numpy as np
    >>> class Batch:
    ...     n_steps = axis_length("inputs", 1, "Time steps ``T``.")
    ...     def __init__(self, inputs): self.inputs = inputs
    >>> Batch(np.zeros((4, 7, 2))).n_steps
    7
    """

    def length(self: Any) -> int:
        return int(getattr(self, array).shape[axis])

    return property(length, doc=doc)
