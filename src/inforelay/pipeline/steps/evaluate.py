"""Generalization over the temporal domain (paper Fig. 2): each network's accuracy at every
evaluation delay (rule ``evaluate``, one job per condition; torch)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.nets.files import load_network
from inforelay.nets.stepwise import answers
from inforelay.pipeline.tables import with_keys
from inforelay.pipeline.conditions import condition_networks
from inforelay.tasks import TaskData, correct_answers, make_evaluation_set

__all__ = ["accuracy_by_delay", "evaluate", "evaluate_condition"]

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


def evaluate(key: Mapping[str, Any], network: PathLike, task_data: TaskData, output: PathLike) -> None:
    """Write the accuracy table of network ``key`` on the evaluation set ``task_data`` (keys first)."""
    import torch

    model, _ = load_network(network)
    with torch.no_grad():
        device = next(model.parameters()).device
        outputs = model(torch.as_tensor(task_data.inputs, device=device)).cpu().numpy()
    table = with_keys(accuracy_by_delay(outputs, task_data), NetworkKey.from_mapping(key).row())
    write_table(table, output)
    log.info("%s:\n%s", output, table.to_string(index=False))


def evaluate_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    networks: Sequence[PathLike],
    outputs: Sequence[PathLike],
    settings: Mapping[str, Any],
) -> None:
    """:func:`evaluate` each network of a condition on its task's evaluation set, made once
    from ``settings`` (:func:`inforelay.pipeline.config.evaluation_settings`)."""
    task_data = make_evaluation_set(condition["task"], settings)
    for key, network, output in condition_networks(condition, replicates, networks, outputs):
        evaluate(key.row(), network, task_data, output)
