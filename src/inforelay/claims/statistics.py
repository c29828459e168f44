"""Evidence from one value per network: the tests and 95 % intervals every claim uses.

Each function takes per-network values (the network is the unit of replication, never a neuron
or a pair of steps) and returns :class:`~inforelay.claims.engine.Evidence` with one-sided
p-values in both directions. Definitions: ``docs/claims.md`` (statistics).

- :func:`signed_rank_evidence` — mean of within-network effects, Student-t interval, Wilcoxon
  signed-rank test of ``x − null``;
- :func:`median_evidence` — median of per-network correlations, order-statistic interval,
  Wilcoxon signed-rank test;
- :func:`rank_sum_evidence` — difference of two group means, Welch interval, Mann–Whitney U;
- :func:`contrast_evidence` — a linear contrast of independent group means (an interaction),
  Welch–Satterthwaite t-test and interval;
- :func:`binomial_evidence` — a fraction of networks, Clopper–Pearson interval, exact binomial test.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from inforelay.claims.engine import Evidence
from inforelay.core.stats import finite, mean_ci, rank_sum, signed_rank

__all__ = [
    "CONFIDENCE",
    "binomial_evidence",
    "contrast_evidence",
    "fraction_ci",
    "median_ci",
    "median_evidence",
    "rank_sum_evidence",
    "signed_rank_evidence",
    "welch_ci",
]

CONFIDENCE = 0.95
_NAN = float("nan")


def signed_rank_evidence(
    x: Sequence[float] | np.ndarray,
    *,
    null: float = 0.0,
    needed: float = _NAN,
    equivalence: bool = False,
) -> Evidence:
    """Mean of per-network values ``x`` (non-finite dropped), its t-interval, and the one-sided
    Wilcoxon signed-rank p-values of ``x − null`` (greater = as claimed)."""
    x = finite(x)
    effect = float(np.mean(x)) if x.size else _NAN
    _, low, high = mean_ci(x, CONFIDENCE)
    greater, less = signed_rank(x - null)
    return Evidence(effect, greater, less, int(x.size), (low, high), null, needed, equivalence)


def median_evidence(x: Sequence[float] | np.ndarray, *, null: float = 0.0) -> Evidence:
    """Median of per-network values, its order-statistic interval, and the one-sided Wilcoxon
    signed-rank p-values of ``x − null``."""
    x = finite(x)
    effect = float(np.median(x)) if x.size else _NAN
    greater, less = signed_rank(x - null)
    return Evidence(effect, greater, less, int(x.size), median_ci(x), null)


def rank_sum_evidence(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> Evidence:
    """``mean(a) − mean(b)`` of two independent groups of networks, its Welch interval, and the
    one-sided Mann–Whitney U p-values (a > b as claimed). ``n`` counts both groups."""
    a, b = finite(a), finite(b)
    effect = float(a.mean() - b.mean()) if a.size and b.size else _NAN
    greater, less = rank_sum(a, b)
    return Evidence(effect, greater, less, int(a.size + b.size), welch_ci(a, b))


def contrast_evidence(groups: Sequence[np.ndarray], weights: Sequence[float]) -> Evidence:
    """Linear contrast ``Σ w_i · mean(group_i)`` of independent groups of networks.

    Welch–Satterthwaite t-test (one-sided both ways) and interval; each group needs two finite
    values. Used for interactions, e.g. ``(gated − rnn)_fixed − (gated − rnn)_random``.
    """
    xs = [finite(g) for g in groups]
    n = int(sum(x.size for x in xs))
    if not all(x.size for x in xs):
        return Evidence(_NAN, _NAN, _NAN, n)
    effect = float(sum(w * x.mean() for w, x in zip(weights, xs, strict=True)))
    if any(x.size < 2 for x in xs):
        return Evidence(effect, _NAN, _NAN, n)
    parts = np.array([w * w * x.var(ddof=1) / x.size for w, x in zip(weights, xs, strict=True)])
    se = float(np.sqrt(parts.sum()))
    if se == 0:
        return Evidence(effect, _NAN, _NAN, n)
    df = se**4 / float(np.sum(parts**2 / np.array([x.size - 1 for x in xs])))
    t = effect / se
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df)) * se
    p_greater, p_less = float(stats.t.sf(t, df)), float(stats.t.cdf(t, df))
    return Evidence(effect, p_greater, p_less, n, (effect - half, effect + half))


def binomial_evidence(k: int, n: int, p0: float = 0.5) -> Evidence:
    """Fraction ``k / n`` of networks, its Clopper–Pearson interval, and the one-sided exact
    binomial p-values against ``p0`` (greater = as claimed)."""
    if n == 0:
        return Evidence(_NAN, _NAN, _NAN, 0, null=p0)
    greater = float(stats.binomtest(k, n, p0, alternative="greater").pvalue)
    less = float(stats.binomtest(k, n, p0, alternative="less").pvalue)
    return Evidence(k / n, greater, less, n, fraction_ci(k, n), p0)


def welch_ci(a: np.ndarray, b: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Welch t-interval of ``mean(a) − mean(b)``; ``nan`` with fewer than two finite values in a
    group or no spread at all."""
    a, b = finite(a), finite(b)
    if a.size < 2 or b.size < 2 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        return (_NAN, _NAN)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(confidence)
    return (float(ci.low), float(ci.high))


def median_ci(x: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Distribution-free interval of the median (order statistics); ``nan`` without values."""
    x = finite(x)
    if x.size == 0:
        return (_NAN, _NAN)
    ci = stats.quantile_test(x, q=float(np.median(x)), p=0.5).confidence_interval(confidence)
    low, high = float(ci.low), float(ci.high)
    return (low if np.isfinite(low) else _NAN, high if np.isfinite(high) else _NAN)


def fraction_ci(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Clopper–Pearson interval of the fraction ``k / n``; ``nan`` when ``n == 0``."""
    if n == 0:
        return (_NAN, _NAN)
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence, method="exact")
    return (float(ci.low), float(ci.high))
