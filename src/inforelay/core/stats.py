"""Statistics shared by tables, figures and claims: means with confidence intervals, one-sided
rank tests with the Hodges–Lehmann estimates and intervals that belong to them, and Holm's
correction. scipy only; the network is the unit of replication, so every
function takes one value per network. See ``docs/method.md`` (statistics).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# scipy.stats is imported where it is used: it costs ~0.8 s, and most jobs that import this
# module (through the analyses) never call a test.

__all__ = [
    "finite",
    "hodges_lehmann",
    "hodges_lehmann_shift",
    "holm",
    "mean_ci",
    "rank_sum",
    "signed_rank",
]

#: above this many Walsh averages / pairwise differences the rank intervals use the normal
#: approximation of the test statistic's distribution (below it, the exact null distribution)
_EXACT_LIMIT = 2500


def finite(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """``values`` as a float array without NaN / inf."""
    x = np.asarray(values, dtype=np.float64).ravel()
    return x[np.isfinite(x)]


def mean_ci(
    values: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> tuple[float, float, float]:
    """Mean and the ends of its Student-t confidence interval.

    Non-finite values are dropped. With fewer than two values the interval is undefined and its
    ends are ``nan`` (never a zero-width interval). ``bounds`` clips the ends to the possible
    range of the quantity (e.g. ``(0, 1)`` for an accuracy).
    """
    from scipy import stats

    x = finite(values)
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    sem = float(x.std(ddof=1) / np.sqrt(x.size))
    half = float(stats.t.ppf(0.5 + confidence / 2, x.size - 1) * sem)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return mean, low, high


def signed_rank(x: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """One-sided p-values (greater, less) of Wilcoxon's signed-rank test of ``x`` against 0.

    ``(nan, nan)`` with fewer than two finite values; ``(1, 1)`` when every value is 0.
    """
    from scipy import stats

    x = finite(x)
    if x.size < 2:
        return (np.nan, np.nan)
    if np.all(x == 0):
        return (1.0, 1.0)
    greater = stats.wilcoxon(x, alternative="greater").pvalue
    less = stats.wilcoxon(x, alternative="less").pvalue
    return (float(greater), float(less))


def rank_sum(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """One-sided p-values (a > b, a < b) of the Mann–Whitney U test."""
    from scipy import stats

    a, b = finite(a), finite(b)
    if a.size < 1 or b.size < 1 or a.size + b.size < 3:
        return (np.nan, np.nan)
    greater = stats.mannwhitneyu(a, b, alternative="greater").pvalue
    less = stats.mannwhitneyu(a, b, alternative="less").pvalue
    return (float(greater), float(less))


def _signed_rank_cdf(n: int) -> np.ndarray:
    """``P(T <= t)``, ``t = 0 .. n(n+1)/2``, of Wilcoxon's signed-rank statistic without ties."""
    counts = [1]  # subsets of {1..i} by their sum, exact integers
    for i in range(1, n + 1):
        grown = counts + [0] * i
        for t in range(len(counts)):
            grown[t + i] += counts[t]
        counts = grown
    total = 2**n
    return np.cumsum(np.asarray(counts, dtype=object)).astype(np.float64) / float(total)


def _rank_sum_cdf(m: int, n: int) -> np.ndarray:
    """``P(U <= u)``, ``u = 0 .. m·n``, of the Mann–Whitney statistic without ties: the
    coefficients of the Gaussian binomial ``[m + n choose m]_q``, built one factor at a time."""
    size = m * n + 1
    coef = np.zeros(size, dtype=object)
    coef[0] = 1
    for j in range(1, m + 1):  # times (1 − q^(n+j)) / (1 − q^j): every step stays integral
        shifted = np.zeros(size, dtype=object)
        shifted[n + j :] = coef[: size - n - j]
        coef = coef - shifted
        for u in range(j, size):
            coef[u] += coef[u - j]
    total = sum(coef)
    return np.cumsum(coef).astype(np.float64) / float(total)


def _lower_count(cdf: np.ndarray | None, mean: float, sd: float, confidence: float) -> int:
    """``c``: how many ordered values lie below a two-sided ``confidence`` interval's lower end.

    The interval ``[v_(c+1), v_(M−c)]`` misses the true value below with probability
    ``P(stat <= c)``, so ``c`` is the largest with ``P(stat <= c) <= (1 − confidence) / 2``
    (``-1``: no interval at this level). ``cdf`` is the exact null distribution, or ``None`` for
    the normal approximation with continuity correction (``mean``, ``sd``).
    """
    from scipy import stats

    tail = (1.0 - confidence) / 2.0
    if cdf is not None:
        ok = np.flatnonzero(cdf <= tail * (1 + 1e-12))
        return int(ok[-1]) if ok.size else -1
    return int(np.floor(mean - 0.5 - float(stats.norm.ppf(1.0 - tail)) * sd))


def _order_interval(values: np.ndarray, below: int) -> tuple[float, float]:
    """``(v_(below+1), v_(M−below))`` of the sorted ``values`` (1-based), ``nan`` when ``below``
    leaves no interval."""
    v = np.sort(values)
    if below < 0 or 2 * below >= v.size:
        return (np.nan, np.nan)
    return (float(v[below]), float(v[v.size - below - 1]))


def hodges_lehmann(
    values: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Hodges–Lehmann estimate (pseudo-median) of one sample and its rank interval.

    The estimate that Wilcoxon's signed-rank test is about: the median of the ``n(n+1)/2``
    Walsh averages ``(x_i + x_j) / 2``, ``i <= j``; the interval is the set of shifts that the
    two-sided signed-rank test at ``1 − confidence`` does not reject (order statistics of the
    Walsh averages; exact null distribution up to :data:`_EXACT_LIMIT` averages, normal
    approximation above; ties as if untied). Non-finite values are dropped.

    Returns
    -------
    (estimate, low, high)
        ``nan`` for an empty sample; ``nan`` ends where the sample is too small for an interval
        at this level (fewer than 6 values at 95 %).
    """
    x = finite(values)
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    i, j = np.triu_indices(x.size)
    walsh = (x[i] + x[j]) / 2.0
    n, m = x.size, walsh.size
    cdf = _signed_rank_cdf(n) if m <= _EXACT_LIMIT else None
    below = _lower_count(cdf, m / 2.0, float(np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)), confidence)
    return (float(np.median(walsh)), *_order_interval(walsh, below))


def hodges_lehmann_shift(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Hodges–Lehmann shift of ``a`` over ``b`` (two independent samples) and its rank interval.

    The estimate that the Mann–Whitney test is about: the median of the ``m·n`` differences
    ``a_i − b_j``; the interval inverts the two-sided test at ``1 − confidence`` (order
    statistics of the differences; exact null distribution up to :data:`_EXACT_LIMIT`
    differences, normal approximation above). Non-finite values are dropped.

    Returns
    -------
    (estimate, low, high)
        ``nan`` when a sample is empty; ``nan`` ends when the samples are too small.
    """
    a, b = finite(a), finite(b)
    if a.size == 0 or b.size == 0:
        return (np.nan, np.nan, np.nan)
    diffs = (a[:, None] - b[None, :]).ravel()
    m, n = a.size, b.size
    cdf = _rank_sum_cdf(m, n) if diffs.size <= _EXACT_LIMIT else None
    sd = float(np.sqrt(m * n * (m + n + 1) / 12.0))
    below = _lower_count(cdf, m * n / 2.0, sd, confidence)
    return (float(np.median(diffs)), *_order_interval(diffs, below))


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (family-wise error); ``nan`` entries stay ``nan``."""
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if ok.size == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    m = order.size
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out
