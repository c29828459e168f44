"""Recording a network: the torch half of activation files and of ``inforelay.record``.

:func:`record_activations` runs the pipeline's network on task data and collects an activation
file's arrays (writing and reading them is :mod:`inforelay.nets.recording`, numpy/h5py only;
layout: ``docs/file-formats.md``). :func:`run_module` runs any supported torch recurrent module
(``docs/own-model.md``). Both go through :func:`inforelay.nets.stepwise.run_recurrent`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from inforelay.nets.adapters import adapter_for, layer_inputs
from inforelay.nets.models import RecurrentNetwork
from inforelay.nets.stepwise import (
    Ablation,
    CallableReadout,
    KnockoutMode,
    NetworkReadout,
    StepwiseRun,
    run_recurrent,
    run_stepwise,
)
from inforelay.tasks.generate import TaskData

__all__ = ["record_activations", "run_module"]


def record_activations(network: RecurrentNetwork, data: TaskData) -> dict[str, np.ndarray]:
    """Run ``network`` step by step on ``data`` and collect every array of an activation file.

    Returns
    -------
    dict
        ``inputs, hidden, outputs, targets, concepts, delay, answer_step`` and, for LSTM, ``cell``,
        with the dtypes of :data:`inforelay.nets.recording.DATASETS`.
    """
    run = run_stepwise(network, data.inputs)
    arrays = {
        "inputs": np.ascontiguousarray(data.inputs, dtype=np.float32),
        "hidden": np.ascontiguousarray(run.hidden, dtype=np.float32),
        "outputs": np.ascontiguousarray(run.outputs, dtype=np.float32),
        "targets": np.asarray(data.targets, dtype=np.float32),
        "concepts": np.asarray(data.concepts, dtype=np.int8),
        "delay": np.asarray(data.delay, dtype=np.int64),
        "answer_step": np.asarray(data.answer_step, dtype=np.int64),
    }
    if run.cell is not None:
        arrays["cell"] = np.ascontiguousarray(run.cell, dtype=np.float32)
    return arrays


def run_module(
    model: nn.Module,
    inputs: np.ndarray | torch.Tensor,
    *,
    readout: Callable[[torch.Tensor], torch.Tensor] | None = None,
    layer: int = 0,
    knockout_masks: np.ndarray | None = None,
    knockout_start: int | None = None,
    mode: KnockoutMode = "clamp",
    ablation: Ablation = "zero",
    ablation_seed: int = 0,
) -> StepwiseRun:
    """Run a torch recurrent module step by step on its own weights (the torch half of ``inforelay.record``).

    Parameters
    ----------
    model
        ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (unidirectional; ``layer`` picks one layer of a stacked
        module), ``nn.RNNCell``/``GRUCell``/``LSTMCell``, or a :class:`RecurrentNetwork`.
    inputs
        ``(n, T, F)`` sequences, batch first whatever the module's ``batch_first``.
    readout
        Callable mapping states ``(rows, N)`` to outputs ``(rows, C)``; ``None``: no outputs,
        except for a :class:`RecurrentNetwork`, whose own readout is used (as in the pipeline).
    layer
        Layer of a stacked fused module; its inputs are the outputs of the layer below,
        computed with the fused module (:func:`inforelay.nets.adapters.layer_inputs`).
    knockout_masks, knockout_start, mode, ablation, ablation_seed
        As for :func:`inforelay.nets.stepwise.run_recurrent`.

    Returns
    -------
    StepwiseRun
        float32 ``outputs``/``hidden``/``cell`` of the layer, ``(n, T, ·)`` (``(S, n, T, ·)``
        with ``(S, N)`` masks).
    """
    adapter = adapter_for(model, layer)
    x = torch.as_tensor(np.asarray(inputs) if not isinstance(inputs, torch.Tensor) else inputs)
    if x.ndim != 3:
        raise ValueError(f"inputs must be (n, T, features), batch first; got shape {tuple(x.shape)}")
    x = x.detach().to(device=adapter.device, dtype=torch.float32)
    if layer:
        x = layer_inputs(model, x, layer)
    if readout is not None:
        readout = CallableReadout(readout)
    elif isinstance(model, RecurrentNetwork):
        readout = NetworkReadout(model)
    return run_recurrent(
        adapter, x, readout, knockout_masks=knockout_masks, knockout_start=knockout_start, mode=mode,
        ablation=ablation, ablation_seed=ablation_seed,
    )
