"""Parameters of the tasks, delay regimes, and concept names and labels (``docs/tasks.md``).

The config's ``tasks.memory`` / ``tasks.block`` / ``tasks.italypower`` mappings become
:class:`MemoryParams` / :class:`BlockParams` / :class:`ItalyPowerParams` through
:func:`task_params`, which names any unknown or bad key. ``italypower`` is a *real-world* task
(:data:`REAL_TASKS`, ``docs/realworld.md``): its sequences are a data set's, so its parameters
say how that set is split, not how sequences are made. This module
is also the one home of concept names (:data:`CONCEPT_NAMES`) and of the labels that tables and
figures print for concepts (:func:`concept_labels`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from inforelay.core.validation import (
    check_nonnegative,
    check_nonnegative_int,
    check_positive_int,
    is_integer,
)

__all__ = [
    "TASKS",
    "REAL_TASKS",
    "CONCEPT_NAMES",
    "SPLIT_COUNT_KEYS",
    "DelayRegime",
    "MemoryParams",
    "BlockParams",
    "ItalyPowerParams",
    "TaskParams",
    "is_real_task",
    "task_params",
    "params_class",
    "check_task",
    "parse_delay_regime",
    "concept_labels",
]

TASKS = ("memory", "block", "italypower")
#: tasks whose sequences come from a data set (``docs/realworld.md``), not from a generator
REAL_TASKS = ("italypower",)
CONCEPT_NAMES = {
    "memory": ("A", "B", "C"),
    "block": ("size", "direction", "hue"),
    "italypower": ("summer",),
}
#: the config's sequence counts; they size the synthetic tasks' sets, never a real task's splits
SPLIT_COUNT_KEYS = ("n_train", "n_validation", "n_analysis", "n_evaluation")
DelayRegime = int | Literal["random"]


@dataclass(frozen=True)
class MemoryParams:
    """Parameters of the memory task (``docs/tasks.md``). ``event_steps`` are 1-based, as in the paper."""

    info_length: int = 10
    n_sensors: int = 3
    event_steps: tuple[int, ...] = (4, 7, 10)
    noise_sd: float = 0.1
    amplitude: tuple[float, float] = (0.5, 1.0)

    def __post_init__(self) -> None:
        _set_tuple(self, "event_steps", int)
        _set_tuple(self, "amplitude", float)
        check_positive_int("tasks.memory.info_length", self.info_length)
        check_positive_int("tasks.memory.n_sensors", self.n_sensors)
        if len(self.event_steps) != self.n_sensors:
            raise ValueError(
                f"tasks.memory.event_steps: needs one step per sensor ({self.n_sensors}), "
                f"got {list(self.event_steps)}"
            )
        if any(not 1 <= s <= self.info_length for s in self.event_steps):
            raise ValueError(
                f"tasks.memory.event_steps: 1-based steps within 1..{self.info_length} "
                f"(info_length), got {list(self.event_steps)}"
            )
        check_nonnegative("tasks.memory.noise_sd", self.noise_sd)
        low, high = _pair("memory", "amplitude", self.amplitude)
        if not 0 < low <= high:
            raise ValueError(f"tasks.memory.amplitude: needs 0 < low <= high, got {[low, high]}")

    @property
    def concept_names(self) -> tuple[str, ...]:
        """``A``, ``B``, ``C``, … — one concept per sensor."""
        return tuple(chr(ord("A") + k) for k in range(self.n_sensors))

    @property
    def n_channels(self) -> int:
        return self.n_sensors


@dataclass(frozen=True)
class BlockParams:
    """Parameters of the block task (``docs/tasks.md``)."""

    info_length: int = 6
    width: int = 8
    sizes: tuple[int, int] = (2, 4)
    hues: tuple[float, float] = (0.5, 1.0)
    noise_sd: float = 0.05

    def __post_init__(self) -> None:
        _set_tuple(self, "sizes", int)
        _set_tuple(self, "hues", float)
        check_positive_int("tasks.block.info_length", self.info_length)
        if self.info_length < 2:
            raise ValueError("tasks.block.info_length: direction needs at least 2 frames")
        check_positive_int("tasks.block.width", self.width)
        small, large = _pair("block", "sizes", self.sizes)
        if not 1 <= small < large < self.width:
            raise ValueError(
                f"tasks.block.sizes: needs 1 <= small < large < width ({self.width}), "
                f"got {[small, large]}"
            )
        dark, bright = _pair("block", "hues", self.hues)
        if not 0 < dark < bright:
            raise ValueError(f"tasks.block.hues: needs 0 < dark < bright, got {[dark, bright]}")
        check_nonnegative("tasks.block.noise_sd", self.noise_sd)

    @property
    def concept_names(self) -> tuple[str, ...]:
        return CONCEPT_NAMES["block"]

    @property
    def n_channels(self) -> int:
        return self.width


@dataclass(frozen=True)
class ItalyPowerParams:
    """Parameters of the real-world task ``italypower`` (``docs/realworld.md``).

    The sequences are the 1,096 days of the UCR ItalyPowerDemand set (24 hourly values each);
    ``split_fractions`` (train, validation, analysis) cut the pooled set into three disjoint,
    stratified splits drawn with ``split_seed``; ``normalize`` z-normalizes every day on its own.
    """

    split_fractions: tuple[float, float, float] = (0.6, 0.15, 0.25)
    split_seed: int = 0
    normalize: bool = True

    def __post_init__(self) -> None:
        _set_tuple(self, "split_fractions", float)
        fractions = self.split_fractions
        if len(fractions) != 3 or min(fractions) <= 0 or not np.isclose(sum(fractions), 1.0):
            raise ValueError(
                "tasks.italypower.split_fractions: expected three fractions > 0 (train, "
                f"validation, analysis) that sum to 1, got {list(fractions)}"
            )
        check_nonnegative_int("tasks.italypower.split_seed", self.split_seed)
        if not isinstance(self.normalize, bool):
            raise ValueError(f"tasks.italypower.normalize: expected true or false, got {self.normalize!r}")

    @property
    def info_length(self) -> int:
        """24: one information step per hour of the day (the data's length, not a setting)."""
        return 24

    @property
    def concept_names(self) -> tuple[str, ...]:
        return CONCEPT_NAMES["italypower"]

    @property
    def n_channels(self) -> int:
        return 1


TaskParams = MemoryParams | BlockParams | ItalyPowerParams
_PARAMS: dict[str, type[TaskParams]] = {
    "memory": MemoryParams,
    "block": BlockParams,
    "italypower": ItalyPowerParams,
}


def _set_tuple(obj: Any, name: str, kind: type) -> None:
    """Store a list-valued field as a tuple of ``kind`` (frozen dataclasses need ``object.__setattr__``)."""
    value = getattr(obj, name)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise ValueError(f"{type(obj).__name__}.{name}: expected a list, got {value!r}")
    object.__setattr__(obj, name, tuple(kind(v) for v in value))


def _pair(task: str, name: str, value: tuple) -> tuple:
    if len(value) != 2:
        raise ValueError(f"tasks.{task}.{name}: expected two values, got {list(value)}")
    return value


def check_task(task: str) -> str:
    """``task`` itself if it is one of :data:`TASKS`; otherwise a ``ValueError`` listing them."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; allowed: {', '.join(TASKS)}")
    return task


def is_real_task(task: str) -> bool:
    """Whether ``task`` is a real-world task (:data:`REAL_TASKS`): data-set sequences, sizes fixed."""
    return check_task(task) in REAL_TASKS


def params_class(task: str) -> type[TaskParams]:
    """The parameter class of ``task``."""
    return _PARAMS[check_task(task)]


def task_params(task: str, overrides: Mapping[str, Any] | None = None) -> TaskParams:
    """Parameters of ``task`` with ``overrides`` (the config's ``tasks.<task>`` mapping) applied.

    Raises
    ------
    ValueError
        For an unknown task, an unknown key (naming the key and the allowed keys) or a bad value.
    """
    cls = params_class(task)
    overrides = dict(overrides or {})
    allowed = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(overrides) - set(allowed))
    counts = [key for key in unknown if key in SPLIT_COUNT_KEYS]
    if counts and task in REAL_TASKS:
        raise ValueError(
            f"tasks.{task}: {', '.join(map(repr, counts))} cannot be set: the {task} task's "
            "sequences are a data set's, so the size of each split follows "
            f"tasks.{task}.split_fractions (tasks.n_train etc. size the synthetic tasks only)"
        )
    if unknown:
        raise ValueError(
            f"tasks.{task}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}"
        )
    return cls(**overrides)


def parse_delay_regime(value: str | int) -> DelayRegime:
    """``"3"``/``3`` → ``3``; ``"random"`` → ``"random"``. Delays must be integers ``>= 0``."""
    if isinstance(value, str):
        text = value.strip()
        if text == "random":
            return "random"
        if text.lstrip("+").isdigit():
            return int(text)
    elif is_integer(value) and value >= 0:
        return int(value)
    raise ValueError(f"delay regime must be an integer >= 0 or 'random', got {value!r}")


def concept_labels(concept_names: Sequence[str] | None, n: int) -> list[str]:
    """Labels of ``n`` concepts: the given names as strings, or ``"0"``, ``"1"``, … when absent.

    Raises ``ValueError`` when the number of names does not match ``n``.
    """
    if concept_names is None:
        return [str(c) for c in range(n)]
    names = [str(c) for c in concept_names]
    if len(names) != n:
        raise ValueError(f"{len(names)} concept names for {n} concepts")
    return names
