"""Recurrent networks (RNN, GRU, LSTM) and a step-wise run that exposes and clamps every state.

Training uses torch's fused ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` (:meth:`RecurrentNetwork.forward`).
Recording and knockouts use :func:`run_stepwise`, which computes the *same* weights one time step
at a time with explicit cell equations, so that every hidden state ``h_t`` (and LSTM cell state
``c_t``) can be read and set to 0.0. ``tests/test_models.py`` checks that both agree.

Cell equations (torch's documentation; gate order of ``weight_ih_l0`` / ``weight_hh_l0`` as torch
stores them):

- ``rnn``:  ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)``
- ``gru`` (gates ``r, z, n``): ``r = σ(W_ir x + b_ir + W_hr h + b_hr)``,
  ``z = σ(W_iz x + b_iz + W_hz h + b_hz)``, ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))``,
  ``h' = (1 − z) ⊙ n + z ⊙ h``
- ``lstm`` (gates ``i, f, g, o``): ``c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)``, ``h' = σ(o) ⊙ tanh(c')``

All states start at zero. Time indices are 0-based.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import nn

__all__ = [
    "ARCHITECTURES",
    "RecurrentNetwork",
    "StepwiseRun",
    "answers",
    "build_network",
    "run_stepwise",
]

ARCHITECTURES = ("rnn", "gru", "lstm")
OUTPUT_ACTIVATIONS = ("tanh", None)
KnockoutMode = Literal["clamp", "once"]

_MODULES = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def _check_arch(arch: str) -> str:
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; allowed: {', '.join(ARCHITECTURES)}")
    return arch


class RecurrentNetwork(nn.Module):
    """One recurrent layer (``rnn`` tanh, ``gru`` or ``lstm``) and a linear readout.

    Parameters
    ----------
    arch
        ``"rnn"``, ``"gru"`` or ``"lstm"``.
    n_inputs
        Input channels per time step.
    n_hidden
        Recurrent units ``N`` (the paper: 12).
    n_outputs
        Outputs per time step (the paper: 3, one per concept).
    output_activation
        ``"tanh"`` (the paper's ±1 answers) or ``None`` for a plain linear readout (regression).

    Attributes
    ----------
    recurrent : nn.RNN | nn.GRU | nn.LSTM
        The fused, ``batch_first`` recurrent module.
    readout : nn.Linear
        ``Linear(n_hidden, n_outputs)`` applied to the hidden state at every step.
    """

    def __init__(
        self,
        arch: str,
        n_inputs: int,
        n_hidden: int = 12,
        n_outputs: int = 3,
        output_activation: str | None = "tanh",
    ) -> None:
        super().__init__()
        _check_arch(arch)
        if output_activation not in OUTPUT_ACTIVATIONS:
            raise ValueError(
                f"unknown output_activation {output_activation!r}; allowed: 'tanh' or None"
            )
        for name, value in (("n_inputs", n_inputs), ("n_hidden", n_hidden), ("n_outputs", n_outputs)):
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.arch = arch
        self.n_inputs = int(n_inputs)
        self.n_hidden = int(n_hidden)
        self.n_outputs = int(n_outputs)
        self.output_activation = output_activation
        self.recurrent = _MODULES[arch](self.n_inputs, self.n_hidden, batch_first=True)
        self.readout = nn.Linear(self.n_hidden, self.n_outputs)

    def readout_activation(self, hidden: torch.Tensor) -> torch.Tensor:
        """Outputs from hidden states: ``tanh(readout(h))`` (or ``readout(h)`` without activation)."""
        out = self.readout(hidden)
        return torch.tanh(out) if self.output_activation == "tanh" else out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Outputs at every step, ``(n, T, n_outputs)``, from inputs ``(n, T, n_inputs)``."""
        hidden, _ = self.recurrent(x)
        return self.readout_activation(hidden)

    def extra_repr(self) -> str:
        return f"arch={self.arch!r}, output_activation={self.output_activation!r}"


def build_network(
    arch: str,
    n_inputs: int,
    n_hidden: int = 12,
    n_outputs: int = 3,
    output_activation: str | None = "tanh",
    seed: int | None = None,
) -> RecurrentNetwork:
    """Build a :class:`RecurrentNetwork` with torch's default initialization.

    With ``seed``, the initial weights depend only on the seed (torch's global RNG is forked, so
    the caller's random state is left untouched); with ``seed=None`` the global RNG is used.
    """
    if seed is None:
        return RecurrentNetwork(arch, n_inputs, n_hidden, n_outputs, output_activation)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        return RecurrentNetwork(arch, n_inputs, n_hidden, n_outputs, output_activation)


@dataclass
class StepwiseRun:
    """States and outputs of a step-wise run.

    Shapes are ``(n, T, ·)`` for no or one knockout mask and ``(S, n, T, ·)`` for ``S`` batched
    masks. ``hidden``/``cell`` are ``None`` when ``record_states=False``; ``cell`` is ``None``
    for architectures other than LSTM.
    """

    outputs: np.ndarray
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


class _Cell:
    """Explicit cell equations over the fused module's weights (float32, no autograd).

    States are kept *unit-major*, ``(N, S, n)``, so that every gate is a contiguous block of
    rows of ``W_hh @ h``; element-wise kernels on contiguous memory are several times faster
    than on the column slices of the usual ``(rows, G·N)`` layout.
    """

    def __init__(self, network: RecurrentNetwork) -> None:
        rec = network.recurrent
        self.arch = network.arch
        self.n_hidden = network.n_hidden
        self.w_ih = rec.weight_ih_l0.detach().float()  # (G·N, in)
        self.w_hh = rec.weight_hh_l0.detach().float()  # (G·N, N)
        self.b_ih = rec.bias_ih_l0.detach().float()
        self.b_hh = rec.bias_hh_l0.detach().float()
        self.w_out = network.readout.weight.detach().float()  # (K, N)
        self.b_out = network.readout.bias.detach().float()
        self.tanh_out = network.output_activation == "tanh"

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """``W_ih x + b_ih`` for every step at once, ``(T, G·N, n)``.

        For RNN and LSTM, ``b_hh`` is folded in too (it is added unchanged at every step); GRU
        keeps it apart because ``b_hn`` sits inside the reset gate's product.
        """
        bias = self.b_ih if self.arch == "gru" else self.b_ih + self.b_hh
        gi = torch.matmul(x, self.w_ih.t()) + bias  # (n, T, G·N)
        return gi.permute(1, 2, 0).contiguous()

    def step(
        self, gi: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """One update; ``gi``: ``(G·N, n)``; ``h``, ``c``: ``(N, S, n)``; returns new tensors."""
        n_h, n_sets, n = h.shape
        gates = torch.matmul(self.w_hh, h.reshape(n_h, n_sets * n)).view(-1, n_sets, n)
        gi = gi[:, None, :]
        if self.arch == "rnn":
            return gates.add_(gi).tanh_(), None
        if self.arch == "gru":
            rz = gates[: 2 * n_h].add_(gi[: 2 * n_h]).add_(self.b_hh[: 2 * n_h, None, None])
            rz.sigmoid_()
            r, z = rz[:n_h], rz[n_h:]
            cand = gates[2 * n_h :].add_(self.b_hh[2 * n_h :, None, None]).mul_(r)
            cand.add_(gi[2 * n_h :]).tanh_()
            # h' = (1 - z) * n + z * h = n + z * (h - n)
            return torch.addcmul(cand, z, h - cand), None
        gates.add_(gi)
        gates[: 2 * n_h].sigmoid_()
        gates[3 * n_h :].sigmoid_()
        gates[2 * n_h : 3 * n_h].tanh_()
        i, f = gates[:n_h], gates[n_h : 2 * n_h]
        g, o = gates[2 * n_h : 3 * n_h], gates[3 * n_h :]
        c_new = f.mul_(c).addcmul_(i, g)
        return o.mul_(torch.tanh(c_new)), c_new

    def readout(self, h: torch.Tensor) -> torch.Tensor:
        """Outputs ``(S, n, K)`` from unit-major states ``(N, S, n)``."""
        n_h, n_sets, n = h.shape
        out = torch.matmul(self.w_out, h.reshape(n_h, n_sets * n)).add_(self.b_out[:, None])
        if self.tanh_out:
            out.tanh_()
        return out.view(-1, n_sets, n).permute(1, 2, 0)


# rows (sets x sequences) per chunk of the batched knockout pass: keeps the gate tensors small
# enough to stay in cache
_CHUNK_ROWS = 16384


def run_stepwise(
    network: RecurrentNetwork,
    inputs: np.ndarray | torch.Tensor,
    *,
    knockout_masks: np.ndarray | torch.Tensor | None = None,
    knockout_start: int | None = None,
    mode: KnockoutMode = "clamp",
    record_states: bool = True,
) -> StepwiseRun:
    """Run ``network`` one step at a time, optionally knocking out units.

    Parameters
    ----------
    network
        A :class:`RecurrentNetwork` (its device is used for the computation).
    inputs
        ``(n, T, n_inputs)`` sequences.
    knockout_masks
        ``(N,)`` or ``(S, N)`` bool: the units to set to 0.0 (``True`` = knocked out).
        ``(S, N)`` runs all ``S`` sets in one batched pass; the steps before ``knockout_start``
        are computed once and shared.
    knockout_start
        0-based step at which the masked units' ``h`` (and LSTM ``c``) are set to 0.0, right after
        that step's update and before the step's output is read. Required with masks.
    mode
        ``"clamp"``: the masked units are set to 0.0 again after every later update, so they stay
        exactly 0.0 to the end; ``"once"``: only at ``knockout_start``.
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
    if mode not in ("clamp", "once"):
        raise ValueError(f"unknown knockout mode {mode!r}; allowed: 'clamp', 'once'")
    device = next(network.parameters()).device
    x = _as_tensor(inputs, device)
    n, n_steps, n_in = x.shape
    if n_in != network.n_inputs:
        raise ValueError(f"inputs have {n_in} channels, the network expects {network.n_inputs}")
    cell = _Cell(network)
    n_hidden = network.n_hidden
    is_lstm = network.arch == "lstm"

    masks: torch.Tensor | None = None
    batched = False
    start = n_steps
    if knockout_masks is not None:
        masks, batched = _check_masks(knockout_masks, n_hidden, device)
        if knockout_start is None:
            raise ValueError("knockout_start is required when knockout_masks are given")
        start = int(knockout_start)
        if not 0 <= start < n_steps:
            raise ValueError(f"knockout_start={start} is outside the sequence (0..{n_steps - 1})")
    elif knockout_start is not None:
        raise ValueError("knockout_start given without knockout_masks")
    n_sets = 1 if masks is None else masks.shape[0]

    def empty(width: int) -> torch.Tensor:
        # step-major storage: every step's block is one contiguous write; returned as a view
        return torch.empty((n_steps, n_sets, n, width), dtype=torch.float32)

    outputs = empty(network.n_outputs)
    hidden = empty(n_hidden) if record_states else None
    cells = empty(n_hidden) if (record_states and is_lstm) else None

    def store(sets: slice, t: int, h: torch.Tensor, c: torch.Tensor | None) -> None:
        outputs[t, sets] = cell.readout(h).cpu()
        if hidden is not None:
            hidden[t, sets] = h.permute(1, 2, 0).cpu()
        if cells is not None:
            cells[t, sets] = c.permute(1, 2, 0).cpu()

    with torch.no_grad():
        gi_all = cell.input_projection(x)  # (T, G·N, n)
        # shared prefix: steps before the knockout, computed once for all sets
        h = torch.zeros((n_hidden, 1, n), dtype=torch.float32, device=device)
        c = torch.zeros_like(h) if is_lstm else None
        for t in range(start):
            h, c = cell.step(gi_all[t], h, c)
            store(slice(None), t, h, c)  # broadcasts over the S sets
        if masks is not None:
            per_chunk = max(1, _CHUNK_ROWS // max(n, 1))
            knock_all = masks.t()[:, :, None]  # (N, S, 1)
            for s0 in range(0, n_sets, per_chunk):
                sets = slice(s0, min(s0 + per_chunk, n_sets))
                knock = knock_all[:, sets]
                size = knock.shape[1]
                hc = h.expand(n_hidden, size, n)
                cc = c.expand(n_hidden, size, n) if c is not None else None
                for t in range(start, n_steps):
                    hc, cc = cell.step(gi_all[t], hc, cc)
                    if t == start or mode == "clamp":
                        hc = hc.masked_fill_(knock, 0.0)
                        cc = cc.masked_fill_(knock, 0.0) if cc is not None else None
                    store(sets, t, hc, cc)

    def finish(a: torch.Tensor | None) -> np.ndarray | None:
        if a is None:
            return None
        arr = a.numpy().transpose(1, 2, 0, 3)  # (S, n, T, ·) view of the step-major storage
        return arr if batched else arr[0]

    return StepwiseRun(outputs=finish(outputs), hidden=finish(hidden), cell=finish(cells))


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
