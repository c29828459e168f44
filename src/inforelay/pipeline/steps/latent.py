"""Cluster quality of the hidden state at t_k as units are removed in relay order vs at random
(rule ``latent``, one job per condition; numpy / scikit-learn)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from inforelay.analyses import removal_cluster_scores
from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.seeds import latent_seed
from inforelay.nets.recording import read_activations
from inforelay.pipeline.conditions import condition_networks
from inforelay.pipeline.tables import with_keys
from inforelay.relay import read_relay

__all__ = ["latent", "latent_condition"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def latent(key: Mapping[str, Any], activations: PathLike, relay: PathLike, output: PathLike,
           settings: Mapping[str, Any]) -> None:
    """Write the removal cluster scores of network ``key`` (keys first) to ``output``.

    ``settings`` is the ``latent`` config section (``n_random_orders``, ``max_samples``).
    """
    net = NetworkKey.from_mapping(key)
    recording = read_activations(activations)
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    table = removal_cluster_scores(
        recording.hidden[:, t_k, :],
        recording.concepts,
        hidden.order[t_k],
        n_random=settings["n_random_orders"],
        max_samples=settings["max_samples"],
        seed=latent_seed(net.row()),
        concept_names=recording.concept_names,
    )
    write_table(with_keys(table, net.row()), output, {"config": dict(settings)})
    log.info("%s: %d rows", output, len(table))


def latent_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    recordings: Sequence[PathLike],
    relays: Sequence[PathLike],
    outputs: Sequence[PathLike],
    settings: Mapping[str, Any],
) -> None:
    """:func:`latent` of each network of a condition."""
    for key, recording, relay, output in condition_networks(condition, replicates, recordings, relays, outputs):
        latent(key.row(), recording, relay, output, settings)
