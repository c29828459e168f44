"""The traps of recording one's own model: initial states, input layout, custom modules, patching.

Each test failed before the API took ``h0``/``c0``, followed the module's ``batch_first``,
recorded custom modules through hooks and had ``patch``.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn

import inforelay


class LoopedGRU(nn.Module):
    """A custom module: a learned initial state, a GRUCell loop and a Linear readout per step."""

    def __init__(self, n_in: int = 2, n_hidden: int = 6, n_out: int = 2) -> None:
        super().__init__()
        self.cell = nn.GRUCell(n_in, n_hidden)
        self.head = nn.Linear(n_hidden, n_out)
        self.h0 = nn.Parameter(torch.randn(n_hidden))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.h0.expand(x.shape[0], -1)
        outs = []
        for t in range(x.shape[1]):
            h = self.cell(x[:, t], h)
            outs.append(self.head(h))
        return torch.stack(outs, 1)


class WrappedLSTM(nn.Module):
    """A custom module around a fused one-layer LSTM with a learned initial state."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(2, 5, batch_first=True)
        self.head = nn.Linear(5, 1)
        self.h0 = nn.Parameter(torch.randn(1, 1, 5))
        self.c0 = nn.Parameter(torch.randn(1, 1, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        seq, _ = self.rnn(x, (self.h0.expand(1, n, 5).contiguous(), self.c0.expand(1, n, 5).contiguous()))
        return self.head(seq)


@pytest.fixture(scope="module")
def inputs():
    return torch.randn(40, 7, 2, generator=torch.Generator().manual_seed(0))


def test_given_initial_state_equals_the_modules_forward(inputs):
    torch.manual_seed(1)
    lstm = nn.LSTM(2, 5, batch_first=True)
    h0, c0 = torch.randn(1, 40, 5), torch.randn(1, 40, 5)
    own, _ = lstm(inputs, (h0, c0))
    rec = inforelay.record(lstm, inputs, h0=h0, c0=c0)
    np.testing.assert_allclose(rec.hidden, own.detach().numpy(), atol=1e-5)
    zero = inforelay.record(lstm, inputs)
    assert np.abs(zero.hidden - own.detach().numpy()).max() > 1e-2  # the trap: starting from zero differs


def test_initial_state_reaches_the_knockout_prefix(inputs):
    torch.manual_seed(2)
    gru = nn.GRU(2, 4, batch_first=True)
    h0 = torch.randn(1, 40, 4)
    own, _ = gru(inputs, h0)
    ko = inforelay.knock_out(gru, inputs, units=[1], step=3, h0=h0)
    np.testing.assert_allclose(ko.hidden[:, :3], own.detach().numpy()[:, :3], atol=1e-5)
    assert np.all(ko.hidden[:, 3:, 1] == 0)


def test_c0_of_a_gru_is_refused(inputs):
    with pytest.raises(ValueError, match="c0 is the initial cell state of an LSTM"):
        inforelay.record(nn.GRU(2, 4, batch_first=True), inputs, c0=torch.zeros(1, 40, 4))


def test_inputs_follow_the_modules_batch_first():
    torch.manual_seed(3)
    gru = nn.GRU(1, 3)  # batch_first=False: (T, n, F)
    x = torch.randn(7, 300, 1)  # 300 sequences of 7 steps, in the module's layout
    own, _ = gru(x)
    rec = inforelay.record(gru, x)
    assert rec.hidden.shape == (300, 7, 3)  # not 7 samples of 300 steps
    np.testing.assert_allclose(rec.hidden, own.detach().numpy().transpose(1, 0, 2), atol=1e-5)
    np.testing.assert_array_equal(rec.inputs, x.numpy().transpose(1, 0, 2))


def test_contradicting_layout_is_refused():
    gru = nn.GRU(1, 3)
    x = torch.randn(7, 300, 1)
    with pytest.raises(ValueError, match="contradicts the module's batch_first=False"):
        inforelay.record(gru, x, batch_first=True)
    with pytest.raises(ValueError, match="are the inputs in the module's layout"):
        inforelay.record(gru, x.transpose(0, 1), h0=torch.zeros(1, 300, 3))
    with pytest.raises(ValueError, match=r"\(T, n, features\)"):
        inforelay.record(gru, torch.randn(7, 1))


def test_custom_module_is_recorded_as_it_runs(inputs):
    torch.manual_seed(4)
    net = LoopedGRU()
    rec = inforelay.record(net, inputs, readout=net.head)
    np.testing.assert_allclose(rec.outputs, net(inputs).detach().numpy(), atol=1e-6)
    # the learned initial state is used: the first state is the cell's update of h0
    first = net.cell(inputs[:, 0], net.h0.expand(40, -1)).detach().numpy()
    np.testing.assert_allclose(rec.hidden[:, 0], first, atol=1e-6)
    assert rec.attrs["model"] == "gru" and rec.attrs["recorded_by"] == "hooks"
    own = inforelay.record(net, inputs)  # no readout: the module's own (n, T, C) outputs
    np.testing.assert_allclose(own.outputs, rec.outputs, atol=1e-6)


def test_custom_module_around_a_fused_layer(inputs):
    torch.manual_seed(5)
    net = WrappedLSTM()
    rec = inforelay.record(net, inputs, readout=net.head)
    np.testing.assert_allclose(rec.outputs, net(inputs).detach().numpy(), atol=1e-5)
    assert rec.cell.shape == (40, 7, 5)
    ko = inforelay.knock_out(net, inputs, units=[0, 2], step=2, readout=net.head)
    assert np.all(ko.hidden[:, 2:, [0, 2]] == 0) and np.all(ko.cell[:, 2:, [0, 2]] == 0)
    np.testing.assert_allclose(ko.hidden[:, :2], rec.hidden[:, :2], atol=1e-6)


def test_custom_module_knockout_reaches_the_rest_of_the_forward(inputs):
    torch.manual_seed(6)
    net = LoopedGRU()
    base = inforelay.record(net, inputs, readout=net.head)
    for ablation in ("zero", "mean", "resample"):
        ko = inforelay.knock_out(net, inputs, units=[1, 2], step=3, readout=net.head, ablation=ablation)
        np.testing.assert_allclose(ko.hidden[:, :3], base.hidden[:, :3], atol=1e-6)
        assert not np.allclose(ko.outputs[:, 3:], base.outputs[:, 3:])
    mean = inforelay.knock_out(net, inputs, units=[1], step=3, ablation="mean")
    assert mean.hidden[:, 3:, 1].std(axis=0).max() < 1e-6  # every sequence holds one value
    np.testing.assert_allclose(mean.hidden[0, 3, 1], base.hidden[:, 3, 1].mean(), atol=1e-6)


def test_refusals_name_the_call_that_works(inputs):
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.GRUCell(2, 3), nn.GRUCell(3, 3)

    with pytest.raises(TypeError, match=r"inforelay.record\(model.a, inputs, readout=...\)"):
        inforelay.record(Two(), inputs)
    with pytest.raises(TypeError, match="contains no torch.nn RNN"):
        inforelay.record(nn.Linear(2, 2), inputs)

    class Unbatched(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = nn.RNNCell(2, 3)

        def forward(self, x):
            h = torch.zeros(3)
            for t in range(x.shape[1]):
                h = self.cell(x[0, t], h)
            return h

    with pytest.raises(ValueError, match=r"inforelay.record\(model.cell, inputs, readout=...\)"):
        inforelay.record(Unbatched(), inputs)
    with pytest.raises(ValueError, match="h0/c0 are for torch's recurrent modules"):
        inforelay.record(LoopedGRU(), inputs, h0=torch.zeros(40, 6))


def _memory_rnn() -> nn.RNN:
    """Two saturated self-exciting units: unit i stores the sign of input channel i at step 0."""
    rnn = nn.RNN(2, 2, batch_first=True, bias=False)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.eye(2) * 5.0)
        rnn.weight_hh_l0.copy_(torch.eye(2) * 5.0)
    return rnn


@pytest.mark.parametrize("mode", ["once", "clamp"])
def test_patching_one_unit_flips_exactly_one_concept(mode):
    rnn = _memory_rnn()
    signs = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    x = torch.zeros(4, 5, 2)
    x[:, 0] = signs
    source = x.clone()
    source[:, 0, 0] *= -1  # the source differs in concept 0 only
    readout = nn.Identity()
    base = inforelay.record(rnn, x, readout=readout)
    patched = inforelay.patch(rnn, x, source, units=[0], step=1, readout=readout, mode=mode)
    answers, before = patched.outputs[:, -1] > 0, base.outputs[:, -1] > 0
    np.testing.assert_array_equal(answers[:, 0], ~before[:, 0])  # concept 0 flips on every sequence
    np.testing.assert_array_equal(answers[:, 1], before[:, 1])  # concept 1 does not
    np.testing.assert_allclose(patched.hidden[:, 0], base.hidden[:, 0])  # before the step: untouched
    assert patched.attrs["ablation"] == "patch"


def test_patch_through_hooks_equals_the_direct_patch(inputs):
    torch.manual_seed(7)
    net = LoopedGRU()
    with torch.no_grad():
        net.h0.zero_()  # a zero initial state: the direct run of the cell is the same model
    source = inputs.flip(0)
    hooked = inforelay.patch(net, inputs, source, units=[0, 3], step=2)
    direct = inforelay.patch(net.cell, inputs, source, units=[0, 3], step=2)
    np.testing.assert_allclose(hooked.hidden, direct.hidden, atol=1e-5)


def test_patch_needs_matching_source(inputs):
    with pytest.raises(ValueError, match="source_inputs must have the shape of inputs"):
        inforelay.patch(_memory_rnn(), inputs, inputs[:10], units=[0], step=1)
