"""Relay information over time of one network's recording (rule ``relay``; numpy only)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from inforelay.core.keys import NetworkKey
from inforelay.core.seeding import derive_seed
from inforelay.relay import (
    read_relay_inputs,
    relay_all_states,
    relay_file_attrs,
    write_relay,
)

__all__ = ["relay_seed", "relay"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def relay_seed(key: NetworkKey) -> int:
    """Seed of the shuffle null: ``derive_seed("relay", task, model, delay_regime, "NN")``.

    The key in its wildcard form (two-digit replicate label), as the workflow has always
    derived it: the same value gives the same null distributions as earlier runs.
    """
    return derive_seed("relay", *key.wildcards().values())


def relay(key: Mapping[str, Any], recording: PathLike, output: PathLike,
          settings: Mapping[str, Any]) -> None:
    """Write the relay of every state of the recording (hidden; LSTM cell) to ``output``.

    ``settings`` is the ``relay`` config section (``binarization``, ``n_shuffles``).
    """
    inputs = read_relay_inputs(recording)
    results = relay_all_states(
        inputs,
        method=settings["binarization"],
        n_shuffles=settings["n_shuffles"],
        seed=relay_seed(NetworkKey.from_mapping(key)),
    )
    write_relay(output, results, relay_file_attrs(inputs.attrs, recording), config_slice=settings)
    log.info("%s: states %s, %d samples", output, list(results), inputs.hidden.shape[0])
