"""Per-network tables with their network keys first, and their concatenation (pandas only).

Every per-network table of the pipeline starts with the network keys ``task, model,
delay_regime, replicate`` (:data:`inforelay.core.keys.NETWORK_KEYS`, in table form:
``replicate`` an int). :func:`with_keys` puts them there; :func:`concat_tables` stacks the
tables of many networks. The per-network steps import only this module (not
:mod:`inforelay.pipeline.aggregate`), so that their code digest does not follow the analyses.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from inforelay.core.keys import normalize_keys

__all__ = ["PathLike", "PathsWithKeys", "with_keys", "read_table", "concat_tables"]

PathLike = str | os.PathLike[str]
PathsWithKeys = Iterable[tuple[Mapping[str, Any], PathLike]]


def with_keys(df: pd.DataFrame, keys: Mapping[str, Any]) -> pd.DataFrame:
    """Return ``df`` with the key columns inserted first (a copy; existing columns are replaced).

    ``keys`` in wildcard or table form; they are stored in table form
    (:func:`inforelay.core.keys.normalize_keys`: ``replicate`` an int).
    """
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


def concat_tables(paths_with_keys: PathsWithKeys, *, required: Sequence[str] = ()) -> pd.DataFrame:
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
