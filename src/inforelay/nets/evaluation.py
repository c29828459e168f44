"""Generalization over the temporal domain: a network's accuracy at every evaluation delay.

The answers are scored with the one accuracy convention, :mod:`inforelay.tasks.scoring`
(``docs/method.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from inforelay.nets.models import RecurrentNetwork
from inforelay.nets.stepwise import answers
from inforelay.tasks.generate import TaskData
from inforelay.tasks.scoring import correct_answers

__all__ = ["network_outputs", "accuracy_by_delay", "evaluate_by_delay"]


def network_outputs(network: RecurrentNetwork, inputs: np.ndarray) -> np.ndarray:
    """Outputs ``(n, T, K)`` of the fused network on ``inputs``, as a numpy array (no autograd)."""
    with torch.no_grad():
        device = next(network.parameters()).device
        return network(torch.as_tensor(inputs, device=device)).cpu().numpy()


def accuracy_by_delay(outputs: np.ndarray, data: TaskData) -> pd.DataFrame:
    """Accuracy of ``outputs`` (``(n, T, K)``, a network's on ``data``) at each delay of ``data``.

    Returns
    -------
    pandas.DataFrame
        One row per delay: ``eval_delay``, ``accuracy`` (over every sequence × concept pair) and
        ``accuracy_<concept>`` per concept.
    """
    correct = correct_answers(answers(outputs, data.answer_step), data.targets)
    rows = []
    for delay in np.unique(data.delay):
        selected = correct[data.delay == delay]
        row = {"eval_delay": int(delay), "accuracy": float(selected.mean())}
        row.update({f"accuracy_{name}": float(selected[:, c].mean()) for c, name in enumerate(data.concept_names)})
        rows.append(row)
    return pd.DataFrame(rows)


def evaluate_by_delay(network: RecurrentNetwork, data: TaskData) -> pd.DataFrame:
    """:func:`accuracy_by_delay` of ``network`` on ``data``."""
    return accuracy_by_delay(network_outputs(network, data.inputs), data)
