"""Step-wise runs of a recurrent layer that expose and clamp every state: the one runner.

Training uses torch's fused modules; recording and knockouts use :func:`run_recurrent`, which
computes the *same* weights one time step at a time with the cell equations of
:mod:`inforelay.nets.adapters`, so that every hidden state ``h_t`` (and LSTM cell state ``c_t``)
can be read, ablated (set to 0.0, to its mean over the batch or to its value on another
sequence) or perturbed (e.g. Gaussian noise) — the one home of every intervention
(``docs/method.md``). :func:`run_stepwise` runs the pipeline's
:class:`~inforelay.nets.models.RecurrentNetwork` with its readout; ``inforelay.record`` and
``inforelay.knock_out`` run users' torch modules through the same function.
``tests/test_models.py`` and ``tests/test_api.py`` check that it agrees with the fused modules.
States start at zero unless an initial state ``h0`` (and LSTM ``c0``) is given. Time indices
are 0-based.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from inforelay.nets.ablation import (
    INTERVENTIONS,
    Ablation,
    Replacement,
    patch_source,
    replacement_values,
)
from inforelay.nets.adapters import CellAdapter, adapter_for
from inforelay.nets.models import RecurrentNetwork

__all__ = [
    "CallableReadout",
    "KnockoutMode",
    "NetworkReadout",
    "Perturbation",
    "Readout",
    "StepwiseRun",
    "answers",
    "run_recurrent",
    "run_stepwise",
]

KnockoutMode = Literal["clamp", "once"]
KNOCKOUT_MODES = ("clamp", "once")

Perturbation = Callable[[int, slice], tuple[torch.Tensor | None, torch.Tensor | None]]
"""Additive ``(dh, dc)`` for step ``t`` and the mask sets ``sets``: unit-major ``(N, s, n)``
tensors (``s`` = sets in the slice) or ``None`` for no change (``dc`` is ignored without a cell)."""

# rows (sets x sequences) per chunk of the batched knockout pass: keeps the gate tensors small
# enough to stay in cache
_CHUNK_ROWS = 16384


@dataclass
class StepwiseRun:
    """States and outputs of a step-wise run.

    Shapes are ``(n, T, ·)`` for no or one knockout mask and ``(S, n, T, ·)`` for ``S`` batched
    masks. ``hidden``/``cell`` are ``None`` when ``record_states=False``; ``cell`` is ``None``
    for architectures other than LSTM; ``outputs`` is ``None`` for a run without readout.
    """

    outputs: np.ndarray | None
    hidden: np.ndarray | None
    cell: np.ndarray | None


def _as_tensor(inputs: np.ndarray | torch.Tensor, device: torch.device) -> torch.Tensor:
    x = torch.as_tensor(np.asarray(inputs) if not isinstance(inputs, torch.Tensor) else inputs)
    if x.ndim != 3:
        raise ValueError(f"inputs must be (n, T, n_inputs), got shape {tuple(x.shape)}")
    return x.to(device=device, dtype=torch.float32)


def _check_masks(
    masks: np.ndarray | torch.Tensor, n_hidden: int, device: torch.device
) -> tuple[torch.Tensor, bool]:
    """Return masks as ``(S, N)`` bool tensor and whether they were batched."""
    m = torch.as_tensor(np.asarray(masks) if not isinstance(masks, torch.Tensor) else masks)
    if m.dtype != torch.bool:
        raise ValueError(f"knockout_masks must be boolean, got dtype {m.dtype}")
    if m.ndim == 1:
        batched = False
        m = m[None, :]
    elif m.ndim == 2:
        batched = True
    else:
        raise ValueError(f"knockout_masks must be (N,) or (S, N), got shape {tuple(m.shape)}")
    if m.shape[1] != n_hidden:
        raise ValueError(
            f"knockout_masks have {m.shape[1]} units, the network has {n_hidden} hidden units"
        )
    if m.shape[0] == 0:
        raise ValueError("knockout_masks must hold at least one set (S >= 1)")
    return m.to(device), batched


@dataclass
class _Knockout:
    """Checked knockout arguments: ``(S, N)`` masks (or ``None``), whether batched, first step."""

    masks: torch.Tensor | None
    batched: bool
    start: int


def _knockout_plan(
    knockout_masks: np.ndarray | torch.Tensor | None,
    knockout_start: int | None,
    n_hidden: int,
    n_steps: int,
    device: torch.device,
) -> _Knockout:
    if knockout_masks is None:
        if knockout_start is not None:
            raise ValueError("knockout_start given without knockout_masks")
        return _Knockout(None, False, n_steps)
    masks, batched = _check_masks(knockout_masks, n_hidden, device)
    if knockout_start is None:
        raise ValueError("knockout_start is required when knockout_masks are given")
    start = int(knockout_start)
    if not 0 <= start < n_steps:
        raise ValueError(f"knockout_start={start} is outside the sequence (0..{n_steps - 1})")
    return _Knockout(masks, batched, start)


Readout = Callable[[torch.Tensor], torch.Tensor]
"""Outputs ``(S, n, K)`` from unit-major states ``(N, S, n)`` (:class:`NetworkReadout`, :class:`CallableReadout`)."""


class NetworkReadout:
    """The readout of a :class:`RecurrentNetwork`, ``tanh(W_out h + b_out)`` (or without ``tanh``)."""

    def __init__(self, network: RecurrentNetwork) -> None:
        self.w_out = network.readout.weight.detach().float()  # (K, N)
        self.b_out = network.readout.bias.detach().float()
        self.tanh_out = network.output_activation == "tanh"

    def __call__(self, h: torch.Tensor) -> torch.Tensor:
        n_h, n_sets, n = h.shape
        out = torch.matmul(self.w_out, h.reshape(n_h, n_sets * n)).add_(self.b_out[:, None])
        if self.tanh_out:
            out.tanh_()
        return out.view(-1, n_sets, n).permute(1, 2, 0)


class CallableReadout:
    """Any callable mapping states ``(rows, N)`` to outputs ``(rows, K)`` (e.g. an ``nn.Linear``)."""

    def __init__(self, readout: Callable[[torch.Tensor], torch.Tensor]) -> None:
        if not callable(readout):
            raise TypeError(f"readout must be callable (states (n, N) -> outputs (n, C)), got {type(readout).__name__}")
        self.readout = readout

    def __call__(self, h: torch.Tensor) -> torch.Tensor:
        n_h, n_sets, n = h.shape
        out = torch.as_tensor(self.readout(h.permute(1, 2, 0).reshape(n_sets * n, n_h)))
        if out.ndim != 2 or out.shape[0] != n_sets * n:
            raise ValueError(
                f"readout must map states ({n_sets * n}, {n_h}) to outputs ({n_sets * n}, C), "
                f"got shape {tuple(out.shape)}"
            )
        return out.detach().float().reshape(n_sets, n, -1)

class _Storage:
    """Step-major CPU storage ``(T, S, n, ·)`` of outputs and states: every step's block is one
    contiguous write; :meth:`finish` returns ``(S, n, T, ·)`` views (or ``(n, T, ·)``)."""

    def __init__(
        self, adapter: CellAdapter, readout: Readout | None, n_steps: int, n_sets: int, n: int, states: bool
    ) -> None:
        self.shape = (n_steps, n_sets, n)
        self.readout = readout
        self.outputs: torch.Tensor | None = None  # allocated at the first step: K is known then
        self.hidden = self.empty(adapter.n_hidden) if states else None
        self.cells = self.empty(adapter.n_hidden) if (states and adapter.has_cell) else None

    def empty(self, width: int) -> torch.Tensor:
        return torch.empty((*self.shape, width), dtype=torch.float32)

    def store(self, sets: slice, t: int, h: torch.Tensor, c: torch.Tensor | None) -> None:
        """Outputs and states of step ``t`` for the mask sets ``sets`` (``h``, ``c``: unit-major)."""
        if self.readout is not None:
            out = self.readout(h).cpu()
            if self.outputs is None:
                self.outputs = self.empty(out.shape[-1])
            self.outputs[t, sets] = out
        if self.hidden is not None:
            self.hidden[t, sets] = h.permute(1, 2, 0).cpu()
        if self.cells is not None:
            self.cells[t, sets] = c.permute(1, 2, 0).cpu()

    def finish(self, batched: bool) -> StepwiseRun:
        def view(a: torch.Tensor | None) -> np.ndarray | None:
            if a is None:
                return None
            arr = a.numpy().transpose(1, 2, 0, 3)  # (S, n, T, ·) view of the step-major storage
            return arr if batched else arr[0]

        return StepwiseRun(outputs=view(self.outputs), hidden=view(self.hidden), cell=view(self.cells))


def _initial_state(
    value: np.ndarray | torch.Tensor | None, n: int, n_hidden: int, device: torch.device, name: str
) -> torch.Tensor:
    """Unit-major ``(N, 1, n)`` initial state from ``(n, N)`` or ``(N,)`` (shared by every
    sequence); zeros for ``None``."""
    if value is None:
        return torch.zeros((n_hidden, 1, n), dtype=torch.float32, device=device)
    state = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value.detach())
    state = state.to(device=device, dtype=torch.float32)
    if state.shape == (n_hidden,):
        state = state.expand(n, n_hidden)
    if tuple(state.shape) != (n, n_hidden):
        raise ValueError(f"{name} must be ({n}, {n_hidden}) (sequences, units) or ({n_hidden},), got {tuple(state.shape)}")
    if not torch.isfinite(state).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return state.t().contiguous()[:, None, :]


def _run_prefix(
    cell: CellAdapter,
    gi_all: torch.Tensor,
    start: int,
    storage: _Storage,
    h: torch.Tensor,
    c: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Steps before the knockout from the initial states ``h``/``c``, computed once for all
    sets; returns the states after them."""
    for t in range(start):
        h, c = cell.step(gi_all[t], h, c)
        storage.store(slice(None), t, h, c)  # broadcasts over the S sets
    return h, c


def _run_knockouts(
    cell: CellAdapter,
    gi_all: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor | None,
    plan: _Knockout,
    mode: str,
    replace: Replacement,
    perturbation: Perturbation | None,
    storage: _Storage,
) -> None:
    """Steps from ``plan.start`` on, for every mask set, in chunks of at most ``_CHUNK_ROWS`` rows.

    Each step: the cell update, then the perturbation (added), then the ablation of the masked
    units (at ``plan.start`` only, or at every step in ``clamp`` mode), then the output.
    """
    n_hidden, _, n = h.shape
    n_steps = gi_all.shape[0]
    n_sets = plan.masks.shape[0]
    per_chunk = max(1, _CHUNK_ROWS // max(n, 1))
    knock_all = plan.masks.t()[:, :, None]  # (N, S, 1)
    for s0 in range(0, n_sets, per_chunk):
        sets = slice(s0, min(s0 + per_chunk, n_sets))
        knock = knock_all[:, sets]
        size = knock.shape[1]
        hc = h.expand(n_hidden, size, n)
        cc = c.expand(n_hidden, size, n) if c is not None else None
        for t in range(plan.start, n_steps):
            hc, cc = cell.step(gi_all[t], hc, cc)
            if perturbation is not None:
                dh, dc = perturbation(t, sets)
                hc = hc.add_(dh) if dh is not None else hc
                cc = cc.add_(dc) if (dc is not None and cc is not None) else cc
            if t == plan.start or mode == "clamp":
                hc, cc = replace.apply(t - plan.start, hc, cc, knock)
            storage.store(sets, t, hc, cc)


def run_stepwise(
    network: RecurrentNetwork,
    inputs: np.ndarray | torch.Tensor,
    *,
    knockout_masks: np.ndarray | torch.Tensor | None = None,
    knockout_start: int | None = None,
    mode: KnockoutMode = "clamp",
    ablation: Ablation = "zero",
    ablation_seed: int = 0,
    perturbation: Perturbation | None = None,
    record_states: bool = True,
) -> StepwiseRun:
    """Run a :class:`RecurrentNetwork` one step at a time (with its readout), optionally knocking out units.

    The pipeline's runner: :func:`run_recurrent` with the network's adapter
    (:func:`inforelay.nets.adapters.adapter_for`) and its own readout (:class:`NetworkReadout`).
    Parameters and returns as for :func:`run_recurrent`; ``outputs`` is never ``None``.
    """
    return run_recurrent(
        adapter_for(network),
        inputs,
        NetworkReadout(network),
        knockout_masks=knockout_masks,
        knockout_start=knockout_start,
        mode=mode,
        ablation=ablation,
        ablation_seed=ablation_seed,
        perturbation=perturbation,
        record_states=record_states,
    )


def run_recurrent(
    adapter: CellAdapter,
    inputs: np.ndarray | torch.Tensor,
    readout: Readout | None = None,
    *,
    knockout_masks: np.ndarray | torch.Tensor | None = None,
    knockout_start: int | None = None,
    mode: KnockoutMode = "clamp",
    ablation: Ablation | Literal["patch"] = "zero",
    ablation_seed: int = 0,
    perturbation: Perturbation | None = None,
    record_states: bool = True,
    h0: np.ndarray | torch.Tensor | None = None,
    c0: np.ndarray | torch.Tensor | None = None,
    patch_states: tuple[np.ndarray, np.ndarray | None] | None = None,
) -> StepwiseRun:
    """Run one recurrent layer one step at a time, optionally knocking out or perturbing units.

    Parameters
    ----------
    adapter
        The layer's cell equations and weights (:func:`inforelay.nets.adapters.adapter_for`);
        the computation runs on the weights' device.
    inputs
        ``(n, T, F)`` sequences, batch first.
    readout
        Outputs from unit-major states (:class:`NetworkReadout`, :class:`CallableReadout`), or
        ``None``: no outputs (``outputs`` is ``None``).
    knockout_masks
        ``(N,)`` or ``(S, N)`` bool: the units to ablate (``True`` = knocked out).
        ``(S, N)`` runs all ``S`` sets in one batched pass; the steps before ``knockout_start``
        are computed once and shared. All-``False`` rows knock nothing out (e.g. sets that are
        only perturbed).
    knockout_start
        0-based step at which the masked units' ``h`` (and LSTM ``c``) are ablated, right after
        that step's update and before the step's output is read. Required with masks.
    mode
        ``"clamp"``: the masked units are ablated again after every later update, so they hold
        the ablation value to the end; ``"once"``: only at ``knockout_start``.
    ablation
        The value a masked unit takes at step ``t``: ``"zero"`` 0.0; ``"mean"`` its mean over
        the ``n`` sequences at ``t`` in the unperturbed run; ``"resample"`` its unperturbed value
        at ``t`` on sequence ``perm[i]`` (:func:`resample_permutation`, the same permutation at
        every step and for every set). The LSTM ``c`` likewise. The unperturbed run from
        ``knockout_start`` on is computed once per call (one extra set).
        ``"patch"``: its value at ``t`` in another run, ``patch_states``.
    ablation_seed
        Seed of the ``resample`` permutation (ignored otherwise).
    h0, c0
        Initial states ``(n, N)`` (or ``(N,)``, shared by every sequence); default zeros, as in
        torch's modules without ``hx``. ``c0`` is the LSTM's initial cell state.
    patch_states
        With ``ablation="patch"``: ``(hidden, cell)`` of the source run, ``(n, T, N)`` each
        (``cell`` ``None`` without a cell state), e.g. a :class:`StepwiseRun`'s arrays.
    perturbation
        Optional ``(t, sets) -> (dh, dc)`` (:data:`Perturbation`), called at every step
        ``t >= knockout_start`` for every chunk ``sets`` of the mask sets; ``dh``/``dc`` are added
        to ``h``/``c`` right after the update, before the ablation and the output. It must return
        the same values for a set whatever the chunk, so results do not depend on chunking.
        Requires masks (all-``False`` ones to perturb without knocking out).
    record_states
        ``False`` skips ``hidden``/``cell`` (they are ``None``) to save memory.

    Returns
    -------
    StepwiseRun
        numpy float32 arrays on the CPU: ``(n, T, ·)`` or, with ``(S, N)`` masks, ``(S, n, T, ·)``.

    Notes
    -----
    Memory: ``outputs`` holds ``S·n·T·n_outputs`` float32 values (756 sets × 2000 sequences × 16
    steps × 3 outputs ≈ 290 MB); pass fewer sets per call if that is too much.
    """
    if mode not in KNOCKOUT_MODES:
        raise ValueError(f"unknown knockout mode {mode!r}; allowed: 'clamp', 'once'")
    if ablation not in INTERVENTIONS:
        raise ValueError(f"unknown ablation {ablation!r}; allowed: 'zero', 'mean', 'resample', 'patch'")
    if (ablation == "patch") != (patch_states is not None):
        raise ValueError("patch_states are given with ablation='patch', and only then")
    if perturbation is not None and (knockout_masks is None or not callable(perturbation)):
        raise ValueError("perturbation must be a callable (t, sets) -> (dh, dc), given with knockout_masks")
    x = _as_tensor(inputs, adapter.device)
    n, n_steps, n_in = x.shape
    if n_in != adapter.n_inputs:
        raise ValueError(f"inputs have {n_in} channels, the network expects {adapter.n_inputs}")
    plan = _knockout_plan(knockout_masks, knockout_start, adapter.n_hidden, n_steps, adapter.device)
    n_sets = 1 if plan.masks is None else plan.masks.shape[0]
    storage = _Storage(adapter, readout, n_steps, n_sets, n, record_states)
    if c0 is not None and not adapter.has_cell:
        raise ValueError(f"c0 is the initial cell state of an LSTM; a {adapter.kind.upper()} has none")
    h = _initial_state(h0, n, adapter.n_hidden, adapter.device, "h0")
    c = _initial_state(c0, n, adapter.n_hidden, adapter.device, "c0") if adapter.has_cell else None
    source = None if patch_states is None else patch_source(patch_states, (n, n_steps, adapter.n_hidden), adapter)
    with torch.no_grad():
        gi_all = adapter.input_projection(x)  # (T, G·N, n)
        h, c = _run_prefix(adapter, gi_all, plan.start, storage, h, c)
        if plan.masks is not None:
            n_replaced = n_steps - plan.start if mode == "clamp" else 1
            replace = replacement_values(
                adapter, gi_all, h, c, plan.start, n_replaced, ablation, ablation_seed, source
            )
            _run_knockouts(adapter, gi_all, h, c, plan, mode, replace, perturbation, storage)
    return storage.finish(plan.batched)


def answers(outputs: np.ndarray, answer_step: np.ndarray) -> np.ndarray:
    """Outputs read at each sample's answer step.

    Parameters
    ----------
    outputs
        ``(..., n, T, out)`` (leading axes, e.g. the ``S`` knockout sets, are kept).
    answer_step
        ``(n,)`` 0-based indices into ``T``.

    Returns
    -------
    np.ndarray
        ``(..., n, out)``.
    """
    outputs = np.asarray(outputs)
    steps = np.asarray(answer_step)
    if outputs.ndim < 3:
        raise ValueError(f"outputs must be (..., n, T, out), got shape {outputs.shape}")
    n, n_steps = outputs.shape[-3], outputs.shape[-2]
    if steps.shape != (n,):
        raise ValueError(f"answer_step must have shape ({n},), got {steps.shape}")
    if not np.issubdtype(steps.dtype, np.integer):
        raise ValueError(f"answer_step must be integers, got dtype {steps.dtype}")
    if n and (steps.min() < 0 or steps.max() >= n_steps):
        raise ValueError(f"answer_step outside the sequence (0..{n_steps - 1})")
    return outputs[..., np.arange(n), steps, :]
