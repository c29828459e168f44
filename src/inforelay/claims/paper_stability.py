"""The paper's claims about the relay over time (Figs. 7–9): C4a/b, C5a–d, C15, C16.

Input: the ``stability`` table (``concept``, ``measure`` r | overlap, ``window`` all | first |
late, ``value``, ``n_defined``; :func:`inforelay.pipeline.aggregate.stability_table`). ``all``
averages the consecutive pairs from ``t_k`` to the last step (1 pair for delay 1, 5 for delay 5 and
random), ``first`` only ``(t_k, t_k + 1)``, ``late`` the pairs from ``t_k + 3`` on. Regimes are compared on a common window: ``first`` across
fixed delays, ``all`` for delay 5 against random (both have 5 pairs). Definitions:
``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from inforelay.claims.engine import ClaimSpec, claim_row, missing_row
from inforelay.claims.groups import (
    GATED,
    KEYS,
    POOLED,
    RANDOM_REGIME,
    load_table,
    models_in_order,
    per_model_rows,
    versus_rnn_rows,
)
from inforelay.claims.statistics import (
    contrast_evidence,
    rank_sum_evidence,
    signed_rank_evidence,
)

__all__ = ["LONG_DELAY", "STABILITY_CLAIMS", "late_minus_first", "stability_claims"]

Row = dict[str, Any]
_MANN_WHITNEY = "one-sided Mann–Whitney U between groups of networks"
_CONTRAST = "one-sided Welch–Satterthwaite t-test of the contrast of four independent group means"
#: the fixed delay with as many consecutive pairs after t_k as the random regime
LONG_DELAY = "5"
_TEXT = {"r": "correlation r of consecutive relay vectors",
         "overlap": "Jaccard overlap of consecutive carrier sets"}


def _c4(suffix: str, measure: str) -> ClaimSpec:
    return ClaimSpec(
        f"C4{suffix}",
        f"relay is more stable over time in GRU/LSTM than in RNN, fixed delays ({measure}; "
        "\"a higher correlation in the distribution of information between time points\")",
        f"per fixed-delay network: {_TEXT[measure]} at (t_k, t_k+1) (window first), mean over "
        "concepts; GRU (LSTM) minus RNN",
        _MANN_WHITNEY,
    )


def _c5(suffix: str, measure: str, window: str, fixed: str) -> ClaimSpec:
    return ClaimSpec(
        f"C5{suffix}",
        f"random-delay training narrows the stability gap between RNN and GRU/LSTM ({measure}, "
        f"window {window}; \"RNNs exhibit a tendency to localize information similarly\")",
        f"per network {_TEXT[measure]} (window {window}), mean over concepts; (GRU/LSTM − RNN) "
        f"with {fixed} minus (GRU/LSTM − RNN) with random delays",
        _CONTRAST,
    )


C4 = {"r": _c4("a", "r"), "overlap": _c4("b", "overlap")}
C5 = {
    ("r", "first"): _c5("a", "r", "first", "fixed delays 1–5"),
    ("overlap", "first"): _c5("b", "overlap", "first", "fixed delays 1–5"),
    ("r", "all"): _c5("c", "r", "all", f"fixed delay {LONG_DELAY}"),
    ("overlap", "all"): _c5("d", "overlap", "all", f"fixed delay {LONG_DELAY}"),
}
C15 = ClaimSpec(
    "C15",
    "GRU/LSTM relay settles after a brief equilibration and then stays (\"following a brief "
    "equilibration phase of about three time points, remains localized\")",
    f"per delay-{LONG_DELAY} network: mean r of the pairs from t_k+3 on (window late) minus r of "
    "(t_k, t_k+1) (window first), mean over concepts",
    "one-sided Wilcoxon signed-rank over networks",
)
C16 = ClaimSpec(
    "C16",
    "RNN relay keeps moving after the equilibration (\"in the RNN, the information does not stay "
    "localized but instead moves around\")",
    f"per delay-{LONG_DELAY} network: mean r of the pairs from t_k+3 on (window late), mean over "
    "concepts; GRU (LSTM) minus RNN",
    _MANN_WHITNEY,
)
STABILITY_CLAIMS = (*C4.values(), *C5.values(), C15, C16)


def _per_network(df: pd.DataFrame, measure: str, window: str) -> pd.DataFrame:
    sel = df[(df["measure"] == measure) & (df["window"] == window)]
    out = sel.groupby(KEYS, sort=True)["value"].mean().reset_index()
    return out[np.isfinite(out["value"])]


def _gap_contrast(spec: ClaimSpec, per_net: pd.DataFrame, fixed: pd.Series) -> list[Row]:
    """C5: per (task, gated architecture) and pooled, the interaction contrast."""
    rows = []
    is_random = per_net["delay_regime"] == RANDOM_REGIME
    cells = [(t, m) for t in sorted(per_net["task"].unique())
             for m in models_in_order(per_net["model"]) if m in GATED]
    for task, model in [*cells, (None, None)]:
        in_task = per_net["task"] == task if task else np.ones(len(per_net), bool)
        is_gated = per_net["model"] == model if model else per_net["model"].isin(GATED)
        is_rnn = per_net["model"] == "rnn"
        masks = [is_gated & fixed, is_rnn & fixed, is_gated & is_random, is_rnn & is_random]
        groups = [per_net.loc[in_task & m, "value"].to_numpy() for m in masks]
        evidence = contrast_evidence(groups, (1.0, -1.0, -1.0, 1.0))
        gaps = [np.mean(groups[0]) - np.mean(groups[1]), np.mean(groups[2]) - np.mean(groups[3])] \
            if all(g.size for g in groups) else [np.nan, np.nan]
        details = f"gap fixed {gaps[0]:.3g}, gap random {gaps[1]:.3g}"
        group = POOLED if task is None else f"{task}/{model} vs rnn"
        rows.append(claim_row(spec, evidence, group=group, details=details))
    return rows


def late_minus_first(df: pd.DataFrame, measure: str = "r") -> pd.DataFrame:
    """Per network: mean over concepts of (mean value over the late pairs) − first pair.

    The late pairs are window ``late`` (from t_k + 3 on) when the table has it; else the pairs
    after the first, recovered exactly from windows ``all`` and ``first`` (``value`` is the mean
    over defined pairs, so ``late = (n_all · v_all − n_first · v_first) / (n_all − n_first)``).
    Columns: keys, ``late``, ``first``, ``value`` (= late − first).
    """
    sel = df[df["measure"] == measure].set_index([*KEYS, "concept", "window"])
    values, counts = sel["value"].unstack("window"), sel["n_defined"].unstack("window")
    if "first" in values.columns and "late" in values.columns:
        late = values["late"].where(counts["late"] > 0)
    elif {"all", "first"} <= set(values.columns):
        first_sum = (values["first"] * counts["first"]).where(counts["first"] > 0, 0.0)
        n_late = counts["all"] - counts["first"]
        late = ((values["all"] * counts["all"] - first_sum) / n_late).where(n_late > 0)
    else:
        return pd.DataFrame(columns=[*KEYS, "late", "first", "value"])
    per_concept = pd.DataFrame({"late": late, "first": values["first"]}).dropna()
    out = per_concept.groupby(KEYS, sort=True).mean()
    out["value"] = out["late"] - out["first"]
    return out.reset_index()


def _equilibration_rows(df: pd.DataFrame) -> list[Row]:
    """C15 (gated, delay 5: later pairs more stable than the first) and C16 (late r vs RNN)."""
    long = late_minus_first(df[df["delay_regime"] == LONG_DELAY])
    if long.empty:
        reason = f"needs windows first and late (or all) of delay-{LONG_DELAY} networks"
        return [missing_row(C15, reason), missing_row(C16, reason)]
    gated = long[long["model"].isin(GATED)]
    rows = per_model_rows(C15, gated, signed_rank_evidence,
                          lambda g: f"late r {g['late'].mean():.3g} vs first {g['first'].mean():.3g}")
    return rows + versus_rnn_rows(C16, long.assign(value=long["late"]), rank_sum_evidence)


def stability_claims(tables: Mapping[str, pd.DataFrame]) -> list[Row]:
    """Rows of C4a/b, C5a–d, C15 and C16."""
    df = load_table(tables, "stability")
    if isinstance(df, str):
        return [missing_row(spec, df) for spec in STABILITY_CLAIMS]
    rows: list[Row] = []
    for measure, spec in C4.items():
        first = _per_network(df, measure, "first")
        fixed = first[first["delay_regime"] != RANDOM_REGIME]
        rows += versus_rnn_rows(spec, fixed, rank_sum_evidence)
    for (measure, window), spec in C5.items():
        per_net = _per_network(df, measure, window)
        regime = per_net["delay_regime"]
        fixed = regime != RANDOM_REGIME if window == "first" else regime == LONG_DELAY
        rows += _gap_contrast(spec, per_net, fixed)
    return rows + _equilibration_rows(df)
