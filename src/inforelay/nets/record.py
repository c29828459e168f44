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

from inforelay.nets.ablation import Ablation
from inforelay.nets.adapters import adapter_for, layer_inputs
from inforelay.nets.models import RecurrentNetwork
from inforelay.nets.stepwise import (
    CallableReadout,
    KnockoutMode,
    NetworkReadout,
    StepwiseRun,
    run_recurrent,
    run_stepwise,
)
from inforelay.tasks.generate import TaskData

__all__ = ["batch_first_inputs", "module_batch_first", "record_activations", "run_module"]


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


def module_batch_first(model: nn.Module) -> bool:
    """Whether ``model`` takes ``(n, T, F)`` inputs: its ``batch_first`` (fused modules), else ``True``
    (cells run on ``(n, F)`` per step, so a sequence of them is batch first, as for the project's
    :class:`RecurrentNetwork`)."""
    if isinstance(model, RecurrentNetwork):
        return True
    return bool(getattr(model, "batch_first", True)) if isinstance(model, nn.RNNBase) else True


def batch_first_inputs(model: nn.Module, inputs: np.ndarray | torch.Tensor, batch_first: bool | None) -> torch.Tensor:
    """``inputs`` as a ``(n, T, F)`` tensor, read in the module's own layout.

    ``batch_first`` may only be given for cells (which have no layout of their own) or when it
    agrees with the module's: an override that contradicts ``module.batch_first`` is refused.
    """
    x = torch.as_tensor(np.asarray(inputs) if not isinstance(inputs, torch.Tensor) else inputs)
    own = module_batch_first(model)
    fused = isinstance(model, nn.RNNBase) and not isinstance(model, RecurrentNetwork)
    if batch_first is not None and fused and bool(batch_first) != own:
        raise ValueError(
            f"batch_first={batch_first} contradicts the module's batch_first={own}: give the inputs "
            "in the layout its forward takes"
        )
    first = own if batch_first is None else bool(batch_first)
    layout = "(n, T, features)" if first else "(T, n, features)"
    if x.ndim != 3:
        raise ValueError(
            f"inputs must be {layout}, the layout of this {type(model).__name__}"
            f" (batch_first={first}); got shape {tuple(x.shape)} (add a batch axis for one sequence)"
        )
    return x if first else x.transpose(0, 1)


def _layer_state(
    model: nn.Module, value: np.ndarray | torch.Tensor | None, layer: int, n: int, name: str
) -> torch.Tensor | None:
    """The initial state of the recorded ``layer`` from a user's ``h0``/``c0``.

    Fused modules take torch's ``(num_layers, n, N)``; ``(n, N)`` and ``(N,)`` (one state for every
    sequence) are accepted for one-layer modules and cells.
    """
    if value is None:
        return None
    state = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value.detach())
    layers = getattr(model, "num_layers", 1) if isinstance(model, nn.RNNBase) else 1
    if state.ndim == 3:
        if state.shape[0] != layers:
            raise ValueError(f"{name} has {state.shape[0]} layers, the module {layers}: give (num_layers, n, N)")
        if state.shape[1] != n:
            raise ValueError(
                f"{name} has {state.shape[1]} sequences, the inputs {n}: are the inputs in the module's "
                f"layout (batch_first={module_batch_first(model)})?"
            )
        return state[layer]
    if layers > 1:
        raise ValueError(f"{name} of a {layers}-layer module must be (num_layers, n, N), got {tuple(state.shape)}")
    if state.ndim == 2 and state.shape[0] != n:
        raise ValueError(
            f"{name} has {state.shape[0]} sequences, the inputs {n}: are the inputs in the module's "
            f"layout (batch_first={module_batch_first(model)})?"
        )
    return state


def _lower_states(
    model: nn.Module, h0: np.ndarray | torch.Tensor | None, c0: np.ndarray | torch.Tensor | None, layer: int
) -> tuple[torch.Tensor, torch.Tensor] | torch.Tensor | None:
    """The ``hx`` of the layers below ``layer`` (torch's format), or ``None`` (zeros)."""
    if layer == 0 or (h0 is None and c0 is None):
        return None

    def below(value: np.ndarray | torch.Tensor | None) -> torch.Tensor:
        state = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value.detach())
        return state[:layer].float()

    if isinstance(model, nn.LSTM):
        if h0 is None or c0 is None:
            raise ValueError("a stacked LSTM's initial state needs both h0 and c0 (num_layers, n, N)")
        return below(h0), below(c0)
    return below(h0)


def run_module(
    model: nn.Module,
    inputs: np.ndarray | torch.Tensor,
    *,
    readout: Callable[[torch.Tensor], torch.Tensor] | None = None,
    layer: int = 0,
    knockout_masks: np.ndarray | None = None,
    knockout_start: int | None = None,
    mode: KnockoutMode = "clamp",
    ablation: Ablation | str = "zero",
    ablation_seed: int = 0,
    h0: np.ndarray | torch.Tensor | None = None,
    c0: np.ndarray | torch.Tensor | None = None,
    batch_first: bool | None = None,
    patch_states: tuple[np.ndarray, np.ndarray | None] | None = None,
) -> StepwiseRun:
    """Run a torch recurrent module step by step on its own weights (the torch half of ``inforelay.record``).

    Parameters
    ----------
    model
        ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (unidirectional; ``layer`` picks one layer of a stacked
        module), ``nn.RNNCell``/``GRUCell``/``LSTMCell``, or a :class:`RecurrentNetwork`.
    inputs
        Sequences in the module's own layout: ``(T, n, F)`` for a fused module with
        ``batch_first=False`` (torch's default), else ``(n, T, F)``.
    readout
        Callable mapping states ``(rows, N)`` to outputs ``(rows, C)``; ``None``: no outputs,
        except for a :class:`RecurrentNetwork`, whose own readout is used (as in the pipeline).
    layer
        Layer of a stacked fused module; its inputs are the outputs of the layer below,
        computed with the fused module (:func:`inforelay.nets.adapters.layer_inputs`).
    knockout_masks, knockout_start, mode, ablation, ablation_seed, patch_states
        As for :func:`inforelay.nets.stepwise.run_recurrent`.
    h0, c0
        Initial states as the module's forward takes them: ``(num_layers, n, N)`` for a fused
        module (``h0``/``c0`` of ``hx``), ``(n, N)`` for a cell or a one-layer module, or ``(N,)``
        for one state shared by every sequence. Default zeros.
    batch_first
        Layout of a cell's inputs (default ``True``); for a fused module only its own value is
        accepted.

    Returns
    -------
    StepwiseRun
        float32 ``outputs``/``hidden``/``cell`` of the layer, ``(n, T, ·)`` (``(S, n, T, ·)``
        with ``(S, N)`` masks), batch first whatever the input layout.
    """
    adapter = adapter_for(model, layer)
    x = batch_first_inputs(model, inputs, batch_first).detach().to(device=adapter.device, dtype=torch.float32)
    n = x.shape[0]
    if c0 is not None and not adapter.has_cell:
        raise ValueError(f"c0 is the initial cell state of an LSTM; a {type(model).__name__} has none")
    h_layer = _layer_state(model, h0, layer, n, "h0")
    c_layer = _layer_state(model, c0, layer, n, "c0")
    if layer:
        x = layer_inputs(model, x, layer, hx=_lower_states(model, h0, c0, layer))
    if readout is not None:
        readout = CallableReadout(readout)
    elif isinstance(model, RecurrentNetwork):
        readout = NetworkReadout(model)
    return run_recurrent(
        adapter, x, readout, knockout_masks=knockout_masks, knockout_start=knockout_start, mode=mode,
        ablation=ablation, ablation_seed=ablation_seed, h0=h_layer, c0=c_layer, patch_states=patch_states,
    )
