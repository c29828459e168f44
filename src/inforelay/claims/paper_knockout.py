"""The paper's knockout claims (Figs. 4/5): C2, C3, C10a, C10b.

Input: the ``knockout`` table (:func:`inforelay.analyses.knockout.knockout_experiment` per
network: ``set_kind`` baseline | relay | random, ``ranked_concept``, ``k``, ``draw``,
``evaluated_concept``, ``accuracy``; ``k = N`` is the whole layer). Definitions:
``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from inforelay.analyses.knockout import knockout_effects
from inforelay.claims.engine import ClaimSpec, missing_row
from inforelay.claims.groups import KEYS, load_table, per_model_rows
from inforelay.claims.statistics import signed_rank_evidence

__all__ = ["CHANCE", "KNOCKOUT_CLAIMS", "LOST_NEEDED", "knockout_claims"]

Row = dict[str, Any]
_WILCOXON = "one-sided Wilcoxon signed-rank over networks"
#: accuracy of a guess on a binary concept
CHANCE = 0.5
#: "a complete loss of function": at least this fraction of the above-chance accuracy is lost
LOST_NEEDED = 0.8

C2 = ClaimSpec(
    "C2",
    "knocking out a concept's relay units hurts that concept more than the others (\"a more "
    "substantial loss in function for the classification of those concepts than for others\")",
    "per network: accuracy drop of the ranked concept minus the mean drop of the other concepts, "
    "relay sets, mean over k = 1..N−1 and ranked concepts",
    _WILCOXON,
)
C3 = ClaimSpec(
    "C3",
    "knocking out a concept's relay units hurts it more than random units (\"knocking out nodes "
    "not identified as specific concept relays does not significantly affect function\")",
    "per network: accuracy drop of the ranked concept under its relay sets minus under random "
    "sets of the same size, mean over k = 1..N−1 and ranked concepts",
    _WILCOXON,
)
C10A = ClaimSpec(
    "C10a",
    "knocking out the whole layer destroys the answer (\"we anticipate a complete loss of "
    "function\"; accuracy near chance)",
    "per network: fraction of the above-chance accuracy lost at k = N, "
    f"(acc_0 − acc_N) / (acc_0 − {CHANCE}); claim: at least {LOST_NEEDED}",
    f"one-sided Wilcoxon signed-rank of (fraction − {LOST_NEEDED}) over networks",
)
C10B = ClaimSpec(
    "C10b",
    "the damage grows with the size of the knocked-out set (\"as the set size decreases, the "
    "effect of the knockout diminishes\")",
    "per network: Spearman rho between k (1..N−1) and the drop of the mean accuracy over concepts "
    "under the relay sets, mean over ranked concepts",
    _WILCOXON,
)
KNOCKOUT_CLAIMS = (C2, C3, C10A, C10B)


def _effects(df: pd.DataFrame, column: str) -> pd.DataFrame:
    eff = knockout_effects(df)
    return eff.groupby(KEYS, sort=True)[column].mean().rename("value").reset_index()


def _specificity_rows(df: pd.DataFrame) -> list[Row]:
    """C2 (tasks with at least two concepts only) and C3."""
    n_concepts = df.groupby("task")["evaluated_concept"].nunique()
    single = sorted(str(t) for t, n in n_concepts.items() if n < 2)
    multi = df[~df["task"].isin(single)]
    rows = [missing_row(C2, f"needs at least two concepts; task {t} has one", group=f"{t}/all")
            for t in single]
    if multi.empty:
        rows.append(missing_row(C2, "needs at least two concepts; every task has one"))
    else:
        rows += per_model_rows(C2, _effects(multi, "target_vs_other"), signed_rank_evidence)
    rows += per_model_rows(C3, _effects(df, "target_vs_random"), signed_rank_evidence)
    return rows


def _mean_accuracy(df: pd.DataFrame, by: list[str]) -> pd.Series:
    return df.groupby(by, sort=True)["accuracy"].mean()


def _lost_at_whole_layer(df: pd.DataFrame) -> pd.DataFrame:
    """Per network: fraction of the above-chance baseline accuracy lost when all N units go."""
    n_units = int(df["k"].max())
    base = _mean_accuracy(df[df["set_kind"] == "baseline"], KEYS)
    whole = _mean_accuracy(df[(df["set_kind"] == "relay") & (df["k"] == n_units)], KEYS)
    above = (base - CHANCE).where(base > CHANCE)
    out = pd.DataFrame({"value": (base - whole) / above, "acc_N": whole}).dropna()
    return out.reset_index()


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rho; ``nan`` when either side is constant."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    rx, ry = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def _damage_trend(df: pd.DataFrame) -> pd.DataFrame:
    """Per network: mean over ranked concepts of rho(k, drop of the mean accuracy), k = 1..N−1
    (the whole layer, k = N, is C10a's)."""
    n_units = int(df["k"].max())
    relay = df[(df["set_kind"] == "relay") & df["k"].between(1, n_units - 1)]
    acc = _mean_accuracy(relay, [*KEYS, "ranked_concept", "k"]).rename("acc").reset_index()
    base = _mean_accuracy(df[df["set_kind"] == "baseline"], KEYS).rename("base").reset_index()
    acc = acc.merge(base, on=KEYS)
    rho = acc.groupby([*KEYS, "ranked_concept"], sort=True).apply(
        lambda g: _rank_correlation(g["k"].to_numpy(float), (g["base"] - g["acc"]).to_numpy(float)),
        include_groups=False,
    )
    return rho.groupby(KEYS).mean().rename("value").reset_index()


def _whole_layer_note(nets: pd.DataFrame) -> str:
    return (f"mean fraction lost {nets['value'].mean():.3g}; mean accuracy at k = N "
            f"{nets['acc_N'].mean():.3g} (chance {CHANCE})")


def knockout_claims(tables: Mapping[str, pd.DataFrame]) -> list[Row]:
    """Rows of C2, C3, C10a and C10b."""
    df = load_table(tables, "knockout")
    if isinstance(df, str):
        return [missing_row(spec, df) for spec in KNOCKOUT_CLAIMS]
    df["k"] = df["k"].astype(int)
    lost = partial(signed_rank_evidence, null=LOST_NEEDED, needed=LOST_NEEDED)
    return [
        *_specificity_rows(df),
        *per_model_rows(C10A, _lost_at_whole_layer(df), lost, _whole_layer_note),
        *per_model_rows(C10B, _damage_trend(df), signed_rank_evidence),
    ]
