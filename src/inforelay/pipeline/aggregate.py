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


def _concept_names(keys: Mapping[str, Any]) -> Sequence[str] | None:
    """The concepts' names: ``keys["concept_names"]``, else the task's (``None``: ``0, 1, …``)."""
    from inforelay.tasks import CONCEPT_NAMES

    return keys.get("concept_names") or CONCEPT_NAMES.get(str(keys.get("task")))


def _over_networks(relay_files: PathsWithKeys, one_network: Any, **options: Any) -> pd.DataFrame:
    """``one_network(path, concept_names=..., **options)`` of every file, keys first, stacked."""
    frames = []
    for keys, path in relay_files:
        df = one_network(path, concept_names=_concept_names(keys), **options)
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


def relay_table(relay_files: PathsWithKeys, *, state: str = "hidden") -> pd.DataFrame:
    """:func:`inforelay.relay.relay_summary` of many networks: network keys, then
    :data:`inforelay.relay.RELAY_TABLE_COLUMNS`."""
    from inforelay.relay import relay_summary

    return _over_networks(relay_files, relay_summary, state=state)
