"""Shared style of the figures: colours and labels of architectures, tasks and training regimes,
pyplot-free figures, and :func:`save` (PNG and PDF, written atomically with package versions).
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from inforelay.core.version import __version__
from inforelay.core.atomic import atomic_path

__all__ = [
    "ARCH_COLORS",
    "ARCH_LABELS",
    "DPI",
    "TASK_LABELS",
    "fit_title",
    "integer_ticks",
    "network_title",
    "new_figure",
    "regime_color",
    "regime_label",
    "regime_order",
    "save",
]

DPI = 150
ARCH_COLORS = {"rnn": "black", "gru": "red", "lstm": "blue"}
ARCH_LABELS = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}
TASK_LABELS = {
    "memory": "memory task",
    "block": "block task",
    "italypower": "power demand, held-out days",
}
_RANDOM_COLOR = "#d62790"  # magenta: stands apart from the sequential colours of the fixed delays


def regime_order(regimes: Iterable[object]) -> list[str]:
    """Delay regimes as strings, fixed delays in numeric order, then ``random``."""
    names = {str(r) for r in regimes}
    fixed = sorted((r for r in names if r.lstrip("-").isdigit()), key=int)
    rest = sorted(r for r in names if not r.lstrip("-").isdigit())
    return fixed + rest


def regime_color(regime: object, max_delay: int = 5) -> str | tuple[float, float, float, float]:
    """Colour of a training delay regime: fixed delays 1..``max_delay`` along viridis, ``random`` magenta."""
    text = str(regime)
    if text == "random":
        return _RANDOM_COLOR
    if not text.lstrip("-").isdigit():
        raise ValueError(f"unknown delay regime {regime!r}")
    delay = int(text)
    fraction = 0.0 if max_delay <= 1 else min(max(delay - 1, 0), max_delay - 1) / (max_delay - 1)
    return colormaps["viridis"](0.05 + 0.85 * fraction)


def regime_label(regime: object) -> str:
    """Legend label of a delay regime (``"delay 3"``, ``"random"``)."""
    text = str(regime)
    return "random" if text == "random" else f"delay {text}"


def network_title(
    task: object, model: object, delay_regime: object, replicate: object | None = None
) -> str:
    """The network a single-network figure shows, e.g. ``"LSTM, memory task, random training
    delays 1–5, replicate 00"`` (``replicate=None``: a condition, every replicate)."""
    regime = str(delay_regime)
    trained = "random training delays 1–5" if regime == "random" else f"training delay {regime}"
    parts = [ARCH_LABELS.get(str(model), str(model)), TASK_LABELS.get(str(task), str(task)), trained]
    if replicate is not None:
        rep = str(replicate)
        parts.append(f"replicate {int(rep):02d}" if rep.isdigit() else f"replicate {rep}")
    return ", ".join(parts)


def fit_title(fig, text: str, chars_per_inch: float = 11.0) -> str:
    """``text`` wrapped to lines that fit the width of ``fig`` (a medium-size suptitle holds
    about ``chars_per_inch`` characters per inch); existing line breaks are kept."""
    width = max(20, int(chars_per_inch * fig.get_figwidth()))
    return "\n".join(textwrap.fill(line, width) for line in text.splitlines())


def integer_ticks(axis, max_ticks: int = 8) -> None:
    """Only whole-number ticks on ``axis`` (``ax.xaxis`` / ``ax.yaxis``): counts, unit indices,
    time steps."""
    axis.set_major_locator(MaxNLocator(nbins=max_ticks, integer=True))


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    panel_size: tuple[float, float] = (3.2, 2.6),
    sharex: bool | str = False,
    sharey: bool | str = False,
    squeeze: bool = False,
    gridspec_kw: dict | None = None,
    **kwargs,
) -> tuple[Figure, object]:
    """A pyplot-free figure with a grid of axes (``squeeze=False``: always a 2-D array;
    ``gridspec_kw`` as for :meth:`matplotlib.figure.Figure.subplots`, e.g. ``width_ratios``)."""
    fig = Figure(
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows), layout="constrained", **kwargs
    )
    axes = fig.subplots(
        nrows, ncols, sharex=sharex, sharey=sharey, squeeze=squeeze, gridspec_kw=gridspec_kw
    )
    return fig, axes


def _provenance_metadata(fmt: str) -> dict[str, str]:
    """Package versions embedded in the file (PNG text chunk / PDF info dictionary)."""
    from inforelay.core.provenance import package_versions, to_json

    versions = to_json(package_versions())
    if fmt == "png":
        return {"Software": f"inforelay {__version__}", "Comment": f"versions: {versions}"}
    return {"Creator": f"inforelay {__version__}", "Subject": f"versions: {versions}"}


def save(fig: Figure, stem: str | os.PathLike[str]) -> list[Path]:
    """Write ``stem.png`` (``DPI`` dots per inch) and ``stem.pdf`` atomically, then close ``fig``.

    Parameters
    ----------
    fig
        The figure.
    stem
        Output path without extension, e.g. ``results/figures/fig02_generalization``.

    Returns
    -------
    list of Path
        The two files written.
    """
    stem = Path(stem)
    written = []
    for fmt in ("png", "pdf"):
        target = stem.with_name(f"{stem.name}.{fmt}")
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_provenance_metadata(fmt))
        written.append(target)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # figures made with pyplot stay registered there until closed
        pyplot.close(fig)
    return written
