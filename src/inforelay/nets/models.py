"""Recurrent networks (RNN, GRU, LSTM) with a linear readout (``docs/method.md``).

Training uses torch's fused ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` (:meth:`RecurrentNetwork.forward`).
Recording and knockouts use :func:`inforelay.nets.stepwise.run_stepwise`, which computes the
*same* weights one time step at a time with the cell equations below, so that every hidden state
``h_t`` (and LSTM cell state ``c_t``) can be read and set to 0.0.

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

import torch
from torch import nn

from inforelay.nets.portable import portable_cpu_math

__all__ = ["ARCHITECTURES", "OUTPUT_ACTIVATIONS", "RecurrentNetwork", "build_network"]

ARCHITECTURES = ("rnn", "gru", "lstm")
OUTPUT_ACTIVATIONS = ("tanh", None)

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
        with portable_cpu_math():  # the same numbers on every processor (nets.portable)
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
