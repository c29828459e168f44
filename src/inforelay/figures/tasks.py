"""Paper Fig. 1: the block task (left) and the memory task (right), drawn from generated data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from inforelay.tasks import TaskData

__all__ = ["plot_tasks", "block_description"]

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
