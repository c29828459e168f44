"""Paper Figs. 4/5: accuracy of every concept as relay-ranked unit sets are knocked out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from inforelay.analyses.knockout import knockout_summary

from . import ARCH_LABELS, TASK_LABELS, new_figure
from .relay import concept_color

__all__ = ["plot_knockout"]


def _ordered(values, preferred: Sequence[str]) -> list[str]:
    present = list(dict.fromkeys(str(v) for v in values))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


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
    sel = df[df["task"].astype(str) == str(task)]
    if delay_regime is not None:
        sel = sel[sel["delay_regime"].astype(str) == str(delay_regime)]
    if sel.empty:
        raise ValueError(f"no knockout rows for task {task!r} and delay regime {delay_regime!r}")
    if delay_regime is None:
        sel = sel.assign(delay_regime="all")
    summary = knockout_summary(sel, confidence=confidence)
    models = _ordered(summary["model"], list(ARCH_LABELS))
    concepts = (
        [str(c) for c in concept_names]
        if concept_names is not None
        else list(dict.fromkeys(sel["evaluated_concept"].astype(str)))
    )
    n_units = int(summary["k"].max())
    low = min(0.3, float(summary["ci_low"].clip(0, 1).min()) - 0.03)
    fig, axes = new_figure(
        len(concepts), len(models), panel_size=(3.0, 2.3), sharex=True, sharey=True
    )
    for r, ranked in enumerate(concepts):
        for c, model in enumerate(models):
            ax = axes[r, c]
            panel = summary[
                (summary["model"] == model) & (summary["ranked_concept"].astype(str) == ranked)
            ]
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
                    ax.plot(
                        x,
                        line["mean"],
                        style,
                        color=color,
                        lw=1.3 if kind == "relay" else 0.9,
                        label=evaluated if kind == "relay" else None,
                    )
                    if kind == "relay":
                        ax.fill_between(
                            x,
                            line["ci_low"].clip(0, 1),
                            line["ci_high"].clip(0, 1),
                            color=color,
                            alpha=0.2,
                            lw=0,
                        )
            ax.axhline(0.5, color="0.6", lw=0.6, ls=":")
            ax.set_xlim(n_units + 0.3, -0.3)  # largest sets first
            ax.set_xticks(np.arange(n_units, -1, -2 if n_units > 8 else -1))
            ax.set_ylim(low, 1.03)
            if r == 0:
                ax.set_title(ARCH_LABELS.get(model, model))
            if c == 0:
                ax.set_ylabel(f"relay set of {ranked}\naccuracy")
            if r == len(concepts) - 1:
                ax.set_xlabel("knocked-out units k")
    n_net = int(summary["n_networks"].max()) if len(summary) else 0
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if show_random:
        from matplotlib.lines import Line2D

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
    regime = "all regimes" if delay_regime is None else f"training delay {delay_regime}"
    fig.suptitle(
        f"Knockouts, {TASK_LABELS.get(task, task)} ({regime}; up to {n_net} networks)",
        fontsize="medium",
    )
    return fig
