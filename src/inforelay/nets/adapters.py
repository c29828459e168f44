"""Per-step cell equations of torch's recurrent modules, read from the modules' own weights.

One small adapter per module kind (:class:`RNNAdapter`, :class:`GRUAdapter`,
:class:`LSTMAdapter`) computes the update of ``h`` (and the LSTM's ``c``) for one time step from
``weight_ih``/``weight_hh``/``bias_ih``/``bias_hh``, with the gate orders torch defines
(docs: ``torch.nn.RNN``, ``GRU``, ``LSTM``):

- RNN:  ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or ``relu``)
- GRU (rows ``r, z, n``): ``r = σ(W_ir x + b_ir + W_hr h + b_hr)``,
  ``z = σ(W_iz x + b_iz + W_hz h + b_hz)``, ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))``,
  ``h' = (1 − z) ⊙ n + z ⊙ h``
- LSTM (rows ``i, f, g, o``): ``c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)``, ``h' = σ(o) ⊙ tanh(c')``

:func:`adapter_for` builds the adapter of a fused ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (one layer
``k`` of it), of an ``nn.RNNCell``/``GRUCell``/``LSTMCell`` or of the project's
:class:`~inforelay.nets.models.RecurrentNetwork`; :func:`layer_inputs` gives the inputs of
layer ``k > 0`` of a stacked module. The runner is :func:`inforelay.nets.stepwise.run_recurrent`.
Computation is float32 without autograd. States are *unit-major*, ``(N, S, n)`` (units, knockout
sets, sequences), so that every gate is a contiguous block of rows of ``W_hh @ h``; element-wise
kernels on contiguous memory are several times faster than on column slices.
"""

from __future__ import annotations

import re

import torch
from torch import nn

from inforelay.core.shapes import axis_length
from inforelay.nets.models import RecurrentNetwork

__all__ = ["CellAdapter", "RNNAdapter", "GRUAdapter", "LSTMAdapter", "adapter_for", "layer_inputs"]

_FUSED = (nn.RNN, nn.GRU, nn.LSTM)
_CELLS = (nn.RNNCell, nn.GRUCell, nn.LSTMCell)


def _weight(value: torch.Tensor | None, rows: int) -> torch.Tensor:
    """A detached float32 copy of a weight; a missing bias (``bias=False``) is zeros."""
    if value is None:
        return torch.zeros(rows, dtype=torch.float32)
    return value.detach().float()


class CellAdapter:
    """The per-step update of one recurrent layer (base class; see the module docstring).

    Parameters
    ----------
    w_ih, w_hh
        ``(G·N, F)`` and ``(G·N, N)``, gate blocks stacked in torch's order.
    b_ih, b_hh
        ``(G·N,)`` or ``None`` (no bias).
    """

    kind: str = ""
    gates: int = 1
    has_cell: bool = False
    n_hidden = axis_length("w_hh", 1, "Units ``N``.")
    n_inputs = axis_length("w_ih", 1, "Input features ``F`` per step.")

    def __init__(
        self, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor | None, b_hh: torch.Tensor | None
    ) -> None:
        rows = w_hh.shape[0]
        self.w_ih = _weight(w_ih, rows)  # (G·N, F)
        self.w_hh = _weight(w_hh, rows)  # (G·N, N)
        self.b_ih = _weight(b_ih, rows).to(self.w_ih.device)
        self.b_hh = _weight(b_hh, rows).to(self.w_ih.device)
        if rows != self.gates * w_hh.shape[1]:
            raise ValueError(f"{self.kind}: weight_hh has {rows} rows, expected {self.gates} x {w_hh.shape[1]}")

    @property
    def device(self) -> torch.device:
        return self.w_ih.device

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        """``W_ih x + b_ih (+ b_hh)`` for every step at once, ``(T, G·N, n)``, from ``x (n, T, F)``.

        ``b_hh`` is folded in here (it is added unchanged at every step) except for the GRU,
        whose ``b_hn`` sits inside the reset gate's product.
        """
        gi = torch.matmul(x, self.w_ih.t()) + (self.b_ih + self.b_hh)  # (n, T, G·N)
        return gi.permute(1, 2, 0).contiguous()

    def recurrent_term(self, h: torch.Tensor) -> torch.Tensor:
        """``W_hh h`` as ``(G·N, S, n)`` from unit-major ``h (N, S, n)``."""
        n_h, n_sets, n = h.shape
        return torch.matmul(self.w_hh, h.reshape(n_h, n_sets * n)).view(-1, n_sets, n)

    def step(
        self, gi: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """One update: ``gi (G·N, n)`` (one step of :meth:`input_projection`), ``h``/``c`` ``(N, S, n)``."""
        raise NotImplementedError


class RNNAdapter(CellAdapter):
    """Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (``nonlinearity="relu"``: relu)."""

    kind = "rnn"
    gates = 1

    def __init__(self, w_ih, w_hh, b_ih, b_hh, nonlinearity: str = "tanh") -> None:
        super().__init__(w_ih, w_hh, b_ih, b_hh)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"unknown RNN nonlinearity {nonlinearity!r}; allowed: 'tanh', 'relu'")
        self.nonlinearity = nonlinearity

    def step(self, gi, h, c):
        gates = self.recurrent_term(h).add_(gi[:, None, :])
        return (gates.tanh_() if self.nonlinearity == "tanh" else gates.relu_()), None


class GRUAdapter(CellAdapter):
    """GRU, gate rows ``r, z, n`` (torch's order)."""

    kind = "gru"
    gates = 3

    def input_projection(self, x: torch.Tensor) -> torch.Tensor:
        gi = torch.matmul(x, self.w_ih.t()) + self.b_ih  # b_hh stays apart: b_hn is gated by r
        return gi.permute(1, 2, 0).contiguous()

    def step(self, gi, h, c):
        """A hot kernel: in-place operations on the gate block avoid one allocation per gate."""
        n_h = h.shape[0]
        gates = self.recurrent_term(h)
        gi = gi[:, None, :]
        rz = gates[: 2 * n_h].add_(gi[: 2 * n_h]).add_(self.b_hh[: 2 * n_h, None, None])
        rz.sigmoid_()
        r, z = rz[:n_h], rz[n_h:]
        cand = gates[2 * n_h :].add_(self.b_hh[2 * n_h :, None, None]).mul_(r)
        cand.add_(gi[2 * n_h :]).tanh_()
        # h' = (1 - z) * n + z * h = n + z * (h - n)
        return torch.addcmul(cand, z, h - cand), None


class LSTMAdapter(CellAdapter):
    """LSTM, gate rows ``i, f, g, o`` (torch's order); also updates the cell state ``c``."""

    kind = "lstm"
    gates = 4
    has_cell = True

    def step(self, gi, h, c):
        """A hot kernel: in-place operations on the gate block avoid one allocation per gate."""
        n_h = h.shape[0]
        gates = self.recurrent_term(h).add_(gi[:, None, :])
        gates[: 2 * n_h].sigmoid_()
        gates[3 * n_h :].sigmoid_()
        gates[2 * n_h : 3 * n_h].tanh_()
        i, f = gates[:n_h], gates[n_h : 2 * n_h]
        g, o = gates[2 * n_h : 3 * n_h], gates[3 * n_h :]
        c_new = f.mul_(c).addcmul_(i, g)
        return o.mul_(torch.tanh(c_new)), c_new


_ADAPTERS: dict[type, type[CellAdapter]] = {
    nn.RNN: RNNAdapter,
    nn.RNNCell: RNNAdapter,
    nn.GRU: GRUAdapter,
    nn.GRUCell: GRUAdapter,
    nn.LSTM: LSTMAdapter,
    nn.LSTMCell: LSTMAdapter,
}


def _module_kind(module: nn.Module) -> type:
    """The torch class among :data:`_ADAPTERS` that ``module`` is an instance of."""
    for cls in _ADAPTERS:
        if isinstance(module, cls):
            return cls
    raise TypeError(
        f"cannot record a {type(module).__name__}; supported: torch.nn.RNN, GRU, LSTM, RNNCell, "
        "GRUCell, LSTMCell and inforelay's RecurrentNetwork"
    )


def _check_fused(module: nn.RNNBase, layer: int) -> None:
    """Raise ``ValueError`` for what the adapters do not model (bidirectional, projections, bad layer)."""
    if module.bidirectional:
        raise ValueError("bidirectional modules are not supported (record each direction's module separately)")
    if getattr(module, "proj_size", 0):
        raise ValueError("LSTMs with proj_size > 0 are not supported")
    if isinstance(layer, bool) or int(layer) != layer or not 0 <= layer < module.num_layers:
        raise ValueError(f"layer must be an integer in 0..{module.num_layers - 1}, got {layer!r}")


def adapter_for(module: nn.Module, layer: int = 0) -> CellAdapter:
    """The :class:`CellAdapter` of one layer of a torch recurrent module.

    Parameters
    ----------
    module
        ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (unidirectional, no projection), ``nn.RNNCell``/
        ``nn.GRUCell``/``nn.LSTMCell``, or a :class:`RecurrentNetwork` (its recurrent layer).
    layer
        Layer of a stacked fused module (0-based); must be 0 for the other kinds.

    Raises
    ------
    TypeError
        For an unsupported module class.
    ValueError
        For a bidirectional or projected module or a layer it does not have.
    """
    if isinstance(module, RecurrentNetwork):
        module = module.recurrent
    cls = _module_kind(module)
    extra = {"nonlinearity": module.nonlinearity} if cls in (nn.RNN, nn.RNNCell) else {}
    if cls in _CELLS:
        if layer != 0:
            raise ValueError(f"a {cls.__name__} has one layer; got layer={layer!r}")
        return _ADAPTERS[cls](module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh, **extra)
    _check_fused(module, layer)
    weights = [getattr(module, f"{name}_l{int(layer)}", None) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return _ADAPTERS[cls](*weights, **extra)


def layer_inputs(
    module: nn.RNNBase,
    inputs: torch.Tensor,
    layer: int,
    hx: torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None = None,
) -> torch.Tensor:
    """Inputs of layer ``layer`` of a stacked fused module: the outputs of layer ``layer − 1``.

    Computed with torch's fused implementation on a copy of the first ``layer`` layers (no
    dropout between them: the module as in ``eval()`` mode).

    Parameters
    ----------
    module
        A fused ``nn.RNN``/``nn.GRU``/``nn.LSTM``.
    inputs
        ``(n, T, F)`` batch first, float32.
    layer
        0-based layer; ``0`` returns ``inputs`` unchanged.
    hx
        Initial states of the first ``layer`` layers in torch's format (``(layer, n, N)``, a pair
        for an LSTM), or ``None`` for zeros.
    """
    _check_fused(module, layer)
    if layer == 0:
        return inputs
    extra = {"nonlinearity": module.nonlinearity} if isinstance(module, nn.RNN) else {}
    lower = type(module)(
        module.input_size, module.hidden_size, num_layers=int(layer), bias=module.bias, batch_first=True, **extra
    )
    keep = {
        name: value
        for name, value in module.state_dict().items()
        if int(re.search(r"_l(\d+)$", name).group(1)) < layer
    }
    lower.load_state_dict(keep)
    lower = lower.to(device=inputs.device, dtype=torch.float32)
    if hx is not None:
        hx = tuple(h.to(inputs.device) for h in hx) if isinstance(hx, tuple) else hx.to(inputs.device)
    with torch.no_grad():
        return lower(inputs, hx)[0]
