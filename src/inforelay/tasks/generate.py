"""Generation of the paper's two time-series classification tasks, ``memory`` and ``block`` (numpy only).

A sequence is an *information phase* of ``info_length`` steps, then ``delay`` steps whose inputs
are exactly 0.0; the answer is read at the last of them, index ``info_length + delay - 1``
(0-based; with delay 0 the answer is read at the last information step). Every sequence carries
three ±1 targets, the *concepts*; the concept bits are ``targets > 0``.

**memory** — ``n_sensors`` (3) input channels. At every information step each sensor reads
N(0, ``noise_sd``) noise; at its event step (config: 1-based, default 4, 7, 10) sensor ``k``
instead reads ``s_k · a_k`` with ``s_k = ±1`` (the target) and ``a_k ~ U(amplitude)``.

**block** — a block moves in front of a 1-D camera of ``width`` pixels with wrapping edges.
It has a size (``sizes[0]`` or ``sizes[1]`` pixels), a direction (1 pixel per step to lower or
higher pixel indices) and a hue (pixel intensity ``hues[0]`` or ``hues[1]``); the start position
is uniform; every pixel gets N(0, ``noise_sd``) noise during the information phase.
Sign convention of the targets (size, direction, hue): ``+1`` = large (``sizes[1]``) / moving
right (towards higher pixel indices) / bright (``hues[1]``); ``-1`` = small / left / dark.

See ``docs/tasks.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inforelay.core.shapes import axis_length
from inforelay.core.validation import check_positive_int
from inforelay.tasks.params import (
    REAL_TASKS,
    BlockParams,
    DelayRegime,
    MemoryParams,
    TaskParams,
    params_class,
    parse_delay_regime,
    task_params,
)

__all__ = ["TaskData", "balanced_concepts", "generate"]


@dataclass
class TaskData:
    """Generated sequences of one task.

    Attributes
    ----------
    inputs : (n, T, C) float32, exactly 0.0 after the information phase
    targets : (n, K) float32, ±1 (K = 3 concepts)
    concepts : (n, K) int8, ``targets > 0``
    delay : (n,) int64
    answer_step : (n,) int64, 0-based: ``info_length + delay - 1``
    info_length : int
    event_steps : tuple of 0-based indices at which the concepts enter (memory: the sensors'
        events; block: ``()`` — its concepts are spread over the whole information phase)
    concept_names : names of the K concepts
    """

    task: str
    inputs: np.ndarray
    targets: np.ndarray
    concepts: np.ndarray
    delay: np.ndarray
    answer_step: np.ndarray
    info_length: int
    event_steps: tuple[int, ...]
    concept_names: tuple[str, ...]

    n_samples = axis_length("inputs", 0, "Sequences ``n``.")
    n_steps = axis_length("inputs", 1, "Time steps ``T``.")
    n_channels = axis_length("inputs", 2, "Input channels ``C`` per step.")

    def subset(self, index: np.ndarray | slice) -> TaskData:
        """The sequences selected by ``index`` (same metadata)."""
        return dataclasses.replace(
            self,
            inputs=self.inputs[index],
            targets=self.targets[index],
            concepts=self.concepts[index],
            delay=self.delay[index],
            answer_step=self.answer_step[index],
        )


def _as_rng(rng_or_seed: np.random.Generator | int | np.random.SeedSequence) -> np.random.Generator:
    if isinstance(rng_or_seed, np.random.Generator):
        return rng_or_seed
    return np.random.default_rng(rng_or_seed)


def balanced_concepts(n: int, n_concepts: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, n_concepts)`` int8 bits where each of the ``2**n_concepts`` states appears
    ``n // 2**n_concepts`` times, the remainder states are drawn uniformly, and the rows are
    shuffled. State ``s`` has bit ``k`` = ``(s >> (n_concepts - 1 - k)) & 1``."""
    n_states = 2**n_concepts
    states = np.concatenate(
        [np.repeat(np.arange(n_states), n // n_states), rng.integers(0, n_states, n % n_states)]
    )
    states = rng.permutation(states)
    shifts = np.arange(n_concepts - 1, -1, -1)
    return ((states[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def _draw_delays(
    regime: DelayRegime, n: int, delay_choices: Sequence[int], rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """Each sequence's delay (int64) and the longest delay possible in ``regime``.

    Only the ``"random"`` regime draws from ``rng``.
    """
    if regime != "random":
        return np.full(n, regime, dtype=np.int64), int(regime)
    choices = np.asarray([parse_delay_regime(d) for d in delay_choices], dtype=np.int64)
    if choices.size == 0:
        raise ValueError("delay_choices must not be empty")
    return rng.choice(choices, size=n), int(choices.max())


def _sequence_length(info_length: int, longest_delay: int, n_steps: int | None) -> int:
    """``n_steps`` checked against ``info_length + longest_delay`` (its default)."""
    needed = info_length + max(longest_delay, 0)
    if n_steps is None:
        return max(needed, info_length)
    if n_steps < needed or n_steps < info_length:
        raise ValueError(f"n_steps={n_steps} is shorter than info_length + delay = {needed}")
    return int(n_steps)


def _memory_inputs(
    params: MemoryParams, targets: np.ndarray, n_steps: int, rng: np.random.Generator
) -> np.ndarray:
    n, k = targets.shape
    length = params.info_length
    inputs = np.zeros((n, n_steps, k), dtype=np.float64)
    inputs[:, :length, :] = rng.normal(0.0, params.noise_sd, size=(n, length, k))
    amplitude = rng.uniform(params.amplitude[0], params.amplitude[1], size=(n, k))
    for sensor, step in enumerate(params.event_steps):
        inputs[:, step - 1, sensor] = targets[:, sensor] * amplitude[:, sensor]
    return inputs.astype(np.float32)


def _block_inputs(
    params: BlockParams, targets: np.ndarray, n_steps: int, rng: np.random.Generator
) -> np.ndarray:
    n = targets.shape[0]
    width, length = params.width, params.info_length
    size = np.where(targets[:, 0] > 0, params.sizes[1], params.sizes[0])
    direction = np.where(targets[:, 1] > 0, 1, -1)
    hue = np.where(targets[:, 2] > 0, params.hues[1], params.hues[0])
    start = rng.integers(0, width, size=n)
    steps = np.arange(length)
    left = (start[:, None] + direction[:, None] * steps[None, :]) % width  # (n, L) block's left edge
    pixel = np.arange(width)
    covered = (pixel[None, None, :] - left[:, :, None]) % width < size[:, None, None]  # (n, L, W)
    inputs = np.zeros((n, n_steps, width), dtype=np.float64)
    inputs[:, :length, :] = covered * hue[:, None, None]
    inputs[:, :length, :] += rng.normal(0.0, params.noise_sd, size=(n, length, width))
    return inputs.astype(np.float32)


def _task_inputs(
    params: TaskParams, targets: np.ndarray, n_steps: int, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Inputs of either task and the 0-based event steps (``()`` for block)."""
    if isinstance(params, MemoryParams):
        return _memory_inputs(params, targets, n_steps, rng), tuple(s - 1 for s in params.event_steps)
    return _block_inputs(params, targets, n_steps, rng), ()


def _checked_params(task: str, params: TaskParams | None) -> TaskParams:
    expected = params_class(task)
    if task in REAL_TASKS:
        raise ValueError(
            f"task {task!r} is a real-world data set, not generated: use "
            "inforelay.tasks.realworld.real_task_split (docs/realworld.md)"
        )
    if params is None:
        return task_params(task)
    if not isinstance(params, expected):
        raise ValueError(f"params for task {task!r} must be {expected.__name__}, got {type(params).__name__}")
    return params


def generate(
    task: str,
    n: int,
    delay: DelayRegime | str,
    rng_or_seed: np.random.Generator | int | np.random.SeedSequence,
    params: TaskParams | None = None,
    *,
    delay_choices: Sequence[int] = (1, 2, 3, 4, 5),
    n_steps: int | None = None,
) -> TaskData:
    """Generate ``n`` sequences of ``task``.

    Parameters
    ----------
    task
        ``"memory"`` or ``"block"`` (real-world tasks: :func:`inforelay.tasks.realworld.real_task_split`).
    n
        Number of sequences.
    delay
        A fixed delay ``>= 0`` (0: answer at the last information step) or ``"random"``
        (each sequence draws its delay uniformly from ``delay_choices``).
    rng_or_seed
        A numpy Generator or anything :func:`numpy.random.default_rng` takes. Random numbers are
        drawn in a fixed order (concepts, delays, task inputs), so a seed fixes the data.
    params
        Task parameters (default: :func:`~inforelay.tasks.params.task_params` defaults).
    delay_choices
        The delays of the ``"random"`` regime.
    n_steps
        Sequence length ``T``; default ``info_length + delay`` (``+ max(delay_choices)`` for
        ``"random"``). Steps after a sequence's answer are 0.0 as well.

    Returns
    -------
    TaskData
    """
    params = _checked_params(task, params)
    check_positive_int("n", n)
    n = int(n)
    regime = parse_delay_regime(delay)
    rng = _as_rng(rng_or_seed)
    # the draw order (concepts, delays, inputs) is part of the data's definition: keep it
    concepts = balanced_concepts(n, len(params.concept_names), rng)
    targets = (2.0 * concepts - 1.0).astype(np.float32)
    delays, longest = _draw_delays(regime, n, delay_choices, rng)
    length = params.info_length
    n_steps = _sequence_length(length, longest, n_steps)
    inputs, event_steps = _task_inputs(params, targets, n_steps, rng)
    return TaskData(
        task=task,
        inputs=inputs,
        targets=targets,
        concepts=concepts,
        delay=delays.astype(np.int64),
        answer_step=(length + delays - 1).astype(np.int64),
        info_length=int(length),
        event_steps=event_steps,
        concept_names=tuple(params.concept_names),
    )
