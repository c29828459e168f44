"""Input tables and the groups a claim is tested in (``docs/claims.md``, groups).

Every claim of the paper is tested per group the paper speaks of, plus one pooled row:

- per architecture and task (``group = "memory/gru"``), when the paper says something of every
  network (:func:`per_model_rows`);
- per architecture compared with the RNN and task (``group = "memory/gru vs rnn"``), when the
  paper contrasts GRU/LSTM with the RNN (:func:`versus_rnn_rows`);
- ``pooled``: all networks of the claim, every task and architecture together.

Claims first reduce a table to one value per network: a frame with the network keys and a
``value`` column (:data:`KEYS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from inforelay.claims.engine import ClaimSpec, Evidence, claim_row, format_number
from inforelay.core.keys import NETWORK_KEYS

__all__ = [
    "GATED",
    "KEYS",
    "NETWORKS_KEY",
    "POOLED",
    "RANDOM_REGIME",
    "TABLE_COLUMNS",
    "load_table",
    "model_cells",
    "model_rank",
    "models_in_order",
    "per_model_rows",
    "summary_column",
    "versus_rnn_rows",
]

KEYS = list(NETWORK_KEYS)
GATED = ("gru", "lstm")
RANDOM_REGIME = "random"
POOLED = "pooled"
_MODEL_ORDER = {"rnn": 0, "gru": 1, "lstm": 2}
LATENT_SCORE_NAMES = ("silhouette", "davies_bouldin", "calinski_harabasz")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "generalization": (*NETWORK_KEYS, "eval_delay", "accuracy"),
    "knockout": (*NETWORK_KEYS, "set_kind", "ranked_concept", "k", "evaluated_concept", "accuracy"),
    "stability": (*NETWORK_KEYS, "concept", "measure", "window", "value", "n_defined"),
    "distribution": (*NETWORK_KEYS, "concept", "unit", "carrier"),
    "latent": (*NETWORK_KEYS, "concept", "removal", "draw", "n_removed", *LATENT_SCORE_NAMES),
    "dynamics": (*NETWORK_KEYS, "state", "concept", "arrival", "onset", "r_first", "r_late",
                 "max_rise", "order_rho"),
    "attractors": (*NETWORK_KEYS, "step_role", "dispersion", "silhouette"),
    "noise": (*NETWORK_KEYS, "set_kind", "ranked_concept", "k", "level", "evaluated_concept",
              "accuracy"),
}
Row = dict[str, Any]
#: the key of a row's per-network values (task, model, delay_regime, replicate, value)
NETWORKS_KEY = "networks"
Compare = Callable[[np.ndarray, np.ndarray], Evidence]


def load_table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | str:
    """The named table with string keys, validated; or the reason it cannot be used.

    Raises ``ValueError`` naming the table and the missing column(s).
    """
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


def model_rank(model: str) -> int:
    """Position of an architecture in the paper's order (rnn, gru, lstm; others after them)."""
    return _MODEL_ORDER.get(model, len(_MODEL_ORDER))


def models_in_order(models: Any) -> list[str]:
    """Architectures in the paper's order (rnn, gru, lstm), others after them alphabetically."""
    return sorted({str(m) for m in models}, key=lambda m: (model_rank(m), m))


def model_cells(per_net: pd.DataFrame) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """``(task, model, networks)`` per task (sorted) and architecture (paper's order)."""
    for task in sorted(per_net["task"].unique()):
        of_task = per_net[per_net["task"] == task]
        for model in models_in_order(of_task["model"]):
            yield task, model, of_task[of_task["model"] == model]


def _values(df: pd.DataFrame) -> np.ndarray:
    return df["value"].to_numpy(dtype=np.float64)


def per_model_rows(
    spec: ClaimSpec,
    per_net: pd.DataFrame,
    evidence: Callable[[np.ndarray], Evidence],
    note: Callable[[pd.DataFrame], str] | None = None,
) -> list[Row]:
    """One row per (task, architecture) and a pooled row: ``evidence`` of the networks' values.

    ``note(networks)`` adds to a row's details (default: the mean value).
    """
    note = note or (lambda df: f"mean {format_number(df['value'].mean())}")
    rows = [
        claim_row(spec, evidence(_values(g)), group=f"{task}/{model}", details=note(g))
        for task, model, g in model_cells(per_net)
    ]
    rows.append(claim_row(spec, evidence(_values(per_net)), group=POOLED, details=note(per_net)))
    return _with_networks(rows, per_net)


def _with_networks(rows: list[Row], per_net: pd.DataFrame) -> list[Row]:
    """``rows`` carrying the per-network values they were tested on (key :data:`NETWORKS_KEY`;
    :func:`inforelay.claims.engine.finalize` leaves it out of the table)."""
    values = per_net[[*KEYS, "value"]].reset_index(drop=True)
    for row in rows:
        row[NETWORKS_KEY] = values
    return rows


def _two_groups(a: pd.DataFrame, b: pd.DataFrame, names: tuple[str, str]) -> str:
    return (
        f"{names[0]} mean {format_number(a['value'].mean())} ({len(a)} networks) vs "
        f"{names[1]} mean {format_number(b['value'].mean())} ({len(b)} networks)"
    )


def versus_rnn_rows(
    spec: ClaimSpec, per_net: pd.DataFrame, compare: Compare, gated: tuple[str, ...] = GATED
) -> list[Row]:
    """One row per (task, gated architecture) comparing it with the RNN of that task, and a
    pooled row (the ``gated`` architectures together vs RNN, all tasks): ``compare(gated, rnn)``."""
    rows = []
    rnn = per_net[per_net["model"] == "rnn"]
    for task, model, g in model_cells(per_net):
        if model == "rnn" or model not in gated:
            continue
        r = rnn[rnn["task"] == task]
        rows.append(claim_row(spec, compare(_values(g), _values(r)), group=f"{task}/{model} vs rnn",
                              details=_two_groups(g, r, (model, "rnn"))))
    together = per_net[per_net["model"].isin(gated)]
    rows.append(claim_row(spec, compare(_values(together), _values(rnn)), group=POOLED,
                          details=_two_groups(together, rnn, ("+".join(gated), "rnn"))))
    return _with_networks(rows, per_net[per_net["model"].isin(("rnn", *gated))])


def summary_column(group: str) -> str:
    """The summary-table column of a group: ``memory/gru vs rnn`` → ``memory/gru``."""
    return str(group).split(" vs ")[0]
