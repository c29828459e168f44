"""Recurrent dropout (training.dropout) and greedy vs exhaustive relay sets (analyses.exhaustive):
known answers, determinism, and agreement with the pipeline's own knockouts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inforelay.analyses import knockout_experiment, removal_rank
from inforelay.analyses.exhaustive import greedy_vs_exhaustive
from inforelay.analyses.knockout import mask_accuracy
from inforelay.nets.models import build_network
from inforelay.nets.training import TrainingConfig, dropout_forward, train_network
from inforelay.pipeline.config import training_settings
from inforelay.relay.search import relay_information
from inforelay.tasks.generate import generate

# ----------------------------------------------------------------------------- dropout --


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_dropout_forward_without_dropping_is_the_fused_forward(arch):
    net = build_network(arch, 3, 7, 3, seed=2)
    x = torch.randn(20, 9, 3)
    with torch.no_grad():
        out = dropout_forward(net, x, 1e-12, torch.Generator().manual_seed(0))
        assert torch.equal(out, net(x))


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_a_dropped_unit_reaches_neither_the_readout_nor_the_recurrence(arch):
    """With the mask the generator draws, changing a dropped unit's outgoing weights (readout
    column and recurrent column) leaves that sequence's outputs unchanged; a kept unit's does not."""
    net = build_network(arch, 3, 6, 3, seed=4)
    x = torch.randn(1, 8, 3)
    keep = torch.bernoulli(torch.full((1, 6), 0.5), generator=torch.Generator().manual_seed(0))[0]
    dropped, kept = int(torch.nonzero(keep == 0)[0]), int(torch.nonzero(keep == 1)[0])
    with torch.no_grad():
        before = dropout_forward(net, x, 0.5, torch.Generator().manual_seed(0))
        for unit, changes in ((dropped, False), (kept, True)):
            edited = build_network(arch, 3, 6, 3, seed=4)
            edited.readout.weight[:, unit] += 5.0
            edited.recurrent.weight_hh_l0[:, unit] += 5.0
            after = dropout_forward(edited, x, 0.5, torch.Generator().manual_seed(0))
            assert bool((after - before).abs().max() > 1e-3) is changes, unit


def test_dropout_rate_is_checked_and_absent_from_old_configs():
    with pytest.raises(ValueError, match="training.dropout"):
        TrainingConfig(dropout=1.0)
    config = {"training": {"n_hidden": 12, "threads": 1}}
    assert "dropout" not in training_settings(config)  # an old config's training jobs do not rerun


def test_training_with_dropout_is_deterministic_and_differs_from_without():
    train, validation = generate("memory", 300, 1, 1), generate("memory", 200, 1, 2)
    config = TrainingConfig(n_hidden=8, max_epochs=3, target_accuracy=1.0, max_restarts=0, dropout=0.3)

    def weights(cfg):
        try:
            train_network("gru", train, validation, cfg, seed=5)
        except RuntimeError as failed:  # three epochs never reach the bar: compare the histories
            return str(failed)
        raise AssertionError("expected the 3-epoch training to stay below the bar")

    assert weights(config) == weights(config)
    assert weights(config) != weights(TrainingConfig(**{**config.__dict__, "dropout": 0.0}))


# -------------------------------------------------------------------------- exhaustive --


def test_greedy_is_optimal_at_every_size_when_one_unit_copies_the_concept():
    """Unit 3 is the concept, the other units noise: the best set of every size holds unit 3,
    and greedy (which removes the noise first) finds one of the best sets at every size."""
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, (3000, 6))
    x = bits[:, 3].copy()
    table = greedy_vs_exhaustive(x, x.copy(), bits).set_index("k")
    assert table.loc[1, "best_units"] == "3" and table.loc[1, "greedy_units"] == "3"
    assert table["optimal"].all() and (table["gap"] < 1e-12).all() and (table["jaccard"] == 1).all()
    assert all("3" in units.split() for units in table["greedy_units"])


def test_the_best_sets_score_what_relay_information_gives_them():
    rng = np.random.default_rng(5)
    bits = rng.integers(0, 2, (500, 5))
    x = (bits[:, 1] | bits[:, 3]).astype(int)
    z = np.where(rng.random(500) < 0.9, x, 1 - x)
    table = greedy_vs_exhaustive(x, z, bits)
    for row in table.itertuples():
        units = [int(u) for u in row.best_units.split()]
        assert relay_information(x, z, bits, units) == pytest.approx(row.best_ir, abs=1e-9)
        greedy = [int(u) for u in row.greedy_units.split()]
        assert relay_information(x, z, bits, greedy) == pytest.approx(row.greedy_ir, abs=1e-9)


def test_too_many_units_for_an_exhaustive_search_is_refused():
    with pytest.raises(ValueError, match="at most 16 units"):
        greedy_vs_exhaustive(np.zeros(10, int), np.zeros(10, int), np.zeros((10, 17), int))


def test_mask_accuracy_is_the_knockout_experiments_accuracy_for_the_same_sets():
    net = build_network("lstm", 3, 6, 3, seed=1)
    data = generate("memory", 120, 2, 7)
    ranking = removal_rank(np.array([np.random.default_rng(c).permutation(6) for c in range(3)]))
    table = knockout_experiment(net, data, ranking, knockout_step=9, n_random=2, seed=3, ablation="mean")
    relay = table[(table["set_kind"] == "relay")]
    sets = relay.drop_duplicates(["ranked_concept", "k"])
    masks = np.zeros((len(sets), 6), dtype=bool)
    for i, units in enumerate(sets["units"]):
        masks[i, [int(u) for u in str(units).split()]] = True
    accuracy = mask_accuracy(net, data, masks, knockout_step=9, ablation="mean")
    for i, (_, s) in enumerate(sets.iterrows()):
        rows = relay[(relay["ranked_concept"] == s["ranked_concept"]) & (relay["k"] == s["k"])]
        assert np.allclose(rows["accuracy"].to_numpy(), accuracy[i]), (s["ranked_concept"], s["k"])
    with pytest.raises(ValueError, match=r"masks must be \(S, N\) with N = 6"):
        mask_accuracy(net, data, masks[:, :5], knockout_step=9)
