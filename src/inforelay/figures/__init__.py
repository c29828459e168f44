"""Figures of the paper, one module per figure family: tasks, generalization, relay, knockout, stability, latent, flow.

May import inforelay.core … inforelay.claims (plus numpy, pandas, matplotlib); never torch, pipeline or cli.

Every plotting function takes tidy tables or arrays and returns a :class:`matplotlib.figure.Figure`
built with :class:`matplotlib.figure.Figure`, not pyplot (no global state, no GUI backend is
selected or needed); :func:`save` writes it as PNG and PDF.

Shared style (:mod:`inforelay.figures.style`): :data:`ARCH_COLORS` (RNN black, GRU red, LSTM blue,
as in the paper), :func:`regime_color` (training delay regimes 1..5 and ``random``),
:data:`ARCH_LABELS`, :func:`integer_ticks` (counts, unit indices, time points). Shared table
handling (:mod:`inforelay.figures.tables`): :func:`select_rows` (one task / training regime),
:func:`ordered` (architectures and tasks in the paper's order), :func:`concept_order`,
:func:`clip_interval` (interval ends inside the quantity's possible range) and :func:`error_bars`.
"""

from __future__ import annotations

from inforelay.figures.style import (
    ARCH_COLORS,
    ARCH_LABELS,
    DPI,
    TASK_LABELS,
    integer_ticks,
    new_figure,
    regime_color,
    regime_label,
    regime_order,
    save,
)
from inforelay.figures.tables import (
    clip_interval,
    concept_order,
    error_bars,
    ordered,
    select_rows,
)

__all__ = [
    "ARCH_COLORS",
    "ARCH_LABELS",
    "DPI",
    "TASK_LABELS",
    "clip_interval",
    "concept_order",
    "error_bars",
    "integer_ticks",
    "new_figure",
    "ordered",
    "regime_color",
    "regime_label",
    "regime_order",
    "save",
    "select_rows",
]
