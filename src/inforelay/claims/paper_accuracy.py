"""The paper's claims about accuracy over evaluation delays (Fig. 2): C1, C8a–c, C9.

Input: the ``generalization`` table (``eval_delay``, ``accuracy`` per network). Each claim
reduces it to one value per network. Definitions: ``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from inforelay.claims.engine import ClaimSpec, Evidence, claim_row, missing_row
from inforelay.claims.groups import (
    KEYS,
    POOLED,
    RANDOM_REGIME,
    load_table,
    model_cells,
    per_model_rows,
    versus_rnn_rows,
)
from inforelay.claims.preregistration import Preregistration
from inforelay.claims.statistics import binomial_evidence, rank_sum_evidence, signed_rank_evidence

__all__ = ["ACCURACY_CLAIMS", "accuracy_claims"]

Row = dict[str, Any]

#: what the paper says, per claim; the statistic, test and numbers are registered
#: (:mod:`inforelay.claims.preregistration`)
ACCURACY_CLAIMS = {
    "C1": "random-delay training generalizes better over unseen delays (\"networks trained with a "
          "random delay are expected to demonstrate better generalization\")",
    "C8a": "fixed-delay networks peak at their training delay (\"perform optimally within that "
           "specific interval\")",
    "C8b": "fixed-delay networks are worse away from their training delay (\"significantly worse "
           "outside of it\")",
    "C8c": "most fixed-delay networks peak at their own training delay (\"perform optimally "
           "within that specific interval\", network by network)",
    "C9": "RNNs are weaker than GRUs and LSTMs at long lags (\"comparatively weaker performance on "
          "tasks involving longer time lags\")",
}


def _mean_accuracy(df: pd.DataFrame, delays: Sequence[int]) -> pd.DataFrame:
    """Per network: mean accuracy over ``delays`` as ``value``."""
    sel = df[df["eval_delay"].isin(list(delays))]
    return sel.groupby(KEYS, sort=True)["accuracy"].mean().rename("value").reset_index()


def _random_vs_fixed(spec: ClaimSpec, per_net: pd.DataFrame, unseen: list[int]) -> list[Row]:
    """C1: per (task, architecture) random-delay vs fixed-delay networks, and pooled."""
    rows = []
    cells = [((t, m), g) for t, m, g in model_cells(per_net)]
    for (task, model), g in [*cells, ((None, None), per_net)]:
        is_random = g["delay_regime"] == RANDOM_REGIME
        a, b = g.loc[is_random, "value"], g.loc[~is_random, "value"]
        evidence = rank_sum_evidence(a.to_numpy(), b.to_numpy())
        details = (f"unseen delays {unseen}; random {a.mean():.3g} ({a.size} networks) vs fixed "
                   f"{b.mean():.3g} ({b.size} networks)")
        group = POOLED if task is None else f"{task}/{model}"
        rows.append(claim_row(spec, evidence, group=group, details=details))
    return rows


def _peak_values(df: pd.DataFrame) -> pd.DataFrame:
    """Per fixed-delay network: ``peak`` (accuracy at the training delay minus the best other)
    and ``drop`` (minus the mean of the others)."""
    fixed = df[df["delay_regime"] != RANDOM_REGIME].copy()
    fixed["trained"] = fixed["eval_delay"] == pd.to_numeric(fixed["delay_regime"], errors="coerce")
    at = fixed[fixed["trained"]].groupby(KEYS)["accuracy"].mean()
    others = fixed[~fixed["trained"]].groupby(KEYS)["accuracy"]
    out = pd.DataFrame({"peak": at - others.max(), "drop": at - others.mean()})
    return out.dropna().reset_index()


def _fraction_peaking(nets: pd.DataFrame) -> str:
    share = float((nets["value"] >= 0).mean()) if len(nets) else float("nan")
    return f"mean margin {nets['value'].mean():.3g}; {share:.0%} of networks peak at their training delay"


def _share_peaking(values: np.ndarray) -> Evidence:
    """C8c: the fraction of networks whose margin is >= 0 (ties count as peaking)."""
    values = values[np.isfinite(values)]
    return binomial_evidence(int(np.sum(values >= 0)), int(values.size), 0.5)


def accuracy_claims(
    tables: Mapping[str, pd.DataFrame], training_delays: Sequence[int], reg: Preregistration
) -> list[Row]:
    """Rows of C1, C8a–c and C9 (``training_delays``: every delay any regime trains on)."""
    spec = {cid: reg.spec(cid, text) for cid, text in ACCURACY_CLAIMS.items()}
    df = load_table(tables, "generalization")
    if isinstance(df, str):
        return [missing_row(s, df) for s in spec.values()]
    df["eval_delay"] = df["eval_delay"].astype(int)
    trained = {int(d) for d in training_delays}
    unseen = sorted(set(df["eval_delay"]) - trained)
    longer = [d for d in unseen if d > max(trained)]
    rows: list[Row] = []
    if unseen:
        rows += _random_vs_fixed(spec["C1"], _mean_accuracy(df, unseen), unseen)
    else:
        rows.append(missing_row(spec["C1"], "no unseen evaluation delay in the table"))
    peaks = _peak_values(df)
    margin = reg.number("C8a", "null")
    non_inferior = partial(signed_rank_evidence, null=margin, needed=reg.number("C8a", "needed"),
                           equivalence=True)
    peak = peaks.rename(columns={"peak": "value"})
    rows += per_model_rows(spec["C8a"], peak, non_inferior, _fraction_peaking)
    rows += per_model_rows(spec["C8c"], peak, _share_peaking, _fraction_peaking)
    drop = partial(signed_rank_evidence, null=reg.number("C8b", "null"))
    rows += per_model_rows(spec["C8b"], peaks.rename(columns={"drop": "value"}), drop)
    if longer:
        rows += versus_rnn_rows(spec["C9"], _mean_accuracy(df, longer), rank_sum_evidence)
    else:
        rows.append(missing_row(spec["C9"], "no evaluation delay longer than every training delay"))
    return rows
