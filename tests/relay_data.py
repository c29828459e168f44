"""Data for the relay tests (tests/test_relay.py, tests/test_relay_kernel.py); not a test module."""

from __future__ import annotations

import numpy as np
import pytest

from inforelay.info import binarize


def network_like(n: int, n_units: int, seed: int, noise: float = 0.5):
    """X_in, X_out and binarized units that mix three concept bits like a trained network."""
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, 3))
    weights = rng.normal(0, 1.5, (3, n_units)) * (rng.random((3, n_units)) < 0.6)
    act = np.tanh((2 * concepts - 1) @ weights + noise * rng.normal(size=(n, n_units)))
    x_out = np.where(rng.random(n) < 0.95, concepts[:, 0], 1 - concepts[:, 0])
    return concepts[:, 0], x_out, binarize(act)


def random_case(seed: int):
    """Assorted small cases: coin flips, partial copies, constant, duplicate and complementary units."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    n_units = int(rng.integers(1, 8))
    x = rng.integers(0, 2, n)
    z = np.where(rng.random(n) < 0.8, x, 1 - x)
    bits = rng.integers(0, 2, (n, n_units)).astype(np.int8)
    for j in range(n_units):
        kind = rng.integers(0, 6)  # 5: a coin flip
        if kind == 0:
            bits[:, j] = np.where(rng.random(n) < 0.75, x % 2, bits[:, j])
        elif kind == 1:
            bits[:, j] = np.where(rng.random(n) < 0.75, z, bits[:, j])
        elif kind == 2 and j:
            bits[:, j] = bits[:, j - 1]  # duplicate unit: exact ties
        elif kind == 3:
            bits[:, j] = 0  # constant unit
        elif kind == 4 and j:
            bits[:, j] = 1 - bits[:, j - 1]  # complementary unit: the same split, exact ties
    if seed % 11 == 0:
        x = np.ones(n, dtype=int)  # constant X_in: no information at all
    return x, z, bits


def assert_same(a, b, atol=1e-12):
    assert np.array_equal(a.order, b.order), (a.order, b.order)
    np.testing.assert_allclose(a.curve, b.curve, rtol=0, atol=atol)
    np.testing.assert_allclose(a.node_relay, b.node_relay, rtol=0, atol=atol)
    np.testing.assert_allclose(a.contribution, b.contribution, rtol=0, atol=atol)
    assert a.full == pytest.approx(b.full, abs=atol)


