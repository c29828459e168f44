"""Paper Figs. 8/9 (stability of relay over time) and Figs. 10/11 (how concepts spread over units)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from inforelay.pipeline.aggregate import NETWORK_KEYS, summarize

from . import (
    ARCH_COLORS,
    ARCH_LABELS,
    TASK_LABELS,
    new_figure,
    regime_label,
    regime_order,
)
from .relay import concept_color

__all__ = ["plot_stability", "distribution_summary", "plot_concept_distribution"]

_MEASURE_LABELS = {
    "r": "correlation r of consecutive steps",
    "overlap": "overlap of consecutive carrier sets",
}


def _ordered(values, preferred: Sequence[str]) -> list[str]:
    present = list(dict.fromkeys(str(v) for v in values))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


def plot_stability(df: pd.DataFrame, measure: str = "r", confidence: float = 0.95) -> Figure:
    """Fig. 8 (``measure="r"``) or Fig. 9 (``"overlap"``): one panel per task, the measure
    against the training delay regime, one line per architecture (RNN black, GRU red, LSTM
    blue); mean over networks (each network: mean over its concepts) with the confidence
    interval as error bars.

    ``df`` is :func:`inforelay.pipeline.aggregate.stability_table` output (network keys, ``concept``,
    ``measure``, ``value``).
    """
    sel = df[df["measure"] == measure]
    if sel.empty:
        raise ValueError(f"no stability rows for measure {measure!r}")
    sel = sel.assign(delay_regime=sel["delay_regime"].astype(str))
    per_network = sel.groupby(list(NETWORK_KEYS), sort=False)["value"].mean().reset_index()
    summary = summarize(
        per_network, by=["task", "model", "delay_regime"], value="value", confidence=confidence
    )
    tasks = _ordered(summary["task"], list(TASK_LABELS))
    models = _ordered(summary["model"], list(ARCH_LABELS))
    regimes = regime_order(summary["delay_regime"].unique())
    position = {r: i for i, r in enumerate(regimes)}
    fig, axes = new_figure(len(tasks), 1, panel_size=(4.6, 2.6), sharex=True)
    for t, task in enumerate(tasks):
        ax = axes[t, 0]
        for j, model in enumerate(models):
            line = summary[(summary["task"] == task) & (summary["model"] == model)]
            line = line.assign(x=line["delay_regime"].map(position)).sort_values("x")
            offset = (j - (len(models) - 1) / 2) * 0.06
            x = line["x"].to_numpy() + offset
            mean = line["mean"].to_numpy()
            err = np.vstack([mean - line["ci_low"].to_numpy(), line["ci_high"].to_numpy() - mean])
            ax.errorbar(
                x,
                mean,
                yerr=err,
                fmt="o-",
                ms=4,
                lw=1.2,
                capsize=2,
                color=ARCH_COLORS.get(model, "0.4"),
                label=ARCH_LABELS.get(model, model),
            )
        ax.set_xticks(range(len(regimes)))
        ax.set_xticklabels([regime_label(r) for r in regimes])
        ax.set_ylabel(measure if measure != "overlap" else "overlap")
        ax.set_title(TASK_LABELS.get(task, task), fontsize="medium")
        if measure == "overlap":
            ax.set_ylim(-0.02, 1.02)
    axes[-1, 0].set_xlabel("training delay regime")
    axes[0, 0].legend(fontsize="small")
    fig.suptitle(_MEASURE_LABELS.get(measure, measure), fontsize="medium")
    return fig


def distribution_summary(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-network histograms behind Figs. 10/11.

    Parameters
    ----------
    df
        :func:`inforelay.pipeline.aggregate.distribution_table` output (network keys, ``concept``,
        ``unit``, ``carrier``).

    Returns
    -------
    per_node : pandas.DataFrame
        Network keys, ``n_concepts`` (0..C), ``fraction`` of the network's units that carry that
        many concepts (every count present, zeros included).
    per_concept : pandas.DataFrame
        Network keys, ``concept``, ``n_units`` carrying it.
    """
    keys = [k for k in NETWORK_KEYS if k in df.columns]
    d = df.assign(carrier=df["carrier"].astype(bool))
    n_concepts = d["concept"].nunique()
    per_unit = (
        d.groupby([*keys, "unit"], sort=True)["carrier"].sum().rename("n_concepts").reset_index()
    )
    counts = (
        per_unit.groupby(keys, sort=True)["n_concepts"]
        .value_counts(normalize=True)
        .unstack(fill_value=0.0)
        .reindex(columns=range(n_concepts + 1), fill_value=0.0)
    )
    per_node = counts.stack().rename("fraction").reset_index()
    per_node = per_node.rename(columns={per_node.columns[len(keys)]: "n_concepts"})
    per_concept = (
        d.groupby([*keys, "concept"], sort=False)["carrier"].sum().rename("n_units").reset_index()
    )
    return per_node, per_concept


def plot_concept_distribution(
    df: pd.DataFrame,
    *,
    task: str,
    delay_regime: str | None = None,
    concept_names: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> Figure:
    """Figs. 10/11: one column per architecture. Top: fraction of units carrying 0, 1, …, C
    concepts (mean over networks, confidence interval as error bars). Bottom: how many units
    carry a concept — fraction of (network, concept) pairs with m carrier units, stacked by
    concept.

    Parameters
    ----------
    df
        :func:`inforelay.pipeline.aggregate.distribution_table` output.
    task
        The task (Fig. 10 memory, Fig. 11 block).
    delay_regime
        One training regime, or ``None`` to pool all regimes present.
    """
    sel = df[df["task"].astype(str) == str(task)]
    if delay_regime is not None:
        sel = sel[sel["delay_regime"].astype(str) == str(delay_regime)]
    if sel.empty:
        raise ValueError(
            f"no distribution rows for task {task!r} and delay regime {delay_regime!r}"
        )
    per_node, per_concept = distribution_summary(sel)
    models = _ordered(sel["model"], list(ARCH_LABELS))
    concepts = (
        [str(c) for c in concept_names]
        if concept_names is not None
        else list(dict.fromkeys(sel["concept"].astype(str)))
    )
    n_units = int(sel["unit"].nunique())
    fig, axes = new_figure(2, len(models), panel_size=(3.0, 2.4), sharey="row")
    for j, model in enumerate(models):
        top, bottom = axes[0, j], axes[1, j]
        nodes = per_node[per_node["model"] == model]
        s = summarize(nodes, by=["n_concepts"], value="fraction", confidence=confidence)
        # fractions live in [0, 1]: the interval is clipped there for display
        err = np.vstack([s["mean"] - s["ci_low"].clip(0, 1), s["ci_high"].clip(0, 1) - s["mean"]])
        top.bar(
            s["n_concepts"],
            s["mean"],
            yerr=err,
            capsize=2,
            color=ARCH_COLORS.get(model, "0.4"),
            alpha=0.75,
        )
        top.set_xticks(s["n_concepts"])
        top.set_xlabel("concepts carried by a unit")
        top.set_title(
            f"{ARCH_LABELS.get(model, model)} ({int(s['n'].max()) if len(s) else 0} networks)"
        )
        pc = per_concept[per_concept["model"] == model]
        total = len(pc)
        bottom_acc = np.zeros(n_units + 1)
        for ci, concept in enumerate(concepts):
            counts = np.bincount(
                pc.loc[pc["concept"].astype(str) == concept, "n_units"].astype(int),
                minlength=n_units + 1,
            )[: n_units + 1]
            frac = counts / max(total, 1)
            bottom.bar(
                np.arange(n_units + 1),
                frac,
                bottom=bottom_acc,
                color=concept_color(ci),
                label=concept,
                width=0.8,
            )
            bottom_acc += frac
        bottom.set_xticks(np.arange(0, n_units + 1, 2))
        bottom.set_xlabel("units carrying a concept")
        if j == 0:
            top.set_ylabel("fraction of units")
            bottom.set_ylabel("fraction of concepts")
    axes[1, -1].legend(fontsize="small", title="concept", title_fontsize="small")
    regime = "all regimes" if delay_regime is None else f"training delay {delay_regime}"
    fig.suptitle(
        f"Concept distribution at $t_k$, {TASK_LABELS.get(task, task)} ({regime})",
        fontsize="medium",
    )
    return fig
