"""One claims engine: the row schema, the evidence behind a claim, Holm's correction and the verdict.

The paper's claims (:mod:`inforelay.claims.paper`) and the flow study's claims
(:mod:`inforelay.claims.flow`) both reduce every (claim, group) pair to :class:`Evidence` — an
effect oriented so that a value above :attr:`Evidence.null` agrees with the claim, its 95 %
confidence interval, the one-sided p-values in the claimed and in the opposite direction, and
``n`` (networks) — and turn it into one row of :data:`CLAIM_COLUMNS` with :func:`claim_row`.
:func:`finalize` then Holm-corrects each family of rows (``family``: the primary analysis,
the pooled rows, each sensitivity analysis, the sanity checks) and gives each row its verdict
(:func:`verdict`). Every claim, statistic and rule: ``docs/claims.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from inforelay.core.stats import holm

__all__ = [
    "CLAIM_COLUMNS",
    "HELD",
    "INCONCLUSIVE",
    "NOT_HELD",
    "POOLED_FAMILY",
    "PRIMARY",
    "SANITY",
    "ClaimSpec",
    "Evidence",
    "VerdictRule",
    "claim_row",
    "default_family",
    "finalize",
    "format_number",
    "missing_row",
    "verdict",
]

HELD, NOT_HELD, INCONCLUSIVE = "held", "not held", "inconclusive"
CLAIM_COLUMNS = [
    "id",
    "claim",
    "group",
    "family",
    "statistic",
    "test",
    "effect",
    "ci_low",
    "ci_high",
    "null",
    "needed",
    "p_value",
    "p_holm",
    "p_reverse",
    "p_holm_reverse",
    "n",
    "verdict",
    "details",
]
_NAN = float("nan")
#: the family of the primary analysis: the only rows a summary counts
PRIMARY = "primary"
#: the family of the rows that pool every task and architecture
POOLED_FAMILY = "pooled"
#: the family of checks that cannot fail by design (reported, never counted)
SANITY = "sanity"


@dataclass(frozen=True)
class ClaimSpec:
    """What a claim says and how it is tested (the row's text columns), and its Holm family
    (``None`` or ``"primary"``: :func:`default_family` of each row's group; any other family,
    e.g. ``"sanity"`` or ``"sensitivity: zero ablation"``, holds all the claim's rows)."""

    id: str
    claim: str
    statistic: str
    test: str
    family: str | None = None


@dataclass(frozen=True)
class VerdictRule:
    """Family-wise significance level of the Holm-corrected one-sided tests."""

    alpha: float = 0.05

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")


@dataclass(frozen=True)
class Evidence:
    """The numbers behind one (claim, group) row.

    ``effect`` agrees with the claim when it exceeds ``null``, the value the one-sided test is
    against (0 for differences, 0.5 for a fraction of networks against a fair coin, a margin
    for equivalence-style claims). ``p_value`` is the one-sided p-value in the claimed direction,
    ``p_reverse`` the one in the opposite direction (``nan`` without a test). ``needed`` is the
    least effect the claim implies (``nan``: none): *held* needs the interval's lower end above
    it, and an interval entirely below it makes the claim *not held*. ``equivalence``: a claim
    of "no more than a margin", tested against the margin ``null``, so its interval must clear
    ``null`` (``needed`` defaults to ``null``). ``n`` counts networks. ``ci`` is the interval of
    ``effect``, the estimate the test is about (:mod:`inforelay.claims.statistics`).
    """

    effect: float
    p_value: float
    p_reverse: float
    n: int
    ci: tuple[float, float] = (_NAN, _NAN)
    null: float = 0.0
    needed: float = _NAN
    equivalence: bool = False


def format_number(x: float | None, digits: int = 3) -> str:
    """``x`` with ``digits`` significant digits, or ``n/a`` when missing or not finite."""
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def _finite(x: Any) -> bool:
    return x is not None and bool(np.isfinite(x))


def verdict(
    effect: float,
    p_holm: float,
    p_holm_reverse: float,
    n: int,
    *,
    ci: tuple[float, float] = (_NAN, _NAN),
    null: float = 0.0,
    needed: float = _NAN,
    equivalence: bool = False,
    alpha: float = 0.05,
) -> tuple[str, str]:
    """Verdict of one row from its Holm-adjusted p-values and interval, and why (``docs/claims.md``).

    ``needed`` is the size the claim implies (for an equivalence-style claim at least its margin
    ``null``):

    - ``held``: ``p_holm < alpha``, ``effect > null`` and, where a size is needed, the interval's
      lower end above it (``ci_low > needed``): significant *and* at least as large as claimed;
    - ``not held``: significant in the opposite direction after Holm (``p_holm_reverse < alpha``
      and ``effect < null``), or the interval wholly below the needed size (``ci_high < needed``);
    - ``inconclusive``: anything else — never ``not held`` from a large p-value alone.
    """
    if equivalence and not _finite(needed):
        needed = null
    if not n or not _finite(effect):
        return INCONCLUSIVE, "no data for this group"
    if not _finite(p_holm):
        return INCONCLUSIVE, f"too few networks for the test (n = {n})"
    sized = _finite(needed)
    if sized and _finite(ci[1]) and ci[1] < needed:
        return NOT_HELD, f"the 95 % CI lies below {format_number(needed)}, the size the claim needs"
    if _finite(p_holm_reverse) and p_holm_reverse < alpha and effect < null:
        return NOT_HELD, f"significant in the opposite direction (Holm p = {p_holm_reverse:.2g})"
    if p_holm < alpha and effect > null:
        if sized and not (_finite(ci[0]) and ci[0] > needed):
            return INCONCLUSIVE, (
                f"significant, but the 95 % CI reaches below {format_number(needed)}, "
                "the size the claim needs"
            )
        return HELD, ""
    return INCONCLUSIVE, (
        f"not significant after Holm (p_holm = {p_holm:.2g}, n = {n}): no evidence either way"
    )


def default_family(group: str) -> str:
    """The family of a row of ``group`` unless its claim says otherwise: pooled rows are a
    family of their own, every other row belongs to the primary analysis."""
    return POOLED_FAMILY if group == "pooled" else PRIMARY


def _row_family(spec: ClaimSpec, group: str, family: str | None) -> str:
    if family is not None:
        return str(family)
    if spec.family in (None, PRIMARY):
        return default_family(group)
    return str(spec.family)


def claim_row(
    spec: ClaimSpec,
    evidence: Evidence,
    *,
    group: str = "pooled",
    details: str = "",
    family: str | None = None,
) -> dict[str, Any]:
    """One row of :data:`CLAIM_COLUMNS` before the family's correction (:func:`finalize`);
    ``family`` defaults to the spec's (:class:`ClaimSpec`)."""
    e = evidence

    def num(x: float) -> float:
        return float(x) if _finite(x) else _NAN

    return {
        "id": spec.id,
        "claim": spec.claim,
        "group": group,
        "family": _row_family(spec, group, family),
        "statistic": spec.statistic,
        "test": spec.test,
        "effect": num(e.effect),
        "ci_low": num(e.ci[0]),
        "ci_high": num(e.ci[1]),
        "null": float(e.null),
        "needed": num(e.needed),
        "p_value": num(e.p_value) if e.n else _NAN,
        "p_holm": _NAN,
        "p_reverse": num(e.p_reverse) if e.n else _NAN,
        "p_holm_reverse": _NAN,
        "n": int(e.n),
        "verdict": INCONCLUSIVE,
        "details": details,
        "equivalence_claim": bool(e.equivalence),
    }


def missing_row(
    spec: ClaimSpec, reason: str, group: str = "pooled", family: str | None = None
) -> dict[str, Any]:
    """An inconclusive row for a (claim, group) without data; ``reason`` goes to ``details``."""
    return claim_row(spec, Evidence(_NAN, _NAN, _NAN, 0), group=group, details=reason,
                     family=family)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def finalize(rows: list[dict[str, Any]], rule: VerdictRule) -> pd.DataFrame:
    """Holm-correct each family of rows and give each row its verdict.

    ``p_holm`` is Holm's adjustment of the claimed-direction p-values over every row of the
    row's ``family`` with a p-value; ``p_holm_reverse`` the same for the opposite-direction
    p-values. Returns a frame with columns :data:`CLAIM_COLUMNS`, rows in the given order.
    """
    df = pd.DataFrame(rows, columns=[*CLAIM_COLUMNS, "equivalence_claim"])
    if df.empty:
        return df[CLAIM_COLUMNS]
    df["family"] = df["family"].fillna(df["group"].map(default_family))
    for _, index in df.groupby("family", sort=False).groups.items():
        df.loc[index, "p_holm"] = holm(df.loc[index, "p_value"].to_numpy(dtype=float))
        df.loc[index, "p_holm_reverse"] = holm(df.loc[index, "p_reverse"].to_numpy(dtype=float))
    verdicts, details = [], []
    for r in df.itertuples(index=False):
        v, why = verdict(
            r.effect, r.p_holm, r.p_holm_reverse, r.n, ci=(r.ci_low, r.ci_high),
            null=r.null, needed=r.needed, equivalence=r.equivalence_claim, alpha=rule.alpha,
        )
        verdicts.append(v)
        details.append(r.details if r.n == 0 and r.details else _join(r.details, why))
    df["verdict"], df["details"] = verdicts, details
    df["n"] = df["n"].astype(np.int64)
    return df[CLAIM_COLUMNS].reset_index(drop=True)
