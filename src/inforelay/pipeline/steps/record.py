"""Record every state of a condition's networks on their analysis sets (rule ``record``; torch)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from inforelay.core.provenance import provenance_attrs
from inforelay.nets.files import load_network
from inforelay.nets.record import record_activations
from inforelay.nets.recording import write_activations
from inforelay.pipeline.conditions import condition_networks
from inforelay.tasks import TaskData, make_split

__all__ = ["NETWORK_ATTRS", "record", "record_condition"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]
#: network metadata copied into the activation file
NETWORK_ATTRS = ("task", "model", "delay_regime", "replicate", "seed", "accuracy", "epochs", "restarts")


def record(network: PathLike, task_data: TaskData, output: PathLike) -> None:
    """Run the network step by step on ``task_data`` and write every state to ``output``."""
    model, metadata = load_network(network)
    arrays = record_activations(model, task_data)
    attrs = {key: metadata[key] for key in NETWORK_ATTRS}
    attrs.update(
        info_length=task_data.info_length,
        event_steps=list(task_data.event_steps),
        concept_names=list(task_data.concept_names),
        **provenance_attrs(metadata["config"]),
    )
    write_activations(output, arrays, attrs)
    log.info("%s: %s", output, {name: value.shape for name, value in arrays.items()})


def record_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    networks: Sequence[PathLike],
    outputs: Sequence[PathLike],
    analysis: Mapping[str, Any],
    data_sets: Sequence[str],
) -> None:
    """:func:`record` each network of a condition on its replicate's analysis set.

    ``analysis`` is the analysis split's settings
    (:func:`inforelay.pipeline.config.split_settings`); ``data_sets`` the replicates' data sets.
    """
    for key, network, output, data_set in condition_networks(condition, replicates, networks, outputs, data_sets):
        data = make_split(key.task, key.delay_regime, "analysis", analysis, data_set=data_set)
        record(network, data, output)
