"""An experiment's figures: each followed claim's effect, with its 95 % interval, against the level.

One panel per task, one line per architecture (or gated architecture vs RNN for the claims that
compare with the RNN); a filled marker is a group whose claim is *held* at that level, an open
one *inconclusive*, a cross *not held*. The dashed line is the test's null value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.claims.engine import HELD, NOT_HELD
from inforelay.claims.groups import model_rank
from inforelay.figures.style import (
    ARCH_COLORS,
    ARCH_LABELS,
    TASK_LABELS,
    fit_title,
    new_figure,
)

__all__ = ["plot_claim_against_level", "plot_trend_values"]


def _architecture(group: str) -> str:
    return group.split("/", 1)[1].split(" vs ")[0] if "/" in group else group


def _group_label(group: str) -> str:
    arch = _architecture(group)
    label = ARCH_LABELS.get(arch, arch)
    return f"{label} − RNN" if " vs " in group else label


def _panel(tasks: Sequence[str]) -> tuple[float, float]:
    """A wider panel when one task fills the figure (room for the title and the level labels)."""
    return (5.4, 3.0) if len(tasks) == 1 else (3.6, 2.9)


def _shifted(x: np.ndarray, fraction: float, values: Sequence[float]) -> np.ndarray:
    """``x`` moved sideways by ``fraction`` of the axis (multiplicatively on a log axis), so
    that lines at the same level do not hide each other."""
    if min(values) > 0 and max(values) / min(values) >= 8:
        return x * (max(values) / min(values)) ** fraction
    return x + fraction * ((max(values) - min(values)) or 0.5)


def _level_ticks(ax, values: Sequence[float], labels: Sequence[str]) -> None:
    """Ticks at the levels, labelled with their labels; a doubling axis (6, 12, 24, ...) is
    drawn on a log scale so that its levels are evenly spaced."""
    if min(values) > 0 and max(values) / min(values) >= 8:
        ax.set_xscale("log", base=2)
        ax.minorticks_off()
    else:
        margin = 0.12 * ((max(values) - min(values)) or 1.0)
        ax.set_xlim(min(values) - margin, max(values) + margin)
    ax.set_xticks(list(values))
    ax.set_xticklabels(list(labels), rotation=30 if max(len(t) for t in labels) > 4 else 0,
                       ha="right" if max(len(t) for t in labels) > 4 else "center")


def plot_claim_against_level(claims: pd.DataFrame, claim: str, *, axis: str,
                             levels: Sequence[tuple[str, float]], title: str | None = None):
    """The primary-family rows of ``claim`` (an experiment's collected claims table: ``level``,
    ``level_value``, ``group``, ``effect``, ``ci_low``, ``ci_high``, ``null``, ``verdict``) against
    the level; ``levels``: (label, value) in order. Returns the figure, or ``None`` when the claim
    has no per-group row with an estimate."""
    rows = claims[(claims["id"] == claim) & (claims["family"] == "primary")
                  & np.isfinite(claims["effect"].to_numpy(dtype=float))]
    if rows.empty:
        return None
    tasks = sorted({g.split("/", 1)[0] for g in rows["group"]})
    fig, axes = new_figure(1, len(tasks), panel_size=_panel(tasks), sharey=True)
    values = [v for _, v in levels]
    groups = sorted(rows["group"].unique(), key=lambda g: model_rank(_architecture(g)))
    offsets = {g: (i - (len(groups) - 1) / 2) * 0.018 for i, g in enumerate(groups)}
    for ax, task in zip(axes[0], tasks):
        for group in groups:
            if not group.startswith(f"{task}/"):
                continue
            g = rows[rows["group"] == group].sort_values("level_value")
            x = _shifted(g["level_value"].to_numpy(dtype=float), offsets[group], values)
            color = ARCH_COLORS.get(_architecture(group), "grey")
            low = g["effect"] - g["ci_low"]
            high = g["ci_high"] - g["effect"]
            ax.errorbar(x, g["effect"], yerr=np.vstack([low.fillna(0), high.fillna(0)]), color=color,
                        lw=1.2, capsize=2, label=_group_label(group))
            for xi, (_, r) in zip(x, g.iterrows()):
                marker = "X" if r["verdict"] == NOT_HELD else "o"
                face = color if r["verdict"] in (HELD, NOT_HELD) else "white"
                ax.plot([xi], [r["effect"]], marker=marker, ms=5, mfc=face, mec=color, ls="none")
        null = rows["null"].iloc[0]
        ax.axhline(null, color="grey", lw=0.8, ls="--")
        ax.set_title(TASK_LABELS.get(task, task), fontsize=9)
        ax.set_xlabel(axis.split(" (")[0], fontsize=8)
        _level_ticks(ax, values, [label for label, _ in levels])
        ax.legend(fontsize=7, frameon=False, loc="best")
    axes[0][0].set_ylabel(f"{claim} effect (95 % CI)", fontsize=8)
    text = title or f"{claim} against {axis}; filled: held, open: inconclusive, X: not held"
    if rows["ci_low"].isna().any():
        text += "; no bar: too few networks per group for an interval"
    fig.suptitle(fit_title(fig, text), fontsize=9)
    return fig


def plot_trend_values(values: pd.DataFrame, name: str, *, axis: str, levels: Sequence[tuple[str, float]],
                      what: str):
    """Per-network values of ``name`` (an experiment's collected values: ``id``, ``task``,
    ``model``, ``level_value``, ``value``) against the level: the mean per architecture with its
    networks as points. Returns ``None`` when there are no finite values."""
    rows = values[(values["id"] == name) & np.isfinite(values["value"].to_numpy(dtype=float))]
    if rows.empty:
        return None
    tasks = sorted(rows["task"].unique())
    fig, axes = new_figure(1, len(tasks), panel_size=_panel(tasks), sharey=True)
    level_values = [v for _, v in levels]
    models = sorted(rows["model"].unique(), key=model_rank)
    for ax, task in zip(axes[0], tasks):
        for i, model in enumerate(models):
            g = rows[(rows["task"] == task) & (rows["model"] == model)]
            if g.empty:
                continue
            shift = (i - (len(models) - 1) / 2) * 0.02
            color = ARCH_COLORS.get(model, "grey")
            ax.plot(_shifted(g["level_value"].to_numpy(dtype=float), shift, level_values), g["value"],
                    ".", color=color, alpha=0.35, ms=3)
            means = g.groupby("level_value")["value"].mean()
            ax.plot(_shifted(means.index.to_numpy(dtype=float), shift, level_values), means.to_numpy(),
                    "-o", color=color, ms=3.5, lw=1.2,
                    label=ARCH_LABELS.get(model, model))
        ax.set_title(TASK_LABELS.get(task, task), fontsize=9)
        ax.set_xlabel(axis.split(" (")[0], fontsize=8)
        _level_ticks(ax, level_values, [label for label, _ in levels])
        ax.legend(fontsize=7, frameon=False, loc="best")
    axes[0][0].set_ylabel(name, fontsize=8)
    fig.suptitle(fit_title(fig, f"{name}: {what}; dots: networks, lines: means"), fontsize=9)
    return fig
