"""Knock out each concept's relay units and random sets at t_k (rule ``knockout``; torch)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from inforelay.analyses import knockout_experiment, removal_rank
from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.seeding import derive_seed
from inforelay.nets.files import load_network
from inforelay.pipeline.tables import with_keys
from inforelay.relay import read_relay
from inforelay.tasks import load_task_data

__all__ = ["knockout_seed", "knockout"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def knockout_seed(key: NetworkKey) -> int:
    """Seed of the random sets: ``derive_seed("knockout", task, model, delay_regime, replicate)``
    with the key in its table form (``replicate`` an int)."""
    return derive_seed("knockout", *key.row().values())


def knockout(key: Mapping[str, Any], network: PathLike, data: PathLike, relay: PathLike,
             output: PathLike, settings: Mapping[str, Any]) -> None:
    """Write the knockout table of network ``key`` (keys first) to ``output``.

    ``settings`` is the ``knockout`` config section (``mode``, ``n_random``).
    """
    net = NetworkKey.from_mapping(key)
    model, _ = load_network(network)
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    table = knockout_experiment(
        model,
        load_task_data(data),
        removal_rank(hidden.order[t_k]),
        knockout_step=t_k,
        mode=settings["mode"],
        n_random=settings["n_random"],
        seed=knockout_seed(net),
    )
    write_table(with_keys(table, net.row()), output, {"config": dict(settings)})
    log.info("%s: %d rows, %s", output, len(table), table.attrs)
