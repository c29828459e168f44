"""The fast greedy search gives the plain implementation's results, on every code path.

Identical ``order``; ``curve``, ``node_relay``, ``contribution`` and ``full`` within 1e-12 bits
(inforelay.relay.kernel, few_units, many_units, scores against inforelay.relay.reference).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from relay_data import assert_same, network_like, random_case

import inforelay.relay.kernel as kernel_mod
import inforelay.relay.scores as scores_mod
from inforelay.relay import greedy_relay, relay_information
from inforelay.relay.reference import (
    plain_greedy_relay,
    plain_relay_information,
    reference_greedy_relay,
)

# ---------------------------------------------------------------------------
# fast search == plain reference
# ---------------------------------------------------------------------------


@pytest.fixture(params=["default", "incremental+sparse", "large groups only", "incremental, large"])
def kernel_mode(request, monkeypatch):
    """Run a test under each code path of the fast search (they must give identical results)."""
    if request.param == "incremental+sparse":
        monkeypatch.setattr(kernel_mod, "MANY_UNITS", 1)  # recount only the split groups
        monkeypatch.setattr(scores_mod, "SPARSE_MIN_UNITS", 1)  # count with the sparse product
        monkeypatch.setattr(scores_mod, "_SPARSE_ABOVE", 0)
    elif request.param == "large groups only":
        monkeypatch.setattr(scores_mod, "SMALL_GROUP", 0)  # no table lookups for small groups
    else:
        monkeypatch.setattr(kernel_mod, "MANY_UNITS", 1)
        monkeypatch.setattr(scores_mod, "SMALL_GROUP", 0)
    return request.param


@pytest.mark.parametrize("seed", range(40))
def test_fast_greedy_equals_reference(seed, kernel_mode):
    x, z, bits = random_case(seed)
    assert_same(greedy_relay(x, z, bits), plain_greedy_relay(x, z, bits))
    if seed % 8 == 0:
        assert_same(plain_greedy_relay(x, z, bits), reference_greedy_relay(x, z, bits))


@pytest.mark.parametrize("n_units", [10, 12])
def test_fast_greedy_equals_reference_on_network_like_units(n_units, kernel_mode):
    x, z, bits = network_like(1500, n_units, seed=n_units)
    assert_same(greedy_relay(x, z, bits), plain_greedy_relay(x, z, bits))


def test_fast_greedy_equals_reference_with_many_candidates(kernel_mode):
    x, z, bits = network_like(300, 20, seed=5, noise=0.8)
    assert_same(greedy_relay(x, z, bits), plain_greedy_relay(x, z, bits))


@st.composite
def tied_relay_data(draw):
    """Random X_in, X_out and units with many exact ties (duplicate, complementary, constant units)."""
    n = draw(st.integers(2, 200))
    n_units = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n)
    z = np.where(rng.random(n) < draw(st.floats(0.5, 1.0)), x, 1 - x)
    bits = rng.integers(0, 2, (n, n_units)).astype(np.int8)
    for j in range(1, n_units):
        kind = draw(st.sampled_from(["coin", "copy", "complement", "constant", "input"]))
        if kind == "copy":
            bits[:, j] = bits[:, draw(st.integers(0, j - 1))]
        elif kind == "complement":
            bits[:, j] = 1 - bits[:, draw(st.integers(0, j - 1))]
        elif kind == "constant":
            bits[:, j] = draw(st.integers(0, 1))
        elif kind == "input":
            bits[:, j] = np.where(rng.random(n) < 0.8, x, bits[:, j])
    return x, z, bits


@given(tied_relay_data())
@settings(max_examples=150, deadline=None)
def test_fast_equals_plain_on_random_data_with_ties(data):
    """Property: the fast search gives the plain search's order exactly and its values to 1e-12."""
    x, z, bits = data
    fast, plain = greedy_relay(x, z, bits), plain_greedy_relay(x, z, bits)
    assert_same(fast, plain)
    relay = list(range(0, bits.shape[1], 2))
    assert relay_information(x, z, bits, relay) == pytest.approx(
        plain_relay_information(x, z, bits, relay), abs=1e-12
    )


def test_fast_greedy_equals_reference_on_many_units_and_samples():
    """64 units, 4,000 samples: the sparse count, the incremental recount and both group sizes."""
    x, z, bits = network_like(4000, 64, seed=9, noise=0.6)
    fast = greedy_relay(x, z, bits)
    # the plain implementation packs at most 30 units: compare on the 30 units the search keeps last
    keep = np.sort(fast.order[-30:])
    sub = greedy_relay(x, z, bits[:, keep])
    assert_same(sub, plain_greedy_relay(x, z, bits[:, keep]))
    # and every point of the full curve against the eight-term formula
    remaining = list(range(64))
    for i, unit in enumerate(fast.order[:-1], start=1):
        remaining.remove(unit)
        if i % 9 == 0:
            assert fast.curve[i] == pytest.approx(relay_information(x, z, bits, remaining), abs=1e-12)


def test_binary_inputs_are_checked():
    x = np.array([0, 1, 2, 1])
    bits = np.zeros((4, 2), dtype=np.int8)
    with pytest.raises(ValueError, match=r"x_in must be 0/1.*found values 2 \(first at index 2\)"):
        greedy_relay(x, x % 2, bits)
    with pytest.raises(ValueError, match="x_out must be 0/1"):
        greedy_relay(x % 2, x * 0.5, bits)
    pm = 2 * (x % 2) - 1  # ±1 is read as 0/1
    assert_same(greedy_relay(pm, pm, bits), greedy_relay(x % 2, x % 2, bits))


