"""Statistics shared by tables, figures and claims: means with confidence intervals, one-sided
rank tests, and Holm's correction. scipy only; the network is the unit of replication, so every
function takes one value per network. See ``docs/method.md`` (statistics).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# scipy.stats is imported where it is used: it costs ~0.8 s, and most jobs that import this
# module (through the analyses) never call a test.

__all__ = ["finite", "mean_ci", "signed_rank", "rank_sum", "holm"]


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
