"""Paper Figs. 8/9 (stability of relay over time) and Figs. 10/11 (how concepts spread over units).

See ``docs/method.md`` (stability over time, concept distribution). Every network counts once:
each is reduced to one value before the mean and Student-t interval over networks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from inforelay.analyses.summary import group_mean_ci, network_key_columns
from inforelay.core.keys import NETWORK_KEYS

from .relay import concept_color
from .style import (
    ARCH_COLORS,
    ARCH_LABELS,
    TASK_LABELS,
    new_figure,
    regime_label,
    regime_order,
)
from .tables import concept_order, ordered, select_rows

__all__ = ["plot_stability", "distribution_summary", "plot_concept_distribution"]

_MEASURE_LABELS = {
    "r": "correlation r of consecutive steps",
    "overlap": "overlap of consecutive carrier sets",
}


def plot_stability(df: pd.DataFrame, measure: str = "r", confidence: float = 0.95) -> Figure:
    """Fig. 8 (``measure="r"``) or Fig. 9 (``"overlap"``): one panel per task, the measure
    against the training delay regime, one line per architecture (RNN black, GRU red, LSTM
    blue); mean over networks (each network: mean over its concepts) with the confidence
    interval as error bars.

    ``df`` is the stability table over networks (network keys, then the columns of
    :func:`inforelay.analyses.stability.network_stability_table`: ``concept``, ``measure``,
    ``value``).
    """
    sel = df[df["measure"] == measure]
    if sel.empty:
        raise ValueError(f"no stability rows for measure {measure!r}")
    sel = sel.assign(delay_regime=sel["delay_regime"].astype(str))
    per_network = sel.groupby(list(NETWORK_KEYS), sort=False)["value"].mean().reset_index()
    summary = group_mean_ci(
        per_network, by=["task", "model", "delay_regime"], value="value", confidence=confidence
    )
    tasks = ordered(summary["task"], list(TASK_LABELS))
    models = ordered(summary["model"], list(ARCH_LABELS))
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
        The distribution table over networks (network keys, then the columns of
        :func:`inforelay.analyses.stability.distribution_table`: ``concept``, ``unit``,
        ``carrier``).

    Returns
    -------
    per_node : pandas.DataFrame
        Network keys, ``n_concepts`` (0..C), ``fraction`` of the network's units that carry that
        many concepts (every count present, zeros included).
    per_concept : pandas.DataFrame
        Network keys, ``concept``, ``n_units`` carrying it.
    """
    keys = network_key_columns(df)
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


def _carried_by_unit_panel(ax, nodes: pd.DataFrame, model: str, confidence: float) -> None:
    """Top panel: fraction of units carrying 0, 1, …, C concepts, mean and interval over networks."""
    s = group_mean_ci(nodes, by=["n_concepts"], value="fraction", confidence=confidence)
    # fractions live in [0, 1]: the interval is clipped there for display
    err = np.vstack([s["mean"] - s["ci_low"].clip(0, 1), s["ci_high"].clip(0, 1) - s["mean"]])
    ax.bar(
        s["n_concepts"],
        s["mean"],
        yerr=err,
        capsize=2,
        color=ARCH_COLORS.get(model, "0.4"),
        alpha=0.75,
    )
    ax.set_xticks(s["n_concepts"])
    ax.set_xlabel("concepts carried by a unit")
    ax.set_title(f"{ARCH_LABELS.get(model, model)} ({int(s['n'].max()) if len(s) else 0} networks)")


def _units_per_concept_panel(
    ax, per_concept: pd.DataFrame, concepts: list[str], n_units: int
) -> None:
    """Bottom panel: fraction of (network, concept) pairs with m carrier units, stacked by concept."""
    total = len(per_concept)
    stacked = np.zeros(n_units + 1)
    for ci, concept in enumerate(concepts):
        counts = np.bincount(
            per_concept.loc[per_concept["concept"].astype(str) == concept, "n_units"].astype(int),
            minlength=n_units + 1,
        )[: n_units + 1]
        frac = counts / max(total, 1)
        ax.bar(
            np.arange(n_units + 1),
            frac,
            bottom=stacked,
            color=concept_color(ci),
            label=concept,
            width=0.8,
        )
        stacked += frac
    ax.set_xticks(np.arange(0, n_units + 1, 2))
    ax.set_xlabel("units carrying a concept")


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
        The distribution table over networks (:func:`distribution_summary`).
    task
        The task (Fig. 10 memory, Fig. 11 block).
    delay_regime
        One training regime, or ``None`` to pool all regimes present.
    """
    sel = select_rows(df, "distribution", task=task, delay_regime=delay_regime)
    per_node, per_concept = distribution_summary(sel)
    models = ordered(sel["model"], list(ARCH_LABELS))
    concepts = concept_order(concept_names, sel["concept"])
    n_units = int(sel["unit"].nunique())
    fig, axes = new_figure(2, len(models), panel_size=(3.0, 2.4), sharey="row")
    for j, model in enumerate(models):
        top, bottom = axes[0, j], axes[1, j]
        _carried_by_unit_panel(top, per_node[per_node["model"] == model], model, confidence)
        pc = per_concept[per_concept["model"] == model]
        _units_per_concept_panel(bottom, pc, concepts, n_units)
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
