"""Train one network of the experiment to the accuracy bar (rule ``train``; torch).

The seed is :func:`inforelay.core.seeds.network_seed` of the network's key, and its training
and validation sets are generated in the job from their config slices
(:func:`inforelay.tasks.make_split`): the same network gets the same weights on every machine
and in every run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.nets.files import save_network
from inforelay.core.seeds import network_seed
from inforelay.nets.training import TrainingConfig, train_network
from inforelay.tasks import make_split

__all__ = ["train"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def train(
    key: Mapping[str, Any],
    network_output: PathLike,
    history_output: PathLike,
    data: Mapping[str, Any],
    training: Mapping[str, Any],
    network_config: Mapping[str, Any],
    threads: int = 1,
) -> None:
    """Train the network ``key`` and write it (``.pt``) and its per-epoch history (CSV).

    Parameters
    ----------
    key
        The network's keys (wildcards or table form).
    data
        ``train`` and ``validation``: the splits' settings
        (:func:`inforelay.pipeline.config.split_settings`); ``data_set``: the replicate's data
        set (``"rep-NN"`` or ``"shared"``).
    training
        The ``training`` config section (:class:`~inforelay.nets.training.TrainingConfig`).
    network_config
        The config slice stored with the network
        (:func:`inforelay.pipeline.config.network_settings`).
    threads
        CPU threads of the job (the rule's ``threads:``, from ``training.threads``). Not part of
        ``training``: it cannot change the network, so changing it retrains nothing.
    """
    net = NetworkKey.from_mapping(key)
    splits = {
        split: make_split(net.task, net.delay_regime, split, data[split], data_set=data["data_set"])
        for split in ("train", "validation")
    }
    result = train_network(
        net.model,
        splits["train"],
        splits["validation"],
        TrainingConfig(**{**dict(training), "threads": int(threads)}),
        network_seed(net.task, net.model, net.delay_regime, net.replicate),
        label=net.label(),
    )
    metadata = {
        **net.row(),
        "seed": result.seed,
        "accuracy": result.accuracy,
        "epochs": result.epochs,
        "restarts": result.restarts,
        "config": dict(network_config),
    }
    write_table(result.history, history_output, {"config": metadata["config"]})
    save_network(network_output, result, metadata)
    log.info("%s: accuracy %.4f after %d epochs, %d restarts", net.label(), result.accuracy,
             result.epochs, result.restarts)
