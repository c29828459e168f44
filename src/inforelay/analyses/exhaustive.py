"""The greedy removal order against the exhaustive optimum (``docs/open-questions.md``).

The relay search removes units greedily (``docs/relay.md`` §3): the set of size ``k`` it reports
is what is left after ``N − k`` removals. With 12 units every set can be scored (``2^12 = 4,096``
per step and concept), so the heuristic can be checked where it is used: at ``t_k``, for every
concept and size ``k = 1 … N − 1``,

- ``greedy_ir`` (the greedy set's ``I_R``) against ``best_ir`` (the largest ``I_R`` of any
  ``k``-set), their ``gap`` in bits, whether the greedy set is one of the best (``optimal``) and
  its Jaccard overlap with the nearest best set;
- the accuracy of the concept when the greedy set and when the best set is knocked out (the same
  knockout as the pipeline's primary run), next to the mean accuracy under its random ``k``-sets.

:func:`greedy_vs_exhaustive` takes arrays; :func:`exhaustive_experiment` takes a recording, a
network and its test set (files are read in :mod:`inforelay.pipeline.steps.exhaustive`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.analyses.knockout import mask_accuracy
from inforelay.core.recordings import Recording
from inforelay.info.binarization import binarize
from inforelay.relay.files import analysis_step
from inforelay.relay.over_time import answers_at, state_values
from inforelay.relay.reference import exhaustive_relay
from inforelay.relay.search import greedy_relay

__all__ = [
    "EXHAUSTIVE_COLUMNS",
    "MAX_EXHAUSTIVE_UNITS",
    "exhaustive_experiment",
    "exhaustive_summary",
    "greedy_vs_exhaustive",
]

#: above this, 2^N sets per step and concept is too many to score
MAX_EXHAUSTIVE_UNITS = 16
EXHAUSTIVE_COLUMNS = ["concept", "k", "greedy_ir", "best_ir", "gap", "optimal", "jaccard", "n_best",
                      "greedy_units", "best_units"]


def _units(units: Sequence[int]) -> str:
    return " ".join(str(u) for u in sorted(int(v) for v in units))


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def greedy_vs_exhaustive(x_in: np.ndarray, x_out: np.ndarray, bits: np.ndarray) -> pd.DataFrame:
    """Greedy relay sets against the best sets of every size ``k = 1 … N − 1`` for one concept.

    Parameters
    ----------
    x_in, x_out
        ``(n,)`` 0/1 concept and answer.
    bits
        ``(n, N)`` binarized unit states.

    Returns
    -------
    pandas.DataFrame
        One row per ``k``: :data:`EXHAUSTIVE_COLUMNS` without ``concept``. ``best_units`` is the
        first best set (lowest unit indices); ``jaccard`` is the greedy set's largest overlap with
        any best set.
    """
    n_units = np.asarray(bits).shape[1]
    if n_units > MAX_EXHAUSTIVE_UNITS:
        raise ValueError(f"an exhaustive search over {n_units} units scores 2^{n_units} sets per "
                         f"step and concept; at most {MAX_EXHAUSTIVE_UNITS} units")
    greedy = greedy_relay(x_in, x_out, bits)
    best, argbest = exhaustive_relay(x_in, x_out, bits)
    rows = []
    for k in range(1, n_units):
        kept = set(int(u) for u in greedy.order[n_units - k:])
        best_sets = [set(s) for s in argbest[k]]
        greedy_ir = float(greedy.curve[n_units - k])
        rows.append({
            "k": k, "greedy_ir": greedy_ir, "best_ir": float(best[k]),
            "gap": max(0.0, float(best[k]) - greedy_ir), "optimal": kept in best_sets,
            "jaccard": max(_jaccard(kept, s) for s in best_sets), "n_best": len(best_sets),
            "greedy_units": _units(kept), "best_units": _units(argbest[k][0]),
        })
    return pd.DataFrame(rows, columns=EXHAUSTIVE_COLUMNS[1:])


def _mask(units: str, n_units: int) -> np.ndarray:
    mask = np.zeros(n_units, dtype=bool)
    mask[[int(u) for u in units.split()]] = True
    return mask


def exhaustive_experiment(
    recording: Recording,
    network: Any,
    test_data: Any,
    *,
    state: str = "hidden",
    binarization: str = "kmeans",
    threshold: float = 0.0,
    mode: str = "clamp",
    ablation: str = "mean",
    seed: int = 0,
    concept_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Greedy vs exhaustive relay sets at ``t_k`` for every concept of one network, and the
    concept's accuracy on ``test_data`` with each set knocked out.

    The relay sets are chosen on ``recording`` (the analysis set, as the pipeline's relay) and
    knocked out on ``test_data`` (held out), at ``t_k = info_length − 1`` clamped to the answer.

    Returns
    -------
    pandas.DataFrame
        :data:`EXHAUSTIVE_COLUMNS` plus ``accuracy_intact``, ``accuracy_greedy`` and
        ``accuracy_best`` (the concept's accuracy with nothing, the greedy set or the first best
        set knocked out).
    """
    values = state_values(recording, state)
    t_k = analysis_step(recording.attrs, values.shape[1])
    bits = binarize(values[:, t_k, :], binarization)
    concepts = np.asarray(recording.concepts).astype(np.int64)
    answers = answers_at(recording, threshold).astype(np.int64)
    n_units = bits.shape[1]
    names = list(concept_names or [str(c) for c in range(concepts.shape[1])])
    frames = [greedy_vs_exhaustive(concepts[:, c], answers[:, c], bits).assign(concept=names[c])
              for c in range(concepts.shape[1])]
    table = pd.concat(frames, ignore_index=True)[EXHAUSTIVE_COLUMNS]
    masks = np.vstack([np.zeros((1, n_units), dtype=bool),
                       np.stack([_mask(u, n_units) for u in table["greedy_units"]]),
                       np.stack([_mask(u, n_units) for u in table["best_units"]])])
    accuracy = mask_accuracy(network, test_data, masks, knockout_step=t_k, mode=mode,
                             ablation=ablation, ablation_seed=seed)
    column = table["concept"].map({name: i for i, name in enumerate(names)}).to_numpy()
    rows = np.arange(len(table))
    table["accuracy_intact"] = accuracy[0, column]
    table["accuracy_greedy"] = accuracy[1 + rows, column]
    table["accuracy_best"] = accuracy[1 + len(table) + rows, column]
    return table


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
    from inforelay.claims.engine import ClaimSpec, VerdictRule, claim_row, finalize
    from inforelay.claims.groups import model_cells
    from inforelay.claims.statistics import signed_rank_evidence, two_sided_signed_rank_evidence

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
