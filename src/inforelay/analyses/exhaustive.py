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
        kept = {int(u) for u in greedy.order[n_units - k:]}
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

