"""Record every state of one network on its analysis set (rule ``record``; torch)."""

from __future__ import annotations

import logging
import os

from inforelay.core.provenance import provenance_attrs
from inforelay.nets.files import load_network
from inforelay.nets.record import record_activations
from inforelay.nets.recording import write_activations
from inforelay.tasks import load_task_data

__all__ = ["NETWORK_ATTRS", "record"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]
#: network metadata copied into the activation file
NETWORK_ATTRS = ("task", "model", "delay_regime", "replicate", "seed", "accuracy", "epochs", "restarts")


def record(network: PathLike, data: PathLike, output: PathLike) -> None:
    """Run the network step by step on the task data set and write every state to ``output``."""
    model, metadata = load_network(network)
    task_data = load_task_data(data)
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
