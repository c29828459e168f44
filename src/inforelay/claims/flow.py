"""Claims of the information-flow study (F1 … F9), tested on the flow tables (``docs/claims.md``).

Every claim reduces the tables to one value per network — neurons are first aggregated within
their network, never pooled over networks as independent samples — and then to
:class:`~inforelay.claims.engine.Evidence`; rows, Holm's correction (within the flow family) and
verdicts are those of the paper's claims (:mod:`inforelay.claims.engine`). F1 … F5 are tested per
branch (``group`` = the branch, e.g. ``networks`` or ``forecast``), F6 … F9 on the forecasters'
training (``group = "forecast"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from inforelay.claims.engine import (
    CLAIM_COLUMNS,
    ClaimSpec,
    Evidence,
    VerdictRule,
    claim_row,
    finalize,
)
from inforelay.claims.statistics import (
    binomial_evidence,
    median_evidence,
    signed_rank_evidence,
)

__all__ = ["CLAIM_COLUMNS", "COMPRESSION_NEEDED", "FLOW_CLAIMS", "evaluate_flow_claims"]

Row = dict[str, Any]
_RHO_TEST = "one-sided Wilcoxon signed-rank of the per-network rho (> 0)"
_DIRECTION_TEST = "one-sided Wilcoxon signed-rank over networks of the per-network difference"
#: a compression phase: I(X;T) falls by more than this fraction of its maximum
COMPRESSION_NEEDED = 0.05

FLOW_CLAIMS = {
    "F1": ClaimSpec(
        "F1",
        "output units lie further along the information flow than hidden units",
        "per network: mean progression of its output units minus of its hidden units; mean over networks",
        _DIRECTION_TEST,
    ),
    "F2": ClaimSpec(
        "F2",
        "hidden units lie further along the information flow than input units",
        "per network: mean progression of its hidden units minus of its input units; mean over networks",
        _DIRECTION_TEST,
    ),
    "F3": ClaimSpec(
        "F3",
        "hidden units form layer-like levels along the flow",
        "fraction of networks whose hidden-unit potentials have gap-statistic k ≥ 2",
        "one-sided exact binomial test of that fraction against 0.5 (most networks layered)",
    ),
    "F4": ClaimSpec(
        "F4",
        "information bottleneck: hidden units trade I(h;X) against I(h;Y) "
        "(negative correlation across hidden units)",
        "median over networks of −rho(I(h;X), I(h;Y)) (Spearman over a network's hidden units; "
        "positive = trade-off)",
        "one-sided Wilcoxon signed-rank of the per-network −rho (> 0)",
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
        "median over networks of (I(X;T) max − final) / max; claim: above "
        f"{COMPRESSION_NEEDED}",
        f"one-sided Wilcoxon signed-rank of (relative fall − {COMPRESSION_NEEDED})",
    ),
    "F9": ClaimSpec(
        "F9",
        "training has a drift phase (gradient SNR > 1) followed by a diffusion phase (SNR < 1)",
        "fraction of networks with an epoch after which SNR stays below 1",
        "one-sided exact binomial test of that fraction against 0.5",
    ),
}


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].to_numpy(dtype=float) if name in df else np.full(len(df), np.nan)


# ---------------------------------------------------------------------------
# per branch: direction, layers, bottleneck, relay
# ---------------------------------------------------------------------------


def _kind_means(neurons: pd.DataFrame) -> pd.DataFrame:
    """Mean progression per network (rows) and neuron kind (columns)."""
    return neurons.groupby(["network", "kind"], sort=True)["progression"].mean().unstack("kind")


def _direction(means: pd.DataFrame, high: str, low: str) -> tuple[Evidence, str]:
    """F1/F2: one difference of mean progressions per network, tested over networks."""
    if high not in means or low not in means:
        return Evidence(np.nan, np.nan, np.nan, 0), f"no {high} or {low} neurons"
    diff = (means[high] - means[low]).dropna().to_numpy(dtype=float)
    details = f"{int(np.sum(diff > 0))} of {diff.size} networks have a positive difference"
    return signed_rank_evidence(diff), details


def _layers(nets: pd.DataFrame) -> tuple[Evidence, str]:
    """F3: more than half of the networks have at least two levels (exact binomial test)."""
    n_layers = _column(nets, "n_layers")
    n_layers = n_layers[np.isfinite(n_layers)]
    k = int(np.sum(n_layers >= 2))
    gradient = np.nanmedian(_column(nets, "gradient_fraction")) if len(nets) else np.nan
    details = (f"{k} of {n_layers.size} networks have k ≥ 2; median gradient fraction of the "
               f"net flow {gradient:.2f}")
    return binomial_evidence(k, int(n_layers.size)), details


def _bottleneck(nets: pd.DataFrame) -> tuple[Evidence, str]:
    """F4: per-network rho(I(h;X), I(h;Y)) below 0, i.e. −rho above 0."""
    rho = _column(nets, "bottleneck_rho")
    details = (f"{int(np.sum(rho > 0))} of {int(np.isfinite(rho).sum())} networks have rho > 0 "
               "(units that know more about X also know more about Y: no trade-off)")
    return median_evidence(-rho), details


def _branch_rows(branch: str, nets: pd.DataFrame, neurons: pd.DataFrame) -> list[Row]:
    """F1 … F5 for one branch (F5 only where relay correlations exist)."""
    means = _kind_means(neurons)
    found = [
        ("F1", _direction(means, "output", "hidden")),
        ("F2", _direction(means, "hidden", "input")),
        ("F3", _layers(nets)),
        ("F4", _bottleneck(nets)),
    ]
    relay = _column(nets, "relay_rho")
    if np.isfinite(relay).any():
        found.append(("F5", (median_evidence(relay), "")))
    return [claim_row(FLOW_CLAIMS[cid], evidence, group=branch, details=details)
            for cid, (evidence, details) in found]


# ---------------------------------------------------------------------------
# forecasters' training: learning, compression, drift / diffusion
# ---------------------------------------------------------------------------


def _compression(training: pd.DataFrame) -> tuple[Evidence, str]:
    """F8: I(X;T) falls by more than COMPRESSION_NEEDED of its maximum."""
    relative = _column(training, "compression") / _column(training, "I_XT_max")
    k = int(np.sum(relative > COMPRESSION_NEEDED))
    details = f"{k} of {int(np.isfinite(relative).sum())} networks compress by more than 5 %"
    return median_evidence(relative, null=COMPRESSION_NEEDED), details


def _drift(training: pd.DataFrame) -> tuple[Evidence, str]:
    """F9: more than half of the networks reach a diffusion phase (exact binomial test)."""
    boundary = _column(training, "phase_threshold")
    two_phases = boundary >= 1
    first = np.median(boundary[two_phases]) if two_phases.any() else float("nan")
    return binomial_evidence(int(two_phases.sum()), len(training)), (
        f"median first diffusion epoch {first}"
    )


def _training_rows(training: pd.DataFrame) -> list[Row]:
    """F6 … F9 on one row per forecaster."""
    found = [
        ("F6", (median_evidence(_column(training, "rho_I_TY_learning")), "")),
        ("F7", (median_evidence(_column(training, "rho_I_XT_learning")), "")),
        ("F8", _compression(training)),
        ("F9", _drift(training)),
    ]
    return [claim_row(FLOW_CLAIMS[cid], evidence, group="forecast", details=details)
            for cid, (evidence, details) in found]


def evaluate_flow_claims(
    networks: pd.DataFrame,
    neurons: pd.DataFrame,
    training: pd.DataFrame | None = None,
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The five questions of the flow study as claims, Holm-corrected within the flow family.

    Parameters
    ----------
    networks
        One row per network (:func:`inforelay.flow.summary.network_row` plus ``branch`` and
        ``network`` columns).
    neurons
        One row per neuron (:func:`inforelay.flow.summary.neuron_table` plus ``branch`` and
        ``network``); averaged within each network before any test.
    training
        One row per forecaster (:func:`inforelay.flow.phases.training_summary`), or ``None``.
    alpha
        Family-wise significance level.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~inforelay.claims.engine.CLAIM_COLUMNS`; ``group`` is the branch for
        F1 … F5 and ``forecast`` for F6 … F9.
    """
    rule = VerdictRule(alpha)
    for name, df, cols in (("networks", networks, ("branch",)),
                           ("neurons", neurons, ("branch", "network", "kind", "progression"))):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"flow '{name}' table lacks column(s) {missing}")
    rows: list[Row] = []
    for branch, nets in networks.groupby("branch", sort=True):
        rows += _branch_rows(str(branch), nets, neurons[neurons["branch"] == branch])
    if training is not None and len(training):
        rows += _training_rows(training)
    return finalize(rows, rule)
