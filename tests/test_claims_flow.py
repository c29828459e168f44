"""Flow claims (F1 … F9): one value per network, Holm within the flow family, the paper's
verdict rules; synthetic tables built to hold, to fail, and to be null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inforelay.claims import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    evaluate_flow_claims,
)
from inforelay.core.stats import holm


def flow_tables(n: int, sign: float, seed: int = 0, per_kind: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` networks of one branch: outputs downstream of hidden units downstream of inputs and
    rho > 0 when ``sign`` = 1, the reverse for −1, no effect for 0; ``per_kind`` neurons per kind."""
    rng = np.random.default_rng(seed)
    names = [f"n{i}" for i in range(n)]
    networks = pd.DataFrame({
        "branch": "networks", "network": names,
        "n_layers": 2 if sign > 0 else 1, "gradient_fraction": 0.5,
        "bottleneck_rho": sign * 0.5 + rng.normal(0, 0.05, n),
        "relay_rho": sign * 0.4 + rng.normal(0, 0.05, n),
    })
    level = {"input": 0.0, "hidden": 0.5 * sign, "output": sign}
    kinds = np.tile(np.repeat(list(level), per_kind), n)
    neurons = pd.DataFrame({
        "branch": "networks", "network": np.repeat(names, 3 * per_kind), "kind": kinds,
        "progression": [level[k] + rng.normal(0, 0.1) for k in kinds],
    })
    return networks, neurons


def training_table(n: int, sign: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "rho_I_TY_learning": sign * 0.6 + rng.normal(0, 0.05, n),
        "rho_I_XT_learning": sign * 0.6 + rng.normal(0, 0.05, n),
        "compression": 0.05 + sign * 0.04 + rng.normal(0, 0.005, n), "I_XT_max": 1.0,
        "phase_threshold": np.where(np.arange(n) < (n if sign > 0 else 0), 5, -1),
    })


def test_built_to_hold():
    df = evaluate_flow_claims(*flow_tables(12, 1.0), training_table(12, 1.0)).set_index("id")
    assert list(df.reset_index().columns) == CLAIM_COLUMNS
    assert df.index.tolist() == [f"F{i}" for i in range(1, 10)]
    held = df.drop(index="F4")
    assert (held["verdict"] == HELD).all(), held[["effect", "p_holm", "details"]]
    # F4 claims a negative rho (a trade-off); rho > 0 in every network is evidence against it
    assert df.loc["F4", "effect"] < 0 and df.loc["F4", "verdict"] == NOT_HELD
    assert df.loc["F1", "group"] == "networks" and df.loc["F9", "group"] == "forecast"


def test_built_to_fail_the_other_way():
    df = evaluate_flow_claims(*flow_tables(12, -1.0), training_table(12, -1.0)).set_index("id")
    failed = df.drop(index="F4")
    assert (failed["verdict"] == NOT_HELD).all(), failed[["effect", "p_holm_reverse", "details"]]
    assert df.loc["F4", "verdict"] == HELD


def test_null_is_inconclusive_not_not_held():
    nets, neurons = flow_tables(30, 0.0)
    nets["n_layers"] = np.tile([1, 2], 15)  # half of the networks layered: the coin's null
    training = training_table(30, 0.0).assign(phase_threshold=np.tile([5, -1], 15))
    df = evaluate_flow_claims(nets, neurons, training).set_index("id")
    assert (df["verdict"] == INCONCLUSIVE).all(), df[["effect", "p_holm", "p_holm_reverse"]]


def test_neurons_are_averaged_within_networks_first():
    few = evaluate_flow_claims(*flow_tables(8, 1.0, per_kind=2)).set_index("id")
    many = evaluate_flow_claims(*flow_tables(8, 1.0, per_kind=50)).set_index("id")
    assert few.loc["F1", "n"] == many.loc["F1", "n"] == 8  # networks, never neurons
    # 8 networks, all positive: the exact signed-rank p is 2**-8 however many neurons there are
    assert few.loc["F1", "p_value"] == many.loc["F1", "p_value"] == pytest.approx(2.0**-8)


def test_holm_within_the_flow_family():
    df = evaluate_flow_claims(*flow_tables(6, 1.0), training_table(6, 1.0))
    np.testing.assert_allclose(df["p_holm"], holm(df["p_value"].to_numpy()))
    # 6 networks: p = 2**-6 = 0.016 per claim, not significant once corrected over 9 claims
    f1 = df.set_index("id").loc["F1"]
    assert f1["p_value"] < 0.05 < f1["p_holm"] and f1["verdict"] == INCONCLUSIVE


def test_bad_input_names_the_table():
    nets, neurons = flow_tables(4, 1.0)
    with pytest.raises(ValueError, match="flow 'neurons' table lacks column"):
        evaluate_flow_claims(nets, neurons.drop(columns="progression"))
