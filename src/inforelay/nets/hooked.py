"""Users' own modules that wrap a recurrent cell or layer: recorded and intervened on through hooks.

A custom ``nn.Module`` (its own loop over a ``GRUCell``, a learned initial state, input
preprocessing, a readout) is run by its own ``forward``; a forward hook on its one recurrent
submodule reads what that submodule computes and, for an intervention, replaces its result before
the rest of the module sees it — the way TransformerLens and nnsight edit activations. So the
recording is what the module really computes, whatever its ``forward`` does around the cell.

- A **cell** (``RNNCell``/``GRUCell``/``LSTMCell``) is hooked at every call: call ``t`` is step
  ``t``; its input ``x_t`` and new state are recorded, and an intervention edits the new state.
- A **one-layer fused module** (``RNN``/``GRU``/``LSTM``) is hooked once: its input sequence and
  ``hx`` are read, the step-wise runner (:func:`inforelay.nets.record.run_module`) computes its
  states (checked against the module's own output) and, for an intervention, its output is
  replaced by the runner's intervened one.

The interventions are those of :func:`inforelay.nets.stepwise.run_recurrent` with the same
meaning (ablation right after the step's update, before anything reads it; ``mean`` and
``resample`` from the unperturbed run; ``patch`` from a run on other inputs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from inforelay.nets.models import RecurrentNetwork
from inforelay.nets.record import run_module
from inforelay.nets.ablation import resample_permutation

__all__ = [
    "HookedRun",
    "StepEdit",
    "UnitEdit",
    "is_direct",
    "recurrent_submodule",
    "run_hooked",
]

_FUSED = (nn.RNN, nn.GRU, nn.LSTM)
_CELLS = (nn.RNNCell, nn.GRUCell, nn.LSTMCell)

StepEdit = Callable[[int, torch.Tensor, torch.Tensor | None], tuple[torch.Tensor, torch.Tensor | None]]
"""``(t, h, c) -> (h, c)``: the new state of call ``t`` of a hooked cell, ``(n, N)`` each."""


def is_direct(model: Any) -> bool:
    """Whether the step-wise runner runs ``model`` itself (a torch recurrent module or cell, or
    the project's :class:`RecurrentNetwork`) rather than through hooks."""
    return isinstance(model, (*_FUSED, *_CELLS, RecurrentNetwork))


def recurrent_submodule(model: nn.Module) -> tuple[str, nn.Module]:
    """The one recurrent submodule of a custom module, with its attribute path.

    Raises
    ------
    TypeError
        If ``model`` is not an ``nn.Module``, has no supported recurrent submodule, or has
        several (the message names them and the call that records one).
    """
    name = type(model).__name__
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"cannot record a {name}; supported: torch.nn.RNN, GRU, LSTM, RNNCell, GRUCell, LSTMCell, "
            "inforelay's RecurrentNetwork, or an nn.Module that contains one of them"
        )
    found = [(path, m) for path, m in model.named_modules() if path and isinstance(m, (*_FUSED, *_CELLS))]
    if not found:
        raise TypeError(f"cannot record a {name}: it contains no torch.nn RNN, GRU, LSTM, RNNCell, GRUCell or LSTMCell")
    if len(found) > 1:
        paths = ", ".join(path for path, _ in found)
        raise TypeError(
            f"cannot record a {name}: it has {len(found)} recurrent submodules ({paths}); record one "
            f"directly, e.g. inforelay.record(model.{found[0][0]}, inputs, readout=...)"
        )
    return found[0]


@dataclass
class HookedRun:
    """What a hooked submodule computed during one forward pass of the whole module.

    ``inputs``/``hidden``/``cell`` are ``(n, T, ·)`` float32 numpy arrays (``cell`` ``None``
    without a cell state): the submodule's inputs and its new states at each step, after any
    intervention. ``output`` is what the module's ``forward`` returned.
    """

    inputs: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    output: Any


@dataclass(frozen=True)
class UnitEdit:
    """An intervention on some units of a hooked run, from step ``start`` on.

    Attributes
    ----------
    mask
        ``(N,)`` bool, the units edited.
    start
        0-based first step.
    mode
        ``"clamp"`` (every step from ``start``) or ``"once"`` (``start`` only).
    ablation
        ``"zero" | "mean" | "resample" | "patch"``.
    seed
        Seed of the ``resample`` permutation.
    reference
        The unperturbed run (``mean``, ``resample``) or the source run (``patch``); ``None`` for
        ``zero``.
    """

    mask: np.ndarray
    start: int
    mode: str = "clamp"
    ablation: str = "zero"
    seed: int = 0
    reference: HookedRun | None = None

    def runner_arguments(self) -> dict[str, Any]:
        """The same intervention as keyword arguments of :func:`inforelay.nets.record.run_module`."""
        args: dict[str, Any] = {
            "knockout_masks": self.mask, "knockout_start": self.start, "mode": self.mode,
            "ablation": self.ablation, "ablation_seed": self.seed,
        }  # fmt: skip
        if self.ablation == "patch":
            args["patch_states"] = (self.reference.hidden, self.reference.cell)
        return args

    def step_edit(self, n: int) -> StepEdit:
        """The per-call edit of a hooked cell for a batch of ``n`` sequences."""
        mask = torch.as_tensor(self.mask)
        values = self._values(n)

        def edit(t: int, h: torch.Tensor, c: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor | None]:
            if t < self.start or (self.mode == "once" and t != self.start):
                return h, c
            keep = mask.to(h.device)
            new_h = torch.where(keep, values(t, 0, h), h)
            new_c = None if c is None else torch.where(keep, values(t, 1, c), c)
            return new_h, new_c

        return edit

    def _values(self, n: int) -> Callable[[int, int, torch.Tensor], torch.Tensor]:
        """``value(t, which, like)``: the replacement of state ``which`` (0 ``h``, 1 ``c``) at ``t``."""
        if self.ablation == "zero":
            return lambda t, which, like: torch.zeros_like(like)
        ref = self.reference
        arrays = (ref.hidden, ref.cell)
        if ref.hidden.shape[0] != n:
            raise ValueError(f"the reference run has {ref.hidden.shape[0]} sequences, this run {n}")
        perm = resample_permutation(n, self.seed) if self.ablation == "resample" else None

        def value(t: int, which: int, like: torch.Tensor) -> torch.Tensor:
            if t >= arrays[which].shape[1]:
                raise ValueError(f"the module ran more steps than its reference run ({arrays[which].shape[1]})")
            step = arrays[which][:, t]
            if self.ablation == "mean":
                step = step.astype(np.float64).mean(axis=0, keepdims=True).astype(np.float32)
            elif perm is not None:
                step = step[perm]
            return torch.as_tensor(step).to(device=like.device, dtype=like.dtype).expand_as(like)

        return value


def _numpy(value: torch.Tensor) -> np.ndarray:
    return value.detach().cpu().numpy().astype(np.float32)


def _stack(steps: list[torch.Tensor]) -> np.ndarray:
    """``(n, T, ·)`` from ``T`` tensors ``(n, ·)``."""
    return np.ascontiguousarray(np.stack([_numpy(s) for s in steps], axis=1))


def _run_cell(model: nn.Module, path: str, cell: nn.Module, inputs: Any, edit: UnitEdit | None) -> HookedRun:
    """Run ``model`` with a forward hook on its cell, recording (and editing) every call."""
    xs: list[torch.Tensor] = []
    hs: list[torch.Tensor] = []
    cs: list[torch.Tensor] = []
    step_edit: list[StepEdit] = []

    def hook(module: nn.Module, args: tuple[Any, ...], output: Any) -> Any:
        x = args[0]
        h, c = output if isinstance(output, tuple) else (output, None)
        if x.ndim != 2 or (hs and h.shape != hs[0].shape):
            raise ValueError(
                f"{type(model).__name__}.{path} is called on inputs of shape {tuple(x.shape)}; recording needs "
                f"one batched call (n, features) per step; record the cell directly: "
                f"inforelay.record(model.{path}, inputs, readout=...)"
            )
        if edit is not None:
            if not step_edit:
                step_edit.append(edit.step_edit(h.shape[0]))
            h, c = step_edit[0](len(hs), h, c)
            output = (h, c) if c is not None else h
        xs.append(x)
        hs.append(h)
        if c is not None:
            cs.append(c)
        return output if edit is not None else None

    handle = cell.register_forward_hook(hook)
    try:
        with torch.no_grad():
            out = model(inputs)
    finally:
        handle.remove()
    if not hs:
        raise ValueError(f"{type(model).__name__}.forward never called its cell {path!r}")
    return HookedRun(_stack(xs), _stack(hs), _stack(cs) if cs else None, out)


def _split_hx(module: nn.Module, hx: Any) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """``(h0, c0)`` from the ``hx`` a fused module was called with (``None``: zeros)."""
    if hx is None:
        return None, None
    if isinstance(module, nn.LSTM):
        return hx[0], hx[1]
    return hx, None


def _as_module_output(module: nn.Module, hidden: np.ndarray, cell: np.ndarray | None, like: torch.Tensor) -> Any:
    """``(output, h_n)`` (``(output, (h_n, c_n))`` for an LSTM) of a one-layer fused module."""

    def tensor(arr: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(arr).to(device=like.device, dtype=like.dtype)

    seq = tensor(hidden) if module.batch_first else tensor(hidden).transpose(0, 1)
    h_n = tensor(hidden[:, -1])[None]
    if isinstance(module, nn.LSTM):
        return seq, (h_n, tensor(cell[:, -1])[None])
    return seq, h_n


def _run_fused(model: nn.Module, path: str, rnn: nn.RNNBase, inputs: Any, edit: UnitEdit | None) -> HookedRun:
    """Run ``model`` with hooks on its fused layer: its states from the step-wise runner."""
    if rnn.num_layers != 1:
        raise ValueError(
            f"{type(model).__name__}.{path} has {rnn.num_layers} layers; record one layer of it directly: "
            f"inforelay.record(model.{path}, inputs, layer=0, readout=...)"
        )
    runs: list[tuple[torch.Tensor, Any]] = []

    def hook(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any) -> Any:
        x = args[0]
        if not isinstance(x, torch.Tensor) or x.ndim != 3:
            raise ValueError(
                f"{type(model).__name__}.{path} is called on {type(x).__name__} inputs; recording needs batched "
                f"(n, T, F) tensors; record it directly: inforelay.record(model.{path}, inputs, readout=...)"
            )
        hx = args[1] if len(args) > 1 else kwargs.get("hx")
        h0, c0 = _split_hx(module, hx)
        run = run_module(module, x, h0=h0, c0=c0, **({} if edit is None else edit.runner_arguments()))
        runs.append((x, run))
        if edit is not None:
            return _as_module_output(module, run.hidden, run.cell, output[0])
        own = output[0] if module.batch_first else output[0].transpose(0, 1)
        gap = float((own.detach().float().cpu() - torch.as_tensor(run.hidden)).abs().max())
        if gap > 1e-4:
            raise ValueError(f"the step-wise run of {path} differs from its own output by {gap:.2g}")
        return None

    handle = rnn.register_forward_hook(hook, with_kwargs=True)
    try:
        with torch.no_grad():
            out = model(inputs)
    finally:
        handle.remove()
    if len(runs) != 1:
        raise ValueError(
            f"{type(model).__name__}.forward calls {path} {len(runs)} times; recording needs exactly one call; "
            f"record it directly: inforelay.record(model.{path}, inputs, readout=...)"
        )
    x, run = runs[0]
    x_first = x if rnn.batch_first else x.transpose(0, 1)
    return HookedRun(np.ascontiguousarray(_numpy(x_first)), run.hidden, run.cell, out)


def run_hooked(model: nn.Module, inputs: Any, edit: UnitEdit | None = None) -> HookedRun:
    """Run a custom module as its ``forward`` does, reading (and editing) its recurrent submodule.

    Parameters
    ----------
    model
        An ``nn.Module`` with exactly one ``RNN``/``GRU``/``LSTM`` (one layer) or
        ``RNNCell``/``GRUCell``/``LSTMCell`` inside.
    inputs
        Whatever ``model.forward`` takes (passed unchanged).
    edit
        An intervention (:class:`UnitEdit`), or ``None`` to record.

    Returns
    -------
    HookedRun

    Raises
    ------
    TypeError
        No or several recurrent submodules.
    ValueError
        A submodule used in a way the hooks cannot follow (unbatched or packed inputs, several
        calls of a fused layer, a stacked fused layer); the message names the direct call.
    """
    path, sub = recurrent_submodule(model)
    if isinstance(sub, _CELLS):
        return _run_cell(model, path, sub, inputs, edit)
    return _run_fused(model, path, sub, inputs, edit)
