"""Generalization over the temporal domain (paper Fig. 2): a network's accuracy at every
evaluation delay (rule ``evaluate``; torch)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.nets.files import load_network
from inforelay.nets.stepwise import answers
from inforelay.pipeline.tables import with_keys
from inforelay.tasks import TaskData, correct_answers, load_task_data

__all__ = ["accuracy_by_delay", "evaluate"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def accuracy_by_delay(outputs: np.ndarray, data: TaskData) -> pd.DataFrame:
    """Accuracy of a network's ``outputs`` on ``data`` at each of its delays.

    Returns
    -------
    pandas.DataFrame
        One row per delay: ``eval_delay``, ``accuracy`` (over every sequence x concept) and
        ``accuracy_<concept>`` per concept (:func:`inforelay.tasks.correct_answers`).
    """
    correct = correct_answers(answers(outputs, data.answer_step), data.targets)
    rows = []
    for delay in np.unique(data.delay):
        selected = correct[data.delay == delay]
        row = {"eval_delay": int(delay), "accuracy": float(selected.mean())}
        row.update({f"accuracy_{name}": float(selected[:, c].mean())
                    for c, name in enumerate(data.concept_names)})
        rows.append(row)
    return pd.DataFrame(rows)


def evaluate(key: Mapping[str, Any], network: PathLike, data: PathLike, output: PathLike) -> None:
    """Write the accuracy table of network ``key`` on the evaluation set (keys first)."""
    import torch

    model, _ = load_network(network)
    task_data = load_task_data(data)
    with torch.no_grad():
        device = next(model.parameters()).device
        outputs = model(torch.as_tensor(task_data.inputs, device=device)).cpu().numpy()
    table = with_keys(accuracy_by_delay(outputs, task_data), NetworkKey.from_mapping(key).row())
    write_table(table, output)
    log.info("%s:\n%s", output, table.to_string(index=False))
