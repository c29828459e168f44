"""Per-network results → tidy tables over networks.

Every per-network output (CSV tables, relay HDF5 files) is identified by its network keys
``task, model, delay_regime, replicate`` (:data:`inforelay.core.keys.NETWORK_KEYS`). The
workflow passes each file together with its keys; these functions read the files, put the keys
in the first columns and concatenate (CSV tables: :mod:`inforelay.pipeline.tables`, re-exported
here). numpy / pandas / h5py only (no torch). Means and confidence intervals over networks are
:func:`inforelay.analyses.group_mean_ci`.

Column contracts of the tables produced here are listed in :mod:`inforelay.claims.paper`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from inforelay.analyses import group_mean_ci, windowed_stability
from inforelay.core.keys import NETWORK_KEYS, normalize_keys
from inforelay.pipeline.tables import (
    PathsWithKeys,
    concat_tables,
    read_table,
    with_keys,
)

__all__ = [
    "NETWORK_KEYS",
    "normalize_keys",
    "with_keys",
    "read_table",
    "concat_tables",
    "summarize",
    "stability_table",
    "distribution_table",
    "relay_table",
    "dynamics_table",
    "corrected_relay_tables",
]


def summarize(
    df: pd.DataFrame, by: Sequence[str], value: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Mean, confidence interval and count of ``value`` per group: ``by`` columns, then ``mean``,
    ``ci_low``, ``ci_high`` (``nan`` below two values), ``n``.

    The same as :func:`inforelay.analyses.group_mean_ci` (kept under this name for
    callers of the pipeline's tables).
    """
    return group_mean_ci(df, by, value, confidence)


def _concept_names(keys: Mapping[str, Any], path: str | os.PathLike[str] | None = None) -> Sequence[str] | None:
    """The concepts' names: ``keys["concept_names"]``, else the relay file's own (a memory task
    with 5 sensors names 5), else the task's (``None``: ``0, 1, …``)."""
    from inforelay.tasks import CONCEPT_NAMES

    if keys.get("concept_names"):
        return keys["concept_names"]
    if path is not None:
        import h5py

        with h5py.File(path, "r") as f:
            stored = f.attrs.get("concept_names")
        if stored is not None and len(stored):
            return [str(name) for name in stored]
    return CONCEPT_NAMES.get(str(keys.get("task")))


def _over_networks(relay_files: PathsWithKeys, one_network: Any, **options: Any) -> pd.DataFrame:
    """``one_network(path, concept_names=..., **options)`` of every file, keys first, stacked."""
    frames = []
    for keys, path in relay_files:
        df = one_network(path, concept_names=_concept_names(keys, path), **options)
        frames.append(with_keys(df, {k: v for k, v in keys.items() if k != "concept_names"}))
    if not frames:
        raise ValueError("no relay files given")
    return pd.concat(frames, ignore_index=True)


def stability_table(relay_files: PathsWithKeys, **options: Any) -> pd.DataFrame:
    """Stability (``r`` and carrier overlap) of many networks from their relay files.

    Parameters
    ----------
    relay_files
        ``(keys, path)`` pairs of relay files (:func:`inforelay.relay.write_relay`); the keys
        may carry ``concept_names`` (default: the task's).
    **options
        ``state``, ``values``, ``method`` of :func:`inforelay.analyses.windowed_stability`.

    Returns
    -------
    pandas.DataFrame
        Network keys, then ``concept, measure, window, value, n_pairs, n_defined``: one row per
        network, concept, measure and window (:data:`inforelay.analyses.STABILITY_WINDOWS`).
    """
    return _over_networks(relay_files, windowed_stability, **options)


def distribution_table(relay_files: PathsWithKeys, **options: Any) -> pd.DataFrame:
    """The concept distribution at the analysis step (Figs. 10/11) of many networks.

    ``relay_files`` as for :func:`stability_table`; ``options`` (``state``, ``values``, ``step``)
    as for :func:`inforelay.analyses.distribution_from_relay_file`.

    Returns
    -------
    pandas.DataFrame
        Network keys, then ``concept, unit, relay, carrier``
        (:func:`inforelay.analyses.distribution_from_relay_file`).
    """
    from inforelay.analyses import distribution_from_relay_file

    return _over_networks(relay_files, distribution_from_relay_file, **options)


def dynamics_table(relay_files: PathsWithKeys) -> pd.DataFrame:
    """The relay dynamics (arrival, onset, stability from the arrival, greedy curve, removal
    order; :func:`inforelay.analyses.relay_dynamics_from_relay_file`) of many networks."""
    from inforelay.analyses import relay_dynamics_from_relay_file

    return _over_networks(relay_files, relay_dynamics_from_relay_file)


def _corrected_values(table: pd.DataFrame, path: Any) -> tuple[Any, int, list[str]]:
    """``(T, C, N)`` shuffle-corrected contributions of the hidden state, ``t_k`` and the
    concepts, from one network's corrected-relay table."""
    import numpy as np

    hidden = table[table["state"] == "hidden"]
    if hidden.empty:
        raise ValueError(f"{path}: no 'hidden' rows in the corrected-relay table")
    concepts = list(dict.fromkeys(hidden["concept"].astype(str)))
    cube = hidden.assign(concept=pd.Categorical(hidden["concept"].astype(str), concepts))
    cube = cube.pivot_table(index=["step", "concept"], columns="unit", values="corrected",
                            observed=True, sort=True)
    n_steps, n_units = int(hidden["step"].max()) + 1, cube.shape[1]
    if cube.shape[0] != n_steps * len(concepts) or cube.isna().any().any():
        raise ValueError(f"{path}: the corrected relay is not defined at every step, concept and unit")
    values = cube.to_numpy(dtype=np.float64).reshape(n_steps, len(concepts), n_units)
    return values, int(hidden["analysis_step"].iloc[0]), concepts


def corrected_relay_tables(
    corrected_files: PathsWithKeys, *, method: str = "kmeans"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stability (as :func:`stability_table`) and concept distribution at ``t_k`` (as
    :func:`distribution_table`) of many networks from their shuffle-corrected relay tables
    (``corrected`` = plug-in contribution − its mean under the shuffle null,
    :func:`inforelay.relay.corrected_relay`): the bias-corrected sensitivity analysis."""
    from inforelay.analyses import distribution_table as concept_distribution
    from inforelay.analyses import stability_windows

    stability, distribution = [], []
    for keys, path in corrected_files:
        values, t_k, concepts = _corrected_values(read_table(path), path)
        plain = {k: v for k, v in keys.items() if k != "concept_names"}
        stability.append(with_keys(stability_windows(values, t_k, concept_names=concepts,
                                                     method=method), plain))
        distribution.append(with_keys(concept_distribution(values[t_k], concept_names=concepts),
                                      plain))
    if not stability:
        raise ValueError("no corrected-relay tables given")
    return pd.concat(stability, ignore_index=True), pd.concat(distribution, ignore_index=True)


def relay_table(relay_files: PathsWithKeys, *, state: str = "hidden") -> pd.DataFrame:
    """:func:`inforelay.relay.relay_summary` of many networks: network keys, then
    :data:`inforelay.relay.RELAY_TABLE_COLUMNS`."""
    from inforelay.relay import relay_summary

    return _over_networks(relay_files, relay_summary, state=state)
