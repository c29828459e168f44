"""Paper Fig. 1: the block task (left) and the memory task (right), drawn from generated data;
and its counterpart for the real-world task ``italypower`` (``docs/realworld.md``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from inforelay.tasks import TaskData

__all__ = ["plot_tasks", "plot_italypower", "block_description"]

_BLOCK_WORDS = {
    "size": ("small", "large"),
    "direction": ("left", "right"),
    "hue": ("dark", "bright"),
}


def block_description(targets: np.ndarray) -> str:
    """``"large, moving right, bright"`` from one sequence's (size, direction, hue) targets."""
    words = [_BLOCK_WORDS[name][int(value > 0)] for name, value in zip(_BLOCK_WORDS, targets, strict=True)]
    return f"{words[0]}, moving {words[1]}, {words[2]}"


def _phase_marks(ax, info_length: int, answer: int) -> None:
    """Shade the delay phase and mark the answer step (time on the x axis)."""
    if answer >= info_length:
        ax.axvspan(info_length - 0.5, answer + 0.5, color="0.85", zorder=0, lw=0)
    ax.axvline(answer, color="tab:green", lw=1.2, ls="--", zorder=1)


def _plot_block(ax, data: TaskData, i: int) -> None:
    answer = int(data.answer_step[i])
    frames = data.inputs[i, : answer + 1, :].T  # (pixels, time)
    ax.imshow(
        frames,
        origin="lower",
        aspect="auto",
        cmap="gray",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        extent=(-0.5, answer + 0.5, -0.5, frames.shape[0] - 0.5),
    )
    ax.axvline(data.info_length - 0.5, color="tab:orange", lw=1.2)
    ax.axvline(answer, color="tab:green", lw=1.2, ls="--")
    ax.set_ylabel("pixel")
    ax.set_yticks(range(frames.shape[0]))
    ax.set_xticks(range(answer + 1))
    ax.set_title(
        f"{block_description(data.targets[i])}; delay {int(data.delay[i])}", fontsize="medium"
    )


def _plot_memory(axes: Sequence, data: TaskData, i: int) -> None:
    answer = int(data.answer_step[i])
    steps = np.arange(answer + 1)
    for k, ax in enumerate(axes):
        trace = data.inputs[i, : answer + 1, k]
        _phase_marks(ax, data.info_length, answer)
        ax.axhline(0.0, color="0.5", lw=0.6)
        ax.plot(steps, trace, "o-", color="black", ms=3, lw=1)
        if k < len(data.event_steps):
            event = data.event_steps[k]
            ax.plot([event], [trace[event]], "o", color="tab:red", ms=7, zorder=3)
            ax.axvline(event, color="tab:red", lw=0.8, ls=":")
        target = int(data.targets[i, k])
        ax.set_ylabel(f"sensor {data.concept_names[k]}\n(target {target:+d})")
        ax.set_ylim(-1.15, 1.15)
    axes[-1].set_xticks(steps)
    axes[-1].set_xlabel("time index (0-based)")


def plot_tasks(
    memory: TaskData,
    block: TaskData,
    *,
    block_samples: Sequence[int] = (0, 1),
    memory_sample: int = 0,
) -> Figure:
    """Paper Fig. 1 from real generated sequences.

    Left: block sequences as pixel × time images (dark background, the block's hue in grey/white;
    the orange line ends the information phase, the dashed green line is the answer step; the
    zero inputs of the delay phase are black). Right: the three memory sensors of one sequence,
    each sensor's event step in red, the delay phase shaded, the answer step dashed green.

    Parameters
    ----------
    memory, block
        Generated task data (use a delay > 0 so that the delay phase shows).
    block_samples
        Which block sequences to draw (one panel each).
    memory_sample
        Which memory sequence to draw.
    """
    if memory.task != "memory" or block.task != "block":
        raise ValueError(f"plot_tasks needs memory and block data, got {memory.task!r} and {block.task!r}")
    block_samples = list(block_samples)
    if not block_samples:
        raise ValueError("block_samples must name at least one sequence")
    fig = Figure(figsize=(10.0, 5.2), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=(1.0, 1.1))
    block_axes = left.subplots(len(block_samples), 1, squeeze=False, sharex=False)[:, 0]
    for ax, i in zip(block_axes, block_samples, strict=True):
        _plot_block(ax, block, int(i))
    block_axes[-1].set_xlabel("time index (0-based)")
    left.suptitle("block task", fontweight="bold")
    memory_axes = right.subplots(memory.n_channels, 1, sharex=True, squeeze=False)[:, 0]
    _plot_memory(memory_axes, memory, int(memory_sample))
    right.suptitle(
        f"memory task (delay {int(memory.delay[memory_sample])}; events red, answer dashed)",
        fontweight="bold",
    )
    return fig


_SEASONS = (("October–March", "tab:blue"), ("April–September", "tab:orange"))  # summer bit 0, 1


def _plot_days(ax, data: TaskData) -> None:
    """Every day's information phase, thin and coloured by season, with the season means bold."""
    hours = np.arange(data.info_length)
    days = data.inputs[:, : data.info_length, 0]
    summer = data.concepts[:, 0]
    for bit, (label, color) in enumerate(_SEASONS):
        chosen = days[summer == bit]
        ax.plot(hours, chosen.T, color=color, lw=0.4, alpha=0.15)
        ax.plot(hours, chosen.mean(axis=0), color=color, lw=2.2, label=f"{label} (n = {len(chosen)})")
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_xlabel("hour of the day = time index (0-based)")
    ax.set_ylabel("demand (z-normalized per day)")
    ax.legend(fontsize="small", loc="upper left")


def _plot_sequence(ax, data: TaskData, i: int) -> None:
    """One sequence as the network sees it: the day, then the delay's zeros up to the answer."""
    answer = int(data.answer_step[i])
    steps = np.arange(answer + 1)
    label, color = _SEASONS[int(data.concepts[i, 0])]
    _phase_marks(ax, data.info_length, answer)
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.plot(steps, data.inputs[i, : answer + 1, 0], "o-", color=color, ms=2.5, lw=1)
    ax.set_ylabel(f"{label}\n(target {int(data.targets[i, 0]):+d})")


def plot_italypower(data: TaskData, *, samples_per_season: int = 1) -> Figure:
    """Fig. 1 of the real-world task: the days of both seasons and example task sequences.

    Left: every day of ``data`` (the information phase), thin lines coloured by season, season
    means bold. Right: ``samples_per_season`` sequences of each season as the network sees them
    (the day, then the delay's zero inputs shaded; the answer step dashed green).

    Parameters
    ----------
    data
        ``italypower`` task data (:func:`inforelay.tasks.italy_power_split`; delay > 0 shows the
        delay phase).
    """
    if data.task != "italypower":
        raise ValueError(f"plot_italypower needs italypower data, got {data.task!r}")
    picks = [i for bit in (0, 1) for i in np.flatnonzero(data.concepts[:, 0] == bit)[:samples_per_season]]
    fig = Figure(figsize=(10.0, 4.6), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=(1.0, 1.0))
    _plot_days(left.subplots(), data)
    left.suptitle(f"Italian power demand: {data.n_samples} days", fontweight="bold")
    axes = right.subplots(len(picks), 1, sharex=True, squeeze=False)[:, 0]
    for ax, i in zip(axes, picks, strict=True):
        _plot_sequence(ax, data, int(i))
    axes[-1].set_xlabel("time index (0-based)")
    right.suptitle(f"task sequences (delay {int(data.delay[picks[0]])}; answer dashed)", fontweight="bold")
    return fig
