"""Stability and concept distribution of one network, read from its relay file.

The per-network step of the pipeline's tables over networks: pick a relay group and its values
from a relay file (:func:`inforelay.relay.read_relay`), then compute
:func:`inforelay.analyses.stability.network_stability_table` or
:func:`inforelay.analyses.stability.distribution_table` (``docs/method.md``, stability and
concept distribution). Errors about a file's content start with its path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.analyses.stability import distribution_table, network_stability_table
from inforelay.relay import RelayOverTime, read_relay

__all__ = ["RELAY_VALUES", "relay_values", "stability_from_relay_file", "distribution_from_relay_file"]

#: The relay arrays a table can be computed from (attributes of :class:`RelayOverTime`).
RELAY_VALUES = ("contribution", "node_relay")

PathLike = str | os.PathLike[str]


def relay_values(
    path: PathLike, state: str = "hidden", values: str = "contribution"
) -> tuple[RelayOverTime, np.ndarray]:
    """One relay group of a relay file and its ``(T, C, N)`` values as float64.

    Parameters
    ----------
    path
        A relay file (:func:`inforelay.relay.write_relay`).
    state
        Relay group (``"hidden"``; ``"cell"`` exists for LSTMs only).
    values
        ``"contribution"`` (bits) or ``"node_relay"``.
    """
    if values not in RELAY_VALUES:
        raise ValueError(f"values must be 'contribution' or 'node_relay', got {values!r}")
    results = read_relay(path)
    if state not in results:
        raise ValueError(f"{path}: no '{state}' relay group (has {', '.join(results)})")
    result = results[state]
    return result, np.asarray(getattr(result, values), dtype=np.float64)


def stability_from_relay_file(
    path: PathLike,
    *,
    state: str = "hidden",
    values: str = "contribution",
    method: str = "kmeans",
    start: int | None = None,
    concept_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`inforelay.analyses.stability.network_stability_table` of one relay file.

    ``start`` defaults to the file's ``analysis_step`` (``t_k``); ``method`` is the carrier
    method of the overlap (``stability.carrier_method``).
    """
    result, R = relay_values(path, state, values)
    first = result.analysis_step if start is None else int(start)
    try:
        return network_stability_table(R, first, concept_names=concept_names, method=method)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err


def distribution_from_relay_file(
    path: PathLike,
    *,
    state: str = "hidden",
    values: str = "contribution",
    step: int | None = None,
    concept_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`inforelay.analyses.stability.distribution_table` of one relay file at ``step``.

    ``step`` defaults to the file's ``analysis_step`` (``t_k``).
    """
    result, R = relay_values(path, state, values)
    t = result.analysis_step if step is None else int(step)
    if not 0 <= t < R.shape[0]:
        raise ValueError(f"{path}: step {t} outside the file's {R.shape[0]} time steps")
    try:
        return distribution_table(R[t], concept_names=concept_names)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err
