"""Relay information, the greedy search, relay over time and relay files (inforelay.relay.search)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from types import SimpleNamespace

import dit
import h5py
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inforelay.relay.search as relay_mod
from inforelay.info.measures import binarize
from inforelay.relay.search import (
    RelayFileError,
    RelayOverTime,
    _exhaustive_relay,
    _reference_greedy_relay,
    _reference_relay_information,
    greedy_relay,
    read_relay,
    read_relay_attrs,
    read_relay_inputs,
    relay_all_states,
    relay_information,
    relay_over_time,
    write_relay,
)

# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


def network_like(n: int, n_units: int, seed: int, noise: float = 0.5):
    """X_in, X_out and binarized units that mix three concept bits like a trained network."""
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, 3))
    weights = rng.normal(0, 1.5, (3, n_units)) * (rng.random((3, n_units)) < 0.6)
    act = np.tanh((2 * concepts - 1) @ weights + noise * rng.normal(size=(n, n_units)))
    x_out = np.where(rng.random(n) < 0.95, concepts[:, 0], 1 - concepts[:, 0])
    return concepts[:, 0], x_out, binarize(act)


def random_case(seed: int):
    """Assorted small cases: coin flips, partial copies, ternary X_in, constant and duplicate units."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    n_units = int(rng.integers(1, 8))
    x = rng.integers(0, 3 if seed % 7 == 0 else 2, n)
    z = np.where(rng.random(n) < 0.8, x % 2, 1 - x % 2)
    bits = rng.integers(0, 2, (n, n_units)).astype(np.int8)
    for j in range(n_units):
        kind = rng.integers(0, 5)
        if kind == 0:
            bits[:, j] = np.where(rng.random(n) < 0.75, x % 2, bits[:, j])
        elif kind == 1:
            bits[:, j] = np.where(rng.random(n) < 0.75, z, bits[:, j])
        elif kind == 2 and j:
            bits[:, j] = bits[:, j - 1]  # duplicate unit: exact ties
        elif kind == 3:
            bits[:, j] = 0  # constant unit
    if seed % 11 == 0:
        x = np.ones(n, dtype=int)  # constant X_in: no information at all
    return x, z, bits


def assert_same(a, b, atol=1e-9):
    assert np.array_equal(a.order, b.order), (a.order, b.order)
    np.testing.assert_allclose(a.curve, b.curve, rtol=0, atol=atol)
    np.testing.assert_allclose(a.node_relay, b.node_relay, rtol=0, atol=atol)
    np.testing.assert_allclose(a.contribution, b.contribution, rtol=0, atol=atol)
    assert a.full == pytest.approx(b.full, abs=atol)


def dit_distribution(*columns: np.ndarray) -> dit.Distribution:
    rows = np.column_stack(columns)
    uniq, counts = np.unique(rows, axis=0, return_counts=True)
    return dit.Distribution([tuple(int(v) for v in r) for r in uniq], (counts / counts.sum()).tolist())


# ---------------------------------------------------------------------------
# relay information
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_relay_information_equals_eight_term_formula_and_dit(seed):
    x, z, bits = network_like(int(200 + 100 * seed), 4, seed, noise=1.0)
    n_units = bits.shape[1]
    d = dit_distribution(x, z, bits)  # variables: 0 = X_in, 1 = X_out, 2.. = units
    for size in range(1, n_units + 1):
        for relay in itertools.combinations(range(n_units), size):
            rest = [u for u in range(n_units) if u not in relay]
            expected = dit.multivariate.coinformation(
                d, [[0], [1], [2 + u for u in relay]], [2 + u for u in rest]
            )
            assert relay_information(x, z, bits, relay) == pytest.approx(expected, abs=1e-10)
            assert _reference_relay_information(x, z, bits, relay) == pytest.approx(expected, abs=1e-10)
    assert relay_information(x, z, bits, []) == 0.0
    mask = np.array([True, False, True, False])
    assert relay_information(x, z, bits, mask) == pytest.approx(relay_information(x, z, bits, [0, 2]))


def test_relay_information_errors():
    x = np.zeros(10, dtype=int)
    bits = np.zeros((10, 3), dtype=np.int8)
    with pytest.raises(ValueError, match="0..2"):
        relay_information(x, x, bits, [3])
    with pytest.raises(ValueError, match="duplicates"):
        relay_information(x, x, bits, [1, 1])
    with pytest.raises(ValueError, match="x_out must have shape"):
        relay_information(x, x[:5], bits, [0])
    with pytest.raises(ValueError, match="only 0 and 1"):
        relay_information(x, x, bits + 2, [0])
    with pytest.raises(ValueError, match=r"\(n, N\)"):
        greedy_relay(x, x, bits[:, 0])
    with pytest.raises(ValueError, match="n_shuffles"):
        greedy_relay(x, x, bits, n_shuffles=-1)


# ---------------------------------------------------------------------------
# known answers
# ---------------------------------------------------------------------------


def test_copy_unit_is_removed_last_and_carries_everything():
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.integers(0, 2, n)
    noise = rng.integers(0, 2, (n, 5))
    bits = np.column_stack([noise[:, :2], x, noise[:, 2:]]).astype(np.int8)  # unit 2 copies X_in = X_out
    res = greedy_relay(x, x, bits)
    assert res.order[-1] == 2
    assert res.full == pytest.approx(1.0, abs=0.02)
    assert res.contribution[2] == pytest.approx(res.full, abs=0.02)
    assert np.all(np.abs(np.delete(res.contribution, 2)) < 0.02)


def test_independent_units_relay_almost_nothing():
    rng = np.random.default_rng(1)
    n = 5000
    x = rng.integers(0, 2, n)
    z = np.where(rng.random(n) < 0.9, x, 1 - x)
    bits = rng.integers(0, 2, (n, 4)).astype(np.int8)
    res = greedy_relay(x, z, bits)
    assert abs(res.full) < 0.02
    assert np.all(np.abs(res.contribution) < 0.02)
    assert np.all(np.abs(res.node_relay) < 0.05)


def test_xor_pair_relays_only_together():
    """X_in = X_out = a XOR b: each of a, b alone says nothing about X, the pair says all of it."""
    rng = np.random.default_rng(2)
    n = 6000
    a, b = rng.integers(0, 2, (2, n))
    x = a ^ b
    noise = rng.integers(0, 2, (n, 3))
    only_a = np.column_stack([a, noise]).astype(np.int8)
    only_b = np.column_stack([b, noise]).astype(np.int8)
    both = np.column_stack([a, b, noise]).astype(np.int8)
    # I_R of one unit analysed without its partner: ~0; of the pair: the whole bit
    assert abs(relay_information(x, x, only_a, [0])) < 0.01
    assert abs(relay_information(x, x, only_b, [0])) < 0.01
    pair = relay_information(x, x, both, [0, 1])
    assert pair == pytest.approx(1.0, abs=0.01)
    assert abs(relay_information(x, x, both, [2, 3, 4])) < 0.01  # the noise units relay nothing
    res = greedy_relay(x, x, both)
    assert res.full == pytest.approx(relay_information(x, x, both, range(5)), abs=1e-12)
    assert res.full == pytest.approx(pair, abs=0.01)
    # the greedy search keeps a partner of the pair to the end; all the relay is on the pair
    assert res.order[-1] in (0, 1)
    assert res.contribution[0] + res.contribution[1] == pytest.approx(res.full, abs=0.02)
    assert np.all(np.abs(res.contribution[2:]) < 0.01)


def test_redundant_pair_relays_only_as_a_set():
    """Two copies of X: a set relays only if it holds both (the other copy in Y_0 explains X)."""
    rng = np.random.default_rng(3)
    n = 4000
    x = rng.integers(0, 2, n)
    noise = rng.integers(0, 2, (n, 3))
    bits = np.column_stack([noise[:, 0], x, noise[:, 1], x, noise[:, 2]]).astype(np.int8)
    for relay in ([1], [3], [0, 1, 2], [2, 3, 4]):
        assert abs(relay_information(x, x, bits, relay)) < 0.01
    assert relay_information(x, x, bits, [1, 3]) == pytest.approx(1.0, abs=0.01)
    res = greedy_relay(x, x, bits)
    assert sorted(res.order[-2:]) == [1, 3]
    assert res.order[-2] == 1  # tie between the copies: the lower index goes first
    assert res.contribution[1] == pytest.approx(res.full, abs=0.02)  # the drop happens at step N-1


# ---------------------------------------------------------------------------
# fast search == plain reference
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_fast_greedy_equals_reference(seed):
    x, z, bits = random_case(seed)
    assert_same(greedy_relay(x, z, bits), _reference_greedy_relay(x, z, bits))


@pytest.mark.parametrize("n_units", [10, 12])
def test_fast_greedy_equals_reference_on_network_like_units(n_units):
    x, z, bits = network_like(1500, n_units, seed=n_units)
    assert_same(greedy_relay(x, z, bits), _reference_greedy_relay(x, z, bits))


def test_fast_greedy_equals_reference_with_many_candidates():
    """Above _PRUNE_ALWAYS_ABOVE candidates the search prunes every dead row."""
    x, z, bits = network_like(300, 20, seed=5, noise=0.8)
    assert_same(greedy_relay(x, z, bits), _reference_greedy_relay(x, z, bits))


def test_more_than_62_units():
    x, z, bits = network_like(800, 100, seed=6)
    res = greedy_relay(x, z, bits)
    assert sorted(res.order) == list(range(100))
    assert res.contribution.sum() == pytest.approx(res.full, abs=1e-9)
    top = res.order[-3:]
    assert res.full - res.curve[-4] == pytest.approx(res.full - relay_information(x, z, bits, top), abs=1e-9)


def test_result_fields_follow_the_definitions():
    x, z, bits = network_like(1000, 7, seed=8)
    res = greedy_relay(x, z, bits)
    n_units = bits.shape[1]
    assert res.curve.shape == (n_units + 1,) and res.n_samples == 1000
    assert res.curve[0] == res.full and res.curve[-1] == 0.0
    remaining = list(range(n_units))
    for i, unit in enumerate(res.order, start=1):
        remaining.remove(unit)
        if remaining:
            assert res.curve[i] == pytest.approx(relay_information(x, z, bits, remaining), abs=1e-12)
    for unit in range(n_units):
        removed_at = int(np.flatnonzero(res.order == unit)[0]) + 1
        expected = sum(res.curve[0] - res.curve[i] for i in range(1, removed_at))
        assert res.node_relay[unit] == pytest.approx(expected, abs=1e-12)
        assert res.contribution[unit] == pytest.approx(
            res.curve[removed_at - 1] - res.curve[removed_at], abs=1e-12
        )
    assert res.null_mean is None and res.p_value is None


# ---------------------------------------------------------------------------
# greedy vs exhaustive
# ---------------------------------------------------------------------------


def planted(seed: int, n_units: int):
    """Units are copies of X_in with distinct flip rates (or noise): the greedy search is optimal."""
    rng = np.random.default_rng(seed)
    n = 3000
    x = rng.integers(0, 2, n)
    z = np.where(rng.random(n) < 0.97, x, 1 - x)
    rates = rng.permutation(np.linspace(0.02, 0.5, n_units))
    bits = np.where(rng.random((n, n_units)) < rates, rng.integers(0, 2, (n, n_units)), x[:, None])
    return x, z, bits.astype(np.int8)


@pytest.mark.parametrize("seed", range(4))
def test_greedy_equals_exhaustive_where_the_optimum_is_unique(seed):
    x, z, bits = planted(seed, 6)
    res = greedy_relay(x, z, bits)
    best, argbest = _exhaustive_relay(x, z, bits)
    n_units = bits.shape[1]
    checked = 0
    for size in range(1, n_units):
        greedy_set = tuple(sorted(res.order[n_units - size :].tolist()))
        assert res.curve[n_units - size] == pytest.approx(best[size], abs=1e-9)
        if len(argbest[size]) == 1:
            assert greedy_set == argbest[size][0]
            checked += 1
    assert checked >= 3


def test_how_often_greedy_is_optimal_on_small_networks():
    """Network-like units, 4–8 of them: report how often greedy = exhaustive at every set size."""
    lines = []
    total_ok = total = 0
    for n_units in (4, 6, 8):
        optimal = sets_ok = 0
        cases = 12
        for seed in range(cases):
            x, z, bits = network_like(800, n_units, seed=1000 * n_units + seed, noise=0.8)
            res = greedy_relay(x, z, bits)
            best, _ = _exhaustive_relay(x, z, bits)
            ok = np.isclose(res.curve[::-1], best, rtol=0, atol=1e-9)
            optimal += bool(ok.all())
            sets_ok += int(ok[1:-1].sum())
        total_ok += sets_ok
        total += cases * (n_units - 1)
        lines.append(
            f"{n_units} units: greedy optimal at every size in {optimal}/{cases} cases, "
            f"{sets_ok}/{cases * (n_units - 1)} sets optimal"
        )
    print("\n" + "\n".join(lines))
    assert total_ok / total >= 0.8


# ---------------------------------------------------------------------------
# invariances and properties
# ---------------------------------------------------------------------------


def test_invariant_under_relabeling_units():
    x, z, bits = network_like(2000, 9, seed=4, noise=0.8)
    # no two units equal or complementary (those would tie exactly, and ties go by index)
    assert len(np.unique(np.column_stack([bits, 1 - bits]).T, axis=0)) == 18
    res = greedy_relay(x, z, bits)
    perm = np.random.default_rng(0).permutation(9)
    other = greedy_relay(x, z, bits[:, perm])
    assert np.array_equal(perm[other.order], res.order)
    np.testing.assert_allclose(other.curve, res.curve, rtol=0, atol=1e-12)
    np.testing.assert_allclose(other.contribution, res.contribution[perm], rtol=0, atol=1e-12)
    np.testing.assert_allclose(other.node_relay, res.node_relay[perm], rtol=0, atol=1e-12)


@st.composite
def relay_data(draw):
    n = draw(st.integers(2, 60))
    n_units = draw(st.integers(1, 5))
    flat = draw(st.lists(st.integers(0, 1), min_size=n * (n_units + 2), max_size=n * (n_units + 2)))
    arr = np.asarray(flat, dtype=np.int8).reshape(n, n_units + 2)
    return arr[:, 0], arr[:, 1], arr[:, 2:]


@given(relay_data())
@settings(max_examples=80, deadline=None)
def test_greedy_properties(data):
    x, z, bits = data
    res = greedy_relay(x, z, bits)
    n_units = bits.shape[1]
    assert sorted(res.order.tolist()) == list(range(n_units))
    assert res.curve[0] == res.full and res.curve[-1] == 0.0
    assert res.contribution.sum() == pytest.approx(res.full, abs=1e-9)
    swapped = greedy_relay(z, x, bits)  # I_R is symmetric in X_in and X_out
    assert np.array_equal(swapped.order, res.order)
    np.testing.assert_allclose(swapped.curve, res.curve, rtol=0, atol=1e-12)
    relay = list(range(0, n_units, 2))
    assert relay_information(x, z, bits, relay) == pytest.approx(
        relay_information(z, x, bits, relay), abs=1e-12
    )
    assert_same(res, _reference_greedy_relay(x, z, bits))


# ---------------------------------------------------------------------------
# shuffle null
# ---------------------------------------------------------------------------


def test_shuffle_null():
    rng = np.random.default_rng(5)
    n = 2000
    x = rng.integers(0, 2, n)
    bits = np.column_stack([x, rng.integers(0, 2, (n, 3))]).astype(np.int8)
    strong = greedy_relay(x, x, bits, n_shuffles=49, rng=1)
    assert strong.p_value == pytest.approx(1 / 50)
    assert abs(strong.null_mean) < 0.05 and strong.full > 0.9
    again = greedy_relay(x, x, bits, n_shuffles=49, rng=np.random.default_rng(1))
    assert (again.null_mean, again.p_value) == (strong.null_mean, strong.p_value)
    assert greedy_relay(x, x, bits).p_value is None
    # nothing to relay: the observed value is typical of the null
    z = rng.integers(0, 2, n)
    noise = rng.integers(0, 2, (n, 4)).astype(np.int8)
    weak = greedy_relay(x, z, noise, n_shuffles=99, rng=2)
    assert 0.05 < weak.p_value <= 1.0
    # the null is the full relay of permuted X_in
    perm_rng = np.random.default_rng(3)
    res = greedy_relay(x, z, noise, n_shuffles=5, rng=np.random.default_rng(3))
    perms = perm_rng.permuted(np.broadcast_to(np.arange(n), (5, n)), axis=1)
    null = [relay_information(x[p], z, noise, range(4)) for p in perms]
    assert res.null_mean == pytest.approx(np.mean(null), abs=1e-12)
    assert res.p_value == pytest.approx((1 + sum(v >= res.full - 1e-12 for v in null)) / 6)


# ---------------------------------------------------------------------------
# relay over time
# ---------------------------------------------------------------------------


def recording(n=300, n_steps=6, n_units=5, n_concepts=2, seed=0, cell=True, attrs=None):
    """A small in-memory LSTM-like recording (Activations-like object)."""
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, n_concepts)).astype(np.int8)
    signs = 2.0 * concepts - 1
    w = rng.normal(0, 1.5, (n_concepts, n_units))
    hidden = np.empty((n, n_steps, n_units), dtype=np.float32)
    for t in range(n_steps):
        hidden[:, t] = np.tanh(signs * (t >= 2) @ w + 0.7 * rng.normal(size=(n, n_units)))
    answer_step = rng.integers(n_steps - 2, n_steps, n)
    outputs = rng.normal(0, 0.1, (n, n_steps, n_concepts)).astype(np.float32)
    outputs[np.arange(n), answer_step] = np.where(rng.random((n, n_concepts)) < 0.95, signs, -signs)
    return SimpleNamespace(
        hidden=hidden,
        cell=(hidden * 2.5 + 0.1 * rng.normal(size=hidden.shape)).astype(np.float32) if cell else None,
        outputs=outputs,
        concepts=concepts,
        answer_step=answer_step.astype(np.int64),
        attrs={} if attrs is None else attrs,
    )


def check_against_single_searches(result: RelayOverTime, rec, state: str, method: str = "kmeans"):
    values = getattr(rec, state)
    n, n_steps, n_units = values.shape
    x_out = (rec.outputs[np.arange(n), rec.answer_step] > 0).astype(np.int8)
    assert result.contribution.shape == (n_steps, rec.concepts.shape[1], n_units)
    assert result.curve.shape == (n_steps, rec.concepts.shape[1], n_units + 1)
    for t in range(n_steps):
        bits = binarize(values[:, t, :], method)
        for c in range(rec.concepts.shape[1]):
            single = greedy_relay(rec.concepts[:, c], x_out[:, c], bits)
            assert_same(result.result(t, c), single, atol=1e-12)


def test_relay_over_time_equals_single_searches():
    rec = recording(attrs={"info_length": 4})
    hidden = relay_over_time(rec)
    check_against_single_searches(hidden, rec, "hidden")
    assert hidden.analysis_step == 3 and hidden.n_samples == 300 and hidden.method == "kmeans"
    assert hidden.null_mean is None and hidden.p_value is None
    cell = relay_over_time(rec, state="cell", method="median")
    check_against_single_searches(cell, rec, "cell", "median")
    # information enters at step 2: relay is (almost) zero before
    assert np.all(np.abs(hidden.full[:2]) < 0.1) and np.all(hidden.full[3:] > 0.3)


def test_relay_over_time_batches_do_not_change_results(monkeypatch):
    rec = recording(seed=1)
    default = relay_over_time(rec)
    monkeypatch.setattr(relay_mod, "_BATCH_ELEMENTS", 1)  # one search per batch
    single = relay_over_time(rec)
    for key in ("order", "curve", "node_relay", "contribution", "full"):
        np.testing.assert_allclose(getattr(single, key), getattr(default, key), rtol=0, atol=1e-12)


def test_relay_over_time_shuffles_are_seeded():
    rec = recording(n=200, n_steps=3, n_units=4, seed=2)
    a = relay_over_time(rec, n_shuffles=20, seed=5)
    b = relay_over_time(rec, n_shuffles=20, seed=5)
    c = relay_over_time(rec, n_shuffles=20, seed=6)
    assert a.null_mean.shape == a.p_value.shape == (3, 2)
    np.testing.assert_array_equal(a.null_mean, b.null_mean)
    assert not np.array_equal(a.null_mean, c.null_mean)
    assert np.all((a.p_value >= 1 / 21) & (a.p_value <= 1))
    assert np.all(a.p_value[2] == pytest.approx(1 / 21))  # information is there from step 2


def test_relay_over_time_defaults_and_errors():
    rec = recording(cell=False)
    res = relay_all_states(rec)
    assert list(res) == ["hidden"]
    assert res["hidden"].analysis_step == rec.hidden.shape[1] - 1  # no info_length: last step
    with pytest.raises(ValueError, match="cell"):
        relay_over_time(rec, state="cell")
    with pytest.raises(ValueError, match="state"):
        relay_over_time(rec, state="gates")
    with pytest.raises(ValueError, match="method"):
        relay_over_time(rec, method="otsu")
    with pytest.raises(ValueError, match="n_shuffles"):
        relay_over_time(rec, n_shuffles=-2)
    bad = recording()
    bad.concepts = bad.concepts[:, :1]
    with pytest.raises(ValueError, match="concepts must be"):
        relay_over_time(bad)
    bad = recording()
    bad.answer_step = bad.answer_step + 10
    with pytest.raises(ValueError, match="answer_step"):
        relay_over_time(bad)
    bad = recording(attrs={"info_length": 50})
    with pytest.raises(ValueError, match="info_length"):
        relay_over_time(bad)
    with pytest.raises(TypeError, match="hidden"):
        relay_over_time(SimpleNamespace(hidden=np.zeros((2, 2, 2))))


def write_minimal(path, rec, **extra):
    with h5py.File(path, "w") as f:
        for key in ("hidden", "outputs", "concepts", "answer_step"):
            f[key] = getattr(rec, key)
        for key, value in extra.items():
            f[key] = value


def test_relay_over_time_from_files(tmp_path):
    from inforelay.nets.recording import read_activations, write_activations

    rec = recording(n=200, n_steps=5, n_units=4, n_concepts=3, seed=3)
    n, n_steps, _ = rec.hidden.shape
    arrays = {
        "inputs": np.zeros((n, n_steps, 3), dtype=np.float32),
        "hidden": rec.hidden,
        "cell": rec.cell,
        "outputs": rec.outputs,
        "targets": (2.0 * rec.concepts - 1).astype(np.float32),
        "concepts": rec.concepts,
        "delay": rec.answer_step - 2,
        "answer_step": rec.answer_step,
    }
    attrs = {
        "task": "memory",
        "model": "lstm",
        "delay_regime": "random",
        "replicate": 0,
        "seed": 1,
        "accuracy": 1.0,
        "epochs": 3,
        "restarts": 0,
        "info_length": 3,
        "event_steps": [0, 1, 2],
        "concept_names": ["A", "B", "C"],
    }
    pipeline = tmp_path / "rep-00.h5"
    write_activations(pipeline, arrays, attrs)
    expected = {s: relay_over_time(rec, state=s) for s in ("hidden", "cell")}
    from_path = relay_all_states(pipeline)
    from_object = relay_all_states(read_activations(pipeline))
    for state in ("hidden", "cell"):
        for res in (from_path[state], from_object[state]):
            assert res.analysis_step == 2
            np.testing.assert_array_equal(res.order, expected[state].order)
            np.testing.assert_allclose(res.curve, expected[state].curve, rtol=0, atol=1e-12)
    # a user's own recording: only hidden, outputs, concepts, answer_step
    minimal = tmp_path / "mine.h5"
    write_minimal(minimal, rec)
    res = relay_over_time(str(minimal))
    np.testing.assert_array_equal(res.order, expected["hidden"].order)
    assert res.analysis_step == n_steps - 1
    inputs = read_relay_inputs(minimal)
    assert inputs.cell is None and inputs.source == str(minimal)


def test_read_relay_inputs_errors_name_the_file(tmp_path):
    rec = recording(n=50)
    with pytest.raises(FileNotFoundError, match="nothere.h5"):
        read_relay_inputs(tmp_path / "nothere.h5")
    text = tmp_path / "text.h5"
    text.write_text("not hdf5")
    with pytest.raises(RelayFileError, match="text.h5: not a readable HDF5"):
        read_relay_inputs(text)
    partial = tmp_path / "partial.h5"
    with h5py.File(partial, "w") as f:
        f["hidden"] = rec.hidden
    with pytest.raises(RelayFileError, match="partial.h5: missing dataset.*outputs"):
        read_relay_inputs(partial)
    shapes = tmp_path / "shapes.h5"
    write_minimal(shapes, SimpleNamespace(**{**vars(rec), "hidden": rec.hidden[:, :, 0]}))
    with pytest.raises(RelayFileError, match=r"shapes.h5: hidden must be a non-empty \(n, T, N\)"):
        read_relay_inputs(shapes)
    cell = tmp_path / "cell.h5"
    write_minimal(cell, rec, cell=rec.hidden[:, :3])
    with pytest.raises(RelayFileError, match="cell.h5: cell must have hidden's shape"):
        read_relay_inputs(cell)
    nan = tmp_path / "nan.h5"
    hidden = rec.hidden.copy()
    hidden[0, 0, 0] = np.nan
    write_minimal(nan, SimpleNamespace(**{**vars(rec), "hidden": hidden}))
    with pytest.raises(RelayFileError, match="nan.h5: hidden contains NaN"):
        read_relay_inputs(nan)


# ---------------------------------------------------------------------------
# relay files
# ---------------------------------------------------------------------------


def test_write_read_relay_roundtrip(tmp_path):
    rec = recording(n=150, n_steps=4, n_units=3, seed=4, attrs={"info_length": 3})
    results = {
        "hidden": relay_over_time(rec, n_shuffles=5),
        "cell": relay_over_time(rec, state="cell"),
    }
    path = tmp_path / "relay" / "rep-00.h5"
    write_relay(
        path, results, {"task": "memory", "concept_names": ["A", "B"]}, config_slice={"n_shuffles": 5}
    )
    assert [p.name for p in path.parent.iterdir()] == ["rep-00.h5"]  # no temporary file left
    back = read_relay(path)
    assert list(back) == ["hidden", "cell"]
    for state, res in results.items():
        for key in ("contribution", "node_relay", "full", "order", "curve", "null_mean", "p_value"):
            a, b = getattr(back[state], key), getattr(res, key)
            if b is None:
                assert a is None
            else:
                np.testing.assert_array_equal(a, b)
        assert back[state].analysis_step == 2 and back[state].n_samples == 150
        assert back[state].method == "kmeans"
    attrs = read_relay_attrs(path)
    assert attrs["task"] == "memory" and tuple(attrs["concept_names"]) == ("A", "B")
    assert attrs["config"] == {"n_shuffles": 5} and "numpy" in attrs["versions"]
    # caller-supplied provenance wins over the defaults
    write_relay(path, results, {"config": '{"relay": 1}'})
    assert read_relay_attrs(path)["config"] == {"relay": 1}


def test_relay_file_errors_name_the_file(tmp_path):
    rec = recording(n=80, n_steps=3, n_units=3)
    res = relay_over_time(rec)
    with pytest.raises(ValueError, match="out.h5: unknown state"):
        write_relay(tmp_path / "out.h5", {"gates": res})
    with pytest.raises(ValueError, match="out.h5: no relay results"):
        write_relay(tmp_path / "out.h5", {})
    assert not (tmp_path / "out.h5").exists()
    empty = tmp_path / "empty.h5"
    h5py.File(empty, "w").close()
    with pytest.raises(RelayFileError, match="empty.h5: no relay group"):
        read_relay(empty)
    broken = tmp_path / "broken.h5"
    write_relay(broken, {"hidden": res})
    with h5py.File(broken, "a") as f:
        del f["hidden/curve"]
        f["hidden/curve"] = np.zeros((3, 2, 3))
    with pytest.raises(RelayFileError, match="broken.h5: hidden/curve has shape"):
        read_relay(broken)
    with h5py.File(broken, "a") as f:
        del f["hidden/order"]
    with pytest.raises(RelayFileError, match="broken.h5: group 'hidden' lacks order"):
        read_relay(broken)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        read_relay(tmp_path / "missing.h5")


def test_relay_modules_do_not_import_torch():
    code = "import sys, inforelay.relay.search, inforelay.info.measures, inforelay.cli; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
