"""Knockouts on a hand-wired RNN whose units 0, 1, 2 store concepts A, B, C (known answers)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from inforelay.analyses.knockout import (  # noqa: E402
    KNOCKOUT_COLUMNS,
    knockout_effects,
    knockout_experiment,
    knockout_sets,
    knockout_summary,
    rank_units,
    set_accuracy,
)
from inforelay.info import binarize  # noqa: E402
from inforelay.nets import build_network, run_stepwise  # noqa: E402
from inforelay.relay import greedy_relay  # noqa: E402

INFO_LENGTH = 10
EVENTS = (3, 6, 9)
T_K = INFO_LENGTH - 1
NAMES = ("A", "B", "C")


def make_data(n: int, seed: int, delay: int = 2, noise: float = 0.02) -> SimpleNamespace:
    """Memory-like sequences: sensor k fires s_k·a_k at EVENTS[k]; channel 3 is pure noise."""
    rng = np.random.default_rng(seed)
    signs = np.where(np.arange(n)[:, None] // (n // 8) >> np.array([2, 1, 0]) & 1, 1.0, -1.0)
    signs = signs[rng.permutation(n)]
    amp = rng.uniform(0.5, 1.0, size=(n, 3))
    n_steps = INFO_LENGTH + delay
    x = np.zeros((n, n_steps, 4), dtype=np.float32)
    x[:, :INFO_LENGTH, :3] = rng.normal(0.0, noise, size=(n, INFO_LENGTH, 3))
    x[:, :INFO_LENGTH, 3] = rng.normal(0.0, 0.5, size=(n, INFO_LENGTH))
    for k, t in enumerate(EVENTS):
        x[:, t, k] = signs[:, k] * amp[:, k]
    return SimpleNamespace(
        inputs=x,
        targets=signs.astype(np.float32),
        concepts=(signs > 0).astype(np.int8),
        answer_step=np.full(n, n_steps - 1, dtype=np.int64),
        concept_names=NAMES,
    )


def wired_rnn(seed: int = 0, redundant_a: bool = False):
    """Units 0..2 latch sensors A..C (self-excitation 3, input 8); readout k reads unit k only.

    Units 3..11 are random and driven only by the noise channel. With ``redundant_a`` unit 3
    latches A as well and drives unit 0, so a unit-0 knockout that is not held recovers.
    """
    rng = np.random.default_rng(seed)
    net = build_network("rnn", n_inputs=4, n_hidden=12, n_outputs=3, seed=seed)
    w_ih = np.zeros((12, 4))
    w_hh = np.zeros((12, 12))
    for k in range(3):
        w_ih[k, k] = 8.0
        w_hh[k, k] = 3.0
    w_ih[3:, 3] = rng.normal(0.0, 1.0, 9)
    w_hh[3:, 3:] = rng.normal(0.0, 0.3, (9, 9))
    if redundant_a:
        w_ih[3, :] = 0.0
        w_ih[3, 0] = 8.0
        w_hh[3, :] = 0.0
        w_hh[3, 3] = 3.0
        w_hh[0, 3] = 3.0
    w_out = np.zeros((3, 12))
    for k in range(3):
        w_out[k, k] = 3.0
    with torch.no_grad():
        rec = net.recurrent
        rec.weight_ih_l0.copy_(torch.tensor(w_ih, dtype=torch.float32))
        rec.weight_hh_l0.copy_(torch.tensor(w_hh, dtype=torch.float32))
        rec.bias_ih_l0.zero_()
        rec.bias_hh_l0.zero_()
        net.readout.weight.copy_(torch.tensor(w_out, dtype=torch.float32))
        net.readout.bias.zero_()
    return net


@pytest.fixture(scope="module")
def data():
    return make_data(400, seed=1)


@pytest.fixture(scope="module")
def network():
    return wired_rnn()


@pytest.fixture(scope="module")
def relay_ranking(network, data):
    """node_relay of every unit for every concept at t_k, from the real greedy search."""
    run = run_stepwise(network, data.inputs)
    bits = binarize(run.hidden[:, T_K, :])
    x_out = (run.outputs[np.arange(len(data.targets)), data.answer_step] > 0).astype(np.int8)
    return np.stack(
        [greedy_relay(data.concepts[:, c], x_out[:, c], bits).node_relay for c in range(3)]
    )


@pytest.fixture(scope="module")
def table(network, data, relay_ranking):
    return knockout_experiment(network, data, relay_ranking, knockout_step=T_K, n_random=20, seed=7)


def test_rank_units_descending_with_ties_to_lower_index():
    r = np.array([[0.1, 0.5, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]])
    assert rank_units(r).tolist() == [[1, 2, 0, 3], [0, 1, 2, 3]]


def test_relay_finds_the_unit_that_stores_each_concept(relay_ranking):
    assert rank_units(relay_ranking)[:, 0].tolist() == [0, 1, 2]


def test_the_intact_network_is_perfect(network, data):
    run = run_stepwise(network, data.inputs, record_states=False)
    answers = run.outputs[np.arange(len(data.targets)), data.answer_step]
    assert set_accuracy(answers, data.targets).tolist() == [1.0, 1.0, 1.0]


def test_table_shape_and_columns(table):
    assert list(table.columns) == KNOCKOUT_COLUMNS
    # per ranked concept: baseline + 12 relay sets + 12*20 random sets; 3 evaluated concepts each
    assert len(table) == 3 * (1 + 12 + 12 * 20) * 3
    assert set(table["set_kind"]) == {"baseline", "relay", "random"}
    assert table.loc[table["set_kind"] == "baseline", "k"].eq(0).all()
    assert sorted(table["k"].unique().tolist()) == list(range(13))
    assert table["accuracy"].between(0, 1).all()
    assert table.attrs["n_distinct_sets"] < table.attrs["n_sets"]  # identical sets run once


def test_knocking_out_a_concepts_top_unit_hurts_only_that_concept(table):
    k1 = table[(table["set_kind"] == "relay") & (table["k"] == 1)]
    acc = k1.pivot(index="ranked_concept", columns="evaluated_concept", values="accuracy")
    for c in NAMES:
        assert acc.loc[c, c] <= 0.6  # the stored bit is gone: chance on balanced data
        for other in NAMES:
            if other != c:
                assert acc.loc[c, other] >= 0.99
    # random single units mostly miss the concept's unit
    rand = table[(table["set_kind"] == "random") & (table["k"] == 1)]
    own = rand[rand["ranked_concept"] == rand["evaluated_concept"]]
    assert own.groupby("ranked_concept")["accuracy"].mean().min() > 0.8


def test_whole_layer_knockout_is_chance_for_every_concept(table):
    full = table[(table["set_kind"] == "relay") & (table["k"] == 12)]
    assert full["accuracy"].max() <= 0.6


def test_relay_sets_are_nested_and_follow_the_ranking(table, relay_ranking):
    order = rank_units(relay_ranking)
    relay = table[(table["set_kind"] == "relay") & (table["evaluated_concept"] == "A")]
    for name, c in zip(NAMES, range(3)):
        rows = relay[relay["ranked_concept"] == name].set_index("k")["units"]
        for k in range(1, 13):
            assert rows[k] == " ".join(str(u) for u in sorted(order[c, :k]))


def test_random_sets_are_reproducible_and_seed_dependent(network, data, relay_ranking):
    kwargs = dict(knockout_step=T_K, n_random=3, sizes=[2])
    a = knockout_experiment(network, data, relay_ranking, seed=3, **kwargs)
    b = knockout_experiment(network, data, relay_ranking, seed=3, **kwargs)
    c = knockout_experiment(network, data, relay_ranking, seed=4, **kwargs)
    pd.testing.assert_frame_equal(a, b)
    ra, rc = (t[t["set_kind"] == "random"]["units"].tolist() for t in (a, c))
    assert ra != rc


def test_random_control_is_shared_by_ranked_concepts_unless_asked(network, data, relay_ranking):
    def random_units(df):
        r = df[(df["set_kind"] == "random") & (df["evaluated_concept"] == "A")]
        return {
            c: g.sort_values(["k", "draw"])["units"].tolist()
            for c, g in r.groupby("ranked_concept")
        }

    kwargs = dict(knockout_step=T_K, n_random=4, sizes=[3, 2], seed=1)
    shared = random_units(knockout_experiment(network, data, relay_ranking, **kwargs))
    assert shared["A"] == shared["B"] == shared["C"]
    fresh = random_units(
        knockout_experiment(network, data, relay_ranking, random_per_concept=True, **kwargs)
    )
    assert fresh["A"] != fresh["B"]
    assert [len(u.split()) for u in fresh["A"]] == [2] * 4 + [3] * 4


def test_knockout_sets_sizes_and_masks():
    rng = np.random.default_rng(0)
    sets, masks = knockout_sets(np.arange(24.0).reshape(2, 12), sizes=[3, 1], n_random=4, rng=rng)
    assert len(sets) == 2 * (1 + 2 * (1 + 4))
    assert (masks.sum(axis=1) == sets["k"].to_numpy()).all()
    top3 = masks[(sets["set_kind"] == "relay").to_numpy() & (sets["k"] == 3).to_numpy()]
    assert np.flatnonzero(top3[0]).tolist() == [9, 10, 11]
    with pytest.raises(ValueError, match="sizes"):
        knockout_sets(np.zeros((2, 12)), sizes=[0], rng=rng)


def test_clamp_holds_the_knockout_and_once_lets_a_redundant_copy_restore_it(data):
    net = wired_rnn(redundant_a=True)
    ranking = np.zeros((3, 12))
    ranking[0, 0] = 1.0  # knock out unit 0 for concept A
    kwargs = dict(knockout_step=T_K, n_random=0, sizes=[1], seed=0)
    clamp = knockout_experiment(net, data, ranking, mode="clamp", **kwargs)
    once = knockout_experiment(net, data, ranking, mode="once", **kwargs)

    def acc(df):
        row = df[
            (df["set_kind"] == "relay")
            & (df["ranked_concept"] == "A")
            & (df["evaluated_concept"] == "A")
        ]
        return float(row["accuracy"].iloc[0])

    assert acc(clamp) <= 0.6
    assert acc(once) >= 0.99


def test_lstm_and_gru_run(data):
    for arch in ("gru", "lstm"):
        net = build_network(arch, n_inputs=4, seed=2)
        df = knockout_experiment(
            net, data, np.ones((3, 12)), knockout_step=T_K, n_random=2, sizes=[12, 6], seed=0
        )
        # every unit (and cell) silenced: the output is tanh(bias) for every sequence, which
        # matches the sign of exactly half of the balanced targets
        full = df[(df["set_kind"] == "relay") & (df["k"] == 12)]
        assert np.allclose(full["accuracy"], 0.5)


def test_bad_arguments_raise(network, data):
    with pytest.raises(ValueError, match="relay_ranking"):
        knockout_experiment(network, data, np.zeros((3, 5)), knockout_step=T_K, seed=0)
    with pytest.raises(ValueError, match="mode"):
        knockout_experiment(network, data, np.zeros((3, 12)), knockout_step=T_K, seed=0, mode="x")
    with pytest.raises(ValueError, match="knockout_step"):
        knockout_experiment(network, data, np.zeros((3, 12)), knockout_step=50, seed=0)


def test_effects_and_summary(table):
    keyed = []
    for rep in range(3):
        t = table.copy()
        t.insert(0, "replicate", rep)
        t.insert(0, "delay_regime", "random")
        t.insert(0, "model", "rnn")
        t.insert(0, "task", "memory")
        keyed.append(t)
    df = pd.concat(keyed, ignore_index=True)
    eff = knockout_effects(df)
    assert len(eff) == 3 * 3
    assert (eff["target_vs_other"] > 0.02).all()
    assert (eff["target_vs_random"] > 0.02).all()
    assert (eff["n_sizes"] == 11).all()
    summ = knockout_summary(df)
    assert {"mean", "ci_low", "ci_high", "n_networks"} <= set(summ.columns)
    assert "replicate" not in summ.columns
    assert (summ["n_networks"] == 3).all()
    # identical replicates: zero-width intervals; random sets averaged over draws first
    assert np.allclose(summ["ci_low"], summ["mean"]) and np.allclose(summ["ci_high"], summ["mean"])
    assert len(summ) == 3 * (1 + 12 + 12) * 3


def test_removal_rank_top_k_is_the_greedy_relay_set():
    from inforelay.analyses.knockout import rank_units, removal_rank

    order = np.array([[3, 0, 2, 1], [1, 2, 3, 0]])
    ranked = rank_units(removal_rank(order))
    for c in range(2):
        for k in range(1, 5):
            # the k units left after N - k removals
            assert set(ranked[c, :k]) == set(order[c, 4 - k :])
    with pytest.raises(ValueError, match="permutation"):
        removal_rank(np.array([[0, 0, 1, 2]]))


def test_set_accuracy_uses_the_one_scoring_convention():
    outputs = np.array([[[0.0, 0.5], [-0.1, 0.0]]])  # (sets, n, C); an output of 0 answers −1
    targets = np.array([[-1.0, 1.0], [-1.0, 1.0]])
    assert set_accuracy(outputs, targets).tolist() == [[1.0, 0.5]]
    with pytest.raises(ValueError, match="differ in shape"):
        set_accuracy(outputs, targets[:, :1])


def test_summary_of_a_single_network_has_no_interval(table):
    one = table.assign(task="memory", model="rnn", delay_regime="random", replicate=0)
    summ = knockout_summary(one)
    assert (summ["n_networks"] == 1).all()
    assert summ["ci_low"].isna().all() and summ["ci_high"].isna().all()
    assert summ["mean"].between(0, 1).all()
