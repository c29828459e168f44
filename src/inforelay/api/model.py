"""Recording and intervening on a user's torch model: ``inforelay.record``, ``knock_out`` and
``patch`` (the evaluations built on them are :mod:`inforelay.api.effects`).

A torch recurrent module or cell runs one step at a time on its own weights
(:func:`inforelay.nets.record.run_module`, the pipeline's runner); any other ``nn.Module`` that
wraps one such submodule runs its own ``forward`` with hooks on it
(:mod:`inforelay.nets.hooked`). Both return the one :class:`~inforelay.core.recordings.Recording`. torch
is imported only when they are called, so ``import inforelay`` works without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from inforelay.api.recording import Recording
from inforelay.core.validation import is_integer

__all__ = ["knock_out", "patch", "record"]

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


def _array(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    value = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
    return np.ascontiguousarray(value, dtype=np.float32)


def _readout_outputs(readout: Callable[[Any], Any] | None, hidden: np.ndarray, model_output: Any) -> np.ndarray | None:
    """A hooked run's outputs: the readout on every step's state, else the module's own
    ``(n, T, C)`` output, else ``None``."""
    import torch

    n, n_steps, n_units = hidden.shape
    if readout is not None:
        with torch.no_grad():
            out = readout(torch.from_numpy(np.ascontiguousarray(hidden.reshape(n * n_steps, n_units))))
        out = _array(out)
        if out.ndim != 2 or out.shape[0] != n * n_steps:
            raise ValueError(f"readout must map states ({n * n_steps}, {n_units}) to outputs ({n * n_steps}, C), got {out.shape}")
        return out.reshape(n, n_steps, -1)
    if hasattr(model_output, "shape") and tuple(model_output.shape[:2]) == (n, n_steps) and len(model_output.shape) == 3:
        return _array(model_output)
    return None


def _recording(inputs: np.ndarray, hidden: Any, cell: Any, outputs: Any, model: Any, layer: int, **attrs: Any) -> Recording:
    """A :class:`Recording` of one run (contiguous float32 arrays); ``model`` names the
    architecture (of the hooked submodule for a custom module), ``module`` the class."""
    from inforelay.nets.hooked import is_direct, recurrent_submodule

    kind = _model_kind(model if is_direct(model) else recurrent_submodule(model)[1])
    meta = {"model": kind, "module": type(model).__name__, "layer": int(layer), **attrs}
    return Recording(_array(inputs), _array(hidden), _array(cell), _array(outputs), {}, meta)


def _check_custom(model: Any, layer: int, h0: Any, c0: Any, batch_first: bool | None) -> None:
    """Arguments that only torch's own modules take, refused for a hooked custom module."""
    name = type(model).__name__
    if h0 is not None or c0 is not None:
        raise ValueError(
            f"h0/c0 are for torch's recurrent modules; a {name} gives its submodule its initial state itself "
            "(recorded as its forward runs)"
        )
    if layer != 0 or batch_first is not None:
        raise ValueError(f"layer and batch_first are for torch's recurrent modules; a {name} takes its inputs as its forward does")


def record(
    model: Any,
    inputs: Any,
    *,
    readout: Callable[[Any], Any] | None = None,
    layer: int = 0,
    h0: Any = None,
    c0: Any = None,
    batch_first: bool | None = None,
) -> Recording:
    """Record every state of a recurrent model as it really runs.

    Parameters
    ----------
    model
        ``torch.nn.RNN``/``GRU``/``LSTM`` (unidirectional), ``torch.nn.RNNCell``/``GRUCell``/
        ``LSTMCell``, the project's ``RecurrentNetwork`` — run step by step on their own weights —
        or any ``nn.Module`` that contains exactly one of those (a custom loop over a cell, a
        learned initial state, a readout): run by its own ``forward`` with a hook on that
        submodule, so whatever the module does around it is recorded as it happens.
    inputs
        Torch modules: ``(n, T, F)``, or ``(T, n, F)`` for a fused module with
        ``batch_first=False`` (torch's default) — the layout of the module's own forward. A custom
        module: whatever its forward takes.
    readout
        Optional callable mapping states ``(n, N)`` (a float32 tensor) to outputs ``(n, C)``,
        e.g. the ``nn.Linear`` head of the model. A ``RecurrentNetwork`` uses its own readout
        when none is given; a custom module whose forward returns ``(n, T, C)`` gives those.
    layer
        The layer of a stacked fused module to record (0-based); the layer's inputs are the
        outputs of the layer below, computed with the fused module (as in ``eval()`` mode).
    h0, c0
        Initial hidden (and LSTM cell) state as the module's forward takes them (``hx``):
        ``(num_layers, n, N)`` for a fused module, ``(n, N)`` for a cell or one-layer module,
        ``(N,)`` for one state shared by every sequence. Default zeros, as torch's.
    batch_first
        Layout of a cell's input sequences (default ``True``). A fused module's own
        ``batch_first`` decides; a contradicting value is refused.

    Returns
    -------
    Recording
        ``inputs (n, T, F)`` (batch first, what the recurrent layer received), ``hidden
        (n, T, N)``: the state after each step, equal to the module's own output sequence;
        ``cell`` for an LSTM, else ``None``; ``outputs (n, T, C)`` or ``None``; float32.

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    TypeError, ValueError
        For an unsupported module (bidirectional, LSTM projections, no or several recurrent
        submodules), a layer it does not have, inputs or states of the wrong shape or layout.
    """
    _torch_runner("inforelay.record")
    from inforelay.nets.hooked import is_direct, run_hooked
    from inforelay.nets.record import batch_first_inputs, run_module

    if not is_direct(model):
        _check_custom(model, layer, h0, c0, batch_first)
        run = run_hooked(model, inputs)
        outputs = _readout_outputs(readout, run.hidden, run.output)
        return _recording(run.inputs, run.hidden, run.cell, outputs, model, 0, recorded_by="hooks")
    run = run_module(model, inputs, readout=readout, layer=layer, h0=h0, c0=c0, batch_first=batch_first)
    x = batch_first_inputs(model, inputs, batch_first)
    return _recording(x, run.hidden, run.cell, run.outputs, model, layer)


def _unit_mask(units: int | Sequence[int], n_units: int) -> np.ndarray:
    """``(N,)`` bool mask of ``units``; ``ValueError`` for non-integers or units out of range."""
    units = [units] if is_integer(units) else list(units)
    bad = [u for u in units if not is_integer(u) or not 0 <= u < n_units]
    if bad or not units:
        raise ValueError(f"units must be integers in 0..{n_units - 1}, at least one, got {bad or units}")
    mask = np.zeros(n_units, dtype=bool)
    mask[np.asarray(units, dtype=np.int64)] = True
    return mask


def _n_units(model: Any, layer: int) -> int:
    from inforelay.nets.adapters import adapter_for
    from inforelay.nets.hooked import is_direct, recurrent_submodule

    if is_direct(model):
        return adapter_for(model, layer).n_hidden
    return int(recurrent_submodule(model)[1].hidden_size)


def _intervene(
    model: Any,
    inputs: Any,
    *,
    units: int | Sequence[int],
    step: int,
    readout: Callable[[Any], Any] | None,
    mode: str,
    layer: int,
    ablation: str,
    ablation_seed: int,
    h0: Any,
    c0: Any,
    batch_first: bool | None,
    source: Recording | None = None,
) -> Recording:
    """The run with ``units`` ablated (or patched from ``source``) from ``step`` on."""
    from inforelay.nets.hooked import UnitEdit, is_direct, run_hooked
    from inforelay.nets.record import batch_first_inputs, run_module

    if mode not in _MODES:
        raise ValueError(f"mode must be 'clamp' or 'once', got {mode!r}")
    if not is_integer(step):
        raise ValueError(f"step must be an integer, got {step!r}")
    mask = _unit_mask(units, _n_units(model, layer))
    attrs = {"knocked_out": np.flatnonzero(mask).tolist(), "knockout_step": int(step), "knockout_mode": mode,
             "ablation": ablation}  # fmt: skip
    patch_states = None if source is None else (source.hidden, source.cell)
    if not is_direct(model):
        _check_custom(model, layer, h0, c0, batch_first)
        reference = None
        if ablation in ("mean", "resample"):
            reference = run_hooked(model, inputs)
        elif source is not None:
            from inforelay.nets.hooked import HookedRun

            reference = HookedRun(source.inputs, source.hidden, source.cell, None)
        edit = UnitEdit(mask, int(step), mode, ablation, int(ablation_seed), reference)
        run = run_hooked(model, inputs, edit)
        if not 0 <= step < run.hidden.shape[1]:
            raise ValueError(f"step={step} is outside the sequence (0..{run.hidden.shape[1] - 1})")
        outputs = _readout_outputs(readout, run.hidden, run.output)
        return _recording(run.inputs, run.hidden, run.cell, outputs, model, 0, recorded_by="hooks", **attrs)
    run = run_module(
        model, inputs, readout=readout, layer=layer, knockout_masks=mask, knockout_start=int(step), mode=mode,
        ablation=ablation, ablation_seed=int(ablation_seed), h0=h0, c0=c0, batch_first=batch_first,
        patch_states=patch_states,
    )
    x = batch_first_inputs(model, inputs, batch_first)
    return _recording(x, run.hidden, run.cell, run.outputs, model, layer, **attrs)


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
    h0: Any = None,
    c0: Any = None,
    batch_first: bool | None = None,
) -> Recording:
    """Run a model with some units knocked out: their ``h`` (and LSTM ``c``) ablated.

    The same interventions as the pipeline's knockout analysis
    (:func:`inforelay.nets.stepwise.run_recurrent`); a custom module is intervened on through a
    hook on its recurrent submodule, so the rest of its forward sees the ablated state.

    Parameters
    ----------
    model, inputs, readout, layer, h0, c0, batch_first
        As for :func:`record`.
    units
        Index or indices of the units to knock out (0-based).
    step
        0-based step at which they are ablated, right after that step's update and before
        anything reads it.
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
        (:func:`inforelay.nets.ablation.resample_permutation`).

    Returns
    -------
    Recording
        The perturbed run; the steps before ``step`` equal :func:`record`'s. ``attrs`` names
        the knocked-out units, step, mode and ablation.

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    ValueError
        For units or a step out of range, an unknown mode or ablation, or ``resample`` on a
        batch of one sequence.
    """
    _torch_runner("inforelay.knock_out")
    if ablation not in ("zero", "mean", "resample"):
        raise ValueError(f"ablation must be 'zero', 'mean' or 'resample', got {ablation!r}")
    return _intervene(
        model, inputs, units=units, step=step, readout=readout, mode=mode, layer=layer, ablation=ablation,
        ablation_seed=ablation_seed, h0=h0, c0=c0, batch_first=batch_first,
    )


def patch(
    model: Any,
    inputs: Any,
    source_inputs: Any,
    *,
    units: int | Sequence[int],
    step: int,
    readout: Callable[[Any], Any] | None = None,
    mode: str = "once",
    layer: int = 0,
    h0: Any = None,
    c0: Any = None,
    batch_first: bool | None = None,
) -> Recording:
    """Activation patching: run ``inputs`` with some units taking their values from a run on
    ``source_inputs``.

    Sequence ``i`` of the patched run takes the units' ``h`` (and LSTM ``c``) of sequence ``i``
    of the source run at ``step`` (and, with ``mode="clamp"``, at every later step). The
    patched run's answers then show what those units alone carry from the source.

    Parameters
    ----------
    model, inputs, readout, layer, h0, c0, batch_first
        As for :func:`record` (the source run uses the same initial state).
    source_inputs
        Inputs of the same shape as ``inputs``.
    units
        Index or indices of the patched units (0-based).
    step
        0-based step at which their state is replaced, right after that step's update.
    mode
        ``"once"`` (default): only at ``step``, later updates evolve from the patched state;
        ``"clamp"``: at every step from ``step`` on.

    Returns
    -------
    Recording
        The patched run (``attrs``: ``ablation = "patch"`` and the units, step and mode).
    """
    _torch_runner("inforelay.patch")
    source = record(model, source_inputs, layer=layer, h0=h0, c0=c0, batch_first=batch_first)
    target_shape = np.shape(inputs)
    if tuple(np.shape(source_inputs)) != tuple(target_shape):
        raise ValueError(f"source_inputs must have the shape of inputs {tuple(target_shape)}, got {tuple(np.shape(source_inputs))}")
    return _intervene(
        model, inputs, units=units, step=step, readout=readout, mode=mode, layer=layer, ablation="patch",
        ablation_seed=0, h0=h0, c0=c0, batch_first=batch_first, source=source,
    )
