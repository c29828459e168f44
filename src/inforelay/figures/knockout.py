"""Paper Figs. 4/5: accuracy of every concept as relay-ranked unit sets are knocked out.

See ``docs/method.md`` (knockouts): mean over networks with its Student-t interval (error bars,
clipped to [0, 1]); random sets are first averaged over their draws within each network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from inforelay.analyses.knockout import knockout_summary

from .relay import concept_color
from .style import ARCH_LABELS, TASK_LABELS, fit_title
from .tables import clip_interval, concept_order, error_bars, ordered, select_rows

__all__ = ["plot_knockout"]


_RANDOM_COLOR = "0.45"


def _kind_line(ax, lines: pd.DataFrame, kind: str, color, x_shift: float) -> None:
    """Mean accuracy of one set kind against ``k`` (ending at the intact network, ``k = 0``) with
    its interval as error bars, clipped to [0, 1]."""
    base = lines[lines["set_kind"] == "baseline"]
    line = pd.concat([lines[lines["set_kind"] == kind], base]).sort_values("k")
    if line.empty:
        return
    line = clip_interval(line, (0.0, 1.0))
    relay = kind == "relay"
    ax.errorbar(
        line["k"].to_numpy() + x_shift,
        line["mean"].to_numpy(),
        yerr=error_bars(line),
        fmt="-o" if relay else "--s",
        ms=2.5,
        lw=1.3 if relay else 1.0,
        elinewidth=0.8,
        capsize=1.5,
        color=color,
        label="relay set" if relay else "random set",
    )


def _knockout_panel(ax, lines: pd.DataFrame, color, show_random: bool) -> None:
    """One ranked × evaluated concept: relay sets in the evaluated concept's colour, random sets
    grey (shifted by a quarter unit so that the error bars do not hide each other)."""
    _kind_line(ax, lines, "relay", color, -0.12 if show_random else 0.0)
    if show_random:
        _kind_line(ax, lines, "random", _RANDOM_COLOR, 0.12)


def _knockout_axes(ax, n_units: int, low: float) -> None:
    """Chance line, the set sizes from ``N`` (left) down to the intact network, the accuracy range."""
    ax.axhline(0.5, color="0.6", lw=0.6, ls=":")
    ax.set_xlim(n_units + 0.5, -0.5)  # largest sets first
    ax.set_xticks(np.arange(n_units, -1, -4 if n_units > 8 else -1))
    ax.set_ylim(low, 1.03)


def _knockout_legend(fig: Figure, show_random: bool) -> None:
    """One legend below the panels: line styles of the set kinds and the chance level."""
    handles = [Line2D([], [], color="0.1", marker="o", ms=3, lw=1.3)]
    labels = ["relay set (colour: evaluated concept)"]
    if show_random:
        handles.append(Line2D([], [], color=_RANDOM_COLOR, marker="s", ms=3, ls="--", lw=1.0))
        labels.append("random set of the same size")
    handles.append(Line2D([], [], color="0.6", ls=":", lw=0.6))
    labels.append("chance (0.5)")
    fig.legend(handles, labels, fontsize="small", ncol=len(labels), loc="outside lower center")


def _knockout_title(task: str, delay_regime: str | None, n_networks: pd.Series) -> str:
    regime = "all regimes" if delay_regime is None else f"training delay {delay_regime}"
    low, high = (int(n_networks.min()), int(n_networks.max())) if len(n_networks) else (0, 0)
    n = f"{high}" if low == high else f"{low}–{high}"
    return (
        f"Knockouts, {TASK_LABELS.get(task, task)} ({regime}; n = {n} networks): "
        "mean accuracy, 95 % t-interval"
    )


def _architecture_grid(subfig, summary: pd.DataFrame, concepts: list[str], layout) -> None:
    """Rows: the concept whose relay set is knocked out; columns: the concept evaluated.
    Diagonal panels (own concept) get a thicker frame."""
    n_units, low, show_random = layout
    axes = subfig.subplots(len(concepts), len(concepts), sharex=True, sharey=True, squeeze=False)
    for r, ranked in enumerate(concepts):
        for e, evaluated in enumerate(concepts):
            ax = axes[r, e]
            lines = summary[
                (summary["ranked_concept"].astype(str) == ranked)
                & (summary["evaluated_concept"].astype(str) == evaluated)
            ]
            _knockout_panel(ax, lines, concept_color(e), show_random)
            _knockout_axes(ax, n_units, low)
            if r == e:
                for spine in ax.spines.values():
                    spine.set_linewidth(1.8)
            if r == 0:
                ax.set_title(f"accuracy of {evaluated}", fontsize="small", color=concept_color(e))
            if e == 0:
                ax.set_ylabel(f"relay set of {ranked} out\naccuracy", fontsize="small")
            if r == len(concepts) - 1:
                ax.set_xlabel("units knocked out k", fontsize="small")
            ax.tick_params(labelsize="x-small")


def plot_knockout(
    df: pd.DataFrame,
    *,
    task: str,
    delay_regime: str | None = "random",
    concept_names: Sequence[str] | None = None,
    confidence: float = 0.95,
    show_random: bool = True,
) -> Figure:
    """Accuracy of a concept against the knockout set size ``k`` (N … 1, then 0 = intact), one
    block of panels per architecture: rows = the concept whose ``k`` most relaying units are
    knocked out, columns = the concept whose accuracy is measured (diagonal: its own concept).
    Relay sets in the evaluated concept's colour, random sets of the same size grey dashed
    (mean over draws within a network first); mean over networks with its Student-t interval as
    error bars, clipped to [0, 1].

    Parameters
    ----------
    df
        Knockout tables of many networks (columns of
        :func:`inforelay.analyses.knockout.knockout_experiment` plus the network keys).
    task
        Task to show (one figure per task: Fig. 4 memory, Fig. 5 block).
    delay_regime
        Training regime to show (the paper: ``"random"``); ``None`` pools all regimes present.
    concept_names
        Order of the concepts (default: order of appearance).
    confidence
        Level of the intervals.
    show_random
        Draw the random-set control.
    """
    sel = select_rows(df, "knockout", task=task, delay_regime=delay_regime)
    if delay_regime is None:
        sel = sel.assign(delay_regime="all")
    summary = knockout_summary(sel, confidence=confidence)
    models = ordered(summary["model"], list(ARCH_LABELS))
    concepts = concept_order(concept_names, sel["evaluated_concept"])
    n_units = int(summary["k"].max())
    # the lowest value drawn: an interval's end, or the mean where a single network has none
    lowest = summary["ci_low"].fillna(summary["mean"]).clip(0, 1).min()
    low = min(0.3, float(lowest) - 0.03)
    n_c = len(concepts)
    fig = Figure(figsize=((1.8 * n_c + 0.8) * len(models), 1.75 * n_c + 1.4), layout="constrained")
    subfigs = fig.subfigures(1, len(models), squeeze=False, wspace=0.02)[0]
    for subfig, model in zip(subfigs, models, strict=True):
        _architecture_grid(subfig, summary[summary["model"] == model], concepts,
                           (n_units, low, show_random))
        subfig.suptitle(ARCH_LABELS.get(model, model), fontweight="bold")
    _knockout_legend(fig, show_random)
    title = _knockout_title(task, delay_regime, summary["n_networks"])
    fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig
