"""The upward bias of the plug-in relay, measured by a label-shuffle null (docs/relay.md, "Bias and
the shuffle null").

With a few thousand samples and a dozen binarized units almost every sample has its own pattern
of ``Y``, and the plug-in ``I_R`` reports relay where there is none: units drawn independently
of the concepts, with answers equal to the concepts, show about 0.8 bits ``full`` and 0.066 bits
mean per-unit ``contribution`` at ``n = 2000`` and 12 units. :func:`relay_shuffle_null` measures
that level on a recording itself: the same greedy search (the same binarized units, every state,
step and concept) on labels permuted across samples, ``n_shuffles`` times.
:func:`corrected_relay` subtracts its mean from the plug-in relay, unit by unit.

What is permuted (``permute``):

- ``"concept_answer"`` (default): each sample's concepts *and* answers (``X_in`` and ``X_out``
  together, all concept columns with one permutation), the units ``Y`` kept: ``I(X_in; X_out)``
  and the units' joint distribution over units and steps stay as they are, only the link
  between the units and the labels is cut. This null reproduces the plug-in bias above
  (0.78 bits ``full`` in the same case).
- ``"concept"``: ``X_in`` alone (``X_out`` and ``Y`` kept), the null of ``greedy_relay``'s
  ``n_shuffles`` (docs/relay.md §4). It also cuts ``X_in`` from ``X_out``, so ``I(X_in; X_out)``
  drops to about 0 and the null ``full`` is slightly negative: it tests "the answers follow the
  concept", not the bias of the relay estimate, and subtracting it corrects nothing.

Shuffle ``k`` permutes the samples with ``derive_rng("relay_null", seed, k)``: one permutation
for every state, step and concept (so the steps of one shuffle are consistent, and the first
``k`` shuffles do not depend on ``n_shuffles``). numpy and pandas only, no torch, no files.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from inforelay.core.seeding import derive_rng
from inforelay.info.binarization import binarize
from inforelay.relay.kernel import Search, greedy_search
from inforelay.relay.over_time import answers_at, available_states, check_relay_settings, state_values
from inforelay.relay.result import RelayOverTime
from inforelay.relay.tables import clog_table
from inforelay.relay.validation import check_concepts, check_threshold, relay_inputs

__all__ = [
    "CORRECTED_COLUMNS",
    "NULL_COLUMNS",
    "PERMUTATIONS",
    "StateNull",
    "corrected_relay",
    "relay_shuffle_null",
    "shuffle_null_arrays",
    "summarize_shuffle_null",
]

PERMUTATIONS = ("concept_answer", "concept")
"""What :func:`relay_shuffle_null` can permute (module docstring)."""

#: columns of :func:`relay_shuffle_null`, one row per (state, step, concept, shuffle, unit)
NULL_COLUMNS = (
    "state", "step", "concept", "shuffle", "unit",
    "contribution", "full", "contribution_mean", "contribution_max",
)  # fmt: skip

#: columns of :func:`corrected_relay`, one row per (state, step, concept, unit)
CORRECTED_COLUMNS = (
    "state", "step", "concept", "unit", "analysis_step", "n_samples", "n_shuffles",
    "full", "null_full", "null_full_sd",
    "contribution", "null_contribution", "null_contribution_sd", "null_unit_max",
    "corrected", "corrected_clipped",
)  # fmt: skip

_SEARCH = ["state", "step", "concept"]


def _check_count(n_shuffles: object) -> int:
    """``n_shuffles`` as an int ``>= 1``; ``ValueError`` naming it otherwise."""
    if isinstance(n_shuffles, bool) or not isinstance(n_shuffles, numbers.Integral) or n_shuffles < 1:
        raise ValueError(f"n_shuffles must be an integer >= 1 (permutations of the shuffle null), got {n_shuffles!r}")
    return int(n_shuffles)


def _check_steps(steps: Iterable[int] | None, n_steps: int) -> list[int]:
    """Every step (``None``) or the given 0-based steps, checked to lie in ``0..n_steps-1``."""
    if steps is None:
        return list(range(n_steps))
    chosen = list(steps)
    bad = [s for s in chosen if isinstance(s, bool) or not isinstance(s, numbers.Integral) or not 0 <= s < n_steps]
    if bad or not chosen:
        raise ValueError(f"steps must be 0-based steps in 0..{n_steps - 1}, at least one, got {chosen!r}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"steps has duplicates: {chosen!r}")
    return [int(s) for s in chosen]


def relay_shuffle_null(
    inputs: Any,
    *,
    n_shuffles: int,
    seed: int,
    method: str = "kmeans",
    steps: Iterable[int] | None = None,
    states: Sequence[str] | None = None,
    threshold: float = 0.0,
    permute: str = "concept_answer",
) -> pd.DataFrame:
    """The greedy relay search on label-permuted samples of one recording, ``n_shuffles`` times.

    For each shuffle ``k`` one permutation ``p_k`` of the samples is drawn from
    ``derive_rng("relay_null", seed, k)``; every state, step and concept then runs the search of
    :func:`inforelay.relay.relay_all_states` (same ``method``, same bits) with ``X_in =
    concepts[p_k, c]`` and, for ``permute="concept_answer"``, ``X_out = answers[p_k, c]``.

    Parameters
    ----------
    inputs
        A :class:`~inforelay.core.recordings.Recording` (e.g. from ``inforelay.load_recording``)
        or an object with ``hidden``, ``outputs``, ``concepts``, ``answer_step`` (optionally
        ``cell``, ``attrs``). Not a path: this function reads no files.
    n_shuffles
        Permutations, an integer ``>= 1``.
    seed
        Base seed of the permutations (the pipeline: the network's relay seed).
    method
        Binarization method, as for the plug-in relay (:data:`inforelay.info.BINARIZATION_METHODS`).
    steps
        0-based time steps to search (``None``: every step). A step's null does not depend on
        which other steps are searched.
    states
        States to analyse (``None``: hidden and, for LSTMs, cell).
    threshold
        Answers are ``output > threshold`` (as for :func:`inforelay.relay.relay_all_states`).
    permute
        ``"concept_answer"`` (default): concepts and answers together; ``"concept"``: the concepts
        alone (see the module docstring for why that is not a bias estimate).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NULL_COLUMNS`, one row per ``(state, step, concept, shuffle, unit)``, in
        that order: ``contribution`` is the unit's null contribution (drop of ``I_R`` at its
        removal, bits); ``full``, ``contribution_mean`` and ``contribution_max`` belong to the
        search (the same on its ``N`` rows): the null ``I_R`` of all units and the mean and
        maximum of the contributions over units. ``concept`` and ``unit`` are 0-based indices.

    Raises
    ------
    ValueError
        ``n_shuffles`` not an integer ``>= 1``, an unknown ``method``, ``state`` or ``permute``,
        steps outside the recording, or inputs that fail :mod:`inforelay.relay.validation`.
    TypeError
        ``inputs`` is a path (read it with ``inforelay.load_recording``).
    """
    arrays = shuffle_null_arrays(
        inputs,
        n_shuffles=n_shuffles,
        seed=seed,
        method=method,
        steps=steps,
        states=states,
        threshold=threshold,
        permute=permute,
    )
    frames = [_null_frame(state, null.steps, null.contribution, null.full) for state, null in arrays.items()]
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class StateNull:
    """The shuffle null of one state: every search on every permutation.

    Attributes
    ----------
    steps
        The 0-based steps searched, in order.
    contribution
        ``(S, C, K, N)`` null contribution of each unit (bits), ``S = len(steps)``, ``K`` shuffles.
    full
        ``(S, C, K)`` null ``I_R`` of all units (bits).
    """

    steps: list[int]
    contribution: np.ndarray
    full: np.ndarray


def shuffle_null_arrays(
    inputs: Any,
    *,
    n_shuffles: int,
    seed: int,
    method: str = "kmeans",
    steps: Iterable[int] | None = None,
    states: Sequence[str] | None = None,
    threshold: float = 0.0,
    permute: str = "concept_answer",
) -> dict[str, StateNull]:
    """The searches of :func:`relay_shuffle_null` as arrays, ``{state: StateNull}``.

    Same arguments, permutations and values as :func:`relay_shuffle_null` (which is this
    function's result as a table).
    """
    n_shuffles = _check_count(n_shuffles)
    if permute not in PERMUTATIONS:
        raise ValueError(f"permute must be one of {', '.join(PERMUTATIONS)}, got {permute!r}")
    check_relay_settings(states, method, n_shuffles)
    threshold = check_threshold(threshold)
    inputs = relay_inputs(inputs)  # a path: TypeError naming load_recording
    chosen = available_states(inputs) if states is None else tuple(states)
    x_all = check_concepts(inputs.concepts, inputs.source).astype(np.int64).T  # (C, n)
    z_all = answers_at(inputs, threshold).astype(np.int64).T
    n_concepts, n = x_all.shape
    perms = [derive_rng("relay_null", seed, k).permutation(n) for k in range(n_shuffles)]
    x_perm = [np.ascontiguousarray(x_all[:, p]) for p in perms]
    z_perm = [np.ascontiguousarray(z_all[:, p]) for p in perms] if permute == "concept_answer" else None
    clog = clog_table(n)
    nulls = {}
    for state in chosen:
        values = state_values(inputs, state)
        n_units = values.shape[2]
        chosen_steps = _check_steps(steps, values.shape[1])
        contribution = np.empty((len(chosen_steps), n_concepts, n_shuffles, n_units))
        full = np.empty((len(chosen_steps), n_concepts, n_shuffles))
        for i, t in enumerate(chosen_steps):
            bits = binarize(values[:, t, :], method)
            for k in range(n_shuffles):
                for c in range(n_concepts):
                    z = z_all[c] if z_perm is None else z_perm[k][c]
                    path = greedy_search(Search(x_perm[k][c], z, bits), clog)
                    contribution[i, c, k, path.order] = path.curve[:-1] - path.curve[1:]
                    full[i, c, k] = path.full
        nulls[state] = StateNull(chosen_steps, contribution, full)
    return nulls


def _null_frame(state: str, steps: list[int], contribution: np.ndarray, full: np.ndarray) -> pd.DataFrame:
    """The rows of one state from ``contribution (S, C, K, N)`` and ``full (S, C, K)``."""
    shape = contribution.shape
    step_i, concept, shuffle, unit = (index.ravel() for index in np.indices(shape))
    per_search = (
        np.broadcast_to(full[..., None], shape),
        np.broadcast_to(contribution.mean(axis=-1, keepdims=True), shape),
        np.broadcast_to(contribution.max(axis=-1, keepdims=True), shape),
    )
    return pd.DataFrame(
        {
            "state": state,
            "step": np.asarray(steps, dtype=np.int64)[step_i],
            "concept": concept,
            "shuffle": shuffle,
            "unit": unit,
            "contribution": contribution.ravel(),
            "full": per_search[0].ravel(),
            "contribution_mean": per_search[1].ravel(),
            "contribution_max": per_search[2].ravel(),
        },
        columns=list(NULL_COLUMNS),
    )


def summarize_shuffle_null(null: pd.DataFrame) -> pd.DataFrame:
    """The null of :func:`relay_shuffle_null` over its shuffles, per ``(state, step, concept, unit)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``state, step, concept, unit, n_shuffles, null_full, null_full_sd,
        null_contribution, null_contribution_sd, null_unit_max``: the mean and standard deviation
        (``ddof=1``; NaN for one shuffle) over shuffles of the search's null ``full`` and of the
        unit's null contribution, and the mean over shuffles of the largest contribution of any
        unit (the search's level a single unit reaches by chance).
    """
    missing = [c for c in NULL_COLUMNS if c not in null.columns]
    if missing:
        raise ValueError(f"not a relay_shuffle_null frame: missing column(s) {', '.join(missing)}")
    grouped = null.groupby([*_SEARCH, "unit"], sort=False)
    out = grouped.agg(
        n_shuffles=("shuffle", "nunique"),
        null_full=("full", "mean"),
        null_full_sd=("full", "std"),
        null_contribution=("contribution", "mean"),
        null_contribution_sd=("contribution", "std"),
        null_unit_max=("contribution_max", "mean"),
    )
    return out.reset_index()


def corrected_relay(relay: Mapping[str, RelayOverTime], null: pd.DataFrame) -> pd.DataFrame:
    """The plug-in relay with the shuffle-null level subtracted, unit by unit.

    ``corrected = contribution − null_contribution``: the plug-in contribution of a unit
    (``relay[state].contribution[step, concept, unit]``) minus its mean over the shuffles of
    ``null`` (:func:`relay_shuffle_null` of the same recording, states and method). Summed over
    units it is ``full − null_full``; averaged over units or networks it is unbiased where the
    units relay nothing (the plug-in mean is not). ``corrected_clipped = max(corrected, 0)``
    is for per-unit displays and "above the null" counts only: clipping biases means upward
    (at the null, the mean of the clipped values is positive), so sums and means over units use
    ``corrected``.

    Parameters
    ----------
    relay
        ``{state: RelayOverTime}`` of the recording (:func:`inforelay.relay.relay_all_states` or
        :func:`inforelay.relay.read_relay`).
    null
        The frame of :func:`relay_shuffle_null`; its states, steps, concepts and units must be
        those of ``relay``. Searches it does not cover (other steps, or an empty frame) get NaN
        in the null columns and in ``corrected``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CORRECTED_COLUMNS`, one row per ``(state, step, concept, unit)`` of
        ``relay``, in that order (so ``frame[frame.state == s].corrected.to_numpy()`` reshapes to
        the ``(T, C, N)`` of ``relay[s].contribution``); ``null_*`` and ``n_shuffles`` as in
        :func:`summarize_shuffle_null` (``n_shuffles`` 0 where the null has none).
    """
    summary = summarize_shuffle_null(null)
    frames = []
    for state, result in relay.items():
        n_steps, n_concepts, n_units = result.contribution.shape
        _check_null_matches(summary[summary["state"] == state], state, n_steps, n_concepts, n_units)
        step, concept, unit = (index.ravel() for index in np.indices(result.contribution.shape))
        frames.append(
            pd.DataFrame(
                {
                    "state": state,
                    "step": step,
                    "concept": concept,
                    "unit": unit,
                    "analysis_step": result.analysis_step,
                    "n_samples": result.n_samples,
                    "full": np.broadcast_to(result.full[..., None], result.contribution.shape).ravel(),
                    "contribution": result.contribution.ravel(),
                }
            )
        )
    unknown = sorted(set(summary["state"]) - set(relay))
    if unknown:
        raise ValueError(f"the null has state(s) {', '.join(unknown)} that the relay has not")
    table = pd.concat(frames, ignore_index=True).merge(summary, on=[*_SEARCH, "unit"], how="left")
    table["n_shuffles"] = table["n_shuffles"].fillna(0).astype(np.int64)
    table["corrected"] = table["contribution"] - table["null_contribution"]
    table["corrected_clipped"] = table["corrected"].clip(lower=0.0)
    return table[list(CORRECTED_COLUMNS)]


def _check_null_matches(summary: pd.DataFrame, state: str, n_steps: int, n_concepts: int, n_units: int) -> None:
    """``ValueError`` when the null of ``state`` has steps, concepts or units the relay has not."""
    for column, size in (("step", n_steps), ("concept", n_concepts), ("unit", n_units)):
        values = summary[column]
        if len(values) and (values.min() < 0 or values.max() >= size):
            raise ValueError(
                f"the null's {state} {column}s reach {int(values.max())}, the relay has {size} "
                "(a null of another recording?)"
            )
    if len(summary) and summary.groupby(_SEARCH[1:])["unit"].nunique().min() != n_units:
        raise ValueError(f"the null's {state} searches do not have the relay's {n_units} units")
