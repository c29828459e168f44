"""Entropy primitives, codes and binarization (inforelay.info)."""

from __future__ import annotations

import dit
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans

from inforelay.info import (
    binarize,
    co_information,
    conditional_co_information,
    conditional_mutual_information,
    dense_labels,
    entropy,
    entropy_from_counts,
    joint_codes,
    mutual_information,
    pack_codes,
    pack_codes_with_count,
)

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def dit_distribution(*columns: np.ndarray) -> dit.Distribution:
    """The empirical (plug-in) joint distribution of the columns as a dit Distribution."""
    rows = np.column_stack(columns)
    uniq, counts = np.unique(rows, axis=0, return_counts=True)
    outcomes = [tuple(int(v) for v in row) for row in uniq]
    return dit.Distribution(outcomes, (counts / counts.sum()).tolist())


def random_count_samples(rng: np.random.Generator, n_vars: int, alphabet: int) -> np.ndarray:
    """Samples whose empirical distribution is a random pmf with integer weights (some zero)."""
    grids = np.stack(np.meshgrid(*[np.arange(alphabet)] * n_vars, indexing="ij"), -1)
    outcomes = grids.reshape(-1, n_vars)
    weights = rng.integers(0, 7, len(outcomes))
    weights[rng.integers(len(outcomes))] += 1  # never all zero
    return np.repeat(outcomes, weights, axis=0)


def sampled(rng: np.random.Generator, n: int, n_vars: int, alphabet: int) -> np.ndarray:
    """n samples of a random (Dirichlet) joint distribution."""
    pmf = rng.dirichlet(np.full(alphabet**n_vars, 0.5))
    flat = rng.choice(alphabet**n_vars, size=n, p=pmf)
    return np.stack(np.unravel_index(flat, (alphabet,) * n_vars), axis=1)


def kmeans_sse(values: np.ndarray, bits: np.ndarray) -> float:
    sse = 0.0
    for label in (0, 1):
        part = values[bits == label]
        if part.size:
            sse += float(((part - part.mean()) ** 2).sum())
    return sse


# ---------------------------------------------------------------------------
# binarization
# ---------------------------------------------------------------------------


def bimodal(rng: np.random.Generator, n: int, n_units: int) -> np.ndarray:
    """Well-separated two-cluster units (a unique 2-means optimum), random sizes and scales."""
    cols = []
    for _ in range(n_units):
        k = int(rng.integers(n // 5, 4 * n // 5))
        lo, gap, s1, s2 = rng.normal(0, 3), rng.uniform(3, 8), rng.uniform(0.1, 0.5), rng.uniform(0.1, 0.5)
        col = np.concatenate([rng.normal(lo, s1, k), rng.normal(lo + gap, s2, n - k)])
        cols.append(rng.permutation(col))
    return np.stack(cols, axis=1)


@pytest.mark.parametrize("seed", range(5))
def test_exact_kmeans_equals_sklearn_kmeans_where_the_optimum_is_unique(seed):
    rng = np.random.default_rng(seed)
    act = bimodal(rng, 400, 6).astype(np.float32 if seed % 2 else np.float64)
    fast = binarize(act, "kmeans")
    ref = binarize(act, "kmeans-sklearn")
    assert np.array_equal(fast, ref)
    # and the reference is what a direct KMeans(k=2) call gives, oriented to the higher centre
    model = KMeans(n_clusters=2, n_init=10, random_state=0).fit(act[:, :1].astype(np.float64))
    labels = model.labels_ == np.argmax(model.cluster_centers_[:, 0])
    assert np.array_equal(ref[:, 0], labels.astype(np.int8))


@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=32), min_size=2, max_size=60)
)
@settings(max_examples=60, deadline=None)
def test_exact_kmeans_reaches_the_global_optimum(values):
    """No split of the sorted values has a lower within-cluster sum of squares."""
    x = np.asarray(values, dtype=np.float64)
    bits = binarize(x, "kmeans")
    sse = kmeans_sse(x, bits)
    s = np.sort(np.unique(x))
    best = min(
        [kmeans_sse(x, (x >= t).astype(np.int8)) for t in s[1:]] + [kmeans_sse(x, np.zeros_like(bits))]
    )
    assert sse <= best + 1e-6 * (1 + best)
    # equal values share a bit, and 1 is the upper cluster
    for v in np.unique(x):
        assert np.unique(bits[x == v]).size == 1
    if bits.any() and not bits.all():
        assert x[bits == 1].min() > x[bits == 0].max()


def test_exact_kmeans_never_worse_than_sklearn_on_unimodal_data():
    rng = np.random.default_rng(3)
    act = np.column_stack([rng.normal(size=500), rng.exponential(size=500), rng.uniform(size=500)])
    fast, ref = binarize(act, "kmeans"), binarize(act, "kmeans-sklearn")
    for j in range(act.shape[1]):
        assert kmeans_sse(act[:, j], fast[:, j]) <= kmeans_sse(act[:, j], ref[:, j]) + 1e-9


@pytest.mark.parametrize("method", ["kmeans", "median", "kmeans-sklearn"])
def test_binarize_shapes_constant_units_and_orientation(method):
    rng = np.random.default_rng(0)
    act = rng.normal(size=(50, 4)).astype(np.float32)
    act[:, 1] = 0.7  # constant unit
    act[:, 2] = np.where(np.arange(50) < 10, 5.0, -1.0)  # 10 high values
    bits = binarize(act, method)
    assert bits.shape == act.shape and bits.dtype == np.int8
    assert set(np.unique(bits)) <= {0, 1}
    assert not bits[:, 1].any()
    if method != "median":
        assert np.array_equal(bits[:, 2], (np.arange(50) < 10).astype(np.int8))
    assert np.array_equal(binarize(act, method), bits)  # deterministic
    perm = rng.permutation(4)
    assert np.array_equal(binarize(act[:, perm], method), bits[:, perm])
    assert np.array_equal(binarize(act[:, 0], method), bits[:, 0])  # 1-D input


def test_binarize_known_values():
    x = np.array([[0.0], [1.0], [1.0], [5.0]])
    assert binarize(x, "kmeans")[:, 0].tolist() == [0, 0, 0, 1]
    assert binarize(-x, "kmeans")[:, 0].tolist() == [1, 1, 1, 0]  # {0,-1,-1} is the higher cluster
    assert binarize(np.array([1.0, 2.0, 3.0, 4.0]), "median").tolist() == [0, 0, 1, 1]
    assert binarize(np.array([0.0, 0.0, 0.0, 2.0]), "median").tolist() == [0, 0, 0, 1]


def test_binarize_errors():
    with pytest.raises(ValueError, match="method"):
        binarize(np.zeros((3, 2)), "otsu")
    with pytest.raises(ValueError, match="NaN"):
        binarize(np.array([[0.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"\(n, N\)"):
        binarize(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="no samples"):
        binarize(np.zeros((0, 3)))


# ---------------------------------------------------------------------------
# codes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_units", [1, 5, 62, 63, 200])
def test_pack_codes_dense_and_faithful_for_any_width(n_units):
    rng = np.random.default_rng(n_units)
    base = rng.integers(0, 2, (40, n_units))
    bits = base[rng.integers(0, 40, 300)]
    bits[0] = bits[1]
    bits[0, -1] = 1 - bits[1, -1]  # rows differing only in the last column
    codes = pack_codes(bits)
    assert codes.dtype == np.int64 and codes.shape == (300,)
    uniq, inverse = np.unique(bits, axis=0, return_inverse=True)
    assert codes.max() == len(uniq) - 1 and codes.min() == 0
    # equal rows <=> equal codes, and codes follow the lexicographic order of the rows
    assert np.array_equal(codes, inverse.ravel())
    assert codes[0] != codes[1]


def test_pack_codes_rejects_non_binary():
    with pytest.raises(ValueError, match="0 and 1"):
        pack_codes(np.array([[0, 2]]))


def test_codes_with_counts_and_dense_labels():
    rng = np.random.default_rng(2)
    bits = rng.integers(0, 2, (150, 7))
    codes, m = pack_codes_with_count(bits)
    assert np.array_equal(codes, pack_codes(bits)) and m == len(np.unique(bits, axis=0))
    assert pack_codes_with_count(np.zeros((4, 0), dtype=np.int8))[1] == 1  # no columns: one group
    labels, m = dense_labels(np.array([7, -3, 7, 2.5]))
    assert labels.tolist() == [2, 0, 2, 1] and m == 3  # order of the values is kept
    labels, m = dense_labels(np.array([5, 0, 5], dtype=np.int8))
    assert labels.dtype == np.int64 and labels.tolist() == [1, 0, 1] and m == 2


def test_joint_codes_of_columns_equal_codes_of_the_matrix():
    rng = np.random.default_rng(1)
    data = rng.integers(-2, 3, (200, 4))
    a, ma = joint_codes(data)
    b, mb = joint_codes(*data.T)
    assert ma == mb == len(np.unique(data, axis=0))
    assert np.array_equal(a, b)


# ---------------------------------------------------------------------------
# entropies against dit
# ---------------------------------------------------------------------------


def _cases():
    rng = np.random.default_rng(2024)
    out = []
    for i in range(6):
        out.append(random_count_samples(rng, 4, 2 + i % 2))
        out.append(sampled(rng, int(rng.integers(20, 400)), 4, 2 + i % 3))
    return out


CASES = _cases()


@pytest.mark.parametrize("data", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_entropies_equal_dit(data):
    w, x, y, z = data.T
    d = dit_distribution(w, x, y, z)
    tol = 1e-10
    assert entropy(w) == pytest.approx(dit.shannon.entropy(d, [0]), abs=tol)
    assert entropy(w, x, y) == pytest.approx(dit.shannon.entropy(d, [0, 1, 2]), abs=tol)
    assert entropy(data) == pytest.approx(dit.shannon.entropy(d, [0, 1, 2, 3]), abs=tol)
    h_cond = entropy(w, x) - entropy(x)
    assert h_cond == pytest.approx(dit.shannon.conditional_entropy(d, [0], [1]), abs=tol)
    assert mutual_information(w, x) == pytest.approx(dit.shannon.mutual_information(d, [0], [1]), abs=tol)
    assert conditional_mutual_information(w, x, y) == pytest.approx(
        dit.multivariate.coinformation(d, [[0], [1]], [2]), abs=tol
    )
    assert co_information(w, x, y) == pytest.approx(
        dit.multivariate.coinformation(d, [[0], [1], [2]]), abs=tol
    )
    assert conditional_co_information(w, x, y, z) == pytest.approx(
        dit.multivariate.coinformation(d, [[0], [1], [2]], [3]), abs=tol
    )
    # joint (2-D) variables: I(w; x; (y, z)) and I(w; x; y | z)
    assert conditional_co_information(w, x, data[:, 2:], None) == pytest.approx(
        dit.multivariate.coinformation(d, [[0], [1], [2, 3]]), abs=tol
    )


def test_known_values():
    rng = np.random.default_rng(5)
    a = rng.integers(0, 2, 4000)
    b = rng.integers(0, 2, 4000)
    xor = a ^ b
    assert entropy(np.array([0, 1] * 8)) == pytest.approx(1.0)
    assert entropy(np.zeros(10, dtype=int)) == 0.0
    assert mutual_information(a, a) == pytest.approx(entropy(a))
    assert co_information(a, b, xor) == pytest.approx(-1.0, abs=0.01)  # synergy
    assert co_information(a, a, a) == pytest.approx(entropy(a))  # redundancy
    assert conditional_mutual_information(a, b, xor) == pytest.approx(1.0, abs=0.01)
    assert conditional_mutual_information(a, b, None) == pytest.approx(mutual_information(a, b))


def test_miller_madow_correction():
    rng = np.random.default_rng(9)
    x = rng.integers(0, 5, 300)
    counts = np.bincount(x)
    m = np.count_nonzero(counts)
    expected = entropy(x) + (m - 1) / (2 * 300 * np.log(2))
    assert entropy(x, miller_madow=True) == pytest.approx(expected, abs=1e-12)
    assert entropy_from_counts(counts, miller_madow=True) == pytest.approx(expected, abs=1e-12)
    # the correction reduces the plug-in bias of a uniform 8-symbol source seen 40 times
    small = np.random.default_rng(1).integers(0, 8, (200, 40))
    plug = np.mean([entropy(row) for row in small])
    mm = np.mean([entropy(row, miller_madow=True) for row in small])
    assert abs(mm - 3.0) < abs(plug - 3.0)
    y = rng.integers(0, 2, 300)
    mi_mm = mutual_information(x, y, miller_madow=True)
    h = lambda *v: entropy(*v, miller_madow=True)  # noqa: E731
    assert mi_mm == pytest.approx(h(x) + h(y) - h(x, y), abs=1e-12)


def test_entropy_errors():
    with pytest.raises(ValueError, match="different numbers of samples"):
        entropy(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="no samples"):
        entropy(np.zeros(0))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        entropy(np.zeros((2, 2, 2)))
