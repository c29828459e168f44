"""Evidence from one value per network: the tests and 95 % intervals every claim uses.

Each function takes per-network values (the network is the unit of replication, never a neuron
or a pair of steps) and returns :class:`~inforelay.claims.engine.Evidence` with one-sided
p-values in both directions. Definitions: ``docs/claims.md`` (statistics).

The effect and interval shown are always those of the estimator the test is about:

- :func:`signed_rank_evidence` — Hodges–Lehmann pseudo-median of within-network values with its
  signed-rank interval, Wilcoxon signed-rank test of ``x − null``;
- :func:`median_evidence` — the same (kept for per-network correlations);
- :func:`rank_sum_evidence` — Hodges–Lehmann shift between two groups with its Mann–Whitney
  interval, Mann–Whitney U test;
- :func:`two_sided_rank_sum_evidence` — the same, for claims of a difference in either direction;
- :func:`equivalence_rank_sum_evidence` — two one-sided Mann–Whitney tests of a shift within a
  margin (TOST);
- :func:`equivalence_signed_rank_evidence` — two one-sided signed-rank tests of a pseudo-median
  within a margin (TOST);
- :func:`correlation_evidence` — Spearman's rho between two per-network values, Fisher-z
  interval, one-sided test of rho;
- :func:`contrast_evidence` — a linear contrast of independent group means (an interaction),
  Welch–Satterthwaite t-test and interval;
- :func:`binomial_evidence` — a fraction of networks, Clopper–Pearson interval, exact binomial test.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from inforelay.claims.engine import Evidence
from inforelay.core.stats import finite, hodges_lehmann, hodges_lehmann_shift, rank_sum, signed_rank

__all__ = [
    "CONFIDENCE",
    "binomial_evidence",
    "contrast_evidence",
    "correlation_evidence",
    "equivalence_signed_rank_evidence",
    "equivalence_rank_sum_evidence",
    "replace_needed",
    "two_sided_rank_sum_evidence",
    "two_sided_signed_rank_evidence",
    "fraction_ci",
    "median_evidence",
    "rank_sum_evidence",
    "signed_rank_evidence",
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
    """Hodges–Lehmann pseudo-median of per-network values ``x`` (non-finite dropped) with its
    signed-rank interval (:func:`inforelay.core.stats.hodges_lehmann`), and the one-sided
    Wilcoxon signed-rank p-values of ``x − null`` (greater = as claimed): the test, the
    estimate and the interval are one procedure, so the interval excludes ``null`` exactly
    when the two-sided test rejects at 5 %."""
    x = finite(x)
    effect, low, high = hodges_lehmann(x, CONFIDENCE)
    greater, less = signed_rank(x - null)
    return Evidence(effect, greater, less, int(x.size), (low, high), null, needed, equivalence)


def two_sided_signed_rank_evidence(x: Sequence[float] | np.ndarray) -> Evidence:
    """Per-network values away from 0 in either direction: the absolute Hodges–Lehmann
    pseudo-median with its folded signed-rank interval, and the two-sided Wilcoxon p-value as
    ``p_value`` (no opposite direction: ``p_reverse`` is ``nan``)."""
    one = signed_rank_evidence(x)
    p = min(1.0, 2.0 * min(one.p_value, one.p_reverse)) if np.isfinite(one.p_value) else _NAN
    effect = abs(one.effect) if np.isfinite(one.effect) else _NAN
    return Evidence(effect, p, _NAN, one.n, _folded(*one.ci))


def median_evidence(x: Sequence[float] | np.ndarray, *, null: float = 0.0) -> Evidence:
    """:func:`signed_rank_evidence` without a needed size (per-network correlations)."""
    return signed_rank_evidence(x, null=null)


def rank_sum_evidence(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> Evidence:
    """Hodges–Lehmann shift of ``a`` over ``b`` (two independent groups of networks) with its
    Mann–Whitney interval (:func:`inforelay.core.stats.hodges_lehmann_shift`), and the one-sided
    Mann–Whitney U p-values (a > b as claimed). ``n`` counts both groups."""
    a, b = finite(a), finite(b)
    effect, low, high = hodges_lehmann_shift(a, b, CONFIDENCE)
    greater, less = rank_sum(a, b)
    return Evidence(effect, greater, less, int(a.size + b.size), (low, high))


def replace_needed(evidence: Evidence, needed: float) -> Evidence:
    """``evidence`` with the size the claim needs set to ``needed``."""
    from dataclasses import replace

    return replace(evidence, needed=float(needed))


def _folded(low: float, high: float) -> tuple[float, float]:
    """The interval of ``|d|`` from the interval ``[low, high]`` of ``d``."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return (_NAN, _NAN)
    top = max(abs(low), abs(high))
    return (0.0 if low <= 0 <= high else min(abs(low), abs(high)), top)


def two_sided_rank_sum_evidence(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray
) -> Evidence:
    """A difference between two groups in either direction (\"differently\"): the absolute
    Hodges–Lehmann shift ``|a − b|`` with its folded rank interval, and the two-sided
    Mann–Whitney p-value as ``p_value`` (no opposite direction: ``p_reverse`` is ``nan``)."""
    one = rank_sum_evidence(a, b)
    p = min(1.0, 2.0 * min(one.p_value, one.p_reverse)) if np.isfinite(one.p_value) else _NAN
    effect = abs(one.effect) if np.isfinite(one.effect) else _NAN
    return Evidence(effect, p, _NAN, one.n, _folded(*one.ci))


def equivalence_rank_sum_evidence(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, *, margin: float
) -> Evidence:
    """Two groups alike within ``margin`` (\"similarly\"): two one-sided Mann–Whitney tests
    (TOST) of the shift ``a − b`` against ``−margin`` and ``+margin``.

    ``effect = margin − |HL shift|`` (positive = within the margin), its interval from the
    shift's rank interval, ``p_value`` the larger TOST p-value; ``p_reverse`` tests that the
    shift lies *outside* the margin (twice the smaller of the two one-sided tests beyond it), so a
    shift significantly larger than the margin makes the claim not held.
    """
    a, b = finite(a), finite(b)
    shift, low, high = hodges_lehmann_shift(a, b, CONFIDENCE)
    above_low, below_low = rank_sum(a + margin, b)  # a − b > −margin ?
    above_high, below_high = rank_sum(a - margin, b)  # a − b < +margin ?
    p = max(above_low, below_high) if np.isfinite(above_low) else _NAN
    # beyond the margin on either side: Bonferroni over the two sides
    outside = min(1.0, 2.0 * min(below_low, above_high)) if np.isfinite(above_low) else _NAN
    folded = _folded(low, high)
    ci = (margin - folded[1], margin - folded[0])
    effect = margin - abs(shift) if np.isfinite(shift) else _NAN
    return Evidence(effect, p, outside, int(a.size + b.size), ci, 0.0, 0.0)


def equivalence_signed_rank_evidence(x: Sequence[float] | np.ndarray, *, margin: float) -> Evidence:
    """Per-network values near 0 within ``margin`` (\"does not correspond\"): two one-sided
    signed-rank tests (TOST) of ``x`` against ``−margin`` and ``+margin``.

    ``effect = margin − |HL pseudo-median|`` with its interval from the pseudo-median's,
    ``p_value`` the larger TOST p-value, ``p_reverse`` (twice the smaller of the tests beyond
    either margin) the evidence that the values lie outside the margin.
    """
    x = finite(x)
    centre, low, high = hodges_lehmann(x, CONFIDENCE)
    above_low, below_low = signed_rank(x + margin)
    above_high, below_high = signed_rank(x - margin)
    p = max(above_low, below_high) if np.isfinite(above_low) else _NAN
    outside = min(1.0, 2.0 * min(below_low, above_high)) if np.isfinite(above_low) else _NAN
    folded = _folded(low, high)
    effect = margin - abs(centre) if np.isfinite(centre) else _NAN
    return Evidence(effect, p, outside, int(x.size), (margin - folded[1], margin - folded[0]),
                    0.0, 0.0)


def correlation_evidence(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> Evidence:
    """Spearman's rho between paired per-network values (pairs with a non-finite value dropped),
    its Fisher-z interval (standard error ``sqrt(1.06 / (n − 3))``, Fieller et al.), and
    one-sided permutation p-values of rho (exact up to 7 pairs, else 9,999 seeded permutations;
    greater = as claimed)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    rx, ry = stats.rankdata(x[keep]), stats.rankdata(y[keep])
    n = int(rx.size)
    if n < 4 or np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return Evidence(_NAN, _NAN, _NAN, n)
    rho = float(np.corrcoef(rx, ry)[0, 1])

    def p(alternative: str) -> float:
        method = stats.PermutationMethod(n_resamples=9999, rng=np.random.default_rng(0))
        return float(stats.pearsonr(rx, ry, alternative=alternative, method=method).pvalue)

    z, half = np.arctanh(np.clip(rho, -0.999999, 0.999999)), stats.norm.ppf(0.5 + CONFIDENCE / 2)
    se = float(np.sqrt(1.06 / (n - 3))) if n > 3 else _NAN
    ci = (float(np.tanh(z - half * se)), float(np.tanh(z + half * se)))
    return Evidence(rho, p("greater"), p("less"), n, ci)


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


def fraction_ci(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Clopper–Pearson interval of the fraction ``k / n``; ``nan`` when ``n == 0``."""
    if n == 0:
        return (_NAN, _NAN)
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence, method="exact")
    return (float(ci.low), float(ci.high))
