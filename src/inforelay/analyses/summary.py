"""Tables over networks: which network keys a table has, and mean ± confidence interval per group.

The network is the unit of replication (``docs/method.md``, statistics): a table of many networks
is first reduced to one value per network, then :func:`group_mean_ci` gives the mean and its
Student-t interval (:func:`inforelay.core.stats.mean_ci`, ``nan`` ends below two networks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.core.keys import NETWORK_KEYS
from inforelay.core.stats import mean_ci

__all__ = ["network_key_columns", "check_columns", "group_mean_ci"]


def network_key_columns(df: pd.DataFrame) -> list[str]:
    """The network key columns (:data:`inforelay.core.keys.NETWORK_KEYS`) present in ``df``, in order."""
    return [k for k in NETWORK_KEYS if k in df.columns]


def check_columns(df: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    """Raise :class:`ValueError` naming the columns of ``needed`` that the ``what`` table lacks."""
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"{what} table lacks columns {missing}; it has {list(df.columns)}")


def group_mean_ci(
    df: pd.DataFrame, by: Sequence[str], value: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Mean of ``value`` and its confidence interval per group of ``by`` (one row per group).

    Parameters
    ----------
    df
        Tidy table, usually one row per network and group.
    by
        Grouping columns; groups come out sorted.
    value
        Column to summarize; missing values are left out.
    confidence
        Level of the Student-t interval.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, then ``mean``, ``ci_low``, ``ci_high`` (``nan`` for a group of fewer than
        two values) and ``n`` (values in the group).
    """
    by = list(by)
    check_columns(df, [*by, value], "summarized")
    groups = df[df[value].notna()].groupby(by, sort=True)[value]
    ends = groups.apply(lambda values: mean_ci(values.to_numpy(np.float64), confidence))
    out = pd.DataFrame(ends.tolist(), index=ends.index, columns=["mean", "ci_low", "ci_high"])
    out["n"] = groups.count().astype(np.int64)
    return out.reset_index()[[*by, "mean", "ci_low", "ci_high", "n"]]
