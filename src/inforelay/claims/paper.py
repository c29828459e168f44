"""The paper's qualitative claims (C1 … C7c), tested on this run's results (``results/claims.csv``).

:func:`evaluate_claims` takes tidy tables over all networks and returns one row per claim in the
schema of :mod:`inforelay.claims.engine`; :func:`inforelay.claims.report.claims_markdown` renders
them. Statistics, tests and verdict rules: ``docs/method.md`` (claims).

Input tables (column contracts, :data:`TABLE_COLUMNS`)
------------------------------------------------------
Every table starts with the network keys ``task`` (str), ``model`` (str: rnn | gru | lstm),
``delay_regime`` (str: "1".."5" | "random") and ``replicate`` (int), one group of rows per network.

``generalization``
    ``eval_delay`` (int), ``accuracy`` (float; sign accuracy over the three outputs at that
    evaluation delay). One row per network and evaluation delay (paper Fig. 2).
``knockout``
    ``set_kind`` (baseline | relay | random), ``ranked_concept``, ``k``, ``draw``,
    ``evaluated_concept``, ``accuracy`` — :func:`inforelay.analyses.knockout.knockout_experiment` per network.
``stability``
    ``concept``, ``measure`` (r | overlap), ``value`` (``n_pairs``, ``n_defined`` optional) —
    :func:`inforelay.pipeline.aggregate.stability_table`.
``distribution``
    ``concept``, ``unit``, ``relay``, ``carrier`` (bool) — :func:`~inforelay.pipeline.aggregate.distribution_table`.
``latent``
    ``concept``, ``removal`` (relay | random), ``draw``, ``n_removed``, ``silhouette``,
    ``davies_bouldin``, ``calinski_harabasz`` — :func:`inforelay.analyses.latent.removal_cluster_scores`.

Tests
-----
Every test is one-sided in the direction the paper claims and every effect is oriented so that a
positive value agrees with the paper. Within-network effects (knockouts, spread over units, latent
removal) use the Wilcoxon signed-rank test over networks; comparisons between independent groups
of networks (training regimes, architectures) the Mann–Whitney U test; the "gap narrows" claims
(C5) a signed-rank test over matched (task, replicate) units, whose count is the row's ``n``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.analyses.knockout import knockout_effects
from inforelay.analyses.latent import HIGHER_IS_BETTER
from inforelay.claims.engine import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    ClaimSpec,
    VerdictRule,
    claim_row,
    missing_row,
    rank_sum_evidence,
    signed_rank_evidence,
    verdict,
)
from inforelay.claims.engine import format_number as _fmt
from inforelay.claims.report import claims_markdown
from inforelay.core.keys import NETWORK_KEYS

__all__ = [
    "CLAIM_COLUMNS",
    "TABLE_COLUMNS",
    "HELD",
    "NOT_HELD",
    "INCONCLUSIVE",
    "verdict",
    "evaluate_claims",
    "claims_markdown",
]

LATENT_SCORE_NAMES = ("silhouette", "davies_bouldin", "calinski_harabasz")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "generalization": (*NETWORK_KEYS, "eval_delay", "accuracy"),
    "knockout": (*NETWORK_KEYS, "set_kind", "ranked_concept", "k", "evaluated_concept", "accuracy"),
    "stability": (*NETWORK_KEYS, "concept", "measure", "value"),
    "distribution": (*NETWORK_KEYS, "concept", "unit", "carrier"),
    "latent": (*NETWORK_KEYS, "concept", "removal", "draw", "n_removed", *LATENT_SCORE_NAMES),
}
GATED = ("gru", "lstm")
RANDOM_REGIME = "random"
KEYS = list(NETWORK_KEYS)

_WILCOXON = "one-sided Wilcoxon signed-rank over networks"
_MANN_WHITNEY = "one-sided Mann–Whitney U between groups of networks"
_MATCHED = "one-sided Wilcoxon signed-rank over matched (task, replicate) units"
_MEASURE_TEXT = {
    "r": "correlation r of consecutive relay vectors",
    "overlap": "Jaccard overlap of consecutive carrier sets",
}
Row = dict[str, Any]


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | str:
    """The named table, validated; or the reason it cannot be used."""
    df = tables.get(name)
    if df is None:
        return f"no '{name}' table was given"
    missing = [c for c in TABLE_COLUMNS[name] if c not in df.columns]
    if missing:
        raise ValueError(f"'{name}' table lacks column(s) {missing}; it has {list(df.columns)}")
    if df.empty:
        return f"the '{name}' table has no rows"
    df = df.copy()
    for key in ("delay_regime", "model", "task"):
        df[key] = df[key].astype(str)
    return df


def _by_model(per_net: pd.DataFrame, column: str, unit: str = "") -> str:
    """``task/model: mean`` for every (task, model) — the details of most claims."""
    means = per_net.groupby(["task", "model"], sort=True)[column].mean()
    return "; ".join(f"{t}/{m}: {_fmt(v)}{unit}" for (t, m), v in means.items())


# ---------------------------------------------------------------------------
# C1: generalization over unseen delays
# ---------------------------------------------------------------------------

C1 = ClaimSpec(
    "C1",
    "Random-delay training generalizes better over unseen delays",
    "mean accuracy over the evaluation delays no network was trained on: random-delay networks "
    "minus fixed-delay networks",
    _MANN_WHITNEY,
)


def _claim_generalization(
    tables: Mapping[str, pd.DataFrame], training_delays: Sequence[int], rule: VerdictRule
) -> list[Row]:
    df = _table(tables, "generalization")
    if isinstance(df, str):
        return [missing_row(C1, df)]
    unseen = sorted({int(d) for d in df["eval_delay"].unique()} - {int(d) for d in training_delays})
    if not unseen:
        return [missing_row(C1, "no unseen evaluation delay in the table")]
    sel = df[df["eval_delay"].astype(int).isin(unseen)]
    per_net = sel.groupby(KEYS, sort=True)["accuracy"].mean().reset_index()
    is_random = per_net["delay_regime"] == RANDOM_REGIME
    a = per_net.loc[is_random, "accuracy"].to_numpy()
    b = per_net.loc[~is_random, "accuracy"].to_numpy()
    parts = [f"unseen delays {unseen}"]
    for (task, model), g in per_net.groupby(["task", "model"], sort=True):
        r = g.loc[g["delay_regime"] == RANDOM_REGIME, "accuracy"].mean()
        f = g.loc[g["delay_regime"] != RANDOM_REGIME, "accuracy"].mean()
        parts.append(f"{task}/{model}: random {_fmt(r)} vs fixed {_fmt(f)}")
    return [claim_row(C1, rank_sum_evidence(a, b), rule, details="; ".join(parts))]


# ---------------------------------------------------------------------------
# C2, C3: knockouts
# ---------------------------------------------------------------------------

KNOCKOUT_CLAIMS = (
    (
        ClaimSpec(
            "C2",
            "Knocking out a concept's relay units hurts that concept more than the other concepts",
            "accuracy drop of the ranked concept minus the mean drop of the other concepts "
            "(relay sets, k = 1..N-1, mean over ranked concepts)",
            _WILCOXON,
        ),
        "target_vs_other",
    ),
    (
        ClaimSpec(
            "C3",
            "Knocking out a concept's relay units hurts it more than random unit sets of the same size",
            "accuracy drop of the ranked concept under its relay sets minus under random sets "
            "(k = 1..N-1, mean over ranked concepts)",
            _WILCOXON,
        ),
        "target_vs_random",
    ),
)


def _knockout_row(per_net: pd.DataFrame, spec: ClaimSpec, col: str, single: list[str],
                  rule: VerdictRule) -> Row:
    """One knockout claim; C2 (target vs *other* concepts) leaves out one-concept tasks (italypower)."""
    note = ""
    if col == "target_vs_other" and single:
        note = f"needs at least two concepts; task(s) {', '.join(single)} have one"
        per_net = per_net[~per_net["task"].isin(single)]
        if per_net.empty:
            return missing_row(spec, note)
        note = f"; left out: {note}"
    return claim_row(spec, signed_rank_evidence(per_net[col].to_numpy()), rule,
                     details=_by_model(per_net, col) + note)


def _claim_knockout(tables: Mapping[str, pd.DataFrame], rule: VerdictRule) -> list[Row]:
    df = _table(tables, "knockout")
    if isinstance(df, str):
        return [missing_row(spec, df) for spec, _ in KNOCKOUT_CLAIMS]
    eff = knockout_effects(df)
    per_net = eff.groupby(KEYS, sort=True)[[col for _, col in KNOCKOUT_CLAIMS]].mean().reset_index()
    single = [str(t) for t, n in df.groupby("task")["evaluated_concept"].nunique().items() if n < 2]
    return [_knockout_row(per_net, spec, col, single, rule) for spec, col in KNOCKOUT_CLAIMS]


# ---------------------------------------------------------------------------
# C4, C5: stability of the relay over time
# ---------------------------------------------------------------------------


def _stability_per_network(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    sel = df[df["measure"] == measure]
    return sel.groupby(KEYS, sort=True)["value"].mean().reset_index()


def _c4_spec(suffix: str, measure: str) -> ClaimSpec:
    return ClaimSpec(
        f"C4{suffix}",
        "Relay distributions are more stable over time in GRU/LSTM than in RNN for fixed delays "
        f"({measure})",
        f"mean {_MEASURE_TEXT[measure]} after t_k: GRU/LSTM networks minus RNN networks, fixed delays",
        _MANN_WHITNEY,
    )


def _c5_spec(suffix: str, measure: str) -> ClaimSpec:
    return ClaimSpec(
        f"C5{suffix}",
        f"Random-delay training narrows the stability gap between RNN and GRU/LSTM ({measure})",
        f"gap (GRU/LSTM minus RNN mean {_MEASURE_TEXT[measure]}) with fixed delays "
        "minus the gap with random delays",
        _MATCHED,
    )


STABILITY_MEASURES = (("a", "r"), ("b", "overlap"))


def _claim_gated_more_stable(df: pd.DataFrame, spec: ClaimSpec, measure: str, rule: VerdictRule) -> Row:
    """C4: GRU/LSTM vs RNN networks, fixed-delay regimes only."""
    per_net = _stability_per_network(df, measure)
    fixed = per_net[per_net["delay_regime"] != RANDOM_REGIME]
    a = fixed.loc[fixed["model"].isin(GATED), "value"].dropna().to_numpy()
    b = fixed.loc[fixed["model"] == "rnn", "value"].dropna().to_numpy()
    return claim_row(spec, rank_sum_evidence(a, b), rule, details=_by_model(fixed, "value"))


def _with_families(per_net: pd.DataFrame) -> pd.DataFrame:
    """Finite per-network values with ``regime`` (fixed | random) and ``family`` (gated | rnn)."""
    per_net = per_net[np.isfinite(per_net["value"])]
    per_net = per_net.assign(
        regime=np.where(per_net["delay_regime"] == RANDOM_REGIME, "random", "fixed"),
        family=np.where(
            per_net["model"].isin(GATED), "gated", np.where(per_net["model"] == "rnn", "rnn", "other")
        ),
    )
    return per_net[per_net["family"] != "other"]


def _stability_gaps(per_net: pd.DataFrame) -> pd.DataFrame | str:
    """Gap = gated mean − RNN per (task, replicate, delay_regime, regime); or why there is none."""
    cell = per_net.groupby(["task", "replicate", "delay_regime", "regime", "family"], sort=True)[
        "value"
    ].mean()
    cell = cell.unstack("family")
    if not {"gated", "rnn"} <= set(cell.columns):
        return "needs RNN and GRU/LSTM networks"
    return (cell["gated"] - cell["rnn"]).dropna().reset_index(name="gap")


def _claim_gap_narrows(df: pd.DataFrame, spec: ClaimSpec, measure: str, rule: VerdictRule) -> Row:
    """C5: per matched (task, replicate) unit, the fixed-delay gap minus the random-delay gap."""
    per_net = _with_families(_stability_per_network(df, measure))
    gap = _stability_gaps(per_net)
    if isinstance(gap, str):
        return missing_row(spec, gap)
    by_regime = gap.groupby(["task", "replicate", "regime"], sort=True)["gap"].mean().unstack("regime")
    if not {"fixed", "random"} <= set(by_regime.columns):
        return missing_row(spec, "needs fixed-delay and random-delay networks")
    units = by_regime.dropna(subset=["fixed", "random"])
    x = (units["fixed"] - units["random"]).to_numpy()
    used = per_net.merge(units.reset_index()[["task", "replicate"]], on=["task", "replicate"])
    n_networks = int(used[KEYS].drop_duplicates().shape[0])
    task_gaps = gap.groupby(["task", "regime"], sort=True)["gap"].mean()
    details = f"{n_networks} networks in {x.size} matched units; " + "; ".join(
        f"{t} {r} gap: {_fmt(v)}" for (t, r), v in task_gaps.items()
    )
    return claim_row(spec, signed_rank_evidence(x), rule, details=details, unit="matched units")


def _claim_stability(tables: Mapping[str, pd.DataFrame], rule: VerdictRule) -> list[Row]:
    df = _table(tables, "stability")
    rows = []
    for make_spec, claim in ((_c4_spec, _claim_gated_more_stable), (_c5_spec, _claim_gap_narrows)):
        for suffix, measure in STABILITY_MEASURES:
            spec = make_spec(suffix, measure)
            rows.append(missing_row(spec, df) if isinstance(df, str) else claim(df, spec, measure, rule))
    return rows


# ---------------------------------------------------------------------------
# C6: spread over units; C7: latent cluster separation
# ---------------------------------------------------------------------------

C6 = ClaimSpec(
    "C6",
    "Concepts are spread over more than one unit",
    "mean number of carrier units per concept at t_k (k-means on the 3×N relay matrix) minus 1",
    _WILCOXON,
)


def _claim_spread(tables: Mapping[str, pd.DataFrame], rule: VerdictRule) -> list[Row]:
    df = _table(tables, "distribution")
    if isinstance(df, str):
        return [missing_row(C6, df)]
    carriers = df.assign(carrier=df["carrier"].astype(bool))
    per_concept = carriers.groupby([*KEYS, "concept"], sort=True)["carrier"].sum().reset_index()
    per_net = per_concept.groupby(KEYS, sort=True)["carrier"].mean()
    x = per_net.to_numpy(dtype=np.float64) - 1.0
    frac = float((per_concept["carrier"] > 1).mean())
    details = f"{frac:.0%} of (network, concept) pairs have more than one carrier; " + _by_model(
        per_net.reset_index(), "carrier", " units per concept"
    )
    return [claim_row(C6, signed_rank_evidence(x), rule, details=details)]


def _c7_spec(suffix: str, score: str) -> ClaimSpec:
    better = "higher" if HIGHER_IS_BETTER[score] else "lower"
    return ClaimSpec(
        f"C7{suffix}",
        f"Relay-ordered removal keeps concept clusters better separated than random removal ({score})",
        f"{score} ({better} = better separated) after relay-ordered removal minus the mean over "
        "random orders, oriented so that positive = relay order better; mean over concepts and "
        "n_removed = 1..N-1",
        _WILCOXON,
    )


LATENT_SCORES = tuple(zip("abc", LATENT_SCORE_NAMES))


def _latent_row(df: pd.DataFrame, spec: ClaimSpec, score: str, rule: VerdictRule) -> Row:
    sel = df[df["n_removed"] >= 1]
    key = [*KEYS, "concept", "n_removed"]
    relay = sel[sel["removal"] == "relay"].groupby(key, sort=True)[score].mean()
    rand = sel[sel["removal"] == "random"].groupby(key, sort=True)[score].mean()
    diff = (relay - rand).dropna()
    if not HIGHER_IS_BETTER[score]:
        diff = -diff
    per_net = diff.groupby(KEYS, sort=True).mean()
    evidence = signed_rank_evidence(per_net.to_numpy(dtype=np.float64))
    return claim_row(spec, evidence, rule, details=_by_model(per_net.reset_index(), score))


def _claim_latent(tables: Mapping[str, pd.DataFrame], rule: VerdictRule) -> list[Row]:
    df = _table(tables, "latent")
    specs = [(_c7_spec(suffix, score), score) for suffix, score in LATENT_SCORES]
    if isinstance(df, str):
        return [missing_row(spec, df) for spec, _ in specs]
    return [_latent_row(df, spec, score, rule) for spec, score in specs]


def evaluate_claims(
    tables: Mapping[str, pd.DataFrame],
    *,
    alpha: float = 0.05,
    min_networks: int = 10,
    training_delays: Sequence[int] = (1, 2, 3, 4, 5),
) -> pd.DataFrame:
    """Test each claim of the paper on tidy result tables (``docs/method.md``, claims).

    Parameters
    ----------
    tables
        Any of ``generalization``, ``knockout``, ``stability``, ``distribution``, ``latent``
        (column contracts in the module docstring). A missing table makes its claims
        ``inconclusive`` with the reason in ``details``; a table with missing columns raises.
    alpha
        Significance level of the one-sided tests.
    min_networks
        Independent values (networks; matched units for C5) needed before a non-significant
        result counts as ``not held``.
    training_delays
        Delays any training regime uses (config key ``tasks.delay_choices``); the generalization claim
        averages accuracy over the evaluation delays outside them.

    Returns
    -------
    pandas.DataFrame
        One row per claim (``C1`` … ``C7c``), columns :data:`CLAIM_COLUMNS` with ``group = "all"``.
    """
    rule = VerdictRule(alpha, min_networks)
    rows = [
        *_claim_generalization(tables, training_delays, rule),
        *_claim_knockout(tables, rule),
        *_claim_stability(tables, rule),
        *_claim_spread(tables, rule),
        *_claim_latent(tables, rule),
    ]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)
