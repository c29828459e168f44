"""The paper's knockout and noise claims (Figs. 4/5): C2, C2b, C3, C3b, C10a, C10b, C17a/b.

Inputs: the ``knockout`` table (:func:`inforelay.analyses.knockout.knockout_experiment` per
network and run: ``data`` test | analysis, ``ablation`` zero | mean | resample, ``set_kind``
baseline | relay | nonrelay | random, ``ranked_concept``, ``k``, ``draw``, ``evaluated_concept``,
``accuracy``; ``k = N`` is the whole layer) and the ``noise`` table
(:func:`inforelay.analyses.noise_experiment`). The primary run and the sensitivity runs are the
registered ones (:meth:`~inforelay.claims.preregistration.Preregistration.knockout_runs`).
Definitions: ``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from inforelay.analyses.knockout import knockout_effects
from inforelay.claims.engine import PRIMARY, ClaimSpec, missing_row
from inforelay.claims.groups import KEYS, load_table, per_model_rows, versus_rnn_rows
from inforelay.claims.preregistration import Preregistration
from inforelay.claims.statistics import signed_rank_evidence, two_sided_rank_sum_evidence

__all__ = ["CHANCE", "KNOCKOUT_CLAIMS", "NOISE_CLAIMS", "knockout_claims", "noise_claims"]

Row = dict[str, Any]
#: accuracy of a guess on a binary concept
CHANCE = 0.5

#: what the paper says, per claim; the statistic, test and numbers are registered
#: (:mod:`inforelay.claims.preregistration`)
KNOCKOUT_CLAIMS = {
    "C2": "knocking out a concept's relay units hurts that concept more than the others (\"a more "
          "substantial loss in function for the classification of those concepts than for "
          "others\")",
    "C2b": "a concept is hurt more by knocking out its own relay units than another concept's "
           "(\"a more substantial loss in function for the classification of those concepts\", "
           "read per evaluated concept)",
    "C3": "knocking out a concept's relay units hurts it more than random units (\"knocking out "
          "nodes not identified as specific concept relays does not significantly affect "
          "function\", read as a comparison)",
    "C3b": "knocking out a concept's non-relay units barely affects it (\"knocking out nodes not "
           "identified as specific concept relays does not significantly affect function\")",
    "C10a": "knocking out the whole layer destroys the answer (\"we anticipate a complete loss of "
            "function\"; accuracy near chance)",
    "C10b": "the damage grows with the size of the knocked-out set (\"as the set size decreases, "
            "the effect of the knockout diminishes\")",
}
#: the claims rerun on every sensitivity run of the knockout table (C10a is a sanity check)
_RERUN = ("C2", "C2b", "C3", "C3b", "C10b")
NOISE_CLAIMS = {
    "C17a": "relay units are the most susceptible to noise (\"relay nodes ... are also most "
            "susceptible to noise\")",
    "C17b": "noise affects RNNs and LSTMs differently (\"noise impacts RNNs and LSTMs "
            "differently\")",
}


def _effects(df: pd.DataFrame, column: str, sizes: list[int] | None = None) -> pd.DataFrame:
    eff = knockout_effects(df, sizes)
    return eff.groupby(KEYS, sort=True)[column].mean().rename("value").reset_index()


def _own_vs_others_set(df: pd.DataFrame) -> pd.DataFrame:
    """C2b per network: how often an evaluated concept is hurt most by its own relay set.

    For each evaluated concept and size k = 1..N−1: 1 when the drop under its own relay set is
    the largest of the drops under every concept's relay set (``1/m`` when ``m`` sets tie at the
    largest), minus the chance level ``1/C``; mean over concepts and sizes. Under the null (the
    sets are exchangeable) its expectation is 0, whatever the noise. (The own drop minus the
    *mean* other drop, averaged over concepts, would equal C2; minus the *largest* other drop
    would be biased below 0 under the null.)
    """
    n_units = int(df["k"].max())
    relay = df[(df["set_kind"] == "relay") & df["k"].between(1, n_units - 1)]
    acc = _mean_accuracy(relay, [*KEYS, "k", "evaluated_concept", "ranked_concept"]).reset_index()
    cell = [*KEYS, "k", "evaluated_concept"]
    # the lowest accuracy is the largest drop (the baseline is the same for every set)
    lowest = acc.groupby(cell, sort=True)["accuracy"].transform("min")
    acc["at_max"] = np.isclose(acc["accuracy"], lowest, rtol=0.0, atol=1e-12)
    n_at_max = acc.groupby(cell, sort=True)["at_max"].transform("sum")
    n_sets = acc.groupby(cell, sort=True)["ranked_concept"].transform("nunique")
    own = acc["ranked_concept"] == acc["evaluated_concept"]
    score = (acc["at_max"] / n_at_max - 1.0 / n_sets)[own]
    per_cell = acc.loc[own, cell].assign(value=score.to_numpy())
    return per_cell.groupby(KEYS, sort=True)["value"].mean().reset_index()


def _specificity_rows(df: pd.DataFrame, spec: Mapping[str, ClaimSpec], reg: Preregistration,
                      ) -> list[Row]:
    """C2 and C2b (tasks with at least two concepts only), C3 and C3b (when the table has
    non-relay sets)."""
    n_concepts = df.groupby("task")["evaluated_concept"].nunique()
    single = sorted(str(t) for t, n in n_concepts.items() if n < 2)
    multi = df[~df["task"].isin(single)]
    rows: list[Row] = []
    for cid, values in (("C2", lambda d: _effects(d, "target_vs_other")),
                        ("C2b", _own_vs_others_set)):
        rows += [missing_row(spec[cid], f"needs at least two concepts; task {t} has one",
                             group=f"{t}/all") for t in single]
        if multi.empty:
            rows.append(missing_row(spec[cid], "needs at least two concepts; every task has one"))
        else:
            rows += per_model_rows(spec[cid], values(multi), signed_rank_evidence)
    rows += per_model_rows(spec["C3"], _effects(df, "target_vs_random"), signed_rank_evidence)
    if not (df["set_kind"] == "nonrelay").any():
        return rows + [missing_row(spec["C3b"], "the knockout table has no non-relay sets")]
    sizes = [int(k) for k in reg.value("C3b", "sizes")]
    harmless = _effects(df, "nonrelay_drop", sizes).assign(value=lambda d: -d["value"])
    margin = partial(signed_rank_evidence, null=reg.number("C3b", "null"),
                     needed=reg.number("C3b", "needed"), equivalence=True)
    return rows + per_model_rows(spec["C3b"], harmless, margin, _nonrelay_note)


def _nonrelay_note(nets: pd.DataFrame) -> str:
    return f"mean drop of the ranked concept under its non-relay sets {-nets['value'].mean():.3g}"


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


def _knockout_run(df: pd.DataFrame, data: str, ablation: str, primary: bool) -> pd.DataFrame | str:
    """The rows of one knockout run (a table without ``data``/``ablation`` columns is the
    primary run alone)."""
    if "data" not in df.columns and "ablation" not in df.columns:
        return df if primary else "the knockout table has one run only (no data/ablation columns)"
    sel = df
    for column, wanted in (("data", data), ("ablation", ablation)):
        if column in sel.columns:
            sel = sel[sel[column].astype(str) == wanted]
    if sel.empty:
        return f"the knockout table has no run with data {data!r} and ablation {ablation!r}"
    return sel


def _run_rows(df: pd.DataFrame, spec: Mapping[str, ClaimSpec], reg: Preregistration,
              primary: bool) -> list[Row]:
    rows = _specificity_rows(df, spec, reg)
    if primary:
        lost = partial(signed_rank_evidence, null=reg.number("C10a", "null"),
                       needed=reg.number("C10a", "needed"))
        rows += per_model_rows(spec["C10a"], _lost_at_whole_layer(df), lost, _whole_layer_note)
    trend = partial(signed_rank_evidence, null=reg.number("C10b", "null"))
    return rows + per_model_rows(spec["C10b"], _damage_trend(df), trend)


def knockout_claims(tables: Mapping[str, pd.DataFrame], reg: Preregistration) -> list[Row]:
    """Rows of C2, C2b, C3, C3b, C10a and C10b on the primary knockout run, and of every claim
    but C10a on each registered sensitivity run (its own family)."""
    base = {cid: reg.spec(cid, text) for cid, text in KNOCKOUT_CLAIMS.items()}
    df = load_table(tables, "knockout")
    if isinstance(df, str):
        return [missing_row(spec, df) for spec in base.values()]
    df["k"] = df["k"].astype(int)
    rows: list[Row] = []
    for family, data, ablation in reg.knockout_runs():
        primary = family == PRIMARY
        spec = base if primary else {cid: replace(base[cid], family=family) for cid in _RERUN}
        run = _knockout_run(df, data, ablation, primary)
        if isinstance(run, str):
            rows += [missing_row(s, run) for s in spec.values()]
            continue
        rows += _run_rows(run, spec, reg, primary)
    return rows


def _noise_effects(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per network: C17a (random-set minus relay-set accuracy of the ranked concept, mean over
    levels and ranked concepts) and C17b's drop under noise (baseline minus the mean accuracy
    over every noised set, level and concept)."""
    base = _mean_accuracy(df[df["set_kind"] == "baseline"], KEYS).rename("base")
    noised = df[df["set_kind"] != "baseline"]
    drop = (base - _mean_accuracy(noised, KEYS)).dropna().rename("value").reset_index()
    own = noised[noised["ranked_concept"] == noised["evaluated_concept"]]
    acc = _mean_accuracy(own[own["set_kind"].isin(["relay", "random"])],
                         [*KEYS, "level", "ranked_concept", "set_kind"]).unstack("set_kind")
    if not {"relay", "random"} <= set(acc.columns):
        return pd.DataFrame(columns=[*KEYS, "value"]), drop
    susceptible = (acc["random"] - acc["relay"]).dropna().groupby(KEYS).mean()
    return susceptible.rename("value").reset_index(), drop


def noise_claims(tables: Mapping[str, pd.DataFrame], reg: Preregistration) -> list[Row]:
    """Rows of C17a (per architecture) and C17b (LSTM vs RNN, two-sided) from the noise table."""
    spec = {cid: reg.spec(cid, text) for cid, text in NOISE_CLAIMS.items()}
    df = load_table(tables, "noise")
    if isinstance(df, str):
        return [missing_row(s, df) for s in spec.values()]
    susceptible, drop = _noise_effects(df)
    relay_vs_random = partial(signed_rank_evidence, null=reg.number("C17a", "null"))
    rows = per_model_rows(spec["C17a"], susceptible, relay_vs_random)
    lstm_rnn = drop[drop["model"].isin(["lstm", "rnn"])]
    return rows + versus_rnn_rows(spec["C17b"], lstm_rnn, two_sided_rank_sum_evidence,
                                  gated=("lstm",))
