"""The flow graph of one network and each neuron's position along it (progression).

Flow ``F_ℓ[a, b] = MI[ℓ, a, b] − MI[0, a, b]`` (``ℓ ≥ 1``): what ``a`` now says about ``b``
later beyond what it says about ``b`` now. Edge ``a → b`` has weight ``max(0, max_ℓ F_ℓ[a, b])``
over the significant lags; the net flow is ``N = E − Eᵀ``. Progression is the least-squares
(Hodge) potential of the net flow, min–max scaled to ``[0, 1]``. See ``docs/flow.md`` (delayed
mutual information and flow).
"""

from __future__ import annotations

import numpy as np

__all__ = ["flow_edges", "hodge_potential", "progression"]


def flow_edges(
    mi: np.ndarray, p_value: np.ndarray | None = None, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Edge weights ``E[a, b] = max(0, max_ℓ F_ℓ[a, b])`` over significant lags ``ℓ ≥ 1``.

    Parameters
    ----------
    mi
        ``(L+1, K, K)`` delayed MI.
    p_value
        Its permutation p-values, or ``None`` (every lag counts).
    alpha
        A lag counts when ``p ≤ alpha``.

    Returns
    -------
    edge, best_lag
        ``(K, K)`` weights in bits (0 on the diagonal and without positive significant flow) and
        the lag that attains the weight (0 where there is no edge).
    """
    flow = mi[1:] - mi[0][None]  # (L, K, K)
    usable = np.isfinite(flow)
    if p_value is not None:
        usable &= p_value[1:] <= alpha
    candidate = np.where(usable, flow, -np.inf)
    best = np.argmax(candidate, axis=0)
    weight = np.take_along_axis(candidate, best[None], axis=0)[0]
    has_edge = weight > 0
    edge = np.where(has_edge, weight, 0.0)
    best_lag = np.where(has_edge, best + 1, 0).astype(np.int64)
    return edge, best_lag


def hodge_potential(net: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares potential of an antisymmetric net-flow matrix on the complete graph.

    Minimizes ``Σ_{a<b} (φ_b − φ_a − N[a, b])²`` with ``Σ φ = 0``; the solution is
    ``φ_b = (1/K) Σ_a N[a, b]``: a neuron's mean net inflow, so "further along the flow" means
    "receives more than it sends".

    Returns
    -------
    potential, gradient_fraction
        ``(K,)`` potential (bits) and ``1 − ‖N − ∇φ‖² / ‖N‖²`` over the pairs: the share of the
        net flow the potential explains (1: perfectly ordered; 0: purely circular; ``nan`` when
        there is no flow).
    """
    net = np.asarray(net, dtype=np.float64)
    k = net.shape[0]
    if net.shape != (k, k) or not np.allclose(net, -net.T):
        raise ValueError("net flow must be a square antisymmetric matrix")
    potential = net.sum(axis=0) / k
    gradient = potential[None, :] - potential[:, None]
    upper = np.triu_indices(k, 1)
    total = float(np.sum(net[upper] ** 2))
    if total == 0.0:
        return potential, float("nan")
    residual = float(np.sum((net - gradient)[upper] ** 2))
    return potential, 1.0 - residual / total


def progression(potential: np.ndarray) -> np.ndarray:
    """Potential min–max scaled to ``[0, 1]`` (0: earliest, 1: furthest; all 0.5 if flat)."""
    potential = np.asarray(potential, dtype=np.float64)
    span = potential.max() - potential.min()
    if span <= 1e-15:
        return np.full(potential.shape, 0.5)
    return (potential - potential.min()) / span
