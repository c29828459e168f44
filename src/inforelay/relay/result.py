"""Results of relay searches: one search (:class:`RelayResult`) and a recording's time course.

docs/relay.md §3 (the fields of one greedy search) and §5 (relay over time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["STATES", "RelayResult", "RelayOverTime", "loss_at_removal", "result_from_path"]

STATES = ("hidden", "cell")
"""Recurrent states a relay analysis can use (``cell``: LSTM only)."""


@dataclass
class RelayResult:
    """Result of one greedy relay search (docs/relay.md §3).

    Attributes
    ----------
    full
        ``I_R`` with every unit relaying, in bits.
    order
        ``(N,)`` unit indices in removal order, least relaying first.
    curve
        ``(N+1,)`` ``curve[0] == full``; ``curve[i]`` is ``I_R`` of the set left
        after removal ``i``; ``curve[N] == 0``.
    node_relay
        ``(N,)`` the authors' accumulated loss, as their published code computes it:
        ``Σ_i (curve[1] − curve[i])`` over the steps ``i`` (1..N) after which the unit is
        still in the set. Its base is ``I_R`` after the *first* removal, not ``full``.
    contribution
        ``(N,)`` drop of ``I_R`` at the unit's removal; sums to ``full``.
    n_samples
        Samples the estimate used.
    null_mean, p_value
        With a shuffle null (``n_shuffles > 0``): mean of ``full`` over the
        permutations of ``X_in`` and ``(1 + #{null ≥ full}) / (1 + n_shuffles)``.
    """

    full: float
    order: np.ndarray
    curve: np.ndarray
    node_relay: np.ndarray
    contribution: np.ndarray
    n_samples: int
    null_mean: float | None = None
    p_value: float | None = None

    @property
    def removal_loss(self) -> np.ndarray:
        """``(N,)`` ``full`` minus ``I_R`` once the unit is gone: the loss accumulated up to and
        including the unit's removal (the arrows and bars of the paper's Fig. 3), in bits."""
        return loss_at_removal(self.order, self.curve)


def loss_at_removal(order: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """``full − I_R`` after each unit's removal, per unit (docs/relay.md §3).

    Parameters
    ----------
    order
        ``(..., N)`` removal orders.
    curve
        ``(..., N+1)`` greedy curves, ``curve[..., 0] == full``.

    Returns
    -------
    np.ndarray
        ``(..., N)``: entry ``e`` is ``curve[0] − curve[r_e]`` with ``r_e`` the step (1..N) at
        which unit ``e`` is removed.
    """
    order = np.asarray(order, dtype=np.int64)
    curve = np.asarray(curve, dtype=np.float64)
    if curve.shape[:-1] != order.shape[:-1] or curve.shape[-1] != order.shape[-1] + 1:
        raise ValueError(f"curve must be (..., N+1) for order (..., N); got {curve.shape} and {order.shape}")
    lost = curve[..., :1] - curve[..., 1:]  # after removal i = 1..N
    out = np.empty_like(lost)
    np.put_along_axis(out, order, lost, axis=-1)
    return out


def result_from_path(full: float, order: Sequence[int], curve: np.ndarray, n_samples: int) -> RelayResult:
    """A :class:`RelayResult` from a removal order and its curve (docs/relay.md §3).

    ``node_relay`` (the authors' accumulated loss) and ``contribution`` (the drop at each
    unit's removal) are derived from ``order`` and ``curve``.
    """
    n_units = len(order)
    order_arr = np.asarray(order, dtype=np.int64)
    curve = np.asarray(curve, dtype=np.float64)
    steps = np.arange(1, n_units + 1)
    # the authors' base is I_R after the first removal (curve[1]), not the full I_R
    loss = curve[1] - curve[1:]  # loss after each step i = 1..N
    # a unit removed at step r is still in the set after the steps 1..r-1
    cumulative = np.concatenate([[0.0], np.cumsum(loss)])
    node_relay = np.empty(n_units, dtype=np.float64)
    contribution = np.empty(n_units, dtype=np.float64)
    node_relay[order_arr] = cumulative[steps - 1]
    contribution[order_arr] = curve[:-1] - curve[1:]
    return RelayResult(
        full=float(full),
        order=order_arr,
        curve=curve,
        node_relay=node_relay,
        contribution=contribution,
        n_samples=int(n_samples),
    )


@dataclass
class RelayOverTime:
    """Greedy relay searches for every time step and concept of one state.

    Arrays are indexed ``[t, c, ...]`` with ``t`` the 0-based time step and ``c``
    the concept. ``contribution`` is the paper's matrix ``R[t, c, unit]`` (docs/relay.md §5).
    """

    contribution: np.ndarray  # (T, C, N)
    node_relay: np.ndarray  # (T, C, N)
    full: np.ndarray  # (T, C)
    order: np.ndarray  # (T, C, N) int64
    curve: np.ndarray  # (T, C, N+1)
    null_mean: np.ndarray | None  # (T, C) or None
    p_value: np.ndarray | None  # (T, C) or None
    analysis_step: int
    n_samples: int
    method: str

    @property
    def n_steps(self) -> int:
        """Number of time steps ``T``."""
        return int(self.full.shape[0])

    @property
    def n_concepts(self) -> int:
        """Number of concepts ``C``."""
        return int(self.full.shape[1])

    @property
    def n_units(self) -> int:
        """Number of units ``N``."""
        return int(self.order.shape[2])

    def result(self, step: int, concept: int) -> RelayResult:
        """The :class:`RelayResult` of one time step and concept."""
        nm = None if self.null_mean is None else float(self.null_mean[step, concept])
        pv = None if self.p_value is None else float(self.p_value[step, concept])
        return RelayResult(
            full=float(self.full[step, concept]),
            order=self.order[step, concept].copy(),
            curve=self.curve[step, concept].copy(),
            node_relay=self.node_relay[step, concept].copy(),
            contribution=self.contribution[step, concept].copy(),
            n_samples=self.n_samples,
            null_mean=nm,
            p_value=pv,
        )
