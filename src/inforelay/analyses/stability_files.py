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

__all__ = [
    "RELAY_VALUES",
    "STABILITY_WINDOWS",
    "relay_values",
    "stability_from_relay_file",
    "stability_windows",
    "windowed_stability",
    "distribution_from_relay_file",
]

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
        (:func:`stability_windows` of the file's relay values).
    """
    result, R = relay_values(path, state, values)
    try:
        return stability_windows(R, result.analysis_step, concept_names=concept_names, method=method)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err


def stability_windows(
    R: np.ndarray,
    analysis_step: int,
    *,
    concept_names: Sequence[str] | None = None,
    method: str = "kmeans",
) -> pd.DataFrame:
    """Stability of ``(T, C, N)`` relay values per window of :data:`STABILITY_WINDOWS` from
    ``analysis_step`` (``t_k``) on: the columns of :func:`windowed_stability`."""
    t_k = int(analysis_step)
    frames = []
    for window, (offset, n_pairs) in STABILITY_WINDOWS.items():
        start = t_k + offset
        if start + 1 >= R.shape[0]:
            continue  # the window has no pair in this recording (e.g. "late" at delay 1)
        steps = R if n_pairs is None else R[: start + 1 + n_pairs]
        df = network_stability_table(steps, start, concept_names=concept_names, method=method)
        df.insert(2, "window", window)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)
