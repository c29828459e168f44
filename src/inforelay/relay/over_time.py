"""Relay over time: the greedy search for every time step and concept of a recording.

For state ``s``, concept ``c`` and step ``t`` (docs/relay.md §5): ``X_in = concepts[:, c]``,
``X_out = outputs[i, answer_step[i], c] > threshold`` and ``Y = binarize(s[:, t, :], method)``.
Inputs are checked by :mod:`inforelay.relay.validation`; the shuffle null of each search draws
from ``derive_rng("relay-null", seed, s, t, c)``. :func:`relay_all_states` is the one entry
point for "relay of every state of a recording" (the command and the pipeline use it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from inforelay.core.seeding import derive_rng
from inforelay.info.binarization import BINARIZATION_METHODS, binarize
from inforelay.core.recordings import Recording
from inforelay.relay.files import analysis_step
from inforelay.relay.kernel import Search, SearchPath, greedy_search
from inforelay.relay.null import shuffle_null, shuffle_p_value
from inforelay.relay.result import STATES, RelayOverTime, result_from_path
from inforelay.relay.search import check_n_shuffles
from inforelay.relay.tables import clog_table
from inforelay.relay.validation import (
    binarize_outputs,
    check_concepts,
    check_threshold,
    relay_inputs,
    warn_if_no_relay,
)

__all__ = [
    "answers_at",
    "available_states",
    "check_relay_settings",
    "relay_all_states",
    "relay_over_time",
    "state_values",
]


def relay_over_time(
    activations: Any,
    *,
    state: str = "hidden",
    method: str = "kmeans",
    n_shuffles: int = 0,
    seed: int = 0,
    threshold: float = 0.0,
) -> RelayOverTime:
    """Greedy relay search for every time step and concept of one recurrent state.

    Parameters
    ----------
    activations
        A :class:`~inforelay.core.recordings.Recording` with labels (e.g. from
        ``inforelay.load_recording``) or any object with ``hidden``, ``outputs``, ``concepts``,
        ``answer_step`` and optionally ``cell`` and ``attrs``. Not a path: this function reads
        no files (a path is a ``TypeError`` naming ``load_recording``).
    state
        ``"hidden"`` or ``"cell"`` (LSTM).
    method
        Binarization method (:data:`inforelay.info.BINARIZATION_METHODS`).
    n_shuffles
        Shuffle-null permutations per search (0: none; docs/relay.md §4).
    seed
        Base seed of the permutations; each search uses
        ``derive_rng("relay-null", seed, state, t, c)``.
    threshold
        The answer is ``output > threshold``: 0 (default) for tanh/±1 outputs, 0.5 for
        sigmoid outputs or probabilities (see :func:`inforelay.relay.validation.binarize_outputs`).

    Returns
    -------
    RelayOverTime
        ``analysis_step`` is ``info_length − 1`` when the recording has an
        ``info_length`` attribute, otherwise the last step.

    Raises
    ------
    ValueError
        Bad settings, or inputs that fail :mod:`inforelay.relay.validation` (concepts not 0/1,
        outputs all in [0, 1] with threshold 0, ...); messages start with the file's path.

    Warns
    -----
    RelayWarning
        When a concept's relay is zero at every step (:func:`~inforelay.relay.validation.warn_if_no_relay`).
    """
    return relay_all_states(
        activations, method=method, n_shuffles=n_shuffles, seed=seed, states=(state,), threshold=threshold
    )[state]


def relay_all_states(
    activations: Any,
    *,
    method: str = "kmeans",
    n_shuffles: int = 0,
    seed: int = 0,
    states: Sequence[str] | None = None,
    threshold: float = 0.0,
) -> dict[str, RelayOverTime]:
    """:func:`relay_over_time` for every state of a recording, reading it once.

    Parameters
    ----------
    activations, method, n_shuffles, seed, threshold
        As for :func:`relay_over_time`.
    states
        States to analyse; ``None`` (default): ``hidden`` and, when the recording has
        one, ``cell`` (:func:`available_states`).

    Returns
    -------
    dict
        ``{"hidden": ..., "cell": ...}`` in the order of ``states`` (no ``"cell"`` key
        for RNN/GRU recordings by default), ready for :func:`inforelay.relay.files.write_relay`.
    """
    check_relay_settings(states, method, n_shuffles)
    threshold = check_threshold(threshold)
    inputs = relay_inputs(activations)
    chosen = available_states(inputs) if states is None else tuple(states)
    concepts = check_concepts(inputs.concepts, inputs.source)
    answers = answers_at(inputs, threshold)
    results = {}
    for state in chosen:
        results[state] = _relay_state(inputs, state, method, int(n_shuffles), seed, (concepts, answers))
        names = inputs.attrs.get("concept_names")
        names = [str(v) for v in names] if names is not None and len(names) == concepts.shape[1] else None
        warn_if_no_relay(results[state].full, concepts, answers, state, inputs.source, names)
    return results


def available_states(inputs: Recording) -> tuple[str, ...]:
    """``("hidden",)``, plus ``"cell"`` when the recording has a cell state (LSTM)."""
    return ("hidden", "cell") if inputs.cell is not None else ("hidden",)


def check_relay_settings(states: Sequence[str] | None, method: str, n_shuffles: int) -> None:
    """Raise ``ValueError`` for no or unknown states, an unknown method or a bad ``n_shuffles``."""
    if states is not None and not tuple(states):
        raise ValueError("states must name at least one state")
    for state in states or ():
        if state not in STATES:
            raise ValueError(f"state must be one of {', '.join(STATES)}, got {state!r}")
    if method not in BINARIZATION_METHODS:
        raise ValueError(f"method must be one of {', '.join(BINARIZATION_METHODS)}, got {method!r}")
    check_n_shuffles(n_shuffles)


def answers_at(inputs: Recording, threshold: float) -> np.ndarray:
    """``(n, C)`` 0/1 ``X_out``: the outputs at each sequence's answer step, ``> threshold``."""
    answers = binarize_outputs(inputs.outputs, threshold, inputs.source)
    return answers[np.arange(answers.shape[0]), np.asarray(inputs.answer_step)]


def state_values(inputs: Recording, state: str) -> np.ndarray:
    """``(n, T, N)`` values of one state; ``ValueError`` when the recording lacks it."""
    values = inputs.hidden if state == "hidden" else inputs.cell
    if values is None:
        raise ValueError(f"{inputs.source}: no '{state}' state (only LSTM recordings have a cell state)")
    return np.asarray(values)


def _empty_arrays(n_steps: int, n_concepts: int, n_units: int, with_null: bool) -> dict[str, Any]:
    """The arrays of a :class:`RelayOverTime`, to be filled search by search."""
    shape = (n_steps, n_concepts)
    return {
        "contribution": np.empty((*shape, n_units)),
        "node_relay": np.empty((*shape, n_units)),
        "full": np.empty(shape),
        "order": np.empty((*shape, n_units), dtype=np.int64),
        "curve": np.empty((*shape, n_units + 1)),
        "null_mean": np.empty(shape) if with_null else None,
        "p_value": np.empty(shape) if with_null else None,
    }


def _store_path(arrays: dict[str, Any], t: int, c: int, path: SearchPath, n: int) -> None:
    """Store one search's order, curve and derived relay values at ``[t, c]``."""
    result = result_from_path(path.full, path.order, path.curve, n)
    for key in ("contribution", "node_relay", "order", "curve", "full"):
        arrays[key][t, c] = getattr(result, key)


def _relay_state(
    inputs: Recording,
    state: str,
    method: str,
    n_shuffles: int,
    seed: int,
    labels: tuple[np.ndarray, np.ndarray],
) -> RelayOverTime:
    """One state's searches on checked settings, inputs and ``(concepts, answers)`` 0/1 labels."""
    values = state_values(inputs, state)
    n, n_steps, n_units = values.shape
    step = analysis_step(inputs.attrs, n_steps)
    x_all, z_all = (labels[0].astype(np.int64), labels[1].astype(np.int64))
    n_concepts = x_all.shape[1]
    arrays = _empty_arrays(n_steps, n_concepts, n_units, n_shuffles > 0)
    clog = clog_table(n)
    for t in range(n_steps):
        bits = binarize(values[:, t, :], method)  # column by column: the same bits as all steps at once
        for c in range(n_concepts):
            search = Search(x_all[:, c], z_all[:, c], bits)
            path = greedy_search(search, clog)
            _store_path(arrays, t, c, path, n)
            if n_shuffles:
                rng = derive_rng("relay-null", seed, state, t, c)
                null = shuffle_null(search, path.y_codes, path.m_y, n_shuffles, rng, clog)
                arrays["null_mean"][t, c] = null.mean()
                arrays["p_value"][t, c] = shuffle_p_value(null, path.full)
    return RelayOverTime(**arrays, analysis_step=step, n_samples=n, method=method)
