"""Task data sets: one split of a task and delay regime, and a task's evaluation set (numpy only).

Rules ``generate_task`` and ``generate_evaluation``; ``settings`` are the rules' config slices
(:func:`inforelay.pipeline.config.split_settings`, :func:`~inforelay.pipeline.config.evaluation_settings`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from inforelay.core.provenance import provenance_attrs
from inforelay.tasks import SHARED_DATA_SET, make_evaluation_set, make_split
from inforelay.tasks import save_task_data

__all__ = ["generate_split", "generate_evaluation"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def generate_split(
    output: PathLike,
    task: str,
    delay_regime: str,
    split: str,
    settings: Mapping[str, Any],
    data_set: str = SHARED_DATA_SET,
) -> None:
    """Write one data split (``train``, ``validation`` or ``analysis``) of a task's data set
    (``rep-NN`` or ``shared``, :func:`inforelay.tasks.make_split`) to ``output``."""
    data = make_split(task, delay_regime, split, settings, data_set=data_set)
    attrs = {"split": split, "delay_regime": delay_regime, "data_set": data_set, **provenance_attrs(settings)}
    save_task_data(output, data, attrs)
    log.info("%s: %d sequences of %d steps", output, len(data.targets), data.inputs.shape[1])


def generate_evaluation(output: PathLike, task: str, settings: Mapping[str, Any]) -> None:
    """Write a task's evaluation set (every evaluation delay, one length) to ``output``."""
    data = make_evaluation_set(task, settings)
    save_task_data(output, data, {"split": "evaluation", **provenance_attrs(settings)})
    log.info("%s: %d sequences", output, len(data.targets))
