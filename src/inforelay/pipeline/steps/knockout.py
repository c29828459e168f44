"""Knock out each concept's relay units and random sets at t_k (rule ``knockout``, one job per
condition; torch)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from inforelay.analyses import knockout_experiment, removal_rank
from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.seeds import knockout_seed
from inforelay.nets.files import load_network
from inforelay.pipeline.tables import with_keys
from inforelay.relay import read_relay
from inforelay.pipeline.conditions import condition_networks
from inforelay.tasks import TaskData, make_split

__all__ = ["knockout", "knockout_condition"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def knockout(key: Mapping[str, Any], network: PathLike, task_data: TaskData, relay: PathLike,
             output: PathLike, settings: Mapping[str, Any]) -> None:
    """Write the knockout table of network ``key`` on ``task_data`` (keys first) to ``output``.

    ``settings`` is the ``knockout`` config section (``mode``, ``n_random``).
    """
    net = NetworkKey.from_mapping(key)
    model, _ = load_network(network)
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    table = knockout_experiment(
        model,
        task_data,
        removal_rank(hidden.order[t_k]),
        knockout_step=t_k,
        mode=settings["mode"],
        n_random=settings["n_random"],
        seed=knockout_seed(net.row()),
    )
    write_table(with_keys(table, net.row()), output, {"config": dict(settings)})
    log.info("%s: %d rows, %s", output, len(table), table.attrs)


def knockout_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    networks: Sequence[PathLike],
    relays: Sequence[PathLike],
    outputs: Sequence[PathLike],
    analysis: Mapping[str, Any],
    data_sets: Sequence[str],
    settings: Mapping[str, Any],
) -> None:
    """:func:`knockout` of each network of a condition, on the analysis set it was recorded on
    (made again from ``analysis`` and its replicate's data set, :func:`inforelay.tasks.make_split`)."""
    for key, network, relay, output, data_set in condition_networks(
        condition, replicates, networks, relays, outputs, data_sets
    ):
        data = make_split(key.task, key.delay_regime, "analysis", analysis, data_set=data_set)
        knockout(key.row(), network, data, relay, output, settings)
