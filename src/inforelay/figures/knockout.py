"""Paper Figs. 4/5: accuracy of every concept as relay-ranked unit sets are knocked out.

See ``docs/method.md`` (knockouts): mean over networks with its seeded percentile-bootstrap
interval (error bars; bootstrap means of accuracies stay in [0, 1], no clipping); random sets are
first averaged over their draws within each network. Only the primary analysis is drawn: the
held-out test set and one ablation (:func:`primary_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from inforelay.analyses.summary import check_columns, network_key_columns

from .relay import concept_color
from .style import ARCH_LABELS, TASK_LABELS, fit_title, regime_label
from .tables import concept_order, error_bars, group_interval, ordered, select_rows

__all__ = ["ABLATION_LABELS", "DATA_LABELS", "knockout_intervals", "plot_knockout", "primary_rows"]


_RANDOM_COLOR = "0.45"
ABLATION_LABELS = {"mean": "mean ablation", "zero": "zero ablation", "resample": "resample ablation"}
DATA_LABELS = {"test": "held-out test set", "analysis": "analysis set"}
#: line style, marker, width, x shift and legend label of each set kind
_KINDS = {
    "relay": ("-", "o", 1.3, -0.2, "relay set"),
    "random": ("--", "s", 1.0, 0.0, "random set"),
    "nonrelay": (":", "v", 1.1, 0.2, "non-relay set"),
}


def _only_value(df: pd.DataFrame, column: str, wanted: str | None) -> tuple[pd.DataFrame, str | None]:
    """Rows of ``df`` whose ``column`` is ``wanted`` (``None``: the column's only value); a table
    without the column (older runs) is kept whole and its value reported as ``None``."""
    if column not in df.columns:
        return df, None
    present = sorted(set(df[column].astype(str)))
    if wanted is None:
        if len(present) != 1:
            raise ValueError(f"knockout table has {column} {present}: say which one to draw")
        wanted = present[0]
    if str(wanted) not in present:
        raise ValueError(f"knockout table has no {column} == {wanted!r} rows (has {present})")
    return df[df[column].astype(str) == str(wanted)], str(wanted)


def primary_rows(
    df: pd.DataFrame, ablation: str | None = None, data: str | None = "test"
) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """The rows of the primary analysis: ``data == data`` (the held-out test set) and
    ``ablation == ablation`` (the config's ``knockout.ablation``); a column missing from an older
    table is not filtered, and ``None`` picks a column's only value.

    Returns
    -------
    (rows, {"ablation": value or None, "data": value or None})
    """
    rows, data_used = _only_value(df, "data", data)
    rows, ablation_used = _only_value(rows, "ablation", ablation)
    return rows, {"ablation": ablation_used, "data": data_used}


def knockout_intervals(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean accuracy over networks and its percentile-bootstrap interval, per set kind, size and
    concept pair (random draws are averaged within each network first, so each network counts
    once). Columns: the network keys but ``replicate``, the cell columns, ``mean``, ``ci_low``,
    ``ci_high``, ``n_networks``."""
    cells = ["set_kind", "ranked_concept", "k", "evaluated_concept"]
    check_columns(df, [*cells, "accuracy"], "knockout")
    keys = network_key_columns(df)
    per_network = df.groupby([*keys, *cells], sort=False)["accuracy"].mean().reset_index()
    by = [k for k in keys if k != "replicate"] + cells
    out = group_interval(per_network, by, "accuracy", "bootstrap", confidence)
    return out.drop(columns="centre").rename(columns={"n": "n_networks"})


def _kind_line(ax, lines: pd.DataFrame, kind: str, color, x_shift: float) -> None:
    """Mean accuracy of one set kind against ``k`` (ending at the intact network, ``k = 0``) with
    its bootstrap interval as error bars."""
    own = lines[lines["set_kind"] == kind]
    if own.empty:
        return
    line = pd.concat([own, lines[lines["set_kind"] == "baseline"]]).sort_values("k")
    style, marker, width, _, label = _KINDS[kind]
    ax.errorbar(
        line["k"].to_numpy() + x_shift,
        line["mean"].to_numpy(),
        yerr=error_bars(line),
        ls=style,
        marker=marker,
        ms=2.5,
        lw=width,
        elinewidth=0.8,
        capsize=1.5,
        color=color,
        mfc="white" if kind == "nonrelay" else color,
        label=label,
    )


def _knockout_panel(ax, lines: pd.DataFrame, color, kinds: Sequence[str]) -> None:
    """One ranked × evaluated concept: relay and non-relay sets in the evaluated concept's colour,
    random sets grey (shifted by a fifth of a unit so that the error bars do not hide each other)."""
    for kind in kinds:
        shift = _KINDS[kind][3] if len(kinds) > 1 else 0.0
        _kind_line(ax, lines, kind, _RANDOM_COLOR if kind == "random" else color, shift)


def _knockout_axes(ax, n_units: int, low: float) -> None:
    """Chance line, the set sizes from ``N`` (left) down to the intact network, the accuracy range."""
    ax.axhline(0.5, color="0.6", lw=0.6, ls=":")
    ax.set_xlim(n_units + 0.5, -0.5)  # largest sets first
    ax.set_xticks(np.arange(n_units, -1, -4 if n_units > 8 else -1))
    ax.set_ylim(low, 1.03)


def _knockout_legend(fig: Figure, kinds: Sequence[str]) -> None:
    """One legend below the panels: line styles of the set kinds and the chance level."""
    texts = {
        "relay": "relay set: k most relaying units (colour: evaluated concept)",
        "random": "random set of the same size",
        "nonrelay": "non-relay set: k least relaying units",
    }
    handles, labels = [], []
    for kind in kinds:
        style, marker, width, _, _ = _KINDS[kind]
        color = _RANDOM_COLOR if kind == "random" else "0.1"
        handles.append(Line2D([], [], color=color, marker=marker, ms=3, ls=style, lw=width,
                              mfc="white" if kind == "nonrelay" else color))
        labels.append(texts[kind])
    handles.append(Line2D([], [], color="0.6", ls=":", lw=0.6))
    labels.append("chance (0.5)")
    fig.legend(handles, labels, fontsize="small", ncol=min(len(labels), 2),
               loc="outside lower center")


def _knockout_title(
    task: str, delay_regime: str | None, n_networks: pd.Series, primary: dict[str, str | None]
) -> str:
    regime = "all regimes" if delay_regime is None else f"training {regime_label(delay_regime)}"
    low, high = (int(n_networks.min()), int(n_networks.max())) if len(n_networks) else (0, 0)
    n = f"{high}" if low == high else f"{low}–{high}"
    analysis = [
        ABLATION_LABELS.get(primary["ablation"], f"{primary['ablation']} ablation")
        if primary.get("ablation") else None,
        DATA_LABELS.get(primary["data"], f"{primary['data']} set") if primary.get("data") else None,
    ]
    analysis_text = ", ".join(a for a in analysis if a)
    return (
        f"Knockouts, {TASK_LABELS.get(task, task)} ({regime}; n = {n} networks)"
        + (f": {analysis_text}" if analysis_text else "")
        + "\nmean accuracy over networks, error bars: 95 % percentile-bootstrap interval of the mean"
    )


def _architecture_grid(subfig, summary: pd.DataFrame, concepts: list[str], layout) -> None:
    """Rows: the concept whose relay set is knocked out; columns: the concept evaluated.
    Diagonal panels (own concept) get a thicker frame."""
    n_units, low, kinds = layout
    axes = subfig.subplots(len(concepts), len(concepts), sharex=True, sharey=True, squeeze=False)
    for r, ranked in enumerate(concepts):
        for e, evaluated in enumerate(concepts):
            ax = axes[r, e]
            lines = summary[
                (summary["ranked_concept"].astype(str) == ranked)
                & (summary["evaluated_concept"].astype(str) == evaluated)
            ]
            _knockout_panel(ax, lines, concept_color(e), kinds)
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
    ablation: str | None = None,
    data: str | None = "test",
    confidence: float = 0.95,
    show_random: bool = True,
) -> Figure:
    """Accuracy of a concept against the knockout set size ``k`` (N … 1, then 0 = intact), one
    block of panels per architecture: rows = the concept whose ``k`` most relaying units are
    knocked out, columns = the concept whose accuracy is measured (diagonal: its own concept).
    Relay sets in the evaluated concept's colour, random sets of the same size grey dashed
    (mean over draws within a network first), non-relay sets (the ``k`` least relaying units,
    when the table has them) dotted with open markers; mean over networks with its seeded 95 %
    percentile-bootstrap interval as error bars (inside [0, 1] by construction). Only the
    primary analysis is drawn (:func:`primary_rows`), named in the title.

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
    ablation
        The ablation to draw (config ``knockout.ablation``, e.g. ``"mean"``); ``None``: the
        table's only one. Tables without an ``ablation`` column are drawn whole.
    data
        The data set to draw (``"test"``: held out); tables without ``data`` are drawn whole.
    confidence
        Level of the intervals.
    show_random
        Draw the random-set control.
    """
    sel = select_rows(df, "knockout", task=task, delay_regime=delay_regime)
    sel, primary = primary_rows(sel, ablation, data)
    if delay_regime is None:
        sel = sel.assign(delay_regime="all")
    summary = knockout_intervals(sel, confidence=confidence)
    present = set(summary["set_kind"].astype(str))
    kinds = [k for k in _KINDS if k in present and (show_random or k != "random")]
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
                           (n_units, low, kinds))
        subfig.suptitle(ARCH_LABELS.get(model, model), fontweight="bold")
    _knockout_legend(fig, kinds)
    title = _knockout_title(task, delay_regime, summary["n_networks"], primary)
    fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig
