"""Table handling shared by the figures: one task and training regime, and the order of panels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["clip_interval", "concept_order", "error_bars", "ordered", "select_rows"]


def ordered(values: Iterable[object], preferred: Sequence[str]) -> list[str]:
    """Distinct ``values`` as strings: those in ``preferred`` first, in its order, then the rest
    in order of appearance (e.g. architectures as RNN, GRU, LSTM)."""
    present = list(dict.fromkeys(str(v) for v in values))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


def concept_order(concept_names: Sequence[str] | None, values: pd.Series) -> list[str]:
    """The concepts to draw: ``concept_names`` if given, else those of ``values`` in order of appearance."""
    if concept_names is not None:
        return [str(c) for c in concept_names]
    return list(dict.fromkeys(values.astype(str)))


def select_rows(
    df: pd.DataFrame, what: str, *, task: str | None, delay_regime: str | None
) -> pd.DataFrame:
    """Rows of one task and one training delay regime (``None``: all of them).

    Raises :class:`ValueError` naming the ``what`` table when nothing is left.
    """
    sel = df
    if task is not None:
        sel = sel[sel["task"].astype(str) == str(task)]
    if delay_regime is not None:
        sel = sel[sel["delay_regime"].astype(str) == str(delay_regime)]
    if sel.empty:
        raise ValueError(f"no {what} rows for task {task!r} and delay regime {delay_regime!r}")
    return sel


def clip_interval(
    summary: pd.DataFrame, bounds: tuple[float, float], columns: Sequence[str] = ("ci_low", "ci_high")
) -> pd.DataFrame:
    """``summary`` with its interval ends clipped to the possible range ``bounds`` of the quantity
    (as :func:`inforelay.core.stats.mean_ci` with ``bounds=``; ``nan`` ends stay ``nan``)."""
    low, high = bounds
    return summary.assign(**{c: summary[c].clip(low, high) for c in columns})


def error_bars(summary: pd.DataFrame) -> np.ndarray:
    """``(2, n)`` distances from ``mean`` down to ``ci_low`` and up to ``ci_high``, for
    :meth:`matplotlib.axes.Axes.errorbar` (``nan`` where a group has a single network)."""
    mean = summary["mean"].to_numpy(dtype=float)
    return np.vstack(
        [mean - summary["ci_low"].to_numpy(dtype=float), summary["ci_high"].to_numpy(dtype=float) - mean]
    )
