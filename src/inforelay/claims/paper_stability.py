"""The paper's claims about the relay over time (Figs. 7–9): C4a/b, C5a–f, C15, C16.

Input: the ``stability`` table (``concept``, ``measure`` r | overlap, ``window`` all | first |
late, ``value``, ``n_defined``; :func:`inforelay.pipeline.aggregate.stability_table`). ``all``
averages the consecutive pairs from ``t_k`` to the last step (1 pair for delay 1, 5 for delay 5 and
random), ``first`` only ``(t_k, t_k + 1)``, ``late`` the pairs from ``t_k + 3`` on. Regimes are compared on a common window: ``first`` across
fixed delays, ``all`` for delay 5 against random (both have 5 pairs). Definitions:
``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace as dc_replace
from functools import partial
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
from inforelay.claims.preregistration import Preregistration
from inforelay.claims.statistics import (
    contrast_evidence,
    equivalence_rank_sum_evidence,
    rank_sum_evidence,
    replace_needed,
    signed_rank_evidence,
)

__all__ = ["LONG_DELAY", "STABILITY_CLAIMS", "late_minus_first", "stability_claims"]

Row = dict[str, Any]
#: the fixed delay with as many consecutive pairs after t_k as the random regime
LONG_DELAY = "5"
_STABLER = ("\"a higher correlation in the distribution of information between time points\"")
_SIMILAR = "\"RNNs exhibit a tendency to localize information similarly\""

#: what the paper says, per claim; the statistic, test and numbers are registered
#: (:mod:`inforelay.claims.preregistration`)
STABILITY_CLAIMS = {
    "C4a": f"relay is more stable over time in GRU/LSTM than in RNN, fixed delays (r; {_STABLER})",
    "C4b": f"relay is more stable over time in GRU/LSTM than in RNN, fixed delays (overlap; "
           f"{_STABLER})",
    "C5a": f"random-delay training narrows the stability gap between RNN and GRU/LSTM (r, window "
           f"first; {_SIMILAR})",
    "C5b": f"random-delay training narrows the stability gap between RNN and GRU/LSTM (overlap, "
           f"window first; {_SIMILAR})",
    "C5c": f"random-delay training narrows the stability gap between RNN and GRU/LSTM (r, window "
           f"all; {_SIMILAR})",
    "C5d": f"random-delay training narrows the stability gap between RNN and GRU/LSTM (overlap, "
           f"window all; {_SIMILAR})",
    "C5e": f"with random delays, RNNs localize information like GRU/LSTM (r, window all; "
           f"{_SIMILAR})",
    "C5f": "random-delay training changes how an RNN localizes information (r, window all; "
           "\"the localization shifts dramatically\")",
    "C15": "GRU/LSTM relay settles after a brief equilibration and then stays (\"following a brief "
           "equilibration phase of about three time points, remains localized\")",
    "C16": "RNN relay keeps moving after the equilibration (\"in the RNN, the information does not "
           "stay localized but instead moves around\")",
}
#: (measure, window) of the gap contrasts C5a–d
_C5 = {"C5a": ("r", "first"), "C5b": ("overlap", "first"), "C5c": ("r", "all"),
       "C5d": ("overlap", "all")}


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


def _equilibration_rows(df: pd.DataFrame, spec: Mapping[str, ClaimSpec]) -> list[Row]:
    """C15 (gated, delay 5: later pairs more stable than the first) and C16 (late r vs RNN)."""
    long = late_minus_first(df[df["delay_regime"] == LONG_DELAY])
    if long.empty:
        reason = f"needs windows first and late (or all) of delay-{LONG_DELAY} networks"
        return [missing_row(spec["C15"], reason), missing_row(spec["C16"], reason)]
    gated = long[long["model"].isin(GATED)]
    rows = per_model_rows(spec["C15"], gated, signed_rank_evidence,
                          lambda g: f"late r {g['late'].mean():.3g} vs first {g['first'].mean():.3g}")
    return rows + versus_rnn_rows(spec["C16"], long.assign(value=long["late"]), rank_sum_evidence)


def _random_regime_rows(df: pd.DataFrame, spec: Mapping[str, ClaimSpec],
                        reg: Preregistration) -> list[Row]:
    """C5e (random delays: gated and RNN alike within the margin) and C5f (RNN: random delays
    vs delay 5), both on r over window ``all``."""
    per_net = _per_network(df, "r", "all")
    alike = partial(equivalence_rank_sum_evidence, margin=reg.number("C5e", "margin"))
    random = per_net[per_net["delay_regime"] == RANDOM_REGIME]
    rows = versus_rnn_rows(spec["C5e"], random, alike)
    rnn = per_net[(per_net["model"] == "rnn")
                  & per_net["delay_regime"].isin([RANDOM_REGIME, LONG_DELAY])]
    if rnn.empty:
        return rows + [missing_row(spec["C5f"], f"needs RNNs of the random and delay-{LONG_DELAY} regimes")]
    needed = reg.number("C5f", "needed")
    for task in [*sorted(rnn["task"].unique()), None]:
        g = rnn if task is None else rnn[rnn["task"] == task]
        a = g.loc[g["delay_regime"] == RANDOM_REGIME, "value"].to_numpy()
        b = g.loc[g["delay_regime"] == LONG_DELAY, "value"].to_numpy()
        evidence = replace_needed(rank_sum_evidence(a, b), needed)
        rows.append(claim_row(spec["C5f"], evidence, group=POOLED if task is None else f"{task}/rnn",
                              details=f"random {np.mean(a) if a.size else np.nan:.3g} ({a.size} "
                                      f"networks) vs delay {LONG_DELAY} "
                                      f"{np.mean(b) if b.size else np.nan:.3g} ({b.size} networks)"))
    return rows


def stability_claims(tables: Mapping[str, pd.DataFrame], reg: Preregistration,
                     family: str | None = None) -> list[Row]:
    """Rows of C4a/b, C5a–f, C15 and C16 (``family``: the spec family of every row, for a
    sensitivity analysis on another stability table)."""
    spec = {cid: reg.spec(cid, text) for cid, text in STABILITY_CLAIMS.items()}
    if family is not None:
        spec = {cid: dc_replace(s, family=family) for cid, s in spec.items()}
    df = load_table(tables, "stability")
    if isinstance(df, str):
        return [missing_row(s, df) for s in spec.values()]
    rows: list[Row] = []
    for cid, measure in (("C4a", "r"), ("C4b", "overlap")):
        first = _per_network(df, measure, "first")
        fixed = first[first["delay_regime"] != RANDOM_REGIME]
        rows += versus_rnn_rows(spec[cid], fixed, rank_sum_evidence)
    for cid, (measure, window) in _C5.items():
        per_net = _per_network(df, measure, window)
        regime = per_net["delay_regime"]
        fixed = regime != RANDOM_REGIME if window == "first" else regime == LONG_DELAY
        rows += _gap_contrast(spec[cid], per_net, fixed)
    rows += _random_regime_rows(df, spec, reg)
    return rows + _equilibration_rows(df, spec)
