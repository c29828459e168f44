"""Relay figures: the greedy search of one network (Fig. 3) and relay over time (Figs. 6/7).

Inputs are the arrays of :class:`inforelay.relay.RelayOverTime` (read with
:func:`inforelay.relay.read_relay`): ``curve (C, N+1)``, ``order (C, N)``, ``node_relay (C, N)`` at
one step for Fig. 3, and ``contribution`` ``R[t, c, n]`` ``(T, C, N)`` for Figs. 6/7. Time steps
are 0-based in the data and shown 1-based on the axes (the paper's "time point").
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from inforelay.tasks import concept_labels

from .style import ARCH_LABELS, fit_title

__all__ = [
    "fit_vmax",
    "CONCEPT_COLORS",
    "concept_color",
    "plot_greedy_relay",
    "plot_relay_architectures",
    "plot_relay_over_time",
    "removal_losses",
]

#: Colours of the three concepts (A/size, B/direction, C/hue), used by every analysis figure.
CONCEPT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")
_CMAP = "Blues"


def concept_color(index: int) -> str:
    """Colour of the concept at position ``index``."""
    return CONCEPT_COLORS[int(index) % len(CONCEPT_COLORS)]


def removal_losses(curve: np.ndarray) -> np.ndarray:
    """``I_R(all) − I_R(after i removals)`` for ``i = 1..N`` (bits): the blue arrows of the
    paper's Fig. 3, in removal order (:func:`inforelay.relay.loss_at_removal` gives the same
    values indexed by unit)."""
    curve = np.asarray(curve, dtype=float)
    return curve[..., :1] - curve[..., 1:]


def _greedy_panels(top, bottom, c: int, name: str, curve_c, order_c) -> None:
    """Top: ``I_R`` after each removal with the losses as blue arrows; bottom: the same losses as
    bars, one per removal step, labelled with the unit removed."""
    n_units = len(order_c)
    steps = np.arange(n_units + 1)
    full = curve_c[0]
    losses = removal_losses(curve_c)
    top.plot(steps, curve_c, "k-o", ms=3, lw=1.2)
    # arrows shorter than their head would draw as crosses: those losses show as bars only
    shortest = 0.04 * max(float(np.ptp(curve_c)), abs(float(full)), 1e-12)
    for i in range(1, n_units + 1):
        if abs(losses[i - 1]) > shortest:
            top.annotate(
                "",
                xy=(i, curve_c[i]),
                xytext=(i, full),
                arrowprops={"arrowstyle": "->", "color": "tab:blue", "lw": 1.0},
            )
    top.axhline(full, color="0.6", lw=0.6, ls=":")
    top.set_xticks(steps)
    top.set_xlim(-0.5, n_units + 0.5)
    top.set_xlabel("units removed", fontsize="small", labelpad=1)
    top.set_ylabel("$I_R$ (bits)")
    top.set_title(
        f"concept {name}: $I_R$ of the remaining units (black), loss (blue arrows)",
        fontsize="medium",
        loc="left",
    )
    colors = [concept_color(c) if v >= 0 else "0.55" for v in losses]
    bottom.bar(steps[1:], losses, color=colors, width=0.8)
    bottom.axhline(0.0, color="0.3", lw=0.6)
    bottom.set_xticks(steps[1:])
    bottom.set_xticklabels([f"u{int(u)}" for u in order_c], fontsize="small")
    bottom.set_xlim(-0.5, n_units + 0.5)
    bottom.set_ylabel("loss (bits)")
    bottom.set_xlabel("unit removed at step 1…N (least relaying first)")


def plot_greedy_relay(
    curve: np.ndarray,
    order: np.ndarray,
    concept_names: Sequence[str] | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Paper Fig. 3: the greedy search of one network at one step, a pair of panels per concept.

    Top panel of each pair: ``I_R`` of the units left after removing 0..N units (black line);
    the blue arrows go from the full set's ``I_R`` down to the value after ``i`` removals. Bottom
    panel: the same loss ``I_R(all) − I_R(after i removals)`` as a bar at removal step ``i``,
    labelled with the unit removed there (``u7`` = unit 7); negative losses (the remaining set
    relays more than the full one) are grey.

    Parameters
    ----------
    curve
        ``(C, N+1)`` ``I_R`` in bits after each removal (``curve[:, 0]`` = all units relaying).
    order
        ``(C, N)`` removal order, least relaying first.
    concept_names
        Labels of the concepts.
    title
        The figure's title: the network it shows.
    """
    curve = np.atleast_2d(np.asarray(curve, dtype=float))
    order = np.atleast_2d(np.asarray(order))
    n_concepts, n_units = order.shape
    if curve.shape != (n_concepts, n_units + 1):
        raise ValueError(f"curve must be (C, N+1) with (C, N) = {order.shape}; got {curve.shape}")
    names = concept_labels(concept_names, n_concepts)
    fig = Figure(figsize=(7.0, 3.6 * n_concepts), layout="constrained")
    grid = fig.add_gridspec(2 * n_concepts, 1, height_ratios=[1.5, 1.0] * n_concepts)
    for c, name in enumerate(names):
        top = fig.add_subplot(grid[2 * c])
        bottom = fig.add_subplot(grid[2 * c + 1])  # same x range; not shared: own tick labels
        _greedy_panels(top, bottom, c, name, curve[c], order[c])
    if title:
        fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig


def _event_markers(ax, event_steps: Sequence[int], names: list[str], highlight: int | None) -> None:
    """Triangles above the panel at the event steps (0-based data, drawn at x = step)."""
    for i, t in enumerate(event_steps):
        own = highlight is not None and i == highlight
        color = concept_color(i) if i < len(names) else "0.3"
        ax.plot(
            t,
            1.0,
            marker="v",
            ms=7,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            color=color,
            markerfacecolor=color if own or highlight is None else "white",
            zorder=5,
        )


def _time_ticks(ax, n_steps: int) -> None:
    # every step up to 10, every 2nd up to 16 (the paper's tasks), then about 8 labels a panel
    ticks = np.arange(0, n_steps, 1 if n_steps <= 10 else max(2, -(-n_steps // 8)))
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t + 1) for t in ticks])


def _as_relay(R: np.ndarray) -> np.ndarray:
    arr = np.asarray(R, dtype=float)
    if arr.ndim != 3:
        raise ValueError(f"R must be (T, C, N), got shape {arr.shape}")
    return arr


def _unit_time_panel(ax, R_c, concept, names, event_steps, analysis_step, vmax):
    """Units × time heat map of one concept's relay, with event steps and t_k marked."""
    image = ax.imshow(
        R_c.T,
        cmap=_CMAP,
        vmin=0.0,
        vmax=vmax,
        aspect="auto",
        interpolation="nearest",
        origin="lower",
    )
    _event_markers(ax, event_steps, names, highlight=concept)
    if analysis_step is not None:
        ax.axvline(analysis_step, color="0.3", lw=0.8, ls="--")
    return image


def _relay_matrices(fig: Figure, spec, R: np.ndarray, names: list[str], event_steps, vmax: float):
    """The column of ``C × N`` matrices ``R[t]``, one per step from the top, event steps marked
    by a triangle in the entering concept's colour; returns the last image (for a colour bar)."""
    n_steps, n_concepts = R.shape[:2]
    cells = spec.subgridspec(n_steps, 1, hspace=0.15)
    image = None
    for t in range(n_steps):
        ax = fig.add_subplot(cells[t])
        image = ax.imshow(
            R[t], cmap=_CMAP, vmin=0.0, vmax=vmax, aspect="auto", interpolation="nearest"
        )
        if t == n_steps - 1:  # unit indices under the last matrix only
            ax.set_xticks(np.arange(0, R.shape[2], 2 if R.shape[2] > 8 else 1))
            ax.tick_params(axis="x", labelsize="xx-small")
            ax.set_xlabel("unit", fontsize="x-small")
        else:
            ax.set_xticks([])
        ax.set_yticks(range(n_concepts))
        ax.set_yticklabels(names, fontsize="xx-small")
        ax.set_ylabel(str(t + 1), rotation=0, ha="right", va="center", fontsize="x-small")
        if t in set(event_steps):
            entering = concept_color(list(event_steps).index(t))
            marker = {"marker": "<", "ms": 5, "clip_on": False, "color": entering}
            ax.plot(1.06, 0.5, transform=ax.transAxes, **marker)
        if t == 0:
            ax.set_title("$R[t]$ at time point t\n(rows: concepts; columns: units)", fontsize="small")
    return image


def fit_vmax(values: Iterable[np.ndarray], step: float = 0.05) -> float:
    """The darkest colour of a relay map: the largest value drawn, rounded up to ``step`` bits
    (at least ``step``), so the colour scale fits the data rather than the 1-bit maximum."""
    top = max((float(np.nanmax(v)) for v in values if np.size(v)), default=0.0)
    return max(step, float(np.ceil(top / step - 1e-9) * step))


def _null_colorbar(fig_or_subfig, image, axes, null_level: float | None, shrink: float,
                   label: str = "relay (bits)") -> None:  # fmt: skip
    """The colour bar, with the shuffle-null level of a unit's relay marked on it."""
    marked = null_level is not None and np.isfinite(null_level)
    label = f"{label}; red line: shuffle null" if marked else label
    bar = fig_or_subfig.colorbar(image, ax=axes, shrink=shrink, label=label)
    if marked:
        bar.ax.axhline(null_level, color="#d62728", lw=2.0)


def plot_relay_over_time(
    R: np.ndarray,
    concept_names: Sequence[str] | None = None,
    *,
    event_steps: Sequence[int] = (),
    analysis_step: int | None = None,
    vmax: float | None = None,
    title: str | None = None,
    null_level: float | None = None,
    label: str = "relay (bits)",
) -> Figure:
    """Paper Fig. 6: relay of every unit about every concept over time, for one network.

    Left: the sequence of ``C × N`` matrices ``R[t]`` (one per time step, top to bottom). Right:
    one panel per concept, units × time, with the event steps marked by triangles (filled for
    the panel's own concept) and the analysis step ``t_k`` by a dashed line.

    Parameters
    ----------
    R
        ``(T, C, N)`` relay in bits (``contribution``).
    event_steps
        0-based steps at which the concepts enter (memory task: 3, 6, 9); shown 1-based.
    analysis_step
        0-based ``t_k``, or ``None``.
    vmax
        Value of the darkest colour (bits); default :func:`fit_vmax` of ``R``.
    title
        The figure's title: the network it shows (task, architecture, regime, replicate).
    null_level
        The shuffle-null level of a unit's relay (mean per unit, bits), marked on the colour
        bar: values below it are what the estimate reports for units that carry nothing.
    label
        The colour bar's label (e.g. for a bias-corrected relay, whose negative values are drawn
        as 0).
    """
    R = _as_relay(R)
    vmax = fit_vmax([R]) if vmax is None else float(vmax)
    n_steps, n_concepts, n_units = R.shape
    names = concept_labels(concept_names, n_concepts)
    fig = Figure(
        figsize=(9.0, max(4.0, 0.32 * n_steps * (1 + n_concepts / n_units) + 1.2)),
        layout="constrained",
    )
    outer = fig.add_gridspec(1, 2, width_ratios=[1.0, 2.4])
    image = _relay_matrices(fig, outer[0], R, names, event_steps, vmax)
    right = outer[1].subgridspec(n_concepts, 1)
    right_axes = []
    for c, name in enumerate(names):
        ax = fig.add_subplot(right[c])
        right_axes.append(ax)
        image = _unit_time_panel(ax, R[:, c, :], c, names, event_steps, analysis_step, vmax)
        ax.set_ylabel("unit")
        ax.set_yticks(np.arange(0, n_units, 2 if n_units > 8 else 1))
        _time_ticks(ax, n_steps)
        ax.set_title(f"concept {name}", fontsize="small", loc="left")
        if c == n_concepts - 1:
            ax.set_xlabel("time point")
    if image is not None:
        _null_colorbar(fig, image, right_axes, null_level, 0.5, label)
    if title:
        fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig


def _model_order(models) -> list[str]:
    return [m for m in ARCH_LABELS if m in models] + [m for m in models if m not in ARCH_LABELS]


def _architecture_block(subfig, R_by_model, names, event_steps, analysis_step, vmax, null_level,
                        unit_label="unit"):
    """One block of Fig. 7: concepts (rows) × architectures (columns) units × time maps."""
    models = _model_order(list(R_by_model))
    axes = subfig.subplots(len(names), len(models), sharey=True, squeeze=False)
    image = None
    for j, model in enumerate(models):
        R = _as_relay(R_by_model[model])
        for c, name in enumerate(names):
            ax = axes[c, j]
            image = _unit_time_panel(ax, R[:, c, :], c, names, event_steps, analysis_step, vmax)
            _time_ticks(ax, R.shape[0])
            ax.set_yticks(np.arange(0, R.shape[2], 2 if R.shape[2] > 8 else 1))
            if c == 0:
                ax.set_title(ARCH_LABELS.get(model, model), pad=10)
            if j == 0:
                ax.set_ylabel(f"concept {name}\n{unit_label}")
            if c == len(names) - 1:
                ax.set_xlabel("time point")
    if image is not None:
        _null_colorbar(subfig, image, axes, null_level, 0.7)


def plot_relay_architectures(
    R_by_row: Mapping[str, Mapping[str, np.ndarray]],
    concept_names: Sequence[str] | None = None,
    *,
    event_steps: Sequence[int] = (),
    analysis_step: int | None = None,
    vmax: float | None = None,
    null_levels: Mapping[str, float] | None = None,
    title: str | None = None,
    unit_label: str = "unit",
) -> Figure:
    """Paper Fig. 7: units × time relay maps, one column per architecture and one row per concept,
    in one block per training regime (e.g. fixed delay 5 above, random delays below); darkest
    blue = ``vmax`` (default :func:`fit_vmax` of every map, one scale for all); triangles mark
    the event steps, the dashed line ``t_k``.

    Parameters
    ----------
    R_by_row
        ``{block title: {"rnn": R, "gru": R, "lstm": R}}`` with ``R`` ``(T, C, N)`` in bits (e.g.
        the mean over a condition's replicates); the blocks are drawn top to bottom in this order.
    null_levels
        ``{block title: shuffle-null level of a unit's relay}``, marked on each block's colour bar.
    title
        The figure's title (what the maps are: which networks, how many).
    unit_label
        The y-axis label of the maps (e.g. ``"unit rank at t_k"`` for maps whose units are
        ordered per network by their relay at ``t_k``).
    """
    if not R_by_row or not all(R_by_row.values()):
        raise ValueError("R_by_row is empty or has an empty block")
    n_concepts = {_as_relay(R).shape[1] for block in R_by_row.values() for R in block.values()}
    if len(n_concepts) != 1:
        raise ValueError("every R must have the same number of concepts")
    names = concept_labels(concept_names, n_concepts.pop())
    if vmax is None:
        vmax = fit_vmax([R for block in R_by_row.values() for R in block.values()])
    n_columns = max(len(block) for block in R_by_row.values())
    fig = Figure(
        figsize=(3.0 * n_columns + 1.2, (1.9 * len(names) + 0.6) * len(R_by_row)),
        layout="constrained",
    )
    subfigs = fig.subfigures(len(R_by_row), 1, squeeze=False)[:, 0]
    line_chars = int(8 * fig.get_figwidth())  # about what fits in a line of the bold title
    for subfig, (block_title, block) in zip(subfigs, R_by_row.items(), strict=True):
        _architecture_block(subfig, block, names, event_steps, analysis_step, vmax,
                            (null_levels or {}).get(block_title), unit_label)
        wrapped = "\n".join(textwrap.fill(line, line_chars)
                             for line in str(block_title).splitlines())
        subfig.suptitle(wrapped, fontweight="bold")
    if title:
        fig.suptitle(fit_title(fig, title), fontsize="medium")
    return fig
