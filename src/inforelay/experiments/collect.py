"""An experiment's results: each level's claims, the claims' per-network values, the trends.

- :func:`collect_claims`: every level's ``results/claims.csv`` in one table, with the level's
  label and value (the paper's verdict rule, applied per level as the main job applies it);
- :func:`collect_values`: every level's per-network claim values, recomputed from its tables
  (:func:`inforelay.claims.claim_network_values`);
- :func:`trend_table`: the pre-registered trends, tested per task and architecture with the
  network as the unit (Spearman's rho between level and value over all networks of every level,
  Holm over the experiment's trends, the same verdict rule as the claims).

Reading files happens in :func:`read_level_claims` and :func:`read_level_tables`; the tests take
frames.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from inforelay.claims import claim_network_values
from inforelay.claims.engine import (
    ClaimSpec,
    Evidence,
    VerdictRule,
    claim_row,
    finalize,
)
from inforelay.claims.groups import KEYS, model_cells
from inforelay.claims.preregistration import Preregistration
from inforelay.claims.statistics import _folded, correlation_evidence
from inforelay.experiments.spec import Experiment, ExperimentError, Trend

__all__ = [
    "LEVEL_TABLES",
    "MEASURES",
    "TREND_FAMILY",
    "collect_claims",
    "collect_values",
    "read_level_claims",
    "read_level_tables",
    "trend_evidence",
    "trend_table",
]

#: claims-table name → file under a level's results/tables/
LEVEL_TABLES = {
    "generalization": "generalization.csv",
    "knockout": "knockout.csv",
    "noise": "noise.csv",
    "stability": "stability.csv",
    "distribution": "distribution.csv",
    "dynamics": "relay_dynamics.csv",
    "latent": "latent.csv",
    "attractors": "attractors.csv",
}
TREND_FAMILY = "trend"


def _accuracy(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per network, the mean accuracy over every evaluation delay (generalization table)."""
    df = tables["generalization"]
    return df.groupby(KEYS, sort=False)["accuracy"].mean().rename("value").reset_index()


def _stability(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per network (every regime), the correlation r of consecutive relay vectors from t_k on
    (window ``all``), mean over concepts (stability table)."""
    df = tables["stability"]
    sel = df[(df["measure"] == "r") & (df["window"] == "all")]
    return sel.groupby(KEYS, sort=False)["value"].mean().reset_index()


#: per-network measures a trend may name besides the paper's claims:
#: name → (what it is, its function, the level tables it reads)
MEASURES = {
    "accuracy": ("mean accuracy over every evaluation delay", _accuracy, ("generalization",)),
    "stability": ("r of consecutive relay vectors from t_k on (window all), mean over concepts",
                  _stability, ("stability",)),
}


def read_level_claims(directory: str | os.PathLike[str]) -> pd.DataFrame:
    """A level's ``results/claims.csv``; a level that has not finished names its directory."""
    path = Path(directory) / "results" / "claims.csv"
    if not path.is_file():
        raise ExperimentError(f"{directory}: no results/claims.csv (has the level run to the end?)")
    return pd.read_csv(path, comment="#")


def read_level_tables(directory: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The aggregated tables of a level that the claims are tested on."""
    tables = {}
    for name, file in LEVEL_TABLES.items():
        path = Path(directory) / "results" / "tables" / file
        if path.is_file():
            tables[name] = pd.read_csv(path)
    return tables


def collect_claims(experiment: Experiment, claims: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every level's claims rows (``claims``: level label → that level's claims table) with
    ``level`` and ``value`` columns first, in the experiment's level order."""
    frames = []
    for level in experiment.levels:
        if level.label in claims:
            frames.append(claims[level.label].assign(level=level.label, level_value=level.value))
    if not frames:
        raise ExperimentError(f"{experiment.source}: no level has results yet")
    df = pd.concat(frames, ignore_index=True)
    return df[["level", "level_value", *[c for c in df.columns if c not in ("level", "level_value")]]]


def collect_values(
    experiment: Experiment,
    tables: Mapping[str, Mapping[str, pd.DataFrame]],
    preregistration: Preregistration,
    training_delays: Mapping[str, list[int]],
) -> pd.DataFrame:
    """Per-network claim values of every level (``tables``: level label → its tables;
    ``training_delays``: level label → its ``tasks.delay_choices``), with ``level`` and
    ``level_value`` columns; the :data:`MEASURES` are rows too (``id`` = the measure's name)."""
    frames = []
    for level in experiment.levels:
        if level.label not in tables:
            continue
        level_tables = tables[level.label]
        values = [claim_network_values(level_tables, preregistration,
                                       training_delays=training_delays[level.label])]
        for name, (_, measure, needs) in MEASURES.items():
            if all(t in level_tables for t in needs):
                values.append(measure(level_tables).assign(id=name))
        frames.append(pd.concat(values, ignore_index=True).assign(level=level.label,
                                                                  level_value=level.value))
    if not frames:
        raise ExperimentError(f"{experiment.source}: no level has tables yet")
    return pd.concat(frames, ignore_index=True)


def trend_evidence(levels: np.ndarray, values: np.ndarray, direction: str) -> Evidence:
    """Spearman's rho between the level and the per-network value, oriented so that a positive
    effect agrees with ``direction`` (``decrease`` flips it); ``either`` is two-sided: ``|rho|``
    with its folded interval and twice the smaller one-sided p-value."""
    levels = np.asarray(levels, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    sign = -1.0 if direction == "decrease" else 1.0
    one = correlation_evidence(sign * levels, values)
    if direction != "either":
        return one
    if not np.isfinite(one.effect):
        return one
    p = min(1.0, 2.0 * min(one.p_value, one.p_reverse))
    return Evidence(abs(one.effect), p, float("nan"), one.n, _folded(*one.ci))


def _trend_spec(trend: Trend, experiment: Experiment) -> ClaimSpec:
    moves = {"increase": "increases", "decrease": "decreases", "either": "changes"}[trend.direction]
    test = ("two-sided" if trend.direction == "either" else "one-sided") + (
        " permutation test of Spearman's rho (level vs per-network value; Fisher-z interval)")
    return ClaimSpec(
        id=f"{trend.claim} trend",
        claim=f"the per-network value of {trend.claim} {moves} with {experiment.axis}"
              + (f" ({trend.why})" if trend.why else ""),
        statistic=f"Spearman's rho between {experiment.axis} and {trend.claim}'s per-network value "
                  + ("(sign flipped: positive = decreases)" if trend.direction == "decrease" else
                     "(absolute value)" if trend.direction == "either" else ""),
        test=test,
        family=TREND_FAMILY,
    )


def trend_table(experiment: Experiment, values: pd.DataFrame, rule: VerdictRule) -> pd.DataFrame:
    """The experiment's pre-registered trends, one row per (trend, task/architecture), in the
    claims table's columns (family ``trend``, Holm over all of them).

    A trend whose claim has no per-network value in any level is an error naming it.
    """
    rows = []
    for trend in experiment.trends:
        spec = _trend_spec(trend, experiment)
        of_claim = values[values["id"] == trend.claim]
        if of_claim.empty:
            raise ExperimentError(
                f"{experiment.source}: trend of {trend.claim}: no per-network values in any level "
                "(a claim tested on group contrasts or shares has none)"
            )
        for task, model, cell in model_cells(of_claim):
            finite = cell[np.isfinite(cell["value"].to_numpy(dtype=float))]
            means = finite.groupby("level_value", sort=True)["value"].mean()
            details = "means by level: " + ", ".join(f"{lv:g}: {m:.3g}" for lv, m in means.items())
            evidence = trend_evidence(finite["level_value"].to_numpy(), finite["value"].to_numpy(),
                                      trend.direction)
            if trend.direction == "either":
                signed = trend_evidence(finite["level_value"].to_numpy(), finite["value"].to_numpy(),
                                        "increase").effect
                details += f"; rho = {signed:.3g} ({'rises' if signed > 0 else 'falls'} with the level)"
            rows.append(claim_row(spec, evidence, group=f"{task}/{model}", details=details))
    return finalize(rows, rule)

