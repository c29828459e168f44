"""Paper Fig. 2: accuracy at evaluation delays 0..9 per task, architecture and training regime."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from inforelay.analyses.summary import check_columns
from inforelay.core.stats import mean_ci

from .style import (
    ARCH_LABELS,
    TASK_LABELS,
    fit_title,
    new_figure,
    regime_color,
    regime_label,
    regime_order,
)
from .tables import ordered

__all__ = ["generalization_summary", "plot_generalization"]

_KEYS = ["task", "model", "delay_regime", "eval_delay"]
_REQUIRED = [*_KEYS, "replicate", "accuracy"]


def generalization_summary(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean accuracy and its confidence interval over replicates.

    Parameters
    ----------
    df
        Tidy table with columns ``task, model, delay_regime, replicate, eval_delay, accuracy``
        (one row per network and evaluation delay; repeated rows of one network are averaged first).
    confidence
        Confidence level of the Student-t interval (default 95 %;
        :func:`inforelay.core.stats.mean_ci`, ``nan`` ends for a single replicate).

    Returns
    -------
    pandas.DataFrame
        One row per ``task × model × delay_regime × eval_delay`` with ``n`` (replicates),
        ``mean``, ``sd``, ``sem``, ``ci_low``, ``ci_high``; ``delay_regime`` as strings.
    """
    check_columns(df, _REQUIRED, "generalization")
    table = df[_REQUIRED].copy()
    table["delay_regime"] = table["delay_regime"].astype(str)
    table["eval_delay"] = table["eval_delay"].astype(int)
    per_network = table.groupby([*_KEYS, "replicate"], as_index=False)["accuracy"].mean()
    rows = []
    for key, group in per_network.groupby(_KEYS, sort=False):
        values = group["accuracy"].to_numpy(dtype=float)
        mean, low, high = mean_ci(values, confidence)
        n = values.size
        sd = float(values.std(ddof=1)) if n > 1 else float("nan")
        rows.append((*key, n, mean, sd, sd / np.sqrt(n) if n > 1 else float("nan"), low, high))
    out = pd.DataFrame(rows, columns=[*_KEYS, "n", "mean", "sd", "sem", "ci_low", "ci_high"])
    order = {r: i for i, r in enumerate(regime_order(out["delay_regime"].unique()))}
    out = out.sort_values(
        ["task", "model", "delay_regime", "eval_delay"],
        key=lambda col: col.map(order) if col.name == "delay_regime" else col,
    )
    return out.reset_index(drop=True)


def plot_generalization(df: pd.DataFrame, confidence: float = 0.95) -> Figure:
    """Paper Fig. 2: one panel per task (rows) × architecture (columns), accuracy against the
    evaluation delay, one line per training regime (fixed delays 1..5, random) with its
    confidence band (Student-t over replicates, clipped to [0, 1] for display; the paper's
    caption shows standard errors).

    ``df`` is the tidy table of :func:`generalization_summary` (raw per-network rows).
    """
    summary = generalization_summary(df, confidence)
    tasks = ordered(summary["task"], list(TASK_LABELS))
    models = ordered(summary["model"], list(ARCH_LABELS))
    regimes = regime_order(summary["delay_regime"].unique())
    fig, axes = new_figure(len(tasks), len(models), panel_size=(3.3, 2.7), sharex=True, sharey=True)
    delays = np.sort(summary["eval_delay"].unique())
    for r, task in enumerate(tasks):
        for c, model in enumerate(models):
            ax = axes[r, c]
            panel = summary[(summary["task"] == task) & (summary["model"] == model)]
            for regime in regimes:
                line = panel[panel["delay_regime"] == regime].sort_values("eval_delay")
                if line.empty:
                    continue
                color = regime_color(regime)
                x = line["eval_delay"].to_numpy()
                ax.plot(x, line["mean"], "o-", ms=3, lw=1.4 if regime == "random" else 1.0,
                        color=color, label=regime_label(regime))
                # accuracy lives in [0, 1]: the band is clipped there for display
                low, high = line["ci_low"].clip(0.0, 1.0), line["ci_high"].clip(0.0, 1.0)
                ax.fill_between(x, low, high, color=color, alpha=0.18, lw=0)
            ax.axhline(0.5, color="0.6", lw=0.6, ls=":")
            ax.set_xticks(delays)
            ax.set_ylim(-0.02, 1.02)
            if r == 0:
                ax.set_title(ARCH_LABELS.get(model, str(model)))
            if c == 0:
                ax.set_ylabel(f"{TASK_LABELS.get(task, task)}\naccuracy")
            if r == len(tasks) - 1:
                ax.set_xlabel("evaluation delay (time steps)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, title="training delay", fontsize="small", title_fontsize="small",
               loc="outside lower center", ncol=len(labels))
    n_low, n_high = int(summary["n"].min()), int(summary["n"].max())
    n = f"{n_high}" if n_low == n_high else f"{n_low}–{n_high}"
    title = f"Accuracy (mean over n = {n} networks; band: 95 % t-interval, clipped to [0, 1])"
    fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig
