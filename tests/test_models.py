"""Recurrent networks: the step-wise run equals the fused module; knockouts behave as specified."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inforelay.nets.models import ARCHITECTURES, RecurrentNetwork, build_network
from inforelay.nets.stepwise import answers, run_stepwise

N_IN, N_HIDDEN, N_OUT = 3, 12, 3


def _inputs(n: int = 40, n_steps: int = 13, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, n_steps, N_IN)).astype(np.float32)
    x[:, 10:, :] = 0.0  # a zero delay phase, as in the tasks
    return x


@pytest.fixture(params=ARCHITECTURES)
def network(request) -> RecurrentNetwork:
    net = build_network(request.param, N_IN, N_HIDDEN, N_OUT, seed=7)
    # larger weights than torch's default init, so states are far from 0 and differences show
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(3.0)
    return net


def test_stepwise_equals_fused(network):
    x = _inputs()
    run = run_stepwise(network, x)
    with torch.no_grad():
        fused_out = network(torch.from_numpy(x)).numpy()
        fused_states = network.recurrent(torch.from_numpy(x))
    fused_hidden = fused_states[0].numpy()
    np.testing.assert_allclose(run.outputs, fused_out, atol=1e-5)
    np.testing.assert_allclose(run.hidden, fused_hidden, atol=1e-5)
    assert run.outputs.shape == (40, 13, N_OUT)
    assert run.outputs.dtype == np.float32 and run.hidden.dtype == np.float32
    if network.arch == "lstm":
        # the fused module returns only the last cell state: compare it with ours at T-1
        _, (_, c_last) = fused_states[0], fused_states[1]
        np.testing.assert_allclose(run.cell[:, -1, :], c_last[0].numpy(), atol=1e-5)
    else:
        assert run.cell is None


def test_stepwise_without_output_activation():
    net = build_network("gru", N_IN, N_HIDDEN, 2, output_activation=None, seed=3)
    x = _inputs(n=10)
    run = run_stepwise(net, x)
    with torch.no_grad():
        fused = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(run.outputs, fused, atol=1e-5)
    # a linear readout is not bounded by tanh
    with torch.no_grad():
        net.readout.bias.fill_(5.0)
    assert run_stepwise(net, x).outputs.max() > 1.0


def test_build_network_is_deterministic_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = build_network("lstm", N_IN, seed=5)
    after = torch.rand(1)
    b = build_network("lstm", N_IN, seed=5)
    c = build_network("lstm", N_IN, seed=6)
    assert torch.equal(before, after)
    for (name, pa), pb, pc in zip(a.state_dict().items(), b.state_dict().values(), c.state_dict().values(), strict=True):
        assert torch.equal(pa, pb), name
    assert not all(torch.equal(pa, pc) for pa, pc in zip(a.state_dict().values(), c.state_dict().values(), strict=True))


def test_knockout_changes_later_states_only(network):
    x = _inputs()
    mask = np.zeros(N_HIDDEN, dtype=bool)
    mask[[1, 4, 7]] = True
    start = 9
    base = run_stepwise(network, x)
    ko = run_stepwise(network, x, knockout_masks=mask, knockout_start=start)
    np.testing.assert_array_equal(ko.hidden[:, :start], base.hidden[:, :start])
    np.testing.assert_array_equal(ko.outputs[:, :start], base.outputs[:, :start])
    assert np.abs(ko.hidden[:, start:] - base.hidden[:, start:]).max() > 1e-3
    assert np.abs(ko.outputs[:, start:] - base.outputs[:, start:]).max() > 1e-3
    # the units that were not knocked out change too, after the knockout step (recurrence)
    assert np.abs(ko.hidden[:, start + 1 :, ~mask] - base.hidden[:, start + 1 :, ~mask]).max() > 1e-3


def test_clamp_holds_zero_and_once_does_not(network):
    x = _inputs()
    mask = np.zeros(N_HIDDEN, dtype=bool)
    mask[[0, 5]] = True
    start = 8
    clamp = run_stepwise(network, x, knockout_masks=mask, knockout_start=start, mode="clamp")
    once = run_stepwise(network, x, knockout_masks=mask, knockout_start=start, mode="once")
    assert np.all(clamp.hidden[:, start:, mask] == 0.0)
    assert np.all(once.hidden[:, start, mask] == 0.0)
    assert np.any(once.hidden[:, start + 1 :, mask] != 0.0)
    assert np.any(clamp.hidden[:, start:, ~mask] != 0.0)
    if network.arch == "lstm":
        assert np.all(clamp.cell[:, start:, mask] == 0.0)
        assert np.all(once.cell[:, start, mask] == 0.0)
        assert np.any(once.cell[:, start + 1 :, mask] != 0.0)
    # "once" and "clamp" agree up to and including the knockout step
    np.testing.assert_array_equal(once.hidden[:, : start + 1], clamp.hidden[:, : start + 1])


@pytest.mark.parametrize("mode", ["clamp", "once"])
def test_batched_masks_equal_one_at_a_time(network, mode):
    x = _inputs(n=25)
    rng = np.random.default_rng(11)
    masks = rng.random((7, N_HIDDEN)) < 0.4
    masks[0] = False  # an empty set: the unperturbed run
    masks[1] = True  # every unit
    start = 9
    batched = run_stepwise(network, x, knockout_masks=masks, knockout_start=start, mode=mode)
    assert batched.outputs.shape == (7, 25, 13, N_OUT)
    assert batched.hidden.shape == (7, 25, 13, N_HIDDEN)
    for s, mask in enumerate(masks):
        single = run_stepwise(network, x, knockout_masks=mask, knockout_start=start, mode=mode)
        np.testing.assert_allclose(batched.outputs[s], single.outputs, atol=1e-6)
        np.testing.assert_allclose(batched.hidden[s], single.hidden, atol=1e-6)
        if network.arch == "lstm":
            np.testing.assert_allclose(batched.cell[s], single.cell, atol=1e-6)
    plain = run_stepwise(network, x)
    np.testing.assert_allclose(batched.outputs[0], plain.outputs, atol=1e-6)


def test_batched_chunks_and_no_state_recording(network, monkeypatch):
    from inforelay.nets import stepwise

    x = _inputs(n=10)
    masks = np.random.default_rng(2).random((9, N_HIDDEN)) < 0.5
    full = run_stepwise(network, x, knockout_masks=masks, knockout_start=10, record_states=False)
    assert full.hidden is None and full.cell is None
    monkeypatch.setattr(stepwise, "_CHUNK_ROWS", 20)  # 2 sets per chunk, last chunk partial
    chunked = run_stepwise(network, x, knockout_masks=masks, knockout_start=10)
    np.testing.assert_allclose(chunked.outputs, full.outputs, atol=1e-6)


def test_stepwise_rejects_bad_arguments(network):
    x = _inputs(n=4)
    with pytest.raises(ValueError, match="knockout_start is required"):
        run_stepwise(network, x, knockout_masks=np.zeros(N_HIDDEN, bool))
    with pytest.raises(ValueError, match="outside the sequence"):
        run_stepwise(network, x, knockout_masks=np.zeros(N_HIDDEN, bool), knockout_start=13)
    with pytest.raises(ValueError, match="boolean"):
        run_stepwise(network, x, knockout_masks=np.zeros(N_HIDDEN), knockout_start=3)
    with pytest.raises(ValueError, match="hidden units"):
        run_stepwise(network, x, knockout_masks=np.zeros(5, bool), knockout_start=3)
    with pytest.raises(ValueError, match="mode"):
        run_stepwise(network, x, knockout_masks=np.zeros(N_HIDDEN, bool), knockout_start=3, mode="hold")
    with pytest.raises(ValueError, match="channels"):
        run_stepwise(network, np.zeros((2, 5, 4), np.float32))


def test_answers_reads_each_samples_step():
    outputs = np.arange(2 * 3 * 5 * 2, dtype=np.float32).reshape(2, 3, 5, 2)  # (S, n, T, out)
    steps = np.array([0, 4, 2])
    got = answers(outputs, steps)
    assert got.shape == (2, 3, 2)
    for s in range(2):
        for i, t in enumerate(steps):
            np.testing.assert_array_equal(got[s, i], outputs[s, i, t])
    np.testing.assert_array_equal(answers(outputs[0], steps), got[0])
    with pytest.raises(ValueError, match="outside"):
        answers(outputs, np.array([0, 5, 1]))
    with pytest.raises(ValueError, match="shape"):
        answers(outputs, np.array([0, 1]))


def test_unknown_architecture():
    with pytest.raises(ValueError, match="allowed: rnn, gru, lstm"):
        RecurrentNetwork("transformer", 3)
