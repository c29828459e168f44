"""Per-network answers to questions 1 and 3 (direction, bottleneck) and per-neuron tables.

Inputs are :class:`~inforelay.flow.result.FlowResult` objects; outputs are the rows of the flow
tables (``flow_neurons.csv``, ``flow_networks.csv``). See ``docs/flow.md`` (the five questions).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from inforelay.flow.layers import layer_structure
from inforelay.flow.result import FlowResult

__all__ = [
    "direction_tests",
    "input_output_information",
    "bottleneck_correlation",
    "total_relay",
    "relay_correlation",
    "network_summary",
    "network_row",
    "neuron_table",
]


def direction_tests(result: FlowResult) -> dict[str, float]:
    """Question 1 for one network: mean progression per kind and one-sided Mann–Whitney tests.

    Returns
    -------
    dict
        ``progression_<kind>`` means, ``output_minus_hidden``, ``hidden_minus_input`` and the
        p-values ``p_output_gt_hidden``, ``p_hidden_gt_input`` (``nan`` when a kind is absent).
    """
    out: dict[str, float] = {}
    groups = {kind: result.progression[result.index(kind)] for kind in ("input", "hidden", "output")}
    for kind, values in groups.items():
        out[f"progression_{kind}"] = float(values.mean()) if values.size else float("nan")
    for high, low in (("output", "hidden"), ("hidden", "input")):
        a, b = groups[high], groups[low]
        out[f"{high}_minus_{low}"] = out[f"progression_{high}"] - out[f"progression_{low}"]
        out[f"p_{high}_gt_{low}"] = (
            float(stats.mannwhitneyu(a, b, alternative="greater").pvalue)
            if a.size and b.size else float("nan")
        )
    return out


def input_output_information(result: FlowResult) -> tuple[np.ndarray, np.ndarray]:
    """``I(h; X)`` and ``I(h; Y)`` of every hidden unit (bits).

    ``I(h; X) = max`` over input neurons ``x`` and lags ``ℓ ≥ 0`` of ``I(x_t; h_{t+ℓ})``;
    ``I(h; Y) = max`` over output neurons ``o`` and lags of ``I(h_t; o_{t+ℓ})`` (the outputs stand
    for ``Y``, the quantity the network predicts).
    """
    hidden, inputs, outputs = result.index("hidden"), result.index("input"), result.index("output")
    i_x = np.nanmax(result.mi[:, inputs][:, :, hidden], axis=(0, 1))
    i_y = np.nanmax(result.mi[:, hidden][:, :, outputs], axis=(0, 2))
    return i_x, i_y


def bottleneck_correlation(i_x: np.ndarray, i_y: np.ndarray) -> tuple[float, float]:
    """Question 3: Spearman correlation (ρ, two-sided p) of ``I(h;X)`` and ``I(h;Y)`` across units.

    The bottleneck picture (units drop what they know of ``X`` while keeping ``Y``) predicts no
    positive correlation; ``nan`` when either vector is constant or shorter than 3.
    """
    i_x, i_y = np.asarray(i_x, dtype=float), np.asarray(i_y, dtype=float)
    if i_x.size < 3 or np.ptp(i_x) == 0 or np.ptp(i_y) == 0:
        return float("nan"), float("nan")
    res = stats.spearmanr(i_x, i_y)
    return float(res.statistic), float(res.pvalue)


def total_relay(relay: Any, state: str = "hidden") -> np.ndarray:
    """Total relay of every unit: ``contribution`` summed over time steps and concepts (bits).

    ``relay`` is what :func:`inforelay.relay.read_relay` returns (a mapping from state name to a
    ``RelayOverTime``) or a path to a relay file.
    """
    if isinstance(relay, (str, os.PathLike)):
        from inforelay.relay import read_relay

        relay = read_relay(relay)
    if state not in relay:
        raise ValueError(f"relay results have no state {state!r}; present: {', '.join(relay)}")
    contribution = np.asarray(relay[state].contribution, dtype=np.float64)  # (T, C, N)
    return contribution.sum(axis=(0, 1))


def relay_correlation(result: FlowResult, relay_per_unit: np.ndarray) -> tuple[float, float]:
    """Spearman correlation (ρ, p) of the hidden units' progression and their total relay."""
    hidden = result.index("hidden")
    relay_per_unit = np.asarray(relay_per_unit, dtype=np.float64)
    if relay_per_unit.shape != hidden.shape:
        raise ValueError(
            f"relay has {relay_per_unit.size} units, the flow result {hidden.size} hidden units"
        )
    return bottleneck_correlation(result.progression[hidden], relay_per_unit)


def network_summary(result: FlowResult, *, max_layers: int = 4, n_reference: int = 100,
                    layer_seed: int = 0) -> dict[str, float]:
    """One row of per-network measures: direction (Q1), layers (Q2) and bottleneck (Q3).

    ``max_layers``, ``n_reference`` and ``layer_seed`` go to
    :func:`inforelay.flow.layers.layer_structure`, applied to the hidden units' potentials.
    """
    row: dict[str, float] = {"n_samples": result.n_samples,
                             "gradient_fraction": result.gradient_fraction,
                             "n_edges": int(np.count_nonzero(result.edge)),
                             "total_flow": float(result.edge.sum())}
    row.update(direction_tests(result))
    hidden = result.index("hidden")
    layers = layer_structure(result.potential[hidden], max_layers=max_layers,
                             n_reference=n_reference, seed=layer_seed)
    row["n_layers"] = layers.n_layers
    i_x, i_y = input_output_information(result)
    row["bottleneck_rho"], row["bottleneck_p"] = bottleneck_correlation(i_x, i_y)
    row["mean_entropy_hidden"] = float(result.entropy[hidden].mean())
    return row


def network_row(result: FlowResult, table: pd.DataFrame, **layers: int) -> dict[str, float]:
    """Per-network summary (:func:`network_summary`, ``layers`` are its keyword arguments) plus
    the Spearman correlation of hidden progression with total relay (``relay_rho``, ``relay_p``)
    when ``table`` (:func:`neuron_table`) has relay values."""
    row = network_summary(result, **layers)
    hidden = table[table["kind"] == "hidden"]
    relay = hidden["total_relay"].to_numpy(dtype=float)
    if np.all(np.isfinite(relay)) and relay.size:
        row["relay_rho"], row["relay_p"] = relay_correlation(result, relay)
    else:
        row["relay_rho"], row["relay_p"] = float("nan"), float("nan")
    return row


def neuron_table(result: FlowResult, relay_per_unit: np.ndarray | None = None) -> pd.DataFrame:
    """One row per neuron: kind, entropies, potential, progression, in/out flow, I(h;X), I(h;Y).

    ``I_X``/``I_Y`` are filled for hidden units; ``total_relay`` when ``relay_per_unit`` is given.
    """
    k = result.names.size
    i_x, i_y = input_output_information(result)
    hidden = result.index("hidden")
    table = pd.DataFrame({
        "neuron": result.names.astype(str),
        "index": np.arange(k),
        "kind": result.kinds.astype(str),
        "entropy_bits": result.entropy,
        "diff_entropy_bits": result.diff_entropy,
        "potential": result.potential,
        "progression": result.progression,
        "out_flow": result.edge.sum(axis=1),
        "in_flow": result.edge.sum(axis=0),
        "I_X": np.nan,
        "I_Y": np.nan,
        "total_relay": np.nan,
    })
    table.loc[hidden, "I_X"] = i_x
    table.loc[hidden, "I_Y"] = i_y
    if relay_per_unit is not None:
        table.loc[hidden, "total_relay"] = np.asarray(relay_per_unit, dtype=np.float64)
    return table
