"""One network's relay at its analysis step, per concept: plug-in, shuffle-null level and corrected.

The per-network row of the pipeline's relay table (``results/tables/relay.csv``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.relay.files import read_relay

__all__ = ["RELAY_TABLE_COLUMNS", "relay_summary"]

PathLike = str | os.PathLike[str]

#: columns of :func:`relay_summary` (after the network keys in the pipeline's relay table)
RELAY_TABLE_COLUMNS = (
    "concept", "analysis_step", "n_samples", "relay", "null_mean", "relay_corrected", "p_value",
)


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
