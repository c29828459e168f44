"""Paper Figs. 8/9 (stability of relay over time) and Figs. 10/11 (how concepts spread over units).

See ``docs/method.md`` (stability over time, concept distribution). Every network counts once:
each is reduced to one value before the mean and Student-t interval over networks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from inforelay.analyses.summary import check_columns, group_mean_ci, network_key_columns
from inforelay.core.keys import NETWORK_KEYS

from .relay import concept_color
from .style import (
    ARCH_COLORS,
    ARCH_LABELS,
    TASK_LABELS,
    fit_title,
    new_figure,
    regime_label,
    regime_order,
)
from .tables import clip_interval, concept_order, error_bars, ordered, select_rows

__all__ = [
    "MEASURE_BOUNDS",
    "distribution_summary",
    "plot_concept_distribution",
    "plot_stability",
    "stability_summary",
]

_MEASURE_LABELS = {
    "r": "correlation r of the relay at consecutive steps",
    "overlap": "overlap of the carrier sets at consecutive steps",
}
_AXIS_LABELS = {"r": "correlation r", "overlap": "overlap"}
#: possible range of each measure: the intervals are clipped to it
MEASURE_BOUNDS = {"r": (-1.0, 1.0), "overlap": (0.0, 1.0)}


def stability_summary(
    df: pd.DataFrame, measure: str, window: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Mean of ``measure`` over networks per task, architecture and delay regime, on one
    ``window`` of step pairs (each network: the mean over its concepts first), with the
    Student-t interval clipped to the measure's possible range; ``n_pairs``: step pairs a
    network's value averages (the largest in the group).
    """
    check_columns(df, [*NETWORK_KEYS, "measure", "window", "value", "n_pairs"], "stability")
    sel = df[(df["measure"] == measure) & (df["window"].astype(str) == window)]
    if sel.empty:
        raise ValueError(f"no stability rows for measure {measure!r} and window {window!r}")
    sel = sel.assign(delay_regime=sel["delay_regime"].astype(str))
    per_network = sel.groupby(list(NETWORK_KEYS), sort=False).agg(
        value=("value", "mean"), n_pairs=("n_pairs", "max")
    ).reset_index()
    by = ["task", "model", "delay_regime"]
    summary = group_mean_ci(per_network, by=by, value="value", confidence=confidence)
    pairs = per_network.groupby(by, sort=True)["n_pairs"].max().rename("n_pairs").reset_index()
    summary = summary.merge(pairs, on=by, how="left")
    return clip_interval(summary, MEASURE_BOUNDS.get(measure, (-np.inf, np.inf)))


def _regime_points(ax, summary: pd.DataFrame, task: str, models: list[str], regimes: list[str]):
    """One point per architecture and regime with its interval; categorical x, so no lines."""
    position = {r: i for i, r in enumerate(regimes)}
    for j, model in enumerate(models):
        points = summary[(summary["task"] == task) & (summary["model"] == model)]
        points = points[points["delay_regime"].isin(regimes)]
        points = points.assign(x=points["delay_regime"].map(position)).sort_values("x")
        offset = (j - (len(models) - 1) / 2) * 0.14
        ax.errorbar(
            points["x"].to_numpy() + offset,
            points["mean"].to_numpy(),
            yerr=error_bars(points),
            fmt="o",
            ms=4,
            elinewidth=1.0,
            capsize=2.5,
            color=ARCH_COLORS.get(model, "0.4"),
            label=ARCH_LABELS.get(model, model),
        )
    ax.set_xticks(range(len(regimes)))
    ax.set_xticklabels([regime_label(r) for r in regimes])
    ax.set_xlim(-0.5, len(regimes) - 0.5)


def _long_window_regimes(summary: pd.DataFrame) -> list[str]:
    """The fixed delay with the most step pairs (delay 5 in the paper) and ``random``, when both
    exist and the fixed delay has more than one pair; else nothing."""
    regimes = regime_order(summary["delay_regime"].unique())
    fixed = [r for r in regimes if r != "random"]
    if "random" not in regimes or not fixed:
        return []
    longest = "5" if "5" in fixed else fixed[-1]
    pairs = summary.loc[summary["delay_regime"] == longest, "n_pairs"]
    return [longest, "random"] if len(pairs) and pairs.max() > 1 else []


def _pairs_label(summary: pd.DataFrame, regimes: list[str]) -> str:
    pairs = summary.groupby("delay_regime")["n_pairs"].max()
    counts = [int(pairs[r]) for r in regimes]
    if len(set(counts)) == 1:
        return f"{counts[0]} pairs each"
    return ", ".join(f"{regime_label(r)}: {n} pairs" for r, n in zip(regimes, counts, strict=True))


def plot_stability(df: pd.DataFrame, measure: str = "r", confidence: float = 0.95) -> Figure:
    """Fig. 8 (``measure="r"``) or Fig. 9 (``"overlap"``): one row per task. Left: the measure
    on the first step pair (``t_k``, ``t_k + 1``), which every regime has, against the training
    delay regime; right (when the run has ``random`` and a longer fixed delay): all pairs from
    ``t_k`` on, the longest fixed delay vs random (the same number of pairs with the paper's
    analysis delay). One point per architecture (RNN black, GRU red, LSTM blue): mean over
    networks (each network: mean over its concepts) with its Student-t interval as error bars,
    clipped to the measure's possible range ([-1, 1] for r, [0, 1] for the overlap).

    ``df`` is the stability table over networks (network keys, then ``concept``, ``measure``,
    ``window`` (``"first"`` / ``"all"``), ``value``, ``n_pairs``, ``n_defined``).
    """
    first = stability_summary(df, measure, "first", confidence)
    has_all = (df["window"].astype(str) == "all").any()
    every = stability_summary(df, measure, "all", confidence) if has_all else first.iloc[:0]
    long_regimes = _long_window_regimes(every) if has_all else []
    tasks = ordered(first["task"], list(TASK_LABELS))
    models = ordered(first["model"], list(ARCH_LABELS))
    regimes = regime_order(first["delay_regime"].unique())
    n_cols = 2 if long_regimes else 1
    fig, axes = new_figure(
        len(tasks), n_cols, panel_size=(4.4, 2.7), sharey=True, squeeze=False,
        gridspec_kw={"width_ratios": [len(regimes) + 1, 3][:n_cols]},
    )
    low, high = MEASURE_BOUNDS.get(measure, (None, None))
    for t, task in enumerate(tasks):
        panels = [(axes[t, 0], first, regimes, "first step pair ($t_k$, $t_k$+1), every regime")]
        if long_regimes:
            panels.append((axes[t, 1], every, long_regimes,
                           f"all pairs from $t_k$\n({_pairs_label(every, long_regimes)})"))
        for ax, summary, shown, window in panels:
            _regime_points(ax, summary, task, models, shown)
            ax.set_title(f"{TASK_LABELS.get(task, task)}: {window}", fontsize="small")
            if measure == "r":
                ax.axhline(0.0, color="0.6", lw=0.6, ls=":")
            if low is not None:
                ax.set_ylim(low - 0.05, high + 0.05)
            ax.set_xlabel("training delay regime" if t == len(tasks) - 1 else "")
        axes[t, 0].set_ylabel(_AXIS_LABELS.get(measure, measure))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize="small")
    n_low, n_high = int(first["n"].min()), int(first["n"].max())
    n = f"{n_high}" if n_low == n_high else f"{n_low}–{n_high}"
    title = f"{_MEASURE_LABELS.get(measure, measure)} (n = {n} networks per point, 95 % t-interval)"
    fig.suptitle(fit_title(fig, title), fontsize="medium")
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
    # fractions live in [0, 1]: the interval is clipped there
    err = error_bars(clip_interval(s, (0.0, 1.0)))
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
    ax.set_xticks(np.arange(0, n_units + 1, 2 if n_units > 8 else 1))
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
    handles, labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize="small", title="concept (bottom row)",
               title_fontsize="small", loc="outside lower center", ncol=len(labels))
    regime = "all regimes" if delay_regime is None else f"training delay {delay_regime}"
    title = (f"Concept distribution at $t_k$, {TASK_LABELS.get(task, task)} ({regime}; "
             "error bars: 95 % t-interval)")
    fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig
