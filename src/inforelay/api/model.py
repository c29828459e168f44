"""Recording and knocking out a user's torch model: ``inforelay.record`` and ``inforelay.knock_out``.

Both run the model one step at a time on its own weights (:func:`inforelay.nets.record.run_module`,
the pipeline's runner) and return a :class:`~inforelay.api.recording.Recording`. torch is
imported only when they are called, so ``import inforelay`` works without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from inforelay.api.recording import Recording
from inforelay.core.validation import is_integer

__all__ = ["record", "knock_out"]

_MODES = ("clamp", "once")


def _torch_runner(public_name: str) -> Callable[..., Any]:
    """:func:`inforelay.nets.record.run_module`, or an ImportError that says how to get torch."""
    try:
        importlib.import_module("torch")
    except ImportError:
        raise ImportError(f"{public_name} needs PyTorch: pip install 'inforelay[torch]'") from None
    from inforelay.nets.record import run_module

    return run_module


def _model_kind(model: Any) -> str:
    """``rnn``/``gru``/``lstm`` from the module's class name (stored as the ``model`` attribute)."""
    arch = getattr(model, "arch", None)
    if arch:
        return str(arch)
    name = type(model).__name__.lower().removesuffix("cell")
    return name if name in ("rnn", "gru", "lstm") else type(model).__name__


def _as_recording(run: Any, inputs: Any, model: Any, layer: int) -> Recording:
    """A :class:`Recording` of one run (contiguous float32 arrays)."""

    def array(value: np.ndarray | None) -> np.ndarray | None:
        return None if value is None else np.ascontiguousarray(value, dtype=np.float32)

    x = inputs.detach().cpu().numpy() if hasattr(inputs, "detach") else np.asarray(inputs)
    attrs = {"model": _model_kind(model), "module": type(model).__name__, "layer": int(layer)}
    return Recording(array(x), array(run.hidden), array(run.cell), array(run.outputs), {}, attrs)


def record(model: Any, inputs: Any, *, readout: Callable[[Any], Any] | None = None, layer: int = 0) -> Recording:
    """Record every state of a recurrent model, step by step, with the model's own weights.

    Parameters
    ----------
    model
        ``torch.nn.RNN``/``GRU``/``LSTM`` (unidirectional; ``batch_first`` either way),
        ``torch.nn.RNNCell``/``GRUCell``/``LSTMCell``, or the project's ``RecurrentNetwork``.
    inputs
        ``(n, T, F)`` array or tensor, **batch first** whatever the module's ``batch_first``.
    readout
        Optional callable mapping states ``(n, N)`` (a float32 tensor) to outputs ``(n, C)``,
        e.g. the ``nn.Linear`` head of the model. A ``RecurrentNetwork`` uses its own readout
        when none is given.
    layer
        The layer of a stacked fused module to record (0-based); the layer's inputs are the
        outputs of the layer below, computed with the fused module (as in ``eval()`` mode).

    Returns
    -------
    Recording
        ``hidden (n, T, N)``: the state after each step, equal to the module's own output
        sequence; ``cell (n, T, N)`` for an LSTM, else ``None``; ``outputs (n, T, C)`` with a
        readout, else ``None``; float32 numpy arrays.

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    TypeError, ValueError
        For an unsupported module (bidirectional, LSTM projections), a layer it does not have,
        or inputs of the wrong shape.
    """
    run = _torch_runner("inforelay.record")(model, inputs, readout=readout, layer=layer)
    return _as_recording(run, inputs, model, layer)


def _unit_mask(units: int | Sequence[int], n_units: int) -> np.ndarray:
    """``(N,)`` bool mask of ``units``; ``ValueError`` for non-integers or units out of range."""
    units = [units] if is_integer(units) else list(units)
    bad = [u for u in units if not is_integer(u) or not 0 <= u < n_units]
    if bad:
        raise ValueError(f"units must be integers in 0..{n_units - 1}, got {bad}")
    mask = np.zeros(n_units, dtype=bool)
    mask[np.asarray(units, dtype=np.int64)] = True
    return mask


def knock_out(
    model: Any,
    inputs: Any,
    *,
    units: int | Sequence[int],
    step: int,
    readout: Callable[[Any], Any] | None = None,
    mode: str = "clamp",
    layer: int = 0,
    ablation: str = "zero",
    ablation_seed: int = 0,
) -> Recording:
    """Run a model with some units knocked out: their ``h`` (and LSTM ``c``) ablated.

    The same step-wise runner and knockout as the pipeline's knockout analysis
    (:func:`inforelay.nets.stepwise.run_recurrent`).

    Parameters
    ----------
    model, inputs, readout, layer
        As for :func:`record`.
    units
        Index or indices of the units to knock out (0-based).
    step
        0-based step at which they are set to 0.0, right after that step's update and before
        its output is read.
    mode
        ``"clamp"``: ablated again after every later update (they hold the ablation value to
        the end); ``"once"``: only at ``step``, later updates may revive them.
    ablation
        What a knocked-out unit is set to at each step: ``"zero"`` (0.0); ``"mean"`` (its mean
        over the batch of ``inputs`` at that step of the unperturbed run: the unit carries no
        information about the input but stays at its typical value); ``"resample"`` (its
        unperturbed value on another sequence of the batch, one fixed seeded derangement of the
        sequences for every step: the unit carries another input's information). Mean and
        resample keep the network on the states it visits; zero may push it off them.
    ablation_seed
        Seed of the ``resample`` permutation
        (:func:`inforelay.nets.stepwise.resample_permutation`).

    Returns
    -------
    Recording
        ``hidden``, ``cell`` (LSTM) and ``outputs`` (with a readout) of the perturbed run; the
        steps before ``step`` equal :func:`record`'s.

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    ValueError
        For units or a step out of range, an unknown mode or ablation, or ``resample`` on a
        batch of one sequence.
    """
    run_module = _torch_runner("inforelay.knock_out")
    if mode not in _MODES:
        raise ValueError(f"mode must be 'clamp' or 'once', got {mode!r}")
    if ablation not in ("zero", "mean", "resample"):
        raise ValueError(f"ablation must be 'zero', 'mean' or 'resample', got {ablation!r}")
    from inforelay.nets.adapters import adapter_for

    mask = _unit_mask(units, adapter_for(model, layer).n_hidden)
    if not is_integer(step):
        raise ValueError(f"step must be an integer, got {step!r}")
    run = run_module(
        model, inputs, readout=readout, layer=layer, knockout_masks=mask, knockout_start=int(step),
        mode=mode, ablation=ablation, ablation_seed=int(ablation_seed),
    )
    rec = _as_recording(run, inputs, model, layer)
    rec.attrs.update(knocked_out=np.flatnonzero(mask).tolist(), knockout_step=int(step),
                     knockout_mode=mode, ablation=ablation)
    return rec
