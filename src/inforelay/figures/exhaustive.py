"""Greedy vs exhaustive relay sets (rule ``exhaustive_report``): per task, how often the greedy
set of each size is a best set, and how many bits it falls short on average."""

from __future__ import annotations

import pandas as pd

import numpy as np

from inforelay.claims.groups import models_in_order
from inforelay.core.stats import mean_ci
from inforelay.figures.style import (
    ARCH_COLORS,
    ARCH_LABELS,
    TASK_LABELS,
    fit_title,
    integer_ticks,
    new_figure,
)

__all__ = ["plot_greedy_vs_exhaustive"]

_NETWORK = ["task", "model", "delay_regime", "replicate"]


def plot_greedy_vs_exhaustive(table: pd.DataFrame):
    """Share of greedy sets that are optimal (top) and mean gap in bits (bottom) against the set
    size ``k``, one panel per task, one line per architecture (``table``: the aggregated
    ``exhaustive`` table)."""
    tasks = sorted(table["task"].unique())
    fig, axes = new_figure(2, len(tasks), panel_size=(3.6, 2.4), sharex=True)
    for col, task in enumerate(tasks):
        of_task = table[table["task"] == task]
        for model in models_in_order(of_task["model"]):
            color, label = ARCH_COLORS.get(model, "grey"), ARCH_LABELS.get(model, model)
            per_net = (of_task[of_task["model"] == model].astype({"optimal": float})
                       .groupby([*_NETWORK, "k"])[["optimal", "gap"]].mean().reset_index())
            for row, column, bounds in ((0, "optimal", (0.0, 1.0)), (1, "gap", (0.0, np.inf))):
                summary = np.array([mean_ci(g[column].to_numpy(), bounds=bounds)
                                    for _, g in per_net.groupby("k")])
                ks = np.array(sorted(per_net["k"].unique()))
                axes[row][col].plot(ks, summary[:, 0], "-o", ms=3, color=color, label=label)
                axes[row][col].fill_between(ks, summary[:, 1], summary[:, 2], color=color, alpha=0.15, lw=0)
        axes[0][col].set_title(TASK_LABELS.get(task, task), fontsize=9)
        axes[0][col].set_ylim(-0.02, 1.02)
        axes[1][col].set_ylim(bottom=0)
        axes[1][col].set_xlabel("relay set size k", fontsize=8)
        integer_ticks(axes[1][col].xaxis)
        axes[0][col].legend(fontsize=7, frameon=False)
    axes[0][0].set_ylabel("share of greedy sets\nthat are optimal", fontsize=8)
    axes[1][0].set_ylabel("mean gap to the best\nk-set (bits)", fontsize=8)
    n_networks = table[_NETWORK].drop_duplicates().shape[0]
    fig.suptitle(fit_title(fig, f"Greedy vs exhaustive relay sets at t_k ({n_networks} networks, "
                                "mean over concepts; bands: 95 % t-interval of the mean over networks)"),
                 fontsize=9)
    return fig
