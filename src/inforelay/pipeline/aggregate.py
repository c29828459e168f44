"""Per-network results → tidy tables over networks, and means with confidence intervals.

Every per-network output (CSV tables, relay HDF5 files) is identified by its *network keys*
``task, model, delay_regime, replicate`` (:data:`NETWORK_KEYS`). The workflow passes each file
together with its keys; these functions read the files, add the keys as the first columns and
concatenate. numpy / pandas / scipy / h5py only (no torch).

Column contracts of the tables produced here are listed in :mod:`inforelay.claims.paper`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "NETWORK_KEYS",
    "normalize_keys",
    "with_keys",
    "read_table",
    "concat_tables",
    "mean_ci",
    "summarize",
    "stability_table",
    "distribution_table",
]

NETWORK_KEYS = ("task", "model", "delay_regime", "replicate")

PathLike = str | os.PathLike[str]


def normalize_keys(keys: Mapping[str, Any]) -> dict[str, Any]:
    """Network keys as stored in tables: ``task``/``model``/``delay_regime`` str, ``replicate`` int.

    Other keys are passed through unchanged (after the network keys). ``delay`` is accepted as an
    alias of ``delay_regime``.
    """
    keys = dict(keys)
    if "delay_regime" not in keys and "delay" in keys:
        keys["delay_regime"] = keys.pop("delay")
    out: dict[str, Any] = {}
    for name in NETWORK_KEYS:
        if name in keys:
            value = keys.pop(name)
            out[name] = int(value) if name == "replicate" else str(value)
    out.update(keys)
    return out


def with_keys(df: pd.DataFrame, keys: Mapping[str, Any]) -> pd.DataFrame:
    """Return ``df`` with the key columns inserted first (a copy; existing columns are replaced)."""
    keys = normalize_keys(keys)
    rest = df.drop(columns=[k for k in keys if k in df.columns])
    head = pd.DataFrame({k: [v] * len(rest) for k, v in keys.items()}, index=rest.index)
    return pd.concat([head, rest], axis=1)


def read_table(path: PathLike) -> pd.DataFrame:
    """Read one CSV table; a missing, empty or unparsable file raises an error naming it."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        df = pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a readable CSV table ({err})") from err
    if df.empty:
        raise ValueError(f"{path}: the table has no rows")
    return df


def concat_tables(
    paths_with_keys: Iterable[tuple[Mapping[str, Any], PathLike]],
    *,
    required: Sequence[str] = (),
) -> pd.DataFrame:
    """Read per-network CSV tables and concatenate them with their network keys.

    Parameters
    ----------
    paths_with_keys
        ``(keys, path)`` pairs, e.g. ``({"task": "memory", "model": "rnn", "delay_regime":
        "random", "replicate": 3}, "results/knockout/memory/rnn/delay-random/rep-03.csv")``.
    required
        Columns every table must have; a table without them raises an error naming its file.

    Returns
    -------
    pandas.DataFrame
        The key columns first, then the tables' columns.
    """
    frames = []
    for keys, path in paths_with_keys:
        df = read_table(path)
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        frames.append(with_keys(df, keys))
    if not frames:
        raise ValueError("no tables to concatenate")
    return pd.concat(frames, ignore_index=True)


def mean_ci(
    values: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of the mean (``scipy.stats.t``), ignoring NaN.

    Returns
    -------
    (mean, low, high)
        With a single value the interval is ``(mean, mean)``; with none, all ``NaN``.
    """
    from scipy import stats

    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    m = float(x.mean())
    if x.size == 1:
        return (m, m, m)
    sem = float(x.std(ddof=1) / np.sqrt(x.size))
    if sem == 0.0:
        return (m, m, m)
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df=x.size - 1)) * sem
    return (m, m - half, m + half)


def summarize(
    df: pd.DataFrame, by: Sequence[str], value: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Mean, confidence interval and count of ``value`` per group (one row per group).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, then ``mean``, ``ci_low``, ``ci_high``, ``n`` (finite values).
    """
    from scipy import stats

    by = list(by)
    missing = [c for c in (*by, value) if c not in df.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}; it has {list(df.columns)}")
    g = df[df[value].notna()].groupby(by, sort=True)[value]
    out = g.agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy(dtype=np.float64)
    sem = out["std"].to_numpy(dtype=np.float64) / np.sqrt(np.maximum(n, 1))
    with np.errstate(invalid="ignore"):
        tq = stats.t.ppf(0.5 + confidence / 2.0, df=np.maximum(n - 1, 1))
    half = np.where(n > 1, np.nan_to_num(tq * sem, nan=0.0), 0.0)
    mean = out["mean"].to_numpy(dtype=np.float64)
    out["ci_low"] = mean - half
    out["ci_high"] = mean + half
    out = out.rename(columns={"count": "n"}).drop(columns=["std"])
    out["n"] = out["n"].astype(np.int64)
    return out[[*by, "mean", "ci_low", "ci_high", "n"]]


def _concept_names(keys: Mapping[str, Any], n_concepts: int) -> list[str]:
    from inforelay.tasks.generate import CONCEPT_NAMES

    names = keys.get("concept_names") or CONCEPT_NAMES.get(str(keys.get("task")))
    if names is None or len(names) != n_concepts:
        return [str(c) for c in range(n_concepts)]
    return [str(c) for c in names]


def _relay_values(path: PathLike, state: str, values: str) -> Any:
    from inforelay.relay.search import read_relay

    results = read_relay(path)
    if state not in results:
        raise ValueError(f"{path}: no '{state}' relay group (has {', '.join(results)})")
    res = results[state]
    if values not in ("contribution", "node_relay"):
        raise ValueError(f"values must be 'contribution' or 'node_relay', got {values!r}")
    return res, np.asarray(getattr(res, values), dtype=np.float64)


def stability_table(
    relay_files: Iterable[tuple[Mapping[str, Any], PathLike]],
    *,
    state: str = "hidden",
    values: str = "contribution",
    method: str = "kmeans",
    start: int | None = None,
) -> pd.DataFrame:
    """Stability (``r`` and carrier overlap) of many networks from their relay files.

    Parameters
    ----------
    relay_files
        ``(keys, path)`` pairs of relay files (:func:`inforelay.relay.search.write_relay`).
    state
        Relay group to use (``"hidden"``; ``"cell"`` exists for LSTMs only).
    values
        ``"contribution"`` (bits, default) or ``"node_relay"``.
    method
        Carrier method of the overlap (``stability.carrier_method``).
    start
        First step of the consecutive pairs; default: each file's ``analysis_step`` (``t_k``).

    Returns
    -------
    pandas.DataFrame
        Network keys, then ``concept, measure, value, n_pairs, n_defined``
        (:func:`inforelay.analyses.stability.network_stability_table`).
    """
    from inforelay.analyses.stability import network_stability_table

    frames = []
    for keys, path in relay_files:
        res, R = _relay_values(path, state, values)
        s = res.analysis_step if start is None else int(start)
        try:
            df = network_stability_table(
                R, s, concept_names=_concept_names(keys, R.shape[1]), method=method
            )
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from err
        frames.append(with_keys(df, {k: v for k, v in keys.items() if k != "concept_names"}))
    if not frames:
        raise ValueError("no relay files given")
    return pd.concat(frames, ignore_index=True)


def distribution_table(
    relay_files: Iterable[tuple[Mapping[str, Any], PathLike]],
    *,
    state: str = "hidden",
    values: str = "contribution",
    step: int | None = None,
) -> pd.DataFrame:
    """The concept distribution at the analysis step (Figs. 10/11) of many networks.

    Returns
    -------
    pandas.DataFrame
        Network keys, then ``concept, unit, relay, carrier``
        (:func:`inforelay.analyses.stability.distribution_table` of ``R[t_k]``).
    """
    from inforelay.analyses.stability import distribution_table as one_network

    frames = []
    for keys, path in relay_files:
        res, R = _relay_values(path, state, values)
        t = res.analysis_step if step is None else int(step)
        if not 0 <= t < R.shape[0]:
            raise ValueError(f"{path}: step {t} outside the file's {R.shape[0]} time steps")
        df = one_network(R[t], concept_names=_concept_names(keys, R.shape[1]))
        frames.append(with_keys(df, {k: v for k, v in keys.items() if k != "concept_names"}))
    if not frames:
        raise ValueError("no relay files given")
    return pd.concat(frames, ignore_index=True)
