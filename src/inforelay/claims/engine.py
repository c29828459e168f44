"""One claims engine: the row schema, the evidence behind a claim, and the verdict rule.

The paper's claims (:mod:`inforelay.claims.paper`) and the flow study's claims
(:mod:`inforelay.claims.flow`) both reduce a claim to :class:`Evidence` — an effect oriented so
that a positive value (above :attr:`Evidence.null`) agrees with the claim, its confidence
interval, the p-value in the claimed direction and in the opposite one, and ``n`` — and turn it
into one row of :data:`CLAIM_COLUMNS` with :func:`claim_row`. Rules: ``docs/method.md``
(claims) and ``docs/flow.md``.

Confidence intervals (95 % unless stated):

- mean of per-network (or per-unit) effects: Student-t interval (:func:`inforelay.core.stats.mean_ci`);
- difference of two group means: Welch t-interval (``scipy.stats.ttest_ind(equal_var=False)``),
  deterministic and matching the effect ``mean(a) − mean(b)``;
- median over networks: the distribution-free order-statistic interval of the median
  (``scipy.stats.quantile_test``);
- fraction of networks: Clopper–Pearson interval (``scipy.stats.binomtest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from inforelay.core.stats import finite, mean_ci, rank_sum, signed_rank

__all__ = [
    "HELD",
    "NOT_HELD",
    "INCONCLUSIVE",
    "CLAIM_COLUMNS",
    "ClaimSpec",
    "Evidence",
    "VerdictRule",
    "verdict",
    "claim_row",
    "missing_row",
    "signed_rank_evidence",
    "rank_sum_evidence",
    "median_ci",
    "welch_ci",
    "fraction_ci",
    "two_sided_signed_rank",
    "format_number",
]

HELD, NOT_HELD, INCONCLUSIVE = "held", "not held", "inconclusive"
CLAIM_COLUMNS = [
    "id",
    "claim",
    "group",
    "statistic",
    "test",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "verdict",
    "details",
]
CONFIDENCE = 0.95
_NAN = float("nan")


@dataclass(frozen=True)
class ClaimSpec:
    """What a claim says and how it is tested (the row's text columns)."""

    id: str
    claim: str
    statistic: str
    test: str
    has_test: bool = True  # False: a descriptive claim without a p-value (always inconclusive)


@dataclass(frozen=True)
class VerdictRule:
    """Significance level and the sample size that makes a null result count as *not held*."""

    alpha: float = 0.05
    min_networks: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")


@dataclass(frozen=True)
class Evidence:
    """The numbers behind one claim.

    ``effect`` agrees with the claim when it exceeds ``null`` (0 for differences; 0.5 for a
    fraction of networks tested against a fair coin). ``p_value`` is the p-value in the claimed
    direction, ``p_reverse`` the one in the opposite direction (both ``nan`` without a test).
    ``n`` counts the independent values behind the test (networks, or matched units).
    """

    effect: float
    p_value: float
    p_reverse: float
    n: int
    ci: tuple[float, float] = (_NAN, _NAN)
    null: float = 0.0


def verdict(
    effect: float,
    p_value: float,
    p_reverse: float,
    n: int,
    *,
    alpha: float = 0.05,
    min_networks: int = 10,
    null: float = 0.0,
) -> str:
    """Verdict of one claim (``docs/method.md``, claims).

    - ``held``: ``p_value < alpha`` and the effect lies above ``null``;
    - ``not held``: significant the other way (``p_reverse < alpha``, effect below ``null``), or
      not held with at least ``min_networks`` independent values ``n`` (networks, or matched
      units) — a null result on enough data;
    - ``inconclusive``: otherwise — too few values to call a null result, or no test / no data.
    """
    if not n or not np.isfinite(effect) or not np.isfinite(p_value):
        return INCONCLUSIVE
    if p_value < alpha and effect > null:
        return HELD
    if np.isfinite(p_reverse) and p_reverse < alpha and effect < null:
        return NOT_HELD
    if n >= min_networks:
        return NOT_HELD
    return INCONCLUSIVE


def format_number(x: float | None, digits: int = 3) -> str:
    """``x`` with ``digits`` significant digits, or ``n/a`` when missing or not finite."""
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def _finite_or_nan(x: float) -> float:
    return float(x) if np.isfinite(x) else np.nan


def _inconclusive_note(evidence: Evidence, unit: str, min_networks: int) -> str:
    """Why a claim with data stayed inconclusive."""
    if np.isfinite(evidence.p_value):
        return f"only {evidence.n} {unit} (a null result needs at least {min_networks})"
    return f"only {evidence.n} {unit}: too few for the test"


def claim_row(
    spec: ClaimSpec,
    evidence: Evidence,
    rule: VerdictRule,
    *,
    group: str = "all",
    details: str = "",
    unit: str = "networks",
) -> dict[str, Any]:
    """One row of :data:`CLAIM_COLUMNS`; an inconclusive verdict says why in ``details``.

    ``unit`` names what ``n`` counts in that note ("networks", "matched units").
    """
    e = evidence
    v = verdict(
        e.effect, e.p_value, e.p_reverse, e.n,
        alpha=rule.alpha, min_networks=rule.min_networks, null=e.null,
    )
    if v == INCONCLUSIVE and e.n:
        note = (
            _inconclusive_note(e, unit, rule.min_networks)
            if spec.has_test
            else "no significance test: descriptive only"
        )
        details = (details + "; " if details else "") + note
    return {
        "id": spec.id,
        "claim": spec.claim,
        "group": group,
        "statistic": spec.statistic,
        "test": spec.test,
        "effect": _finite_or_nan(e.effect),
        "ci_low": _finite_or_nan(e.ci[0]),
        "ci_high": _finite_or_nan(e.ci[1]),
        "p_value": _finite_or_nan(e.p_value),
        "n": int(e.n),
        "verdict": v,
        "details": details,
    }


def missing_row(spec: ClaimSpec, reason: str, group: str = "all") -> dict[str, Any]:
    """An inconclusive row for a claim whose data is missing; ``reason`` goes to ``details``."""
    return claim_row(spec, Evidence(_NAN, _NAN, _NAN, 0), VerdictRule(), group=group, details=reason)


# ---------------------------------------------------------------------------
# evidence from the shared tests (inforelay.core.stats)
# ---------------------------------------------------------------------------


def signed_rank_evidence(x: np.ndarray) -> Evidence:
    """Mean of per-network effects ``x`` (non-finite dropped), its t-interval, and the one-sided
    Wilcoxon signed-rank p-values against 0."""
    x = finite(x)
    effect = float(np.mean(x)) if x.size else _NAN
    _, low, high = mean_ci(x, CONFIDENCE)
    greater, less = signed_rank(x)
    return Evidence(effect, greater, less, int(x.size), (low, high))


def rank_sum_evidence(a: np.ndarray, b: np.ndarray) -> Evidence:
    """``mean(a) − mean(b)`` of two independent groups of networks, its Welch interval, and the
    one-sided Mann–Whitney U p-values (a > b, a < b). ``n`` is both groups together."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    effect = float(a.mean() - b.mean()) if a.size and b.size else _NAN
    greater, less = rank_sum(a, b)
    return Evidence(effect, greater, less, int(a.size + b.size), welch_ci(a, b))


def two_sided_signed_rank(x: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value of ``x`` against 0 (``2 · min`` of the one-sided
    p-values of :func:`~inforelay.core.stats.signed_rank`, as scipy computes it)."""
    greater, less = signed_rank(x)
    return float(min(1.0, 2.0 * min(greater, less))) if np.isfinite(greater) else _NAN


# ---------------------------------------------------------------------------
# confidence intervals
# ---------------------------------------------------------------------------


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
    return (_finite_or_nan(ci.low), _finite_or_nan(ci.high))


def fraction_ci(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Clopper–Pearson interval of the fraction ``k / n``; ``nan`` when ``n == 0``."""
    if n == 0:
        return (_NAN, _NAN)
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence, method="exact")
    return (float(ci.low), float(ci.high))
