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

import numpy as np
import pandas as pd

from inforelay.analyses import group_mean_ci
from inforelay.core.keys import NETWORK_KEYS, normalize_keys
from inforelay.pipeline.tables import (
    PathLike,
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
    "STABILITY_WINDOWS",
    "stability_table",
    "windowed_stability",
    "distribution_table",
    "RELAY_TABLE_COLUMNS",
    "relay_summary",
    "relay_table",
]

#: columns of :func:`relay_table` after the network keys
RELAY_TABLE_COLUMNS = (
    "concept", "analysis_step", "n_samples", "relay", "null_mean", "relay_corrected", "p_value",
)

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


#: windows of consecutive-step pairs (t, t+1) the stability is averaged over, as (first t after
#: ``t_k``, number of pairs or ``None`` for all to the last step): ``all`` pairs (their number
#: grows with the delay: 1 for delay 1, 5 for delay 5 and random), the ``first`` pair
#: (t_k, t_k + 1), which every regime has — regimes are compared on it — and the ``late`` pairs
#: from t_k + 3 on, after the paper's "equilibration phase of about three time points" (none for
#: delays below 4). docs/method.md, stability.
STABILITY_WINDOWS: dict[str, tuple[int, int | None]] = {"all": (0, None), "first": (0, 1), "late": (3, None)}


def windowed_stability(
    path: PathLike,
    *,
    concept_names: Sequence[str] | None = None,
    method: str = "kmeans",
    state: str = "hidden",
    values: str = "contribution",
) -> pd.DataFrame:
    """Stability of one relay file per window of :data:`STABILITY_WINDOWS`.

    Returns
    -------
    pandas.DataFrame
        ``concept, measure, window, value, n_pairs, n_defined``
        (:func:`inforelay.analyses.network_stability_table` on each window's steps).
    """
    from inforelay.analyses import network_stability_table, relay_values

    result, R = relay_values(path, state, values)
    t_k = result.analysis_step
    frames = []
    for window, (offset, n_pairs) in STABILITY_WINDOWS.items():
        start = t_k + offset
        if start + 1 >= R.shape[0]:
            continue  # the window has no pair in this recording (e.g. "late" at delay 1)
        steps = R if n_pairs is None else R[: start + 1 + n_pairs]
        try:
            df = network_stability_table(steps, start, concept_names=concept_names, method=method)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from err
        df.insert(2, "window", window)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def stability_table(relay_files: PathsWithKeys, **options: Any) -> pd.DataFrame:
    """Stability (``r`` and carrier overlap) of many networks from their relay files.

    Parameters
    ----------
    relay_files
        ``(keys, path)`` pairs of relay files (:func:`inforelay.relay.write_relay`); the keys
        may carry ``concept_names`` (default: the task's).
    **options
        ``state``, ``values``, ``method`` of :func:`windowed_stability`.

    Returns
    -------
    pandas.DataFrame
        Network keys, then ``concept, measure, window, value, n_pairs, n_defined``: one row per
        network, concept, measure and window (:data:`STABILITY_WINDOWS`).
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


def relay_summary(
    path: PathLike, *, concept_names: Sequence[str] | None = None, state: str = "hidden"
) -> pd.DataFrame:
    """Each concept's relay of one network at its analysis step, plug-in and bias-corrected.

    ``relay`` is the plug-in ``full`` relay (docs/relay.md §3); with a shuffle null
    (``relay.n_shuffles > 0``, docs/relay.md §4) ``null_mean`` is its mean under permuted
    concepts — the estimated bias at this sample size — ``relay_corrected = relay − null_mean``
    and ``p_value`` the null's p-value; without one those three are NaN.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RELAY_TABLE_COLUMNS`, one row per concept.
    """
    from inforelay.relay import read_relay
    from inforelay.tasks import concept_labels

    result = read_relay(path)[state]
    t_k = result.analysis_step
    relay = result.full[t_k].astype(float)
    missing = np.full_like(relay, np.nan)
    null_mean = missing if result.null_mean is None else result.null_mean[t_k].astype(float)
    p_value = missing if result.p_value is None else result.p_value[t_k].astype(float)
    return pd.DataFrame(
        {
            "concept": concept_labels(concept_names, result.n_concepts),
            "analysis_step": t_k,
            "n_samples": result.n_samples,
            "relay": relay,
            "null_mean": null_mean,
            "relay_corrected": relay - null_mean,
            "p_value": p_value,
        },
        columns=list(RELAY_TABLE_COLUMNS),
    )


def relay_table(relay_files: PathsWithKeys, *, state: str = "hidden") -> pd.DataFrame:
    """:func:`relay_summary` of many networks: network keys, then :data:`RELAY_TABLE_COLUMNS`."""
    return _over_networks(relay_files, relay_summary, state=state)
