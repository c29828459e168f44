"""Claims of the information-flow study, tested on the flow tables (``docs/flow.md``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["evaluate_flow_claims"]


def _claim(claim: str, branch: str, statistic: str, test: str, value: float, p_value: float,
           n: int, held: bool, note: str = "") -> dict[str, Any]:
    return {"claim": claim, "branch": branch, "statistic": statistic, "test": test,
            "value": value, "p_value": p_value, "n_networks": n,
            "verdict": "held" if held else "not held", "note": note}


def _wilcoxon(values: np.ndarray, alternative: str) -> float:
    values = values[np.isfinite(values)]
    if values.size == 0 or np.all(values == 0):
        return float("nan")
    return float(stats.wilcoxon(values, alternative=alternative).pvalue)


def evaluate_flow_claims(networks: pd.DataFrame, neurons: pd.DataFrame,
                         training: pd.DataFrame | None = None, *, alpha: float = 0.05) -> pd.DataFrame:
    """The five questions as claims with a statistic, a test, a p-value and a verdict.

    Parameters
    ----------
    networks
        One row per network (:func:`network_row` plus ``branch`` and ``network`` columns).
    neurons
        One row per neuron (:func:`neuron_table` plus ``branch`` and ``network``).
    training
        One row per forecaster (:func:`training_summary`), or ``None``.
    alpha
        Significance level of the verdicts.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim, branch, statistic, test, value, p_value, n_networks, verdict, note``.
    """
    rows = []
    for branch, nets in networks.groupby("branch", sort=True):
        cells = neurons[neurons["branch"] == branch]
        n = len(nets)
        for high, low in (("output", "hidden"), ("hidden", "input")):
            a = cells.loc[cells["kind"] == high, "progression"].to_numpy(dtype=float)
            b = cells.loc[cells["kind"] == low, "progression"].to_numpy(dtype=float)
            diff = nets[f"{high}_minus_{low}"].to_numpy(dtype=float)
            p = float(stats.mannwhitneyu(a, b, alternative="greater").pvalue) if a.size and b.size else float("nan")
            value = float(np.nanmean(diff))
            rows.append(_claim(
                f"{high} units lie further along the information flow than {low} units", branch,
                f"mean over networks of mean progression({high}) − mean progression({low})",
                "one-sided Mann–Whitney U on the progression of all neurons pooled over networks",
                value, p, n, bool(p < alpha and value > 0),
                f"{int(np.sum(diff > 0))} of {n} networks have a positive difference"))
        layered = nets["n_layers"].to_numpy(dtype=float)
        rows.append(_claim(
            "hidden units form layer-like levels along the flow", branch,
            "fraction of networks whose hidden-unit potentials have gap-statistic k ≥ 2",
            "gap statistic (exact 1-D k-means vs uniform reference) per network",
            float(np.mean(layered >= 2)), float("nan"), n, bool(np.mean(layered >= 2) > 0.5),
            f"median gradient fraction of the net flow {np.nanmedian(nets['gradient_fraction']):.2f}"))
        rho = nets["bottleneck_rho"].to_numpy(dtype=float)
        p = _wilcoxon(rho, "two-sided")
        median = float(np.nanmedian(rho)) if np.isfinite(rho).any() else float("nan")
        positive = bool(p < alpha and median > 0)
        rows.append(_claim(
            "information bottleneck: I(h;X) and I(h;Y) are not positively correlated across hidden units",
            branch, "median over networks of Spearman rho(I(h;X), I(h;Y))",
            "two-sided Wilcoxon signed-rank of the per-network rho against 0", median, p, n,
            not positive,
            f"{int(np.sum(rho > 0))} of {n} networks have rho > 0 (rho > 0: units that know more "
            "about X also know more about Y, no compression trade-off)"))
        relay = nets["relay_rho"].to_numpy(dtype=float) if "relay_rho" in nets else np.array([])
        if np.isfinite(relay).any():
            p = _wilcoxon(relay, "greater")
            median = float(np.nanmedian(relay))
            rows.append(_claim(
                "units that relay more information lie further along the flow", branch,
                "median over networks of Spearman rho(progression, total relay) of hidden units",
                "one-sided Wilcoxon signed-rank of the per-network rho (> 0)", median, p,
                int(np.isfinite(relay).sum()), bool(p < alpha and median > 0)))
    if training is not None and len(training):
        n = len(training)
        for name, label in (("I_TY", "I(T;Y)"), ("I_XT", "the complexity H(T) = I(X;T)")):
            rho = training[f"rho_{name}_learning"].to_numpy(dtype=float)
            p = _wilcoxon(rho, "greater")
            median = float(np.nanmedian(rho))
            rows.append(_claim(
                f"{label} of the hidden layer tracks learning", "forecast",
                f"median over networks of Spearman rho({name}, −validation loss) over epochs",
                "one-sided Wilcoxon signed-rank of the per-network rho (> 0)", median, p, n,
                bool(p < alpha and median > 0)))
        compression = training["compression"].to_numpy(dtype=float)
        relative = compression / training["I_XT_max"].to_numpy(dtype=float)
        rows.append(_claim(
            "the information plane shows a compression phase (I(X;T) falls after its maximum)",
            "forecast", "median over networks of I(X;T) max − final (bits)",
            "fraction of networks whose I(X;T) falls by more than 5 % of its maximum",
            float(np.median(compression)), float("nan"), n, bool(np.mean(relative > 0.05) > 0.5),
            f"{int(np.sum(relative > 0.05))} of {n} networks compress by more than 5 %"))
        boundary = training["phase_threshold"].to_numpy()
        two_phases = boundary >= 1
        p = float(stats.binomtest(int(two_phases.sum()), n, 0.5, alternative="greater").pvalue)
        rows.append(_claim(
            "training has a drift phase (gradient SNR > 1) followed by a diffusion phase (SNR < 1)",
            "forecast", "fraction of networks with an epoch after which SNR stays below 1",
            "one-sided exact binomial test of that fraction against 0.5",
            float(two_phases.mean()), p, n, bool(p < alpha),
            f"median first diffusion epoch {np.median(boundary[two_phases]) if two_phases.any() else float('nan')}"))
    return pd.DataFrame(rows, columns=["claim", "branch", "statistic", "test", "value", "p_value",
                                       "n_networks", "verdict", "note"])
