"""Data sets of the experiment: the training, validation, analysis and test splits of a task,
delay regime and data set, and a task's evaluation set over every evaluation delay.

The analysis split is what the relay is computed on (and so what chooses each concept's relay
units); the test split, drawn from its own seed at the same delay, is what every knockout,
removal and latent analysis tests those units on, so no claim tests units on the samples that
chose them.

Each is generated deterministically from a config slice (``settings``: the task's parameters and
the ``tasks`` keys the set depends on) and a seed derived from its key, so any job can make the
set it needs itself, with the same bytes every time.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from inforelay.core.seeding import derive_rng
from inforelay.tasks.generate import TaskData, generate
from inforelay.tasks.params import is_real_task, parse_delay_regime, task_params
from inforelay.tasks.realworld import real_task_split

__all__ = ["ANALYSIS_SPLITS", "SPLITS", "SHARED_DATA_SET", "analysis_delay", "make_split", "make_evaluation_set"]

SPLITS = ("train", "validation", "analysis", "test")
#: the splits recorded at the analysis delay (:func:`analysis_delay`)
ANALYSIS_SPLITS = ("analysis", "test")
#: the data set every replicate shares with ``tasks.shared_data: true``
SHARED_DATA_SET = "shared"
_DATA_SET = re.compile(r"rep-[0-9]{2,}")


def analysis_delay(settings: Mapping[str, Any], delay_regime: str) -> int:
    """The delay of the analysis (recording) set of a training regime.

    Fixed-delay networks are recorded at their training delay. Random-delay networks are
    recorded at ``random_analysis_delay`` so that every sequence of a file shares one answer
    step.
    """
    regime = parse_delay_regime(delay_regime)
    return int(settings["random_analysis_delay"]) if regime == "random" else int(regime)


def make_split(
    task: str,
    delay_regime: str,
    split: str,
    settings: Mapping[str, Any],
    data_set: str = SHARED_DATA_SET,
) -> TaskData:
    """Generate one data split of a task, training regime and data set, deterministically.

    ``data_set`` is ``"rep-NN"`` (a replicate's own data, seeded from the task, regime, split
    and replicate) or ``"shared"`` (seeded without a replicate: one set for all replicates).

    Train and validation sets follow the training regime (``random`` draws a delay per
    sequence); the analysis and test sets use :func:`analysis_delay`. ``settings`` is
    :func:`inforelay.pipeline.config.split_settings`. A real-world task's split holds the data set's days of that split
    (:func:`inforelay.tasks.real_task_split`); the generator then draws only ``random`` delays.
    A real-world data set has too few days for a fourth split: its ``test`` split is its analysis
    split (docs/realworld.md).
    """
    if split not in SPLITS:
        raise ValueError(f"unknown data split {split!r}; allowed: {', '.join(SPLITS)}")
    if split == "test" and is_real_task(task):
        return make_split(task, delay_regime, "analysis", settings, data_set)
    params = task_params(task, settings["params"])
    if data_set != SHARED_DATA_SET and not _DATA_SET.fullmatch(data_set):
        raise ValueError(f"data set must be 'shared' or 'rep-NN', got {data_set!r}")
    key = ("taskdata", task, delay_regime, split)
    rng = derive_rng(*key) if data_set == SHARED_DATA_SET else derive_rng(*key, data_set)
    choices = tuple(int(d) for d in settings["delay_choices"])
    delay: int | str
    if split in ANALYSIS_SPLITS:
        delay = analysis_delay(settings, delay_regime)
    else:
        delay = parse_delay_regime(delay_regime)
    if is_real_task(task):
        return real_task_split(task, split, delay, rng, params, delay_choices=choices)
    return generate(task, int(settings["n"]), delay, rng, params, delay_choices=choices)


def _concatenate(parts: Sequence[TaskData]) -> TaskData:
    """Stack data sets of one task along the sample axis (same number of steps)."""
    stacked = {
        name: np.concatenate([getattr(part, name) for part in parts])
        for name in ("inputs", "targets", "concepts", "delay", "answer_step")
    }
    return dataclasses.replace(parts[0], **stacked)


def make_evaluation_set(task: str, settings: Mapping[str, Any]) -> TaskData:
    """Sequences at every evaluation delay (paper Fig. 2), padded to one length.

    ``settings`` is :func:`inforelay.pipeline.config.evaluation_settings` (``n`` sequences per delay). A real-world task
    uses its held-out analysis split at every delay, so its generalization is held-out accuracy.
    """
    params = task_params(task, settings["params"])
    delays = [int(d) for d in settings["evaluation_delays"]]
    if not delays:
        raise ValueError("config key 'tasks.evaluation_delays' is empty")
    n_steps = params.info_length + max(max(delays), 1)
    if is_real_task(task):
        parts = [
            real_task_split(task, "analysis", d, derive_rng("taskdata", task, "evaluation", d), params,
                            n_steps=n_steps)
            for d in delays
        ]
    else:
        parts = [
            generate(task, int(settings["n"]), d, derive_rng("taskdata", task, "evaluation", d),
                     params, n_steps=n_steps)
            for d in delays
        ]
    return _concatenate(parts)
