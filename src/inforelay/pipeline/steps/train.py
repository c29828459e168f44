"""Train one network of the experiment to the accuracy bar (rule ``train``; torch).

The seed is :func:`inforelay.nets.training.network_seed` of the network's key: the same network
gets the same weights on every machine and in every run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.nets.files import save_network
from inforelay.nets.training import TrainingConfig, network_seed, train_network
from inforelay.tasks import load_task_data

__all__ = ["train_seed", "train"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def train_seed(key: NetworkKey) -> int:
    """The network's seed: ``network_seed(task, model, delay_regime, replicate)``."""
    return network_seed(key.task, key.model, key.delay_regime, key.replicate)


def train(
    key: Mapping[str, Any],
    train_data: PathLike,
    validation_data: PathLike,
    network_output: PathLike,
    history_output: PathLike,
    training: Mapping[str, Any],
    network_config: Mapping[str, Any],
    threads: int = 1,
) -> None:
    """Train the network ``key`` and write it (``.pt``) and its per-epoch history (CSV).

    Parameters
    ----------
    key
        The network's keys (wildcards or table form).
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
    result = train_network(
        net.model,
        load_task_data(train_data),
        load_task_data(validation_data),
        TrainingConfig(**{**dict(training), "threads": int(threads)}),
        train_seed(net),
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
