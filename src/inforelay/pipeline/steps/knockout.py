"""Knock out each concept's relay units, its non-relay units and random sets at t_k, and inject
noise into them (rule ``knockout``, one job per condition; torch).

The relay units are chosen on the analysis set (the relay file); every knockout here runs on the
held-out test set, under the primary ablation (``knockout.ablation``) and each sensitivity
ablation, and once more on the analysis set (``knockout.same_data``: the circular design, a
sensitivity row of the report). The noise experiment runs on the test set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from inforelay.analyses import knockout_experiment, noise_experiment, removal_rank
from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.seeds import knockout_seed
from inforelay.nets.files import load_network
from inforelay.pipeline.conditions import condition_networks
from inforelay.pipeline.tables import with_keys
from inforelay.relay import read_relay
from inforelay.tasks import TaskData, make_split

__all__ = ["KNOCKOUT_RUN_COLUMNS", "knockout", "knockout_condition", "knockout_runs"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]
#: the columns that say which run a knockout row belongs to (after the network keys)
KNOCKOUT_RUN_COLUMNS = ("data", "ablation")
#: set kinds of every knockout run (``nonrelay``: the k least relaying units of a concept)
SET_KINDS = ("relay", "random", "nonrelay")


def knockout_runs(settings: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """``(data, ablation, n_random)`` of every run the ``knockout`` settings ask for, primary
    first: test set under ``ablation``, test set under each sensitivity ablation, analysis set
    under ``ablation`` when ``same_data``."""
    primary = str(settings["ablation"])
    runs = [("test", primary, int(settings["n_random"]))]
    runs += [("test", str(a), int(settings["sensitivity_n_random"]))
             for a in settings["sensitivity_ablations"] if a != primary]
    if settings["same_data"]:
        runs.append(("analysis", primary, int(settings["sensitivity_n_random"])))
    return runs


def knockout(key: Mapping[str, Any], network: PathLike, data: Mapping[str, TaskData],
             relay: PathLike, outputs: Mapping[str, PathLike], settings: Mapping[str, Any]) -> None:
    """Write the knockout and noise tables of network ``key`` (keys first).

    ``data`` maps ``"test"`` and ``"analysis"`` to the network's sets; ``outputs`` has
    ``knockout`` and ``noise``; ``settings`` is the ``knockout`` config section.
    """
    net = NetworkKey.from_mapping(key)
    model, _ = load_network(network)
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    ranking = removal_rank(hidden.order[t_k])
    seed = knockout_seed(net.row())
    tables = []
    for data_name, ablation, n_random in knockout_runs(settings):
        table = knockout_experiment(
            model, data[data_name], ranking, knockout_step=t_k, mode=settings["mode"],
            n_random=n_random, seed=seed, ablation=ablation, set_kinds=SET_KINDS,
        )
        tables.append(table.assign(data=data_name, ablation=ablation))
    runs = pd.concat(tables, ignore_index=True)
    runs = runs[[*KNOCKOUT_RUN_COLUMNS, *[c for c in runs.columns if c not in KNOCKOUT_RUN_COLUMNS]]]
    write_table(with_keys(runs, net.row()), outputs["knockout"], {"config": dict(settings)})
    noise = settings["noise"]
    noisy = noise_experiment(
        model, data["test"], ranking, noise_step=t_k, levels=noise["levels"], k=noise["k"],
        n_random=noise["n_random"], seed=seed,
    )
    write_table(with_keys(noisy, net.row()), outputs["noise"], {"config": dict(settings)})
    log.info("%s: %d rows; %s: %d rows", outputs["knockout"], len(runs), outputs["noise"], len(noisy))


def knockout_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    networks: Sequence[PathLike],
    relays: Sequence[PathLike],
    knockout_outputs: Sequence[PathLike],
    noise_outputs: Sequence[PathLike],
    splits: Mapping[str, Mapping[str, Any]],
    data_sets: Sequence[str],
    settings: Mapping[str, Any],
) -> None:
    """:func:`knockout` of each network of a condition, on its test set and on the analysis set
    it was recorded on (each made again from ``splits[name]`` and its replicate's data set,
    :func:`inforelay.tasks.make_split`)."""
    for key, network, relay, ko_out, noise_out, data_set in condition_networks(
        condition, replicates, networks, relays, knockout_outputs, noise_outputs, data_sets
    ):
        data = {name: make_split(key.task, key.delay_regime, name, split, data_set=data_set)
                for name, split in splits.items()}
        knockout(key.row(), network, data, relay, {"knockout": ko_out, "noise": noise_out}, settings)
