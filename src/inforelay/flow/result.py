"""The flow analysis of one network: delayed MI, entropies, flow graph and progression.

:func:`analyze_flow` runs every measure of ``docs/flow.md`` (what is measured) on one
:class:`~inforelay.flow.neurons.Neurons` and returns a :class:`FlowResult`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inforelay.core.seeding import derive_rng
from inforelay.flow.delayed import delayed_from_views, group_slices
from inforelay.flow.estimators import binned_entropy, equal_width_codes, kl_entropy
from inforelay.flow.graph import flow_edges, hodge_potential, progression
from inforelay.flow.neurons import Neurons, lagged_samples
from inforelay.flow.params import FlowParams

__all__ = ["FlowResult", "analyze_flow"]


@dataclass
class FlowResult:
    """Everything the flow analysis of one network computes (bits throughout).

    Attributes
    ----------
    names, kinds
        Neuron names and kinds ``(K,)``.
    lags
        ``(L+1,)`` lags ``0..max_lag``.
    mi, p_value
        Delayed MI and its permutation p-values (see :class:`inforelay.flow.delayed.DelayedMI`).
    entropy
        ``(K,)`` plug-in entropy of the neuron in equal-width bins on its range (per step:
        averaged over source times).
    diff_entropy
        ``(K,)`` Kozachenko–Leonenko differential entropy (``nan`` for a constant neuron, and
        per step for a neuron constant at some step).
    edge, best_lag
        Flow graph (see :func:`inforelay.flow.graph.flow_edges`).
    net
        ``edge − edge.T``.
    potential, progression, gradient_fraction
        See :func:`inforelay.flow.graph.hodge_potential` and :func:`inforelay.flow.graph.progression`.
    n_samples
        Samples per estimate.
    params
        The :class:`FlowParams` as a dict.
    """

    names: np.ndarray
    kinds: np.ndarray
    lags: np.ndarray
    mi: np.ndarray
    p_value: np.ndarray | None
    entropy: np.ndarray
    diff_entropy: np.ndarray
    edge: np.ndarray
    best_lag: np.ndarray
    net: np.ndarray
    potential: np.ndarray
    progression: np.ndarray
    gradient_fraction: float
    n_samples: int
    params: dict[str, Any] = field(default_factory=dict)

    def index(self, kind: str) -> np.ndarray:
        """Indices of the neurons of one kind."""
        return np.flatnonzero(self.kinds == kind)


def _entropies(views: np.ndarray, groups: np.ndarray, params: FlowParams) -> tuple[np.ndarray, np.ndarray]:
    """Binned and differential entropy of every neuron at the source times (group-averaged)."""
    jitter = derive_rng("flow", "entropy", params.seed)
    n_neurons = views.shape[2]
    entropy = np.zeros(n_neurons)
    diff_entropy = np.zeros(n_neurons)
    for sl in group_slices(groups):
        weight = (sl.stop - sl.start) / groups.size
        samples = views[0, sl]
        entropy += weight * binned_entropy(equal_width_codes(samples, params.bins), params.bins)
        diff_entropy += weight * kl_entropy(samples, params.k, rng=jitter)
    return entropy, diff_entropy


def analyze_flow(neurons: Neurons, params: FlowParams | None = None) -> FlowResult:
    """Delayed MI, entropies, flow graph and progression of every neuron of one network."""
    params = params or FlowParams()
    rng = derive_rng("flow", "delayed-mi", params.seed)  # as delayed_mutual_information
    views, groups = lagged_samples(neurons.values, params.max_lag, first_step=params.first_step,
                                   max_samples=params.max_samples, pooling=params.pooling, rng=rng)
    delayed = delayed_from_views(views, groups, params, rng)
    entropy, diff_entropy = _entropies(views, groups, params)
    edge, best_lag = flow_edges(delayed.mi, delayed.p_value, params.alpha)
    net = edge - edge.T
    potential, gradient_fraction = hodge_potential(net)
    return FlowResult(
        names=np.array(neurons.names),
        kinds=np.asarray(neurons.kinds),
        lags=np.arange(params.max_lag + 1),
        mi=delayed.mi,
        p_value=delayed.p_value,
        entropy=entropy,
        diff_entropy=diff_entropy,
        edge=edge,
        best_lag=best_lag,
        net=net,
        potential=potential,
        progression=progression(potential),
        gradient_fraction=gradient_fraction,
        n_samples=delayed.n_samples,
        params=dataclasses.asdict(params),
    )
