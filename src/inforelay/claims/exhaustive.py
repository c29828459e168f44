"""Greedy vs exhaustive relay sets, summarized and tested per group (rule ``exhaustive_report``).

Takes the aggregated table of :func:`inforelay.analyses.exhaustive.exhaustive_experiment` (one
row per network, concept and set size) and tests C3 — a concept's relay knockouts hurt it more
than random sets of the same size — once with the greedy sets and once with the best sets, with
the claims engine's rule (network as the unit, Holm within each, ``docs/claims.md``).
"""

from __future__ import annotations

import pandas as pd

from inforelay.claims.engine import ClaimSpec, VerdictRule, claim_row, finalize
from inforelay.claims.groups import model_cells
from inforelay.claims.statistics import (
    signed_rank_evidence,
    two_sided_signed_rank_evidence,
)

__all__ = ["exhaustive_summary"]


def _per_network_drops(table: pd.DataFrame) -> pd.DataFrame:
    """Per network, the mean over concepts and k of the accuracy drop under the greedy and the
    best set beyond the random sets' (``accuracy_random − accuracy_set``): the C3 statistic."""
    keys = ["task", "model", "delay_regime", "replicate"]
    drops = table.assign(greedy=table["accuracy_random"] - table["accuracy_greedy"],
                         best=table["accuracy_random"] - table["accuracy_best"])
    return drops.groupby(keys, sort=False)[["greedy", "best"]].mean().reset_index()


def exhaustive_summary(table: pd.DataFrame, *, alpha: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per task and architecture: how often the greedy set is optimal, how far it falls short,
    and whether C3 (relay knockouts beat random ones) keeps its verdict with the best sets.

    Returns
    -------
    groups, claims
        ``groups``: one row per (task, model): ``networks``, ``sets`` (network × concept × k),
        ``optimal`` (share of sets where the greedy set is a best set), ``gap_mean`` and
        ``gap_max`` (bits), ``share_gap_over_0.01``, ``jaccard_mean``. ``claims``: claims-table
        rows (:mod:`inforelay.claims.engine`) of C3 with the greedy sets, with the best sets
        (one-sided signed-rank over networks, Holm within each) and of their difference
        (best − greedy, two-sided), per task/model and pooled.
    """
    rows = []
    for task, model, g in model_cells(table):
        rows.append({"task": task, "model": model,
                     "networks": int(g[["delay_regime", "replicate"]].drop_duplicates().shape[0]),
                     "sets": len(g), "optimal": float(g["optimal"].mean()),
                     "gap_mean": float(g["gap"].mean()), "gap_max": float(g["gap"].max()),
                     "share_gap_over_0.01": float((g["gap"] > 0.01).mean()),
                     "jaccard_mean": float(g["jaccard"].mean())})
    groups = pd.DataFrame(rows)
    drops = _per_network_drops(table)
    specs = {
        "greedy": ClaimSpec("C3 (greedy sets)", "knocking out a concept's greedy relay set hurts it more than random sets",
                            "per network, drop under the greedy k-set minus the random k-sets' mean drop, mean over k and concepts",
                            "one-sided Wilcoxon signed-rank over networks", "exhaustive: greedy"),
        "best": ClaimSpec("C3 (exhaustive sets)", "knocking out a concept's best relay set hurts it more than random sets",
                          "per network, drop under the best k-set (exhaustive) minus the random k-sets' mean drop, mean over k and concepts",
                          "one-sided Wilcoxon signed-rank over networks", "exhaustive: best"),
        "difference": ClaimSpec("best − greedy", "the best sets' knockouts differ from the greedy sets'",
                                "per network, drop under the best set minus under the greedy set, mean over k and concepts",
                                "two-sided Wilcoxon signed-rank over networks (|pseudo-median|)", "exhaustive: difference"),
    }
    claim_rows = []
    for name, spec in specs.items():
        values = drops["best"] - drops["greedy"] if name == "difference" else drops[name]
        per_net = drops.assign(value=values)
        test = two_sided_signed_rank_evidence if name == "difference" else signed_rank_evidence
        for task, model, g in model_cells(per_net):
            claim_rows.append(claim_row(spec, test(g["value"].to_numpy()), group=f"{task}/{model}",
                                        details=f"mean {g['value'].mean():.3g}"))
        claim_rows.append(claim_row(spec, test(per_net["value"].to_numpy()), group="pooled",
                                    details=f"mean {per_net['value'].mean():.3g}"))
    return groups, finalize(claim_rows, VerdictRule(alpha))
