"""How a network's relay moves in time, per concept, from its relay file (``docs/claims.md``,
C15b–d, C18, C21, C22).

For each relay state (``hidden``; ``cell`` for an LSTM) and concept:

- ``arrival``: the step at which the concept's input arrives (the task's event step; ``nan``
  where the task spreads a concept over its whole information phase, as the block task does);
- ``onset``: the first step at which the concept's full relay ``I_R`` reaches half of its rise,
  ``baseline + (peak − baseline) / 2``, where the baseline is its mean over the steps before
  the arrival and the peak its maximum from the arrival on (``nan`` without steps before the
  arrival or without a rise);
- ``r_first``, ``r_late``: Pearson ``r`` of consecutive contribution vectors (over units) at
  the pair (arrival, arrival + 1), and its mean over the pairs from arrival + 3 on (the paper's
  "equilibration phase of about three time points" counted from the concept's arrival);
- ``max_rise``: the largest increase of ``I_R`` at one greedy removal at ``t_k`` (in bits; the
  curve should only fall as units are removed);
- ``order_rho``: Spearman rho between a unit's position in the removal order at ``t_k`` and its
  index in the layer.

numpy and scipy only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.analyses.stability import consecutive_correlation
from inforelay.relay import read_relay, read_relay_attrs
from inforelay.tasks import concept_labels

__all__ = ["DYNAMICS_COLUMNS", "LATE_OFFSET", "relay_dynamics", "relay_dynamics_from_relay_file"]

PathLike = str | os.PathLike[str]
DYNAMICS_COLUMNS = ["state", "concept", "arrival", "onset", "analysis_step", "r_first", "r_late",
                    "n_late", "max_rise", "order_rho"]
#: the first late pair starts this many steps after the arrival
LATE_OFFSET = 3


def _onset(full: np.ndarray, arrival: int) -> float:
    """First step from the arrival on where ``full`` reaches half its rise over the baseline."""
    if arrival < 1 or arrival >= full.size:
        return float("nan")
    base, peak = float(full[:arrival].mean()), float(full[arrival:].max())
    if not peak > base:
        return float("nan")
    reached = np.flatnonzero(full[arrival:] >= base + (peak - base) / 2.0)
    return float(arrival + reached[0])


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy import stats

    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def relay_dynamics(
    full: np.ndarray,
    contribution: np.ndarray,
    order: np.ndarray,
    curve: np.ndarray,
    *,
    analysis_step: int,
    event_steps: Sequence[int],
    concept_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The measures of the module docstring for one relay state.

    Parameters
    ----------
    full
        ``(T, C)`` full relay ``I_R`` per step and concept.
    contribution
        ``(T, C, N)`` per-unit contributions.
    order, curve
        ``(T, C, N)`` removal orders and ``(T, C, N + 1)`` greedy curves
        (:class:`inforelay.relay.RelayOverTime`).
    analysis_step
        ``t_k``.
    event_steps
        0-based arrival step of each concept, or empty (no single arrival).
    concept_names
        Labels of the concepts.

    Returns
    -------
    pandas.DataFrame
        One row per concept, columns :data:`DYNAMICS_COLUMNS` without ``state``.
    """
    full = np.asarray(full, dtype=np.float64)
    n_steps, n_concepts = full.shape
    names = concept_labels(concept_names, n_concepts)
    events = [int(s) for s in event_steps]
    if events and len(events) != n_concepts:
        raise ValueError(f"event_steps lists {len(events)} steps for {n_concepts} concepts")
    r = consecutive_correlation(np.asarray(contribution, dtype=np.float64), 0)  # (T-1, C)
    t_k = int(analysis_step)
    rows = []
    for c in range(n_concepts):
        arrival = events[c] if events else None
        first = r[arrival, c] if arrival is not None and arrival < n_steps - 1 else np.nan
        late = r[arrival + LATE_OFFSET :, c] if arrival is not None else np.empty(0)
        late = late[np.isfinite(late)]
        steps = np.diff(np.asarray(curve[t_k, c], dtype=np.float64))
        units = np.asarray(order[t_k, c])
        rows.append({
            "concept": names[c],
            "arrival": float("nan") if arrival is None else float(arrival),
            "onset": float("nan") if arrival is None else _onset(full[:, c], arrival),
            "analysis_step": t_k,
            "r_first": float(first),
            "r_late": float(late.mean()) if late.size else float("nan"),
            "n_late": int(late.size),
            "max_rise": float(max(steps.max(), 0.0)) if steps.size else float("nan"),
            "order_rho": _spearman(np.arange(units.size, dtype=float), units.astype(float)),
        })
    return pd.DataFrame(rows, columns=DYNAMICS_COLUMNS[1:])


def relay_dynamics_from_relay_file(
    path: PathLike, *, concept_names: Sequence[str] | None = None
) -> pd.DataFrame:
    """:func:`relay_dynamics` of every relay state of a relay file (``state`` first)."""
    attrs = read_relay_attrs(path)
    names = concept_names or attrs.get("concept_names")
    frames = []
    for state, result in read_relay(path).items():
        df = relay_dynamics(result.full, result.contribution, result.order, result.curve,
                            analysis_step=result.analysis_step,
                            event_steps=attrs.get("event_steps", ()), concept_names=names)
        df.insert(0, "state", state)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)
