"""The paper's qualitative claims, tested on this run's results (``results/claims.{csv,md}``).

:func:`evaluate_claims` takes tidy tables over all networks and returns one row per claim with
the statistic, the test, the effect, the p-value, how many networks entered and a verdict.
:func:`claims_markdown` renders them. No torch; numpy / pandas / scipy only.

Input tables (column contracts)
-------------------------------
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
    ``concept``, ``unit``, ``relay``, ``carrier`` (bool) — :func:`inforelay.pipeline.aggregate.distribution_table`.
``latent``
    ``concept``, ``removal`` (relay | random), ``draw``, ``n_removed``, ``silhouette``,
    ``davies_bouldin``, ``calinski_harabasz`` — :func:`inforelay.analyses.latent.removal_cluster_scores`.

Tests and verdicts
------------------
Every test is one-sided in the direction the paper claims and every effect is oriented so that a
positive value agrees with the paper. Within-network effects (knockouts, spread over units, latent
removal) are tested with the Wilcoxon signed-rank test over networks (``scipy.stats.wilcoxon``);
comparisons between independent groups of networks (training regimes, architectures) with the
Mann–Whitney U test (``scipy.stats.mannwhitneyu``); the "gap narrows" claims with a signed-rank
test over matched (task, replicate) units (see ``docs/method.md``). Verdicts:

- ``held``: ``p < alpha`` and the effect is positive;
- ``not held``: the effect is significant in the opposite direction (reverse one-sided
  ``p < alpha``), or it is not held and the test had at least ``min_networks`` independent values
  (networks; matched units for C5) — a null result with enough data;
- ``inconclusive``: otherwise — too few networks to call a null result, or no data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.pipeline.aggregate import NETWORK_KEYS

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

HELD, NOT_HELD, INCONCLUSIVE = "held", "not held", "inconclusive"
CLAIM_COLUMNS = [
    "claim_id",
    "claim",
    "statistic",
    "test",
    "value",
    "p_value",
    "n_networks",
    "n_units",
    "verdict",
    "details",
]
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "generalization": (*NETWORK_KEYS, "eval_delay", "accuracy"),
    "knockout": (*NETWORK_KEYS, "set_kind", "ranked_concept", "k", "evaluated_concept", "accuracy"),
    "stability": (*NETWORK_KEYS, "concept", "measure", "value"),
    "distribution": (*NETWORK_KEYS, "concept", "unit", "carrier"),
    "latent": (
        *NETWORK_KEYS,
        "concept",
        "removal",
        "draw",
        "n_removed",
        "silhouette",
        "davies_bouldin",
        "calinski_harabasz",
    ),
}
GATED = ("gru", "lstm")
RANDOM_REGIME = "random"

_WILCOXON = "one-sided Wilcoxon signed-rank over networks"
_MANN_WHITNEY = "one-sided Mann–Whitney U between groups of networks"
_MATCHED = "one-sided Wilcoxon signed-rank over matched (task, replicate) units"


# ---------------------------------------------------------------------------
# tests and verdicts
# ---------------------------------------------------------------------------


def _wilcoxon(x: np.ndarray) -> tuple[float, float]:
    """One-sided p-values (greater, less) of a signed-rank test of ``x`` against 0."""
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return (np.nan, np.nan)
    if np.all(x == 0):
        return (1.0, 1.0)
    greater = stats.wilcoxon(x, alternative="greater").pvalue
    less = stats.wilcoxon(x, alternative="less").pvalue
    return (float(greater), float(less))


def _mann_whitney(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """One-sided p-values (a > b, a < b) of the Mann–Whitney U test."""
    from scipy import stats

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size < 1 or b.size < 1 or a.size + b.size < 3:
        return (np.nan, np.nan)
    greater = stats.mannwhitneyu(a, b, alternative="greater").pvalue
    less = stats.mannwhitneyu(a, b, alternative="less").pvalue
    return (float(greater), float(less))


def verdict(
    effect: float,
    p_value: float,
    p_reverse: float,
    n_networks: int,
    *,
    alpha: float = 0.05,
    min_networks: int = 10,
) -> str:
    """Verdict of one claim (rules in the module docstring).

    ``effect`` is oriented so that positive agrees with the claim; ``p_value`` is the one-sided
    p-value in the claimed direction, ``p_reverse`` the one in the opposite direction;
    ``n_networks`` is the test's sample size (networks, or matched units for the C5 claims).
    """
    if not n_networks or not np.isfinite(effect) or not np.isfinite(p_value):
        return INCONCLUSIVE
    if p_value < alpha and effect > 0:
        return HELD
    if np.isfinite(p_reverse) and p_reverse < alpha and effect < 0:
        return NOT_HELD
    if n_networks >= min_networks:
        return NOT_HELD
    return INCONCLUSIVE


def _row(
    claim_id: str,
    claim: str,
    statistic: str,
    test: str,
    value: float,
    p: tuple[float, float],
    n_networks: int,
    details: str,
    alpha: float,
    min_networks: int,
    n_units: int | None = None,
) -> dict[str, Any]:
    n_units = n_networks if n_units is None else int(n_units)
    what = "networks" if n_units == n_networks else "matched units"
    v = verdict(value, p[0], p[1], n_units, alpha=alpha, min_networks=min_networks)
    if v == INCONCLUSIVE and n_units:
        note = (
            f"only {n_units} {what} (a null result needs at least {min_networks})"
            if np.isfinite(p[0])
            else f"only {n_units} {what}: too few for the test"
        )
        details = (details + "; " if details else "") + note
    return {
        "claim_id": claim_id,
        "claim": claim,
        "statistic": statistic,
        "test": test,
        "value": float(value) if np.isfinite(value) else np.nan,
        "p_value": float(p[0]) if np.isfinite(p[0]) else np.nan,
        "n_networks": int(n_networks),
        "n_units": n_units,
        "verdict": v,
        "details": details,
    }


def _wilcoxon_row(
    claim_id: str, claim: str, statistic: str, x: np.ndarray, details: str, alpha: float, min_networks: int
) -> dict[str, Any]:
    """A claim tested with the one-sided signed-rank test on per-network effects ``x``."""
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    value = float(np.mean(x)) if x.size else np.nan
    return _row(claim_id, claim, statistic, _WILCOXON, value, _wilcoxon(x), int(x.size), details, alpha, min_networks)


def _missing_row(
    claim_id: str, claim: str, statistic: str, test: str, reason: str
) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "claim": claim,
        "statistic": statistic,
        "test": test,
        "value": np.nan,
        "p_value": np.nan,
        "n_networks": 0,
        "n_units": 0,
        "verdict": INCONCLUSIVE,
        "details": reason,
    }


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
    df["delay_regime"] = df["delay_regime"].astype(str)
    df["model"] = df["model"].astype(str)
    df["task"] = df["task"].astype(str)
    return df


def _fmt(x: float, digits: int = 3) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def _network_count(df: pd.DataFrame) -> int:
    return int(df[list(NETWORK_KEYS)].drop_duplicates().shape[0])


# ---------------------------------------------------------------------------
# the claims
# ---------------------------------------------------------------------------


def _claim_generalization(
    tables: Mapping[str, pd.DataFrame], training_delays: Sequence[int], alpha: float, min_n: int
) -> list[dict[str, Any]]:
    cid, claim = "C1", "Random-delay training generalizes better over unseen delays"
    unseen_txt = "evaluation delays no network was trained on"
    statistic = (
        f"mean accuracy over the {unseen_txt}: random-delay networks minus fixed-delay networks"
    )
    df = _table(tables, "generalization")
    if isinstance(df, str):
        return [_missing_row(cid, claim, statistic, _MANN_WHITNEY, df)]
    unseen = sorted(
        set(int(d) for d in df["eval_delay"].unique()) - {int(d) for d in training_delays}
    )
    if not unseen:
        return [
            _missing_row(
                cid, claim, statistic, _MANN_WHITNEY, "no unseen evaluation delay in the table"
            )
        ]
    sel = df[df["eval_delay"].astype(int).isin(unseen)]
    per_net = sel.groupby(list(NETWORK_KEYS), sort=True)["accuracy"].mean().reset_index()
    is_random = per_net["delay_regime"] == RANDOM_REGIME
    a = per_net.loc[is_random, "accuracy"].to_numpy()
    b = per_net.loc[~is_random, "accuracy"].to_numpy()
    effect = float(a.mean() - b.mean()) if a.size and b.size else np.nan
    parts = [f"unseen delays {unseen}"]
    for (task, model), g in per_net.groupby(["task", "model"], sort=True):
        r = g.loc[g["delay_regime"] == RANDOM_REGIME, "accuracy"].mean()
        f = g.loc[g["delay_regime"] != RANDOM_REGIME, "accuracy"].mean()
        parts.append(f"{task}/{model}: random {_fmt(r)} vs fixed {_fmt(f)}")
    return [
        _row(
            cid,
            claim,
            statistic,
            _MANN_WHITNEY,
            effect,
            _mann_whitney(a, b),
            int(a.size + b.size),
            "; ".join(parts),
            alpha,
            min_n,
        )
    ]


def _claim_knockout(
    tables: Mapping[str, pd.DataFrame], alpha: float, min_n: int
) -> list[dict[str, Any]]:
    from inforelay.analyses.knockout import knockout_effects

    specs = [
        (
            "C2",
            "Knocking out a concept's relay units hurts that concept more than the other concepts",
            "target_vs_other",
            "accuracy drop of the ranked concept minus the mean drop of the other concepts "
            "(relay sets, k = 1..N-1, mean over ranked concepts)",
        ),
        (
            "C3",
            "Knocking out a concept's relay units hurts it more than random unit sets of the same size",
            "target_vs_random",
            "accuracy drop of the ranked concept under its relay sets minus under random sets "
            "(k = 1..N-1, mean over ranked concepts)",
        ),
    ]
    df = _table(tables, "knockout")
    if isinstance(df, str):
        return [_missing_row(cid, claim, stat, _WILCOXON, df) for cid, claim, _, stat in specs]
    eff = knockout_effects(df)
    per_net = eff.groupby(list(NETWORK_KEYS), sort=True)[
        ["target_vs_other", "target_vs_random"]
    ].mean()
    rows = []
    for cid, claim, col, stat in specs:
        x = per_net[col].to_numpy()
        x = x[np.isfinite(x)]
        by_model = per_net.reset_index().groupby(["task", "model"], sort=True)[col].mean()
        details = "; ".join(f"{t}/{m}: {_fmt(v)}" for (t, m), v in by_model.items())
        rows.append(
            _wilcoxon_row(cid, claim, stat, x, details, alpha, min_n)
        )
    return rows


def _stability_per_network(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    sel = df[df["measure"] == measure]
    return sel.groupby(list(NETWORK_KEYS), sort=True)["value"].mean().reset_index()


_MEASURE_TEXT = {
    "r": "correlation r of consecutive relay vectors",
    "overlap": "Jaccard overlap of consecutive carrier sets",
}


def _claim_stability(
    tables: Mapping[str, pd.DataFrame], alpha: float, min_n: int
) -> list[dict[str, Any]]:
    rows = []
    df = _table(tables, "stability")
    for suffix, measure in (("a", "r"), ("b", "overlap")):
        cid = f"C4{suffix}"
        claim = f"Relay distributions are more stable over time in GRU/LSTM than in RNN for fixed delays ({measure})"
        stat = f"mean {_MEASURE_TEXT[measure]} after t_k: GRU/LSTM networks minus RNN networks, fixed delays"
        if isinstance(df, str):
            rows.append(_missing_row(cid, claim, stat, _MANN_WHITNEY, df))
            continue
        per_net = _stability_per_network(df, measure)
        fixed = per_net[per_net["delay_regime"] != RANDOM_REGIME]
        a = fixed.loc[fixed["model"].isin(GATED), "value"].dropna().to_numpy()
        b = fixed.loc[fixed["model"] == "rnn", "value"].dropna().to_numpy()
        effect = float(a.mean() - b.mean()) if a.size and b.size else np.nan
        means = fixed.groupby(["task", "model"], sort=True)["value"].mean()
        details = "; ".join(f"{t}/{m}: {_fmt(v)}" for (t, m), v in means.items())
        rows.append(
            _row(
                cid,
                claim,
                stat,
                _MANN_WHITNEY,
                effect,
                _mann_whitney(a, b),
                int(a.size + b.size),
                details,
                alpha,
                min_n,
            )
        )
    for suffix, measure in (("a", "r"), ("b", "overlap")):
        cid = f"C5{suffix}"
        claim = (
            f"Random-delay training narrows the stability gap between RNN and GRU/LSTM ({measure})"
        )
        stat = (
            f"gap (GRU/LSTM minus RNN mean {_MEASURE_TEXT[measure]}) with fixed delays "
            "minus the gap with random delays"
        )
        if isinstance(df, str):
            rows.append(_missing_row(cid, claim, stat, _MATCHED, df))
            continue
        per_net = _stability_per_network(df, measure)
        per_net = per_net[np.isfinite(per_net["value"])]
        per_net = per_net.assign(
            regime=np.where(per_net["delay_regime"] == RANDOM_REGIME, "random", "fixed"),
            family=np.where(
                per_net["model"].isin(GATED),
                "gated",
                np.where(per_net["model"] == "rnn", "rnn", "other"),
            ),
        )
        per_net = per_net[per_net["family"] != "other"]
        # gap per (task, replicate, delay_regime): gated mean minus rnn
        cell = per_net.groupby(
            ["task", "replicate", "delay_regime", "regime", "family"], sort=True
        )["value"].mean()
        cell = cell.unstack("family")
        if not {"gated", "rnn"} <= set(cell.columns):
            rows.append(_missing_row(cid, claim, stat, _MATCHED, "needs RNN and GRU/LSTM networks"))
            continue
        gap = (cell["gated"] - cell["rnn"]).dropna().reset_index(name="gap")
        by_regime = (
            gap.groupby(["task", "replicate", "regime"], sort=True)["gap"].mean().unstack("regime")
        )
        if not {"fixed", "random"} <= set(by_regime.columns):
            rows.append(
                _missing_row(
                    cid, claim, stat, _MATCHED, "needs fixed-delay and random-delay networks"
                )
            )
            continue
        units = by_regime.dropna(subset=["fixed", "random"])
        x = (units["fixed"] - units["random"]).to_numpy()
        used = per_net.merge(units.reset_index()[["task", "replicate"]], on=["task", "replicate"])
        n_used = _network_count(used)
        task_gaps = gap.groupby(["task", "regime"], sort=True)["gap"].mean()
        details = "; ".join(f"{t} {r} gap: {_fmt(v)}" for (t, r), v in task_gaps.items())
        rows.append(
            _row(
                cid,
                claim,
                stat,
                _MATCHED,
                float(np.mean(x)) if x.size else np.nan,
                _wilcoxon(x),
                n_used,
                details,
                alpha,
                min_n,
                n_units=int(x.size),
            )
        )
    return rows


def _claim_spread(
    tables: Mapping[str, pd.DataFrame], alpha: float, min_n: int
) -> list[dict[str, Any]]:
    cid, claim = "C6", "Concepts are spread over more than one unit"
    stat = (
        "mean number of carrier units per concept at t_k (k-means on the 3×N relay matrix) minus 1"
    )
    df = _table(tables, "distribution")
    if isinstance(df, str):
        return [_missing_row(cid, claim, stat, _WILCOXON, df)]
    carriers = df.assign(carrier=df["carrier"].astype(bool))
    per_concept = (
        carriers.groupby([*NETWORK_KEYS, "concept"], sort=True)["carrier"].sum().reset_index()
    )
    per_net = per_concept.groupby(list(NETWORK_KEYS), sort=True)["carrier"].mean()
    x = per_net.to_numpy(dtype=np.float64) - 1.0
    frac = float((per_concept["carrier"] > 1).mean())
    by_model = per_net.reset_index().groupby(["task", "model"], sort=True)["carrier"].mean()
    details = f"{frac:.0%} of (network, concept) pairs have more than one carrier; " + "; ".join(
        f"{t}/{m}: {_fmt(v)} units per concept" for (t, m), v in by_model.items()
    )
    return [
        _wilcoxon_row(cid, claim, stat, x, details, alpha, min_n)
    ]


def _claim_latent(
    tables: Mapping[str, pd.DataFrame], alpha: float, min_n: int
) -> list[dict[str, Any]]:
    from inforelay.analyses.latent import HIGHER_IS_BETTER

    specs = (("a", "silhouette"), ("b", "davies_bouldin"), ("c", "calinski_harabasz"))
    df = _table(tables, "latent")
    rows = []
    for suffix, score in specs:
        cid = f"C7{suffix}"
        better = "higher" if HIGHER_IS_BETTER[score] else "lower"
        claim = f"Relay-ordered removal keeps concept clusters better separated than random removal ({score})"
        stat = (
            f"{score} ({better} = better separated) after relay-ordered removal minus the mean over "
            "random orders, oriented so that positive = relay order better; mean over concepts and "
            "n_removed = 1..N-1"
        )
        if isinstance(df, str):
            rows.append(_missing_row(cid, claim, stat, _WILCOXON, df))
            continue
        sel = df[df["n_removed"] >= 1]
        key = [*NETWORK_KEYS, "concept", "n_removed"]
        relay = sel[sel["removal"] == "relay"].groupby(key, sort=True)[score].mean()
        rand = sel[sel["removal"] == "random"].groupby(key, sort=True)[score].mean()
        diff = (relay - rand).dropna()
        if not HIGHER_IS_BETTER[score]:
            diff = -diff
        per_net = diff.groupby(list(NETWORK_KEYS), sort=True).mean()
        x = per_net.to_numpy(dtype=np.float64)
        by_model = per_net.reset_index().groupby(["task", "model"], sort=True)[score].mean()
        details = "; ".join(f"{t}/{m}: {_fmt(v)}" for (t, m), v in by_model.items())
        rows.append(
            _wilcoxon_row(cid, claim, stat, x, details, alpha, min_n)
        )
    return rows


def evaluate_claims(
    tables: Mapping[str, pd.DataFrame],
    *,
    alpha: float = 0.05,
    min_networks: int = 10,
    training_delays: Sequence[int] = (1, 2, 3, 4, 5),
) -> pd.DataFrame:
    """Test each claim of the paper (DESIGN §8) on tidy result tables.

    Parameters
    ----------
    tables
        Any of ``generalization``, ``knockout``, ``stability``, ``distribution``, ``latent``
        (column contracts in the module docstring). A missing table makes its claims
        ``inconclusive`` with the reason in ``details``; a table with missing columns raises.
    alpha
        Significance level of the one-sided tests.
    min_networks
        Networks needed before a non-significant result counts as ``not held``.
    training_delays
        Delays any training regime uses (``tasks.delay_choices``); the generalization claim
        averages accuracy over the evaluation delays outside them.

    Returns
    -------
    pandas.DataFrame
        One row per claim (``C1`` … ``C7c``), columns :data:`CLAIM_COLUMNS`.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    rows: list[dict[str, Any]] = []
    rows += _claim_generalization(tables, training_delays, alpha, min_networks)
    rows += _claim_knockout(tables, alpha, min_networks)
    rows += _claim_stability(tables, alpha, min_networks)
    rows += _claim_spread(tables, alpha, min_networks)
    rows += _claim_latent(tables, alpha, min_networks)
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def _context_lines(context: Mapping[str, Any]) -> list[str]:
    lines = []
    if "n_networks" in context:
        lines.append(f"- Networks analysed: {context['n_networks']}")
    experiment = context.get("experiment")
    if experiment:
        lines.append(f"- Experiment: `{json.dumps(experiment, sort_keys=True, default=str)}`")
    config = context.get("config")
    if config:
        text = (
            config if isinstance(config, str) else json.dumps(config, sort_keys=True, default=str)
        )
        lines.append(f"- Config: `{text}`")
    versions = context.get("versions")
    if versions:
        text = ", ".join(f"{k} {v}" for k, v in sorted(dict(versions).items()))
        lines.append(f"- Versions: {text}")
    for key, value in context.items():
        if key not in (
            "n_networks",
            "experiment",
            "config",
            "versions",
            "title",
            "alpha",
            "min_networks",
        ):
            lines.append(f"- {key}: {value}")
    return lines


def claims_markdown(df: pd.DataFrame, context: Mapping[str, Any] | None = None) -> str:
    """Render :func:`evaluate_claims` output as ``results/claims.md``.

    Parameters
    ----------
    df
        The claims table.
    context
        Optional header facts: ``title``, ``n_networks``, ``experiment`` (mapping), ``config``
        (mapping or string), ``versions`` (mapping), ``alpha``, ``min_networks``; any other key is
        listed as is.
    """
    context = dict(context or {})
    missing = [c for c in CLAIM_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"claims table lacks column(s) {missing}")
    title = context.get("title", "Claims of Hintze, Najam & Schossau, tested on this run")
    alpha = context.get("alpha", 0.05)
    min_n = context.get("min_networks", 10)
    counts = df["verdict"].value_counts()
    out = [f"# {title}", ""]
    out += _context_lines(context)
    out += [
        "",
        f"Verdicts: **{counts.get(HELD, 0)} held**, **{counts.get(NOT_HELD, 0)} not held**, "
        f"**{counts.get(INCONCLUSIVE, 0)} inconclusive** (of {len(df)}). One-sided tests at "
        f"alpha = {alpha}; *held* = significant in the claimed direction; *not held* = significant "
        f"in the opposite direction, or not significant with at least {min_n} networks; "
        "*inconclusive* = too few networks or no data. See docs/method.md for each statistic.",
        "",
        "| id | claim | effect | p | networks | verdict |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for _, r in df.iterrows():
        p = "n/a" if not np.isfinite(r["p_value"]) else f"{r['p_value']:.2g}"
        n = str(r["n_networks"])
        if r["n_units"] != r["n_networks"]:
            n += f" ({r['n_units']} units)"
        out.append(
            f"| {r['claim_id']} | {r['claim']} | {_fmt(r['value'])} | {p} | {n} | {r['verdict']} |"
        )
    out.append("")
    for _, r in df.iterrows():
        p = "n/a" if not np.isfinite(r["p_value"]) else f"{r['p_value']:.3g}"
        out += [
            f"## {r['claim_id']}: {r['claim']}",
            "",
            f"Statistic: {r['statistic']}. Test: {r['test']}. Effect {_fmt(r['value'])}, "
            f"p = {p}, {r['n_networks']} networks"
            + (f" ({r['n_units']} matched units)" if r["n_units"] != r["n_networks"] else "")
            + f": **{r['verdict']}**."
            + (f" Details: {r['details']}." if r["details"] else ""),
            "",
        ]
    return "\n".join(out)
