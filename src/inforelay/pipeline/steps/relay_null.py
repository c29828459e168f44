"""The shuffle-null level of each network's relay and its bias-corrected per-unit relay (rule
``relay_null``, one job per condition; numpy / pandas).

Two tables per network, with the network keys first and the columns
:data:`inforelay.relay.bias.CORRECTED_COLUMNS` of :func:`inforelay.relay.corrected_relay`
(``concept`` is the concept's label, as in ``results/tables/relay.csv``): one row per state,
time step, concept and unit with the plug-in relay of the network's relay file, the null level
of :func:`inforelay.relay.relay_shuffle_null` (concepts and answers permuted together,
``relay_null.n_shuffles`` times, the relay's binarization) and the difference.

- ``results/relay_corrected/{NETWORK}.csv``: every time step (the steps Figs. 6/7 draw);
- ``results/relay_null/{NETWORK}.csv``: its rows at each state's analysis step ``t_k``, the
  per-network table that ``results/tables/relay_null.csv`` concatenates (every step of 720
  networks would make that table about 80 MB).

docs/relay.md, "Bias and the shuffle null".
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.recording_files import load_recording
from inforelay.core.seeds import relay_seed
from inforelay.pipeline.conditions import condition_networks
from inforelay.pipeline.tables import with_keys
from inforelay.relay import (
    corrected_relay,
    read_relay,
    relay_shuffle_null,
)
from inforelay.relay.bias import NULL_COLUMNS
from inforelay.tasks import concept_labels

__all__ = ["relay_null", "relay_null_condition"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def relay_null(
    key: Mapping[str, Any],
    recording: PathLike,
    relay: PathLike,
    output: PathLike,
    steps_output: PathLike,
    settings: Mapping[str, Any],
    relay_settings: Mapping[str, Any],
) -> None:
    """Write the relay of network ``key`` with its shuffle-null level and the corrected relay:
    every step to ``steps_output``, the analysis steps to ``output``.

    ``settings`` is the ``relay_null`` config section (``n_shuffles``; 0 leaves the null
    columns NaN), ``relay_settings`` the ``relay`` section (``binarization``, which must be the
    method of the relay file). The permutations are seeded with the network's relay seed
    (:func:`inforelay.core.seeds.relay_seed`) in the ``relay_null`` stream.
    """
    net = NetworkKey.from_mapping(key)
    inputs = load_recording(recording)
    results = read_relay(relay)
    method = relay_settings["binarization"]
    for state, result in results.items():
        if result.method != method:
            raise ValueError(f"{relay}: the {state} relay used {result.method!r}, relay.binarization is {method!r}")
    n_shuffles = int(settings["n_shuffles"])
    if n_shuffles:
        null = relay_shuffle_null(
            inputs, n_shuffles=n_shuffles, seed=relay_seed(net.row()), method=method, states=tuple(results)
        )
    else:
        null = pd.DataFrame({column: [] for column in NULL_COLUMNS})
    table = corrected_relay(results, null)
    names = inputs.attrs.get("concept_names")
    n_concepts = inputs.concepts.shape[1]
    labels = concept_labels(names if names is not None and len(names) == n_concepts else None, n_concepts)
    table["concept"] = [labels[c] for c in table["concept"]]
    metadata = {"config": {"relay_null": dict(settings), "relay": {"binarization": method}},
                "permute": "concept_answer"}  # fmt: skip
    table = with_keys(table, net.row())
    write_table(table, steps_output, metadata)
    at_t_k = table[table["step"] == table["analysis_step"]].reset_index(drop=True)
    write_table(at_t_k, output, metadata)
    log.info("%s: %d rows (%s: %d), %d shuffles per search", steps_output, len(table), output, len(at_t_k), n_shuffles)


def relay_null_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    recordings: Sequence[PathLike],
    relays: Sequence[PathLike],
    outputs: Sequence[PathLike],
    steps_outputs: Sequence[PathLike],
    settings: Mapping[str, Any],
    relay_settings: Mapping[str, Any],
) -> None:
    """:func:`relay_null` of each network of a condition."""
    networks = condition_networks(condition, replicates, recordings, relays, outputs, steps_outputs)
    for key, recording, relay, output, steps_output in networks:
        relay_null(key.row(), recording, relay, output, steps_output, settings, relay_settings)
