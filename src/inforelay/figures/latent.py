"""Paper Figs. 12/13: PCA of the hidden states at ``t_k`` and cluster quality as units are removed.

See ``docs/method.md`` (latent space); the scores come from
:func:`inforelay.analyses.latent.removal_cluster_scores`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from inforelay.analyses.latent import SCORES, concept_state_codes, pca_projection
from inforelay.analyses.summary import network_key_columns
from inforelay.tasks import concept_labels

from .style import (
    ARCH_COLORS,
    ARCH_LABELS,
    TASK_LABELS,
    fit_title,
    integer_ticks,
    new_figure,
)
from .tables import group_interval, ordered, select_rows

__all__ = [
    "SCORE_BOUNDS",
    "plot_pca_states",
    "plot_removal_pca",
    "plot_removal_scores",
    "removal_scores_per_network",
]

_SCORE_LABELS = {
    "silhouette": "silhouette (higher = better)",
    "davies_bouldin": "Davies–Bouldin (lower = better)",
    "calinski_harabasz": "Calinski–Harabasz (higher = better)",
}
_SCORE_COLORS = {"silhouette": "red", "davies_bouldin": "blue", "calinski_harabasz": "green"}


def _concept_bits(concepts: np.ndarray) -> np.ndarray:
    """``(n, C)`` concept bits (a 1-D array is one concept)."""
    bits = np.asarray(concepts)
    return bits[:, None] if bits.ndim == 1 else bits


def _state_label(code: int, names: list[str]) -> str:
    n = len(names)
    return " ".join(
        f"{name}{'+' if (code >> (n - 1 - i)) & 1 else '−'}" for i, name in enumerate(names)
    )


def _second_axis(xy: np.ndarray) -> np.ndarray:
    """The PC 2 coordinates, or zeros when a single component exists (one unit left)."""
    return xy[:, 1] if xy.shape[1] > 1 else np.zeros(len(xy))


def plot_pca_states(
    states: np.ndarray,
    concepts: np.ndarray,
    concept_names: Sequence[str] | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Fig. 12: the hidden states at ``t_k`` on their first two principal components, coloured by
    the concept state (the 2**C combinations of the concept bits; ``+`` = bit 1).

    Parameters
    ----------
    states
        ``(n, N)`` hidden states at ``t_k``.
    concepts
        ``(n, C)`` 0/1 concept bits.
    """
    bits = _concept_bits(concepts)
    names = concept_labels(concept_names, bits.shape[1])
    xy = pca_projection(states, 2)
    y = _second_axis(xy)
    codes = concept_state_codes(bits)
    cmap = colormaps["tab10"]
    fig, axes = new_figure(1, 1, panel_size=(5.0, 4.4))
    ax = axes[0, 0]
    for code in range(2 ** bits.shape[1]):
        sel = codes == code
        if not sel.any():
            continue
        label = _state_label(code, names)
        ax.scatter(
            xy[sel, 0], y[sel], s=6, alpha=0.6, color=cmap(code % 10), label=label, rasterized=True
        )
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    fig.legend(
        fontsize="x-small",
        markerscale=2.5,
        title="concept state",
        title_fontsize="small",
        loc="outside right center",
    )
    if title:  # above the axes only (the legend sits to their right)
        ax.set_title(fit_title(fig, title, chars_per_inch=9.0), fontsize="small")
    return fig


def _removal_pca_panel(ax, states: np.ndarray, bits_c: np.ndarray, remaining, name: str) -> None:
    """PCA of the ``remaining`` units, points black where the concept bit is 1, red where 0."""
    xy = pca_projection(states[:, remaining], 2)
    y = _second_axis(xy)
    for bit, color in ((0, "red"), (1, "black")):
        sel = bits_c == bit
        ax.scatter(
            xy[sel, 0], y[sel], s=3, alpha=0.45, color=color, rasterized=True, label=f"{name} = {bit}"
        )
    ax.set_xticks([])
    ax.set_yticks([])


def _log_axis(ax) -> None:
    """A log y axis labelled with plain numbers (0.5, 1, 2, 5, …), no minor labels."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _removal_score_panel(ax, panel: pd.DataFrame, score: str) -> None:
    """One score against units removed: relay order solid; random orders dotted (mean) with a
    band from their 10th to 90th percentile."""
    relay = panel[panel["removal"] == "relay"].sort_values("n_removed")
    rand = panel[panel["removal"] == "random"].groupby("n_removed")[score]
    color = _SCORE_COLORS[score]
    ax.plot(relay["n_removed"], relay[score], "-", color=color, lw=1.4)
    if len(rand):
        mean = rand.mean()
        ax.plot(mean.index, mean.to_numpy(), ":", color=color, lw=1.4)
        low, high = rand.quantile(0.1).to_numpy(), rand.quantile(0.9).to_numpy()
        ax.fill_between(mean.index, low, high, color=color, alpha=0.12, lw=0)
    if score == "davies_bouldin" and (panel[score] > 0).all():
        _log_axis(ax)  # the ratio explodes as the class centroids merge
    integer_ticks(ax.xaxis, 6)


def _curve_axis(ax, curve_c: np.ndarray) -> None:
    """The greedy ``I_R`` of the remaining set, in black on a second y axis."""
    twin = ax.twinx()
    twin.plot(np.arange(len(curve_c)), curve_c, "k-", lw=0.9)
    twin.set_ylabel("$I_R$ (bits)", fontsize="x-small")
    twin.tick_params(labelsize="x-small")


def _removal_legend(fig: Figure, with_curve: bool) -> None:
    """One legend below the panels for every mark of the figure."""
    grey = {"color": "0.35", "lw": 1.4}
    handles = [
        Line2D([], [], ls="", marker="o", color="black", ms=4),
        Line2D([], [], ls="", marker="o", color="red", ms=4),
        Line2D([], [], ls="-", **grey),
        Line2D([], [], ls=":", **grey),
    ]
    labels = [
        "row's concept bit = 1",
        "row's concept bit = 0",
        "score, relay order",
        "score, random orders (mean; band: 10th–90th percentile)",
    ]
    if with_curve:
        handles.append(Line2D([], [], color="black", lw=0.9))
        labels.append("$I_R$ of the remaining units (right axis)")
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize="small")


def plot_removal_pca(
    states: np.ndarray,
    concepts: np.ndarray,
    relay_order: np.ndarray,
    scores: pd.DataFrame,
    concept_names: Sequence[str] | None = None,
    *,
    removed: Sequence[int] = (0, 3, 6, 9),
    curve: np.ndarray | None = None,
    title: str | None = None,
) -> Figure:
    """Fig. 13 for one network: rows = concepts; left, the PCA of the units left after removing
    ``removed`` units in the concept's relay order (least relaying first), points black where the
    row's concept bit is 1 and red where it is 0; right, the three cluster scores against the
    number of removed units: relay order solid, random orders dotted (mean) with a band from the
    10th to the 90th percentile over random orders. With ``curve`` the greedy ``I_R`` of the
    remaining set is drawn in black on a second axis of the silhouette panel.

    Parameters
    ----------
    states, concepts
        As for :func:`plot_pca_states`.
    relay_order
        ``(C, N)`` removal order per concept.
    scores
        :func:`inforelay.analyses.latent.removal_cluster_scores` output of the same network
        (other removals than ``relay`` and ``random``, e.g. ``none``, are ignored).
    curve
        ``(C, N+1)`` greedy ``I_R`` curve at ``t_k`` (optional).
    title
        The figure's title: the network it shows (and which sequences the panels use).
    """
    x = np.asarray(states, dtype=float)
    bits = _concept_bits(concepts)
    order = np.atleast_2d(np.asarray(relay_order))
    n_concepts, n_units = order.shape
    names = concept_labels(concept_names, n_concepts)
    removed = [int(r) for r in removed if 0 <= int(r) < n_units]
    fig, axes = new_figure(n_concepts, len(removed) + len(SCORES), panel_size=(2.3, 2.2))
    for c, name in enumerate(names):
        for j, r in enumerate(removed):
            _removal_pca_panel(axes[c, j], x, bits[:, c], order[c, r:], name)
            if c == 0:
                axes[c, j].set_title(f"{r} removed", fontsize="small")
            if j == 0:
                axes[c, j].set_ylabel(f"concept {name}\nPC 2 vs PC 1")
        panel = scores[scores["concept"].astype(str) == name]
        for s, score in enumerate(SCORES):
            ax = axes[c, len(removed) + s]
            _removal_score_panel(ax, panel, score)
            if score == "silhouette" and curve is not None:
                _curve_axis(ax, np.asarray(curve)[c, :n_units])
            if c == 0:
                ax.set_title(_SCORE_LABELS[score], fontsize="x-small")
            if c == n_concepts - 1:
                ax.set_xlabel("units removed")
            ax.tick_params(labelsize="x-small")
    _removal_legend(fig, curve is not None)
    if title:
        fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig


#: possible range of each score: the intervals are clipped to it
SCORE_BOUNDS = {
    "silhouette": (-1.0, 1.0),
    "davies_bouldin": (0.0, np.inf),
    "calinski_harabasz": (0.0, np.inf),
}


def _score_over_networks(ax, summary: pd.DataFrame, model: str) -> None:
    """Mean over networks of one architecture: relay order solid, random orders dotted, each
    with its interval as a band."""
    color = ARCH_COLORS.get(model, "0.4")
    for removal, style, alpha in (("relay", "-", 0.2), ("random", ":", 0.1)):
        line = summary[(summary["model"] == model) & (summary["removal"] == removal)]
        if line.empty:
            continue
        ax.plot(line["n_removed"], line["mean"], style, color=color, lw=1.4,
                label=f"{removal} order")
        ax.fill_between(line["n_removed"], line["ci_low"], line["ci_high"], color=color,
                        alpha=alpha, lw=0)


def removal_scores_per_network(df: pd.DataFrame) -> pd.DataFrame:
    """One value per network, removal kind and number removed: the latent table's relay and
    random rows (the ``states`` rows of the concept states are not a removal), averaged over
    concepts and random orders."""
    sel = df[df["removal"].isin(["relay", "random"])]
    if sel.empty:
        raise ValueError("latent table has no 'relay' or 'random' rows in column 'removal'")
    keys = network_key_columns(sel)
    return sel.groupby([*keys, "removal", "n_removed"], sort=False)[list(SCORES)].mean().reset_index()


def plot_removal_scores(
    df: pd.DataFrame,
    *,
    task: str | None = None,
    delay_regime: str | None = None,
    confidence: float = 0.95,
) -> Figure:
    """Fig. 13, aggregated over networks: one row per architecture, one column per score,
    against the number of removed units; relay order solid, random orders dotted. Each network
    first averages its concepts (and random orders), then the median over networks with its
    distribution-free 95 % interval (order statistics) as a band: the scores are heavy-tailed
    (Davies–Bouldin explodes as centroids merge), and the interval's ends are observed values,
    so they stay inside the score's range and on a log axis.

    Parameters
    ----------
    df
        Latent tables of many networks (:func:`inforelay.analyses.latent.removal_cluster_scores`
        columns plus the network keys; rows of other removals, e.g. ``none``, are ignored).
    task, delay_regime
        Filters (``None``: everything present, pooled).
    """
    sel = select_rows(df, "latent", task=task, delay_regime=delay_regime)
    per_network = removal_scores_per_network(sel)
    models = ordered(sorted(set(per_network["model"])), list(ARCH_LABELS))
    fig, axes = new_figure(len(models), len(SCORES), panel_size=(3.2, 2.2), sharex=True)
    n_networks = []
    for s, score in enumerate(SCORES):
        by = ["model", "removal", "n_removed"]
        summary = group_interval(per_network, by, score, "median", confidence)
        n_networks += summary["n"].tolist()
        for m, model in enumerate(models):
            ax = axes[m, s]
            _score_over_networks(ax, summary, model)
            if score == "davies_bouldin" and (summary["mean"] > 0).all():
                _log_axis(ax)  # the ratio explodes as the class centroids merge
            integer_ticks(ax.xaxis, 7)
            if m == 0:
                ax.set_title(_SCORE_LABELS[score], fontsize="small")
            if s == 0:
                ax.set_ylabel(ARCH_LABELS.get(model, model), fontweight="bold")
            if m == len(models) - 1:
                ax.set_xlabel("units removed")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize="small")
    parts = (
        TASK_LABELS.get(task, task) if task else "all tasks",
        f"training delay {delay_regime}" if delay_regime else "all regimes",
        f"n = {min(n_networks)}–{max(n_networks)} networks" if n_networks and min(n_networks)
        != max(n_networks) else f"n = {max(n_networks, default=0)} networks",
    )
    title = (f"Cluster separation as units are removed ({', '.join(parts)}; held-out test sets; "
             "line: median over networks, band: 95 % order-statistic interval of the median)")
    fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig
