"""Table handling shared by the figures: one task and training regime, and the order of panels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = ["ordered", "concept_order", "select_rows"]


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
