"""Relay dynamics and attractors: known answers on constructed relay time courses and states."""

from __future__ import annotations

import numpy as np
import pytest

from inforelay.analyses import attractor_scores, relay_dynamics, state_dispersion


def _relay(n_steps: int = 15, arrival: int = 3, n_units: int = 12):
    """One concept arriving at ``arrival``: I_R 0.05 before, 1.0 from the arrival on; its
    contribution sits on unit 0 for two steps, then on unit 5 for good (it settles)."""
    full = np.where(np.arange(n_steps) >= arrival, 1.0, 0.05)[:, None]
    contribution = np.zeros((n_steps, 1, n_units))
    contribution[:, 0, 7] = 0.01 * np.arange(n_steps)  # a little spread, so r is defined
    contribution[arrival : arrival + 2, 0, 0] = 1.0
    contribution[arrival + 2 :, 0, 5] = 1.0
    order = np.tile(np.arange(n_units)[::-1], (n_steps, 1, 1))  # removal order = reversed index
    curve = np.tile(np.linspace(1.0, 0.0, n_units + 1), (n_steps, 1, 1))
    curve[:, 0, 2] = curve[:, 0, 1] + 0.2  # one rise of 0.2 bits at the second removal
    return full, contribution, order, curve


def test_relay_dynamics_known_answers():
    full, contribution, order, curve = _relay()
    df = relay_dynamics(full, contribution, order, curve, analysis_step=9, event_steps=[3],
                        concept_names=["A"]).iloc[0]
    assert df["arrival"] == 3 and df["onset"] == 3  # half-way up at the arrival step
    assert df["r_first"] > 0.99  # (3, 4): both on unit 0
    assert df["r_late"] > 0.99 and df["n_late"] == 15 - 1 - 6  # pairs (6, 7) .. (13, 14)
    assert df["max_rise"] == pytest.approx(0.2)
    assert df["order_rho"] == pytest.approx(-1.0)


def test_relay_dynamics_late_onset_and_no_arrival():
    full, contribution, order, curve = _relay()
    full[3:5, 0] = 0.1  # the relay shows the concept two steps after its input arrives
    df = relay_dynamics(full, contribution, order, curve, analysis_step=9, event_steps=[3]).iloc[0]
    assert df["onset"] == 5
    spread = relay_dynamics(full, contribution, order, curve, analysis_step=9, event_steps=[])
    assert np.isnan(spread["arrival"]).all() and np.isnan(spread["onset"]).all()
    with pytest.raises(ValueError, match="event_steps"):
        relay_dynamics(full, contribution, order, curve, analysis_step=9, event_steps=[1, 2])


def _states(n: int = 800, contract: bool = True, seed: int = 0):
    """Three concept bits; each of the 8 states has its own centre, the spread around it shrinks
    from 1.0 at step 0 to 0.1 at step 4 (``contract``) or grows to 3.0."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(n, 3))
    centres = np.stack([bits @ rng.normal(0, 2, (3, 6)) for _ in range(1)])[0]
    spreads = np.linspace(1.0, 0.1 if contract else 3.0, 5)
    hidden = np.stack([centres + s * rng.normal(size=(n, 6)) for s in spreads], axis=1)
    return hidden, bits


def test_attractors_contract_and_separate():
    hidden, bits = _states()
    df = attractor_scores(hidden, bits, start_step=0, end_step=4, max_samples=300, seed=1)
    start, end = df.set_index("step_role").loc["start"], df.set_index("step_role").loc["end"]
    assert end["dispersion"] < start["dispersion"] / 5
    assert end["silhouette"] > 0.8 > start["silhouette"]
    assert end["n_states"] == 8 and end["n_samples"] == 300
    spread, _ = _states(contract=False)
    out = attractor_scores(spread, bits, start_step=0, end_step=4, max_samples=300, seed=1)
    assert out.set_index("step_role").loc["end", "dispersion"] > start["dispersion"]
    one = attractor_scores(hidden, bits, start_step=2, end_step=2, seed=1)
    assert one["step_role"].tolist() == ["start"]  # no delay to follow
    # dispersion is scale-free: shrinking every state does not count as converging
    assert state_dispersion(hidden[:, 0] * 0.01, bits @ [4, 2, 1]) == pytest.approx(
        state_dispersion(hidden[:, 0], bits @ [4, 2, 1]))
    with pytest.raises(ValueError, match="start_step"):
        attractor_scores(hidden, bits, start_step=3, end_step=1, seed=0)
