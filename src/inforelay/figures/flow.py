"""Figures of the information-flow branch (``docs/flow.md``).

- :func:`plot_flow_graph` — the directed flow graph of example networks, neurons placed by their
  progression along the flow;
- :func:`plot_progression_histograms` — progression of inputs, hidden units and outputs;
- :func:`plot_information_plane` — ``I(X;T)`` vs ``I(T;Y)`` of the hidden layer over training;
- :func:`plot_gradient_phases` — gradient mean / std norms and their ratio over training, with the
  drift → diffusion boundary;
- :func:`plot_relay_progression` — total relay of hidden units against their progression.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from inforelay.flow import FlowResult

from . import ARCH_COLORS, ARCH_LABELS, new_figure

__all__ = [
    "KIND_COLORS",
    "plot_flow_graph",
    "plot_progression_histograms",
    "plot_information_plane",
    "plot_gradient_phases",
    "plot_relay_progression",
]

KIND_COLORS = {"input": "#2ca02c", "hidden": "#7f7f7f", "cell": "#ff7f0e", "output": "#9467bd"}
_KIND_ROW = {"input": 0.0, "hidden": 1.0, "cell": 1.5, "output": 2.0}
_KINDS = ("input", "hidden", "output")


def _node_positions(result: FlowResult) -> np.ndarray:
    """x = progression; y = a band per kind, nodes of a kind spread within it by index."""
    y = np.zeros(result.names.size)
    for kind, row in _KIND_ROW.items():
        index = result.index(kind)
        if index.size:
            y[index] = row + (np.linspace(-0.3, 0.3, index.size) if index.size > 1 else 0.0)
    return np.column_stack([result.progression, y])


def plot_flow_graph(examples: Sequence[tuple[str, FlowResult]], *, max_edges: int = 40) -> Figure:
    """Directed flow graphs: nodes at their progression (x) in a band per kind (y).

    Parameters
    ----------
    examples
        ``(title, FlowResult)`` pairs, one panel each.
    max_edges
        Draw the strongest edges only (width and opacity ∝ weight).
    """
    fig, axes = new_figure(1, len(examples), panel_size=(4.6, 3.6))
    for ax, (title, result) in zip(axes[0], examples, strict=True):
        pos = _node_positions(result)
        src, dst = np.nonzero(result.edge)
        weight = result.edge[src, dst]
        order = np.argsort(weight)[::-1][:max_edges]
        top = weight[order].max() if order.size else 1.0
        for i in order[::-1]:
            a, b, w = src[i], dst[i], weight[i]
            ax.annotate("", xy=pos[b], xytext=pos[a],
                        arrowprops={"arrowstyle": "-|>", "color": "#1f77b4",
                                    "alpha": 0.15 + 0.75 * w / top, "lw": 0.4 + 2.2 * w / top,
                                    "shrinkA": 5, "shrinkB": 5,
                                    "connectionstyle": "arc3,rad=0.15"})
        for kind, color in KIND_COLORS.items():
            index = result.index(kind)
            if index.size:
                ax.scatter(pos[index, 0], pos[index, 1], s=70, color=color, edgecolor="black",
                           zorder=3, label=kind)
                for j in index:
                    ax.annotate(str(result.names[j]), pos[j], xytext=(0, 6),
                                textcoords="offset points", ha="center", fontsize=6)
        ax.set_yticks([_KIND_ROW[k] for k in _KINDS], [k for k in _KINDS])
        ax.set_xlabel("progression along the flow")
        ax.set_xlim(-0.08, 1.08)
        ax.set_ylim(-0.6, 2.6)
        ax.set_title(f"{title}\n{int(np.count_nonzero(result.edge))} edges, "
                     f"gradient fraction {result.gradient_fraction:.2f}", fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="lower right")
    return fig


def plot_progression_histograms(neurons: pd.DataFrame, *, bins: int = 10) -> Figure:
    """Histograms of progression by neuron kind, one panel per branch (fraction of each kind)."""
    branches = sorted(neurons["branch"].unique())
    fig, axes = new_figure(1, len(branches), panel_size=(3.8, 2.8), sharey=True)
    edges = np.linspace(0.0, 1.0, bins + 1)
    for ax, branch in zip(axes[0], branches, strict=True):
        cells = neurons[neurons["branch"] == branch]
        for kind in _KINDS:
            values = cells.loc[cells["kind"] == kind, "progression"].to_numpy(dtype=float)
            if not values.size:
                continue
            weights = np.full(values.size, 1.0 / values.size)
            ax.hist(values, bins=edges, weights=weights, histtype="step", lw=1.8,
                    color=KIND_COLORS[kind], label=f"{kind} (n={values.size}, mean {values.mean():.2f})")
            ax.axvline(values.mean(), color=KIND_COLORS[kind], ls="--", lw=1)
        n_networks = cells["network"].nunique()
        ax.set_title(f"{branch}: {n_networks} networks", fontsize=9)
        ax.set_xlabel("progression along the flow")
        ax.legend(fontsize=6)
    axes[0, 0].set_ylabel("fraction of neurons of the kind")
    return fig


def _panels(training: pd.DataFrame) -> list[tuple[str, str]]:
    keys = training[["series", "model"]].drop_duplicates()
    return [(s, m) for s, m in keys.itertuples(index=False)]


def plot_information_plane(training: pd.DataFrame) -> Figure:
    """Information plane ``I(X;T)`` (x) vs ``I(T;Y)`` (y) over epochs, one panel per series × model.

    ``training`` has columns ``series, model, replicate, epoch, I_XT, I_TY``; each replicate is a line,
    epochs are coloured.
    """
    panels = _panels(training)
    fig, axes = new_figure(1, len(panels), panel_size=(3.2, 2.8))
    norm = Normalize(training["epoch"].min(), training["epoch"].max())
    cmap = colormaps["viridis"]
    for ax, (series, model) in zip(axes[0], panels, strict=True):
        part = training[(training["series"] == series) & (training["model"] == model)]
        for _, run in part.groupby("replicate"):
            run = run.sort_values("epoch")
            ax.plot(run["I_XT"], run["I_TY"], color="lightgray", lw=0.8, zorder=1)
            ax.scatter(run["I_XT"], run["I_TY"], c=run["epoch"], cmap=cmap, norm=norm, s=8, zorder=2)
        ax.set_title(f"{series}, {ARCH_LABELS.get(model, model)}", fontsize=9)
        ax.set_xlabel("I(X;T) = H(T) [bits]")
    axes[0, 0].set_ylabel("I(T;Y) [bits]")
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes[0, -1], label="epoch")
    return fig


def plot_gradient_phases(training: pd.DataFrame, phases: pd.DataFrame | None = None,
                         *, layer: str = "all") -> Figure:
    """Gradient mean and std norms (top) and their ratio SNR (bottom) over epochs.

    ``phases`` (columns ``series, model, replicate, phase_threshold``) adds the first diffusion epoch of
    each replicate as a dotted line.
    """
    panels = _panels(training)
    fig, axes = new_figure(2, len(panels), panel_size=(3.2, 2.4), sharex="col")
    for col, (series, model) in enumerate(panels):
        part = training[(training["series"] == series) & (training["model"] == model)
                        & (training["epoch"] > 0)]
        color = ARCH_COLORS.get(model, "black")
        top, bottom = axes[0, col], axes[1, col]
        for i, (replicate, run) in enumerate(part.groupby("replicate")):
            label = i == 0
            top.plot(run["epoch"], run[f"grad_mean_{layer}"], color=color, lw=1,
                     label="‖mean‖" if label else None)
            top.plot(run["epoch"], run[f"grad_std_{layer}"], color=color, lw=1, ls="--",
                     label="‖std‖" if label else None)
            bottom.plot(run["epoch"], run[f"snr_{layer}"], color=color, lw=1)
            if phases is not None:
                row = phases[(phases["series"] == series) & (phases["model"] == model)
                             & (phases["replicate"] == replicate)]
                if len(row) and row["phase_threshold"].iloc[0] >= 1:
                    bottom.axvline(row["phase_threshold"].iloc[0], color="gray", ls=":", lw=1)
        bottom.axhline(1.0, color="red", lw=0.8)
        for ax in (top, bottom):
            ax.set_xscale("log")
            ax.set_yscale("log")
        top.set_title(f"{series}, {ARCH_LABELS.get(model, model)}", fontsize=9)
        bottom.set_xlabel("epoch")
    axes[0, 0].set_ylabel("gradient norm")
    axes[1, 0].set_ylabel("SNR = ‖mean‖ / ‖std‖")
    axes[0, 0].legend(fontsize=7)
    return fig


def plot_relay_progression(neurons: pd.DataFrame) -> Figure:
    """Total relay (bits, summed over steps and concepts) of hidden units vs their progression."""
    hidden = neurons[(neurons["kind"] == "hidden") & np.isfinite(neurons["total_relay"])]
    models = sorted(hidden["model"].unique()) if len(hidden) else []
    fig, axes = new_figure(1, 1, panel_size=(3.6, 3.0))
    ax = axes[0, 0]
    for model in models:
        part = hidden[hidden["model"] == model]
        ax.scatter(part["progression"], part["total_relay"], s=12, alpha=0.7,
                   color=ARCH_COLORS.get(model, "black"), label=ARCH_LABELS.get(model, model))
    ax.set_xlabel("progression along the flow")
    ax.set_ylabel("total relay [bits]")
    if models:
        ax.legend(fontsize=7)
    return fig
