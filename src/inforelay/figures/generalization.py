"""Paper Fig. 2: accuracy at evaluation delays 0..9 per task, architecture and training regime."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from . import (
    ARCH_LABELS,
    TASK_LABELS,
    new_figure,
    regime_color,
    regime_label,
    regime_order,
)

__all__ = ["generalization_summary", "plot_generalization", "mean_ci"]

_KEYS = ["task", "model", "delay_regime", "eval_delay"]
_REQUIRED = [*_KEYS, "replicate", "accuracy"]


def mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two ends of its Student-t confidence interval (``nan`` ends for n < 2)."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half


def generalization_summary(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean accuracy and its confidence interval over replicates.

    Parameters
    ----------
    df
        Tidy table with columns ``task, model, delay_regime, replicate, eval_delay, accuracy``
        (one row per network and evaluation delay; repeated rows of one network are averaged first).
    confidence
        Confidence level of the Student-t interval (default 95 %).

    Returns
    -------
    pandas.DataFrame
        One row per ``task × model × delay_regime × eval_delay`` with ``n`` (replicates),
        ``mean``, ``sd``, ``sem``, ``ci_low``, ``ci_high``; ``delay_regime`` as strings.
    """
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise ValueError(f"generalization table lacks column(s) {', '.join(missing)}")
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


def _ordered(values, preferred) -> list:
    present = list(dict.fromkeys(values))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


def plot_generalization(df: pd.DataFrame, confidence: float = 0.95) -> Figure:
    """Paper Fig. 2: one panel per task (rows) × architecture (columns), accuracy against the
    evaluation delay, one line per training regime (fixed delays 1..5, random) with its
    confidence band (Student-t over replicates; the paper's caption shows standard errors).

    ``df`` is the tidy table of :func:`generalization_summary` (raw per-network rows).
    """
    summary = generalization_summary(df, confidence)
    tasks = _ordered(summary["task"], list(TASK_LABELS))
    models = _ordered(summary["model"], list(ARCH_LABELS))
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
                ax.set_xlabel("evaluation delay")
    axes[0, -1].legend(title="training", fontsize="small", title_fontsize="small", loc="lower right")
    return fig
