"""Ablations (zero, mean, resample), non-relay sets and noise injection: known answers on the
hand-wired RNN of tests/test_knockout.py (units 0, 1, 2 latch concepts A, B, C)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from inforelay import knock_out  # noqa: E402
from inforelay.analyses import knockout_effects, knockout_experiment, noise_experiment  # noqa: E402
from inforelay.nets import run_stepwise  # noqa: E402
from inforelay.nets.ablation import resample_permutation  # noqa: E402

from test_knockout import T_K, make_data, wired_rnn  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return make_data(400, seed=1)


@pytest.fixture(scope="module")
def network():
    return wired_rnn()


#: concept c's relay ranking: its own unit first, then the other concepts' units, then the rest
RANKING = np.array([[12 - ((u - c) % 12) for u in range(12)] for c in range(3)], dtype=float)


def _run(network, data, unit, ablation, seed=0):
    mask = np.zeros(12, dtype=bool)
    mask[unit] = True
    return run_stepwise(network, data.inputs, knockout_masks=mask, knockout_start=T_K,
                        ablation=ablation, ablation_seed=seed)


def test_mean_ablation_holds_each_unit_at_its_batch_mean_of_the_intact_run(network, data):
    intact = run_stepwise(network, data.inputs)
    run = _run(network, data, 0, "mean")
    expected = intact.hidden[:, T_K:, 0].astype(np.float64).mean(axis=0)
    assert np.allclose(run.hidden[:, T_K:, 0], expected[None, :], atol=1e-6)
    # the concept's information is gone: every sequence holds the same value
    assert np.ptp(run.hidden[:, T_K:, 0], axis=0).max() < 1e-6
    assert np.array_equal(run.hidden[:, :T_K], intact.hidden[:, :T_K])


def test_resample_ablation_gives_each_sequence_another_sequences_value(network, data):
    intact = run_stepwise(network, data.inputs)
    run = _run(network, data, 0, "resample", seed=3)
    perm = resample_permutation(data.inputs.shape[0], 3)
    assert np.all(perm != np.arange(perm.size)) and np.array_equal(np.sort(perm), np.arange(perm.size))
    assert np.allclose(run.hidden[:, T_K:, 0], intact.hidden[perm, T_K:, 0], atol=1e-6)
    other = _run(network, data, 0, "resample", seed=4)
    assert not np.allclose(other.hidden[:, T_K:, 0], run.hidden[:, T_K:, 0])


def test_zero_ablation_is_the_paper_knockout(network, data):
    run = _run(network, data, 1, "zero")
    assert np.all(run.hidden[:, T_K:, 1] == 0.0)


def test_ablations_destroy_only_the_ablated_concept(network, data):
    """Mean ablation of unit 0 puts A at chance (the readout sees one value for every input),
    resample ablation gives A another sequence's answer (agreement ~0.5 with the truth), and
    B and C are untouched under every ablation."""
    for ablation in ("zero", "mean", "resample"):
        rec = knock_out(network, data.inputs, units=[0], step=T_K, ablation=ablation)
        answers = rec.outputs[:, -1, :] > 0
        acc = (answers == (data.targets > 0)).mean(axis=0)
        assert acc[1] == acc[2] == 1.0, ablation
        assert abs(acc[0] - 0.5) < 0.1, (ablation, acc)
        assert rec.attrs["ablation"] == ablation
    with pytest.raises(ValueError, match="ablation must be"):
        knock_out(network, data.inputs, units=[0], step=T_K, ablation="noise")


def test_knockout_experiment_non_relay_sets_and_ablation_column(network, data):
    table = knockout_experiment(network, data, RANKING, knockout_step=T_K, n_random=4, seed=7,
                                ablation="mean", set_kinds=("relay", "random", "nonrelay"))
    assert set(table["set_kind"]) == {"baseline", "relay", "random", "nonrelay"}
    # the bottom-1 set of concept A is unit 11 (the last of its ranking): A stays perfect
    bottom = table[(table["set_kind"] == "nonrelay") & (table["k"] == 1)
                   & (table["ranked_concept"] == "A")]
    assert bottom["units"].iloc[0] == "11"
    assert bottom.set_index("evaluated_concept").loc["A", "accuracy"] == 1.0
    eff = knockout_effects(table, sizes=[1, 2, 3])
    assert {"nonrelay_drop", "target_vs_nonrelay"} <= set(eff.columns)
    assert (eff["target_vs_nonrelay"] > 0.3).all()
    with pytest.raises(ValueError, match="knockout.ablation"):
        knockout_experiment(network, data, RANKING, knockout_step=T_K, ablation="median", seed=0)


def test_noise_on_a_concepts_relay_unit_hurts_that_concept_most(network, data):
    table = noise_experiment(network, data, RANKING, noise_step=T_K, levels=[0.0, 3.0], k=1,
                             n_random=4, seed=5)
    base = table[table["set_kind"] == "baseline"]
    assert (base["accuracy"] == 1.0).all()
    zero = table[(table["level"] == 0.0) & (table["set_kind"] != "baseline")]
    assert (zero["accuracy"] == 1.0).all()  # noise of sd 0 changes nothing
    loud = table[(table["level"] == 3.0) & (table["set_kind"] == "relay")]
    own = loud[loud["ranked_concept"] == loud["evaluated_concept"]]["accuracy"]
    others = loud[loud["ranked_concept"] != loud["evaluated_concept"]]["accuracy"]
    assert own.max() < 0.95 and (others == 1.0).all()
    again = noise_experiment(network, data, RANKING, noise_step=T_K, levels=[0.0, 3.0], k=1,
                             n_random=4, seed=5, chunk_sets=2)
    assert again.equals(table)  # chunking does not change a run's noise
    with pytest.raises(ValueError, match="levels"):
        noise_experiment(network, data, RANKING, noise_step=T_K, levels=[-1.0], k=1, n_random=1,
                         seed=0)
