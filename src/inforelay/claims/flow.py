"""Claims of the information-flow study (F1 … F9), tested on the flow tables (``docs/flow.md``).

Each claim is one small function that reduces the tables to :class:`~inforelay.claims.engine.Evidence`;
rows, verdicts and rendering are those of the paper's claims (:mod:`inforelay.claims.engine`,
:mod:`inforelay.claims.report`). F1 … F5 are tested per branch (``group`` = the branch, e.g.
``networks`` or ``forecast``), F6 … F9 on the forecasters' training (``group = "forecast"``).
F3 (layers) and F8 (compression) are descriptive — no significance test — so they stay
*inconclusive*; the table still reports their effect and interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from inforelay.claims.engine import (
    CLAIM_COLUMNS,
    ClaimSpec,
    Evidence,
    VerdictRule,
    claim_row,
    fraction_ci,
    median_ci,
    two_sided_signed_rank,
)
from inforelay.core.stats import mean_ci, rank_sum, signed_rank

__all__ = ["evaluate_flow_claims", "FLOW_CLAIMS"]

Row = dict[str, Any]
_RHO_TEST = "one-sided Wilcoxon signed-rank of the per-network rho (> 0)"

FLOW_CLAIMS = {
    "F1": ClaimSpec(
        "F1",
        "output units lie further along the information flow than hidden units",
        "mean over networks of mean progression(output) − mean progression(hidden)",
        "one-sided Mann–Whitney U on the progression of all neurons pooled over networks",
    ),
    "F2": ClaimSpec(
        "F2",
        "hidden units lie further along the information flow than input units",
        "mean over networks of mean progression(hidden) − mean progression(input)",
        "one-sided Mann–Whitney U on the progression of all neurons pooled over networks",
    ),
    "F3": ClaimSpec(
        "F3",
        "hidden units form layer-like levels along the flow",
        "fraction of networks whose hidden-unit potentials have gap-statistic k ≥ 2",
        "none (descriptive): gap statistic (exact 1-D k-means vs uniform reference) per network",
        has_test=False,
    ),
    "F4": ClaimSpec(
        "F4",
        "information bottleneck: hidden units trade I(h;X) against I(h;Y) "
        "(negative correlation across hidden units)",
        "minus the median over networks of Spearman rho(I(h;X), I(h;Y)) (positive = trade-off)",
        "two-sided Wilcoxon signed-rank of the per-network rho against 0",
    ),
    "F5": ClaimSpec(
        "F5",
        "units that relay more information lie further along the flow",
        "median over networks of Spearman rho(progression, total relay) of hidden units",
        _RHO_TEST,
    ),
    "F6": ClaimSpec(
        "F6",
        "I(T;Y) of the hidden layer tracks learning",
        "median over networks of Spearman rho(I_TY, −validation loss) over epochs",
        _RHO_TEST,
    ),
    "F7": ClaimSpec(
        "F7",
        "the complexity H(T) = I(X;T) of the hidden layer tracks learning",
        "median over networks of Spearman rho(I_XT, −validation loss) over epochs",
        _RHO_TEST,
    ),
    "F8": ClaimSpec(
        "F8",
        "the information plane shows a compression phase (I(X;T) falls after its maximum)",
        "median over networks of I(X;T) max − final (bits)",
        "none (descriptive): fraction of networks whose I(X;T) falls by more than 5 % of its maximum",
        has_test=False,
    ),
    "F9": ClaimSpec(
        "F9",
        "training has a drift phase (gradient SNR > 1) followed by a diffusion phase (SNR < 1)",
        "fraction of networks with an epoch after which SNR stays below 1",
        "one-sided exact binomial test of that fraction against 0.5",
    ),
}


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].to_numpy(dtype=float)


def _median(x: np.ndarray) -> float:
    return float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan")


# ---------------------------------------------------------------------------
# per branch: direction, layers, bottleneck, relay
# ---------------------------------------------------------------------------


def _direction(nets: pd.DataFrame, cells: pd.DataFrame, high: str, low: str) -> tuple[Evidence, str]:
    """F1/F2: ``high`` neurons further along the flow than ``low`` neurons."""
    a = cells.loc[cells["kind"] == high, "progression"].to_numpy(dtype=float)
    b = cells.loc[cells["kind"] == low, "progression"].to_numpy(dtype=float)
    diff = _column(nets, f"{high}_minus_{low}")
    greater, less = rank_sum(a, b)
    _, low_ci, high_ci = mean_ci(diff)
    n = len(nets)
    evidence = Evidence(float(np.nanmean(diff)), greater, less, n, (low_ci, high_ci))
    return evidence, f"{int(np.sum(diff > 0))} of {n} networks have a positive difference"


def _layers(nets: pd.DataFrame) -> tuple[Evidence, str]:
    """F3: fraction of networks with at least two levels (descriptive)."""
    layered = _column(nets, "n_layers") >= 2
    k, n = int(layered.sum()), len(nets)
    evidence = Evidence(float(np.mean(layered)), np.nan, np.nan, n, fraction_ci(k, n), null=0.5)
    gradient = np.nanmedian(nets["gradient_fraction"])
    details = f"{k} of {n} networks have k ≥ 2; median gradient fraction of the net flow {gradient:.2f}"
    return evidence, details


def _bottleneck(nets: pd.DataFrame) -> tuple[Evidence, str]:
    """F4: per-network rho(I(h;X), I(h;Y)) significantly negative (two-sided test)."""
    rho = _column(nets, "bottleneck_rho")
    p = two_sided_signed_rank(rho)
    low, high = median_ci(rho)
    n = len(nets)
    # effect: minus the median, so that positive = a trade-off; the two-sided p-value stands for
    # both directions (significantly negative → held, significantly positive → not held)
    evidence = Evidence(-_median(rho), p, p, n, (-high, -low))
    details = (
        f"{int(np.sum(rho > 0))} of {n} networks have rho > 0 (rho > 0: units that know more "
        "about X also know more about Y, no compression trade-off)"
    )
    return evidence, details


def _median_rho(rho: np.ndarray, n: int) -> Evidence:
    """Median of per-network correlations, tested one-sided (> 0) with the signed-rank test."""
    greater, less = signed_rank(rho)
    return Evidence(_median(rho), greater, less, n, median_ci(rho))


def _branch_rows(branch: str, nets: pd.DataFrame, cells: pd.DataFrame, rule: VerdictRule) -> list[Row]:
    """F1 … F5 for one branch (F5 only where relay correlations exist)."""
    found = [
        ("F1", _direction(nets, cells, "output", "hidden")),
        ("F2", _direction(nets, cells, "hidden", "input")),
        ("F3", _layers(nets)),
        ("F4", _bottleneck(nets)),
    ]
    relay = _column(nets, "relay_rho") if "relay_rho" in nets else np.array([])
    if np.isfinite(relay).any():
        found.append(("F5", (_median_rho(relay, int(np.isfinite(relay).sum())), "")))
    return [
        claim_row(FLOW_CLAIMS[cid], evidence, rule, group=branch, details=details)
        for cid, (evidence, details) in found
    ]


# ---------------------------------------------------------------------------
# forecasters' training: learning, compression, drift / diffusion
# ---------------------------------------------------------------------------


def _compression(training: pd.DataFrame) -> tuple[Evidence, str]:
    """F8: I(X;T) maximum minus final value (descriptive)."""
    compression = _column(training, "compression")
    relative = compression / _column(training, "I_XT_max")
    n = len(training)
    evidence = Evidence(float(np.median(compression)), np.nan, np.nan, n, median_ci(compression))
    return evidence, f"{int(np.sum(relative > 0.05))} of {n} networks compress by more than 5 %"


def _drift(training: pd.DataFrame) -> tuple[Evidence, str]:
    """F9: more than half of the networks reach a diffusion phase (exact binomial test)."""
    boundary = training["phase_threshold"].to_numpy()
    two_phases = boundary >= 1
    k, n = int(two_phases.sum()), len(training)
    greater = float(stats.binomtest(k, n, 0.5, alternative="greater").pvalue)
    less = float(stats.binomtest(k, n, 0.5, alternative="less").pvalue)
    evidence = Evidence(float(two_phases.mean()), greater, less, n, fraction_ci(k, n), null=0.5)
    first = np.median(boundary[two_phases]) if two_phases.any() else float("nan")
    return evidence, f"median first diffusion epoch {first}"


def _training_rows(training: pd.DataFrame, rule: VerdictRule) -> list[Row]:
    """F6 … F9 on one row per forecaster."""
    n = len(training)
    found = [
        ("F6", (_median_rho(_column(training, "rho_I_TY_learning"), n), "")),
        ("F7", (_median_rho(_column(training, "rho_I_XT_learning"), n), "")),
        ("F8", _compression(training)),
        ("F9", _drift(training)),
    ]
    return [
        claim_row(FLOW_CLAIMS[cid], evidence, rule, group="forecast", details=details)
        for cid, (evidence, details) in found
    ]


def evaluate_flow_claims(
    networks: pd.DataFrame,
    neurons: pd.DataFrame,
    training: pd.DataFrame | None = None,
    *,
    alpha: float = 0.05,
    min_networks: int = 10,
) -> pd.DataFrame:
    """The five questions of ``docs/flow.md`` as claims with an effect, a test and a verdict.

    Parameters
    ----------
    networks
        One row per network (:func:`inforelay.flow.summary.network_row` plus ``branch`` and
        ``network`` columns).
    neurons
        One row per neuron (:func:`inforelay.flow.summary.neuron_table` plus ``branch`` and
        ``network``).
    training
        One row per forecaster (:func:`inforelay.flow.phases.training_summary`), or ``None``.
    alpha
        Significance level of the verdicts.
    min_networks
        Networks needed before a non-significant result counts as ``not held``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~inforelay.claims.engine.CLAIM_COLUMNS`; ``group`` is the branch for
        F1 … F5 and ``forecast`` for F6 … F9.
    """
    rule = VerdictRule(alpha, min_networks)
    rows: list[Row] = []
    for branch, nets in networks.groupby("branch", sort=True):
        rows += _branch_rows(str(branch), nets, neurons[neurons["branch"] == branch], rule)
    if training is not None and len(training):
        rows += _training_rows(training, rule)
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)
