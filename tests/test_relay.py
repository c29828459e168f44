"""Relay information and the greedy search: definitions, known answers, properties, shuffle null."""

from __future__ import annotations

import itertools
import subprocess
import sys

import dit
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from relay_data import assert_same, network_like

from inforelay.relay import (
    greedy_relay,
    loss_at_removal,
    relay_information,
)
from inforelay.relay.result import result_from_path
from inforelay.relay.reference import (
    exhaustive_relay,
    plain_greedy_relay,
    reference_relay_information,
)

# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


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
            assert reference_relay_information(x, z, bits, relay) == pytest.approx(expected, abs=1e-10)
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
        # the authors' base is I_R after the first removal (curve[1]), not full
        expected = sum(res.curve[1] - res.curve[i] for i in range(1, removed_at))
        assert res.node_relay[unit] == pytest.approx(expected, abs=1e-12)
        assert res.removal_loss[unit] == pytest.approx(res.full - res.curve[removed_at], abs=1e-12)
        assert res.contribution[unit] == pytest.approx(
            res.curve[removed_at - 1] - res.curve[removed_at], abs=1e-12
        )
    assert res.null_mean is None and res.p_value is None


def test_node_relay_and_removal_loss_by_hand():
    # order 2, 0, 1 with curve full=3, c1=2.5, c2=1, c3=0 (the authors' convention: base c1)
    res = result_from_path(3.0, [2, 0, 1], np.array([3.0, 2.5, 1.0, 0.0]), n_samples=10)
    # unit 2 removed first: no step before it; unit 0 at step 2: (c1-c1); unit 1 at step 3:
    # (c1-c1) + (c1-c2) = 1.5
    np.testing.assert_allclose(res.node_relay, [0.0, 1.5, 0.0])
    # Fig. 3's arrows: full minus I_R after the unit's removal
    np.testing.assert_allclose(res.removal_loss, [2.0, 3.0, 0.5])
    np.testing.assert_allclose(res.contribution, [1.5, 1.0, 0.5])
    np.testing.assert_allclose(loss_at_removal(res.order[None], res.curve[None]), res.removal_loss[None])


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
    best, argbest = exhaustive_relay(x, z, bits)
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
            best, _ = exhaustive_relay(x, z, bits)
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
    assert_same(res, plain_greedy_relay(x, z, bits))


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


def test_relay_modules_do_not_import_torch():
    code = (
        "import sys, inforelay.relay, inforelay.info, inforelay.cli\n"
        "import inforelay.relay.reference, inforelay.relay.validation\n"
        "print('torch' in sys.modules, any(m.startswith('inforelay.nets') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
