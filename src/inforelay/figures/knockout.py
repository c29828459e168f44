"""Paper Figs. 4/5: accuracy of every concept as relay-ranked unit sets are knocked out.

See ``docs/method.md`` (knockouts): mean over networks with its Student-t band; random sets are
first averaged over their draws within each network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from inforelay.analyses.knockout import knockout_summary

from .relay import concept_color
from .style import ARCH_LABELS, TASK_LABELS, new_figure
from .tables import concept_order, ordered, select_rows

__all__ = ["plot_knockout"]


def _knockout_lines(ax, panel: pd.DataFrame, concepts: list[str], show_random: bool) -> None:
    """Accuracy of each evaluated concept against ``k``: relay sets solid with their band, random
    sets dashed; both lines end at the intact network (``k = 0``)."""
    for e, evaluated in enumerate(concepts):
        color = concept_color(e)
        lines = panel[panel["evaluated_concept"].astype(str) == evaluated]
        base = lines[lines["set_kind"] == "baseline"]
        for kind, style in (("relay", "-"), ("random", "--")):
            if kind == "random" and not show_random:
                continue
            line = pd.concat([lines[lines["set_kind"] == kind], base]).sort_values("k")
            if line.empty:
                continue
            x = line["k"].to_numpy()
            relay = kind == "relay"
            ax.plot(
                x,
                line["mean"],
                style,
                color=color,
                lw=1.3 if relay else 0.9,
                label=evaluated if relay else None,
            )
            if relay:
                low, high = line["ci_low"].clip(0, 1), line["ci_high"].clip(0, 1)
                ax.fill_between(x, low, high, color=color, alpha=0.2, lw=0)


def _knockout_axes(ax, n_units: int, low: float) -> None:
    """Chance line, the set sizes from ``N`` (left) down to the intact network, the accuracy range."""
    ax.axhline(0.5, color="0.6", lw=0.6, ls=":")
    ax.set_xlim(n_units + 0.3, -0.3)  # largest sets first
    ax.set_xticks(np.arange(n_units, -1, -2 if n_units > 8 else -1))
    ax.set_ylim(low, 1.03)


def _knockout_legend(fig: Figure, axes, show_random: bool) -> None:
    """One legend for the figure: the evaluated concepts, and the random-set line style."""
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if show_random:
        handles.append(Line2D([], [], color="0.4", ls="--", lw=0.9))
        labels.append("random sets")
    fig.legend(
        handles,
        labels,
        title="accuracy of",
        fontsize="small",
        title_fontsize="small",
        loc="outside right upper",
    )


def _knockout_title(task: str, delay_regime: str | None, n_networks: int) -> str:
    regime = "all regimes" if delay_regime is None else f"training delay {delay_regime}"
    return f"Knockouts, {TASK_LABELS.get(task, task)} ({regime}; up to {n_networks} networks)"


def plot_knockout(
    df: pd.DataFrame,
    *,
    task: str,
    delay_regime: str | None = "random",
    concept_names: Sequence[str] | None = None,
    confidence: float = 0.95,
    show_random: bool = True,
) -> Figure:
    """Accuracy of each concept (colour) against the knockout set size ``k`` (N … 1, then 0 =
    intact), one panel per architecture (columns) and ranked concept (rows): the sets are the
    ``k`` units relaying most about the row's concept. Mean over networks with its confidence
    band (Student-t); dashed: random sets of the same size (mean over draws, then networks).

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
        Level of the bands.
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
    # the lowest value drawn: a band's end, or the mean where a single network leaves no band
    lowest = summary["ci_low"].fillna(summary["mean"]).clip(0, 1).min()
    low = min(0.3, float(lowest) - 0.03)
    fig, axes = new_figure(
        len(concepts), len(models), panel_size=(3.0, 2.3), sharex=True, sharey=True
    )
    for r, ranked in enumerate(concepts):
        for c, model in enumerate(models):
            ax = axes[r, c]
            of_model = summary["model"] == model
            panel = summary[of_model & (summary["ranked_concept"].astype(str) == ranked)]
            _knockout_lines(ax, panel, concepts, show_random)
            _knockout_axes(ax, n_units, low)
            if r == 0:
                ax.set_title(ARCH_LABELS.get(model, model))
            if c == 0:
                ax.set_ylabel(f"relay set of {ranked}\naccuracy")
            if r == len(concepts) - 1:
                ax.set_xlabel("knocked-out units k")
    _knockout_legend(fig, axes, show_random)
    n_net = int(summary["n_networks"].max()) if len(summary) else 0
    fig.suptitle(_knockout_title(task, delay_regime, n_net), fontsize="medium")
    return fig
