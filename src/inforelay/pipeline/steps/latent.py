"""Cluster quality of the hidden state at t_k as units are removed in relay order vs at random,
and the attractors of the delay, on each network's held-out test set (rule ``latent``, one job
per condition; torch to run the network, then numpy / scikit-learn).

The relay order comes from the analysis set (the relay file); the hidden states scored here come
from running the network on its test set, so no claim scores units on the samples that ranked
them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from inforelay.analyses import attractor_scores, removal_cluster_scores
from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.seeds import latent_seed
from inforelay.nets.files import load_network
from inforelay.nets.record import record_activations
from inforelay.pipeline.conditions import condition_networks
from inforelay.pipeline.tables import with_keys
from inforelay.relay import read_relay
from inforelay.tasks import TaskData, make_split

__all__ = ["latent", "latent_condition"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def latent(key: Mapping[str, Any], network: PathLike, test: TaskData, relay: PathLike,
           outputs: Mapping[str, PathLike], settings: Mapping[str, Any]) -> None:
    """Write the removal cluster scores and the attractor scores of network ``key`` (keys first).

    ``test`` is the network's held-out test set, ``outputs`` has ``latent`` and ``attractors``,
    ``settings`` is the ``latent`` config section (``n_random_orders``, ``max_samples``).
    """
    net = NetworkKey.from_mapping(key)
    model, _ = load_network(network)
    states = record_activations(model, test)
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    seed = latent_seed(net.row())
    table = removal_cluster_scores(
        states["hidden"][:, t_k, :],
        states["concepts"],
        hidden.order[t_k],
        n_random=settings["n_random_orders"],
        max_samples=settings["max_samples"],
        seed=seed,
        concept_names=test.concept_names,
    )
    write_table(with_keys(table, net.row()), outputs["latent"],
                {"config": dict(settings), "data": "test"})
    end = int(states["answer_step"].min()) - 1
    attractors = attractor_scores(states["hidden"], states["concepts"], start_step=t_k,
                                  end_step=max(end, t_k), max_samples=settings["max_samples"],
                                  seed=seed)
    write_table(with_keys(attractors, net.row()), outputs["attractors"],
                {"config": dict(settings), "data": "test"})
    log.info("%s: %d rows; %s: %d rows", outputs["latent"], len(table), outputs["attractors"],
             len(attractors))


def latent_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    networks: Sequence[PathLike],
    relays: Sequence[PathLike],
    latent_outputs: Sequence[PathLike],
    attractor_outputs: Sequence[PathLike],
    test_settings: Mapping[str, Any],
    data_sets: Sequence[str],
    settings: Mapping[str, Any],
) -> None:
    """:func:`latent` of each network of a condition on its test set (made again from
    ``test_settings`` and its replicate's data set, :func:`inforelay.tasks.make_split`)."""
    for key, network, relay, latent_out, attractor_out, data_set in condition_networks(
        condition, replicates, networks, relays, latent_outputs, attractor_outputs, data_sets
    ):
        test = make_split(key.task, key.delay_regime, "test", test_settings, data_set=data_set)
        latent(key.row(), network, test, relay,
               {"latent": latent_out, "attractors": attractor_out}, settings)
