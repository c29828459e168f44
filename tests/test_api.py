"""The public API for users' own networks: inforelay.record / find_relays / knock_out / load_recording.

Recordings must equal torch's fused forward pass (every module kind, batch_first either way, a
stacked layer, the Cell kinds); the project's RecurrentNetwork must give the pipeline runner's
numbers bit for bit; hand-wired networks whose unit i latches concept i are known answers for
find_relays and knock_out.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import inforelay  # noqa: E402
from inforelay.nets import build_network, run_stepwise  # noqa: E402
from inforelay.relay import RelayWarning  # noqa: E402

FUSED = (torch.nn.RNN, torch.nn.GRU, torch.nn.LSTM)
CELLS = (torch.nn.RNNCell, torch.nn.GRUCell, torch.nn.LSTMCell)
N_IN, N_HIDDEN = 3, 5


def _inputs(n: int = 32, n_steps: int = 9, n_in: int = N_IN, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, n_steps, n_in)).astype(np.float32)


def _scaled(module: torch.nn.Module, factor: float = 2.0) -> torch.nn.Module:
    """Larger weights than torch's default init, so that states are far from 0 and differences show."""
    torch.manual_seed(1)
    with torch.no_grad():
        for p in module.parameters():
            p.normal_(0.0, factor / np.sqrt(N_HIDDEN))
    return module


def _fused(module: torch.nn.Module, x: np.ndarray):
    """The fused forward pass on batch-first inputs: (outputs (n, T, N), final states)."""
    xt = torch.from_numpy(x)
    if not module.batch_first:
        xt = xt.transpose(0, 1)
    with torch.no_grad():
        out, final = module(xt)
    return (out if module.batch_first else out.transpose(0, 1)).numpy(), final


def _own_layout(module: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    """Batch-first inputs in the module's own layout ((T, n, F) for batch_first=False)."""
    return x if getattr(module, "batch_first", True) else np.ascontiguousarray(x.transpose(1, 0, 2))


# ---------------------------------------------------------------------------------------------
# recordings equal the fused forward pass


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("cls", FUSED)
def test_record_equals_fused(cls, batch_first):
    module = _scaled(cls(N_IN, N_HIDDEN, batch_first=batch_first))
    head = torch.nn.Linear(N_HIDDEN, 2)
    x = _inputs()
    rec = inforelay.record(module, _own_layout(module, x), readout=head)
    out, final = _fused(module, x)
    np.testing.assert_allclose(rec.hidden, out, atol=1e-5)
    with torch.no_grad():
        np.testing.assert_allclose(rec.outputs, head(torch.from_numpy(out)).numpy(), atol=1e-5)
    assert rec.hidden.dtype == np.float32 and rec.hidden.shape == (32, 9, N_HIDDEN)
    assert rec.outputs.shape == (32, 9, 2)
    np.testing.assert_array_equal(rec.inputs, x)
    if cls is torch.nn.LSTM:
        h_n, c_n = final
        np.testing.assert_allclose(rec.hidden[:, -1], h_n[0].numpy(), atol=1e-5)
        np.testing.assert_allclose(rec.cell[:, -1], c_n[0].numpy(), atol=1e-5)
        assert rec.attrs["model"] == "lstm"
    else:
        assert rec.cell is None


@pytest.mark.parametrize("cls", FUSED)
def test_record_one_layer_of_a_stacked_module(cls):
    module = _scaled(cls(N_IN, N_HIDDEN, num_layers=2, batch_first=False))
    x = _inputs()
    rec = inforelay.record(module, _own_layout(module, x), layer=1)
    out, final = _fused(module, x)  # the fused module's outputs are those of its last layer
    np.testing.assert_allclose(rec.hidden, out, atol=1e-5)
    assert rec.outputs is None
    h_n = final[0] if cls is torch.nn.LSTM else final
    np.testing.assert_allclose(rec.hidden[:, -1], h_n[1].numpy(), atol=1e-5)
    if cls is torch.nn.LSTM:
        np.testing.assert_allclose(rec.cell[:, -1], final[1][1].numpy(), atol=1e-5)
    # layer 0 of the same module is a different recording
    assert np.abs(inforelay.record(module, _own_layout(module, x), layer=0).hidden - rec.hidden).max() > 1e-2


@pytest.mark.parametrize("cls", CELLS)
def test_record_cells_equal_their_loop(cls):
    cell = _scaled(cls(N_IN, N_HIDDEN))
    x = _inputs()
    rec = inforelay.record(cell, torch.from_numpy(x))
    state, hidden, cells = None, [], []
    with torch.no_grad():
        for t in range(x.shape[1]):
            state = cell(torch.from_numpy(x[:, t]), state)
            hidden.append(state[0] if isinstance(state, tuple) else state)
            cells.append(state[1] if isinstance(state, tuple) else None)
    np.testing.assert_allclose(rec.hidden, torch.stack(hidden, 1).numpy(), atol=1e-5)
    if cls is torch.nn.LSTMCell:
        np.testing.assert_allclose(rec.cell, torch.stack(cells, 1).numpy(), atol=1e-5)
    else:
        assert rec.cell is None


def test_relu_rnn_and_no_bias():
    module = _scaled(torch.nn.RNN(N_IN, N_HIDDEN, nonlinearity="relu", bias=False, batch_first=True))
    x = _inputs()
    np.testing.assert_allclose(inforelay.record(module, x).hidden, _fused(module, x)[0], atol=1e-5)


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_recurrent_network_goes_through_the_pipeline_runner(arch):
    net = build_network(arch, N_IN, 6, 2, seed=4)
    x = _inputs()
    mask = np.zeros(6, dtype=bool)
    mask[[1, 4]] = True
    for rec, run in (
        (inforelay.record(net, x), run_stepwise(net, x)),
        (
            inforelay.knock_out(net, x, units=[1, 4], step=3, mode="once"),
            run_stepwise(net, x, knockout_masks=mask, knockout_start=3, mode="once"),
        ),
    ):
        np.testing.assert_array_equal(rec.hidden, run.hidden)
        np.testing.assert_array_equal(rec.outputs, run.outputs)  # its own readout by default
        assert (rec.cell is None) == (run.cell is None)
        if run.cell is not None:
            np.testing.assert_array_equal(rec.cell, run.cell)


# ---------------------------------------------------------------------------------------------
# knockouts


@pytest.mark.parametrize("cls", FUSED)
def test_knock_out_clamp_and_once(cls):
    module = _scaled(cls(N_IN, N_HIDDEN, batch_first=True))
    head = torch.nn.Linear(N_HIDDEN, 2)
    x = _inputs()
    base = inforelay.record(module, x, readout=head)
    clamp = inforelay.knock_out(module, x, units=[0, 3], step=4, readout=head)
    once = inforelay.knock_out(module, x, units=[0, 3], step=4, readout=head, mode="once")
    for ko in (clamp, once):
        np.testing.assert_array_equal(ko.hidden[:, :4], base.hidden[:, :4])
        np.testing.assert_array_equal(ko.outputs[:, :4], base.outputs[:, :4])
        assert np.all(ko.hidden[:, 4, [0, 3]] == 0.0)
    assert np.all(clamp.hidden[:, 4:, [0, 3]] == 0.0)
    assert np.any(once.hidden[:, 5:, [0, 3]] != 0.0)
    assert np.abs(clamp.outputs[:, 4:] - base.outputs[:, 4:]).max() > 1e-3
    if cls is torch.nn.LSTM:
        assert np.all(clamp.cell[:, 4:, [0, 3]] == 0.0)
        assert np.all(once.cell[:, 4, [0, 3]] == 0.0)
    assert clamp.attrs["knocked_out"] == [0, 3] and clamp.attrs["knockout_step"] == 4


def test_bad_arguments():
    gru = torch.nn.GRU(N_IN, N_HIDDEN, batch_first=True)
    x = _inputs(n=4)
    with pytest.raises(ValueError, match="units"):
        inforelay.knock_out(gru, x, units=[N_HIDDEN], step=1)
    with pytest.raises(ValueError, match="outside the sequence"):
        inforelay.knock_out(gru, x, units=[0], step=9)
    with pytest.raises(ValueError, match="mode"):
        inforelay.knock_out(gru, x, units=[0], step=1, mode="hold")
    with pytest.raises(ValueError, match="layer"):
        inforelay.record(gru, x, layer=1)
    with pytest.raises(ValueError, match="bidirectional"):
        inforelay.record(torch.nn.GRU(N_IN, N_HIDDEN, bidirectional=True), x)
    with pytest.raises(ValueError, match="proj_size"):
        inforelay.record(torch.nn.LSTM(N_IN, N_HIDDEN, proj_size=2), x)
    with pytest.raises(TypeError, match="contains no torch.nn RNN"):
        inforelay.record(torch.nn.Linear(N_IN, N_HIDDEN), x)
    with pytest.raises(ValueError, match="channels"):
        inforelay.record(gru, _inputs(n=4, n_in=N_IN + 1))
    with pytest.raises(ValueError, match="add a batch axis"):
        inforelay.record(gru, x[0])
    with pytest.raises(ValueError, match="readout"):
        inforelay.record(gru, x, readout=lambda h: h[0])


# ---------------------------------------------------------------------------------------------
# known answers: unit i latches concept i


def _latch_data(n_per_combo: int = 128, n_steps: int = 8, seed: int = 0):
    """Concept bits as ±amplitude on inputs 0..2 at step 0, channel 3 noise at every step."""
    rng = np.random.default_rng(seed)
    combos = (np.arange(8)[:, None] >> np.array([2, 1, 0])) & 1
    concepts = np.repeat(combos, n_per_combo, axis=0)[rng.permutation(8 * n_per_combo)]
    n = concepts.shape[0]
    x = np.zeros((n, n_steps, 4), dtype=np.float32)
    x[:, 0, :3] = (2 * concepts - 1) * rng.uniform(0.5, 1.0, size=(n, 3))
    x[:, :, 3] = rng.normal(0.0, 0.5, size=(n, n_steps))
    return x, concepts


def _set(param: torch.Tensor, value: np.ndarray) -> None:
    with torch.no_grad():
        param.copy_(torch.from_numpy(np.array(value, dtype=np.float32)))


def _latch_rnn(seed: int = 0):
    """Units 0..2 latch inputs 0..2 (input weight 8, self-excitation 3); units 3..7 are noise."""
    rng = np.random.default_rng(seed)
    rnn = torch.nn.RNN(4, 8, batch_first=True)
    w_ih, w_hh = np.zeros((8, 4)), np.zeros((8, 8))
    w_ih[[0, 1, 2], [0, 1, 2]] = 8.0
    w_hh[[0, 1, 2], [0, 1, 2]] = 3.0
    w_ih[3:, 3] = rng.normal(0.0, 1.0, 5)
    w_hh[3:, 3:] = rng.normal(0.0, 0.3, (5, 5))
    for name, value in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", 0), ("bias_hh_l0", 0)):
        _set(getattr(rnn, name), np.broadcast_to(value, getattr(rnn, name).shape))
    return rnn


def _latch_lstm(seed: int = 0):
    """LSTM units 0..2 latch inputs 0..2: input, forget and output gates open (bias 10), ``g``
    reads the input (weight 8); units 3..5 are driven by the noise channel."""
    rng = np.random.default_rng(seed)
    n = 6
    lstm = torch.nn.LSTM(4, n, batch_first=True)
    w_ih, w_hh, bias = np.zeros((4 * n, 4)), np.zeros((4 * n, n)), np.zeros(4 * n)
    latch = np.arange(3)
    i_rows, f_rows, g_rows, o_rows = latch, n + latch, 2 * n + latch, 3 * n + latch
    bias[np.r_[i_rows, f_rows, o_rows]] = 10.0
    w_ih[g_rows, latch] = 8.0
    noise = np.arange(3, n)
    for block in range(4):
        w_ih[block * n + noise, 3] = rng.normal(0.0, 1.0, 3)
        w_hh[np.ix_(block * n + noise, noise)] = rng.normal(0.0, 0.5, (3, 3))
    for name, value in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", bias), ("bias_hh_l0", 0)):
        _set(getattr(lstm, name), np.broadcast_to(value, getattr(lstm, name).shape))
    return lstm


def _reading_head(n_units: int) -> torch.nn.Linear:
    """Output i = 3 · unit i."""
    head = torch.nn.Linear(n_units, 3)
    w = np.zeros((3, n_units))
    w[[0, 1, 2], [0, 1, 2]] = 3.0
    _set(head.weight, w)
    _set(head.bias, np.zeros(3))
    return head


def _accuracy(rec, concepts: np.ndarray) -> np.ndarray:
    return ((rec.outputs[:, -1] > 0) == concepts).mean(axis=0)


def _check_known_answers(model, head, x, concepts, states):
    rec = inforelay.record(model, x, readout=head)
    np.testing.assert_array_equal(_accuracy(rec, concepts), 1.0)
    n_steps = x.shape[1]
    rel = inforelay.find_relays(rec, concepts, answer_step=n_steps - 1)
    assert rel.states == states
    # every state, every step from the input on: concept i's largest relay is on unit i, ~1 bit
    best = rel.contribution.argmax(axis=-1)  # (state, step, concept)
    np.testing.assert_array_equal(best, np.broadcast_to(np.arange(3), best.shape))
    # the plug-in relay is exactly the one bit each unit latches; the default subtracts the level a
    # recording with the same units but unrelated labels shows (small for 3 units)
    np.testing.assert_allclose(rel.plugin_full, 1.0, atol=1e-6)
    assert rel.correction == "shuffle" and rel.null_shuffles == 20
    assert (rel.null_full > 0).all() and rel.null_full.max() < 0.15
    np.testing.assert_allclose(rel.full, rel.plugin_full - rel.null_full, atol=1e-12)
    assert rel.contribution[:, :, [0, 1, 2], [0, 1, 2]].min() > 0.8
    for i in range(3):
        ko = inforelay.knock_out(model, x, units=[i], step=2, readout=head)
        acc = _accuracy(ko, concepts)
        assert abs(acc[i] - 0.5) < 0.05, (i, acc)
        np.testing.assert_array_equal(np.delete(acc, i), 1.0)
    return rec


def test_known_answer_rnn():
    x, concepts = _latch_data()
    _check_known_answers(_latch_rnn(), _reading_head(8), x, concepts, ("hidden",))


def test_known_answer_lstm():
    x, concepts = _latch_data()
    lstm = _latch_lstm()
    rec = _check_known_answers(lstm, _reading_head(6), x, concepts, ("hidden", "cell"))
    with torch.no_grad():
        out, (h_n, c_n) = lstm(torch.from_numpy(x))
    np.testing.assert_allclose(rec.hidden, out.numpy(), atol=1e-5)
    np.testing.assert_allclose(rec.hidden[:, -1], h_n[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(rec.cell[:, -1], c_n[0].numpy(), atol=1e-5)


# ---------------------------------------------------------------------------------------------
# find_relays: arguments, table, plot


@pytest.fixture(scope="module")
def latched():
    x, concepts = _latch_data(n_per_combo=16)
    return inforelay.record(_latch_rnn(), x, readout=_reading_head(8)), concepts


def test_relays_table_dims_and_plot(latched):
    rec, concepts = latched
    rel = inforelay.find_relays(rec, concepts, answer_step=7, concept_names=["A", "B", "C"])
    n_steps, n_units = 8, 8
    assert rel.dims["contribution"] == ("state", "step", "concept", "unit")
    assert rel.contribution.shape == (1, n_steps, 3, n_units) and rel.full.shape == (1, n_steps, 3)
    assert rel.p_value is None and rel.analysis_step == n_steps - 1
    df = rel.to_frame()
    assert list(df.columns) == [
        "state", "step", "concept", "unit", "contribution", "full",
        "plugin_contribution", "null_contribution", "plugin_full", "null_full",
        "removal_rank", "removal_loss",
    ]  # fmt: skip
    np.testing.assert_allclose(df.contribution, df.plugin_contribution - df.null_contribution, atol=1e-12)
    # the removal order's last unit has rank N-1; its removal loss is the whole relay
    order, loss = rel.removal_order, rel.removal_loss
    last = order[..., -1]
    np.testing.assert_allclose(np.take_along_axis(loss, last[..., None], -1)[..., 0], rel.plugin_full, atol=1e-9)
    ranks = df["removal_rank"].to_numpy().reshape(order.shape)
    np.testing.assert_array_equal(np.take_along_axis(ranks, order, -1), np.broadcast_to(np.arange(order.shape[-1]), order.shape))
    assert len(df) == n_steps * 3 * n_units
    row = df[(df.step == 5) & (df.concept == "B") & (df.unit == 1)].iloc[0]
    assert row.state == "hidden" and row.contribution == rel.contribution[0, 5, 1, 1]
    assert row.full == rel.full[0, 5, 1]
    from matplotlib.figure import Figure

    assert isinstance(rel.plot(), Figure)
    with pytest.raises(ValueError, match="cell"):
        rel.plot("cell")


def test_relays_with_shuffles_and_threshold(latched):
    rec, concepts = latched
    rel = inforelay.find_relays(rec, concepts, answer_step=7, n_shuffles=5, seed=1)
    df = rel.to_frame()
    assert list(df.columns)[-2:] == ["p_value", "null_mean"]
    assert df.concept.tolist()[:3] == [0, 0, 0]  # indices without concept_names
    # answers as (n, C), an (n,) answer_step and a shifted threshold give the same relays
    answers = rec.outputs[:, 7] + 0.5
    steps = np.full(len(concepts), 7)
    same = inforelay.find_relays(rec, concepts, answer_step=steps, outputs=answers, threshold=0.5)
    np.testing.assert_array_equal(same.contribution, inforelay.find_relays(rec, concepts, answer_step=7).contribution)
    # a threshold above every answer: the network "always says no", nothing is relayed
    with pytest.warns(RelayWarning, match="answers are constant"):
        never = inforelay.find_relays(rec, concepts, answer_step=7, threshold=10.0)
    assert np.abs(never.full).max() < 1e-9
    # ±1 concepts are read as 0/1
    np.testing.assert_array_equal(
        inforelay.find_relays(rec, 2 * concepts - 1, answer_step=7).contribution, same.contribution
    )


def test_find_relays_rejects_bad_inputs(latched):
    rec, concepts = latched
    with pytest.raises(ValueError, match="0/1"):
        inforelay.find_relays(rec, concepts * 2, answer_step=7)
    with pytest.raises(ValueError, match="threshold=0.5"):
        inforelay.find_relays(rec, concepts, answer_step=7, outputs=np.abs(np.tanh(rec.outputs)))
    with pytest.raises(ValueError, match="answer_step"):
        inforelay.find_relays(rec, concepts, answer_step=8)
    with pytest.raises(ValueError, match="answer_step"):
        inforelay.find_relays(rec, concepts)
    with pytest.raises(ValueError, match="concepts"):
        inforelay.find_relays(rec, concepts[:, :2], answer_step=7)
    with pytest.raises(ValueError, match="threshold"):
        inforelay.find_relays(rec, concepts, answer_step=7, threshold=float("nan"))
    no_readout = inforelay.record(_latch_rnn(), rec.inputs)
    with pytest.raises(ValueError, match="no outputs"):
        inforelay.find_relays(no_readout, concepts, answer_step=7)


# ---------------------------------------------------------------------------------------------
# files: save, load, the CLI


def test_save_load_and_the_cli(latched, tmp_path):
    from inforelay.cli import main
    from inforelay.relay import read_relay

    rec, concepts = latched
    path = tmp_path / "rec.h5"
    rec.save(path, concepts=concepts, answer_step=7, attrs={"concept_names": ["A", "B", "C"]})
    back = inforelay.load_recording(path)
    for name in ("inputs", "hidden", "outputs"):
        np.testing.assert_array_equal(getattr(back, name), getattr(rec, name))
    assert back.cell is None and back.attrs["model"] == "rnn"
    np.testing.assert_array_equal(back.concepts, concepts)
    np.testing.assert_array_equal(back.answer_step, np.full(len(concepts), 7))
    assert main(["relay", str(path), "-o", str(tmp_path / "relay.h5")]) == 0
    from_cli = read_relay(tmp_path / "relay.h5")["hidden"]
    rel = inforelay.find_relays(back)  # concepts, answer steps and names stored with the recording
    np.testing.assert_array_equal(rel.plugin_contribution[0], from_cli.contribution)  # the CLI is plug-in
    plugin = inforelay.find_relays(back, correction=None)
    np.testing.assert_array_equal(plugin.contribution[0], from_cli.contribution)
    assert plugin.null_full is None and "null_full" not in plugin.to_frame()
    assert rel.concept_names == ("A", "B", "C")


def test_save_without_readout_or_labels(tmp_path):
    x, _ = _latch_data(n_per_combo=2)
    lstm = _latch_lstm()
    rec = inforelay.record(lstm, x)
    rec.save(tmp_path / "plain.h5")
    back = inforelay.load_recording(tmp_path / "plain.h5")
    assert back.outputs is None and back.concepts is None
    np.testing.assert_array_equal(back.cell, rec.cell)
    with pytest.raises(ValueError, match="both"):
        rec.save(tmp_path / "half.h5", concepts=np.zeros((16, 3), int))
    with pytest.raises(ValueError, match="readout"):
        rec.save(tmp_path / "bad.h5", concepts=np.zeros((16, 3), int), answer_step=7)
    with pytest.raises(FileNotFoundError):
        inforelay.load_recording(tmp_path / "missing.h5")
    (tmp_path / "junk.h5").write_text("not hdf5")
    with pytest.raises(Exception, match="junk.h5"):
        inforelay.load_recording(tmp_path / "junk.h5")


def test_without_torch(latched, tmp_path):
    """``import inforelay``, load_recording and find_relays work without torch; record says what to install."""
    rec, concepts = latched
    path = tmp_path / "rec.h5"
    rec.save(path, concepts=concepts, answer_step=7)
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["torch"] = None  # as if torch were not installed
        import inforelay
        rel = inforelay.find_relays(inforelay.load_recording({str(path)!r}))
        assert rel.contribution.shape == (1, 8, 3, 8)
        for name in ("record", "knock_out"):
            try:
                getattr(inforelay, name)(None, None, units=[0], step=0) if name == "knock_out" else inforelay.record(None, None)
            except ImportError as err:
                assert str(err) == f"inforelay.{{name}} needs PyTorch: pip install 'inforelay[torch]'", err
            else:
                raise AssertionError(name + " did not raise")
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_import_is_cheap():
    script = "import sys, inforelay; assert 'torch' not in sys.modules and 'inforelay.api' not in sys.modules; print('ok')"
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
