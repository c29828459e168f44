"""Relay information over time of each network's recording (rule ``relay``, one job per
condition; numpy only)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from inforelay.core.recording_files import load_recording
from inforelay.core.seeds import relay_seed
from inforelay.pipeline.conditions import condition_networks
from inforelay.relay import (
    relay_all_states,
    relay_file_attrs,
    write_relay,
)

__all__ = ["relay", "relay_condition"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def relay(key: Mapping[str, Any], recording: PathLike, output: PathLike,
          settings: Mapping[str, Any]) -> None:
    """Write the relay of every state of the recording (hidden; LSTM cell) to ``output``.

    ``settings`` is the ``relay`` config section (``binarization``, ``n_shuffles``).
    """
    inputs = load_recording(recording)
    results = relay_all_states(
        inputs,
        method=settings["binarization"],
        n_shuffles=settings["n_shuffles"],
        seed=relay_seed(key),
    )
    write_relay(output, results, relay_file_attrs(inputs.attrs, recording), config_slice=settings)
    log.info("%s: states %s, %d samples", output, list(results), inputs.hidden.shape[0])


def relay_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    recordings: Sequence[PathLike],
    outputs: Sequence[PathLike],
    settings: Mapping[str, Any],
) -> None:
    """:func:`relay` of each network of a condition."""
    for key, recording, output in condition_networks(condition, replicates, recordings, outputs):
        relay(key.row(), recording, output, settings)
