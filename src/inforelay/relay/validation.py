"""The one place where relay inputs are checked: concepts, answers and the relay's sanity.

Every entry point (``greedy_relay``, ``relay_over_time``/``relay_all_states``, the shuffle
null, ``find_relays`` and ``inforelay relay``) checks its inputs here, so the same input gets
the same verdict everywhere (docs/relay.md §6):

- concepts (``X_in``) must be 0/1: bool, integers, or floats exactly 0.0/1.0; ±1 (the
  pipeline's targets) is accepted and read as −1 → 0, +1 → 1;
- outputs are binarized as ``output > threshold``; all outputs in [0, 1] with threshold 0 is
  refused (sigmoid outputs or probabilities need ``threshold=0.5``);
- a relay that is zero at every step raises a :class:`RelayWarning` naming the likely cause.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np

from inforelay.core.labels import check_binary, check_concepts
from inforelay.core.recording_files import labelled_problem
from inforelay.core.recordings import Recording, as_recording
from inforelay.relay.files import analysis_step

__all__ = [
    "RelayWarning",
    "check_binary",
    "check_concepts",
    "check_threshold",
    "binarize_outputs",
    "relay_input_problem",
    "relay_inputs",
    "warn_if_no_relay",
]


class RelayWarning(UserWarning):
    """A relay result that is almost certainly not what the user meant (e.g. zero everywhere)."""


def _prefix(where: str | None) -> str:
    return f"{where}: " if where else ""


def check_threshold(threshold: object) -> float:
    """``threshold`` as a finite float; ``ValueError`` otherwise."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    return float(threshold)


def binarize_outputs(outputs: object, threshold: float = 0.0, where: str | None = None) -> np.ndarray:
    """The network's answers as ``int8`` 0/1: ``output > threshold`` (same shape as ``outputs``).

    Parameters
    ----------
    outputs
        Real-valued outputs (any shape; finite).
    threshold
        Decision threshold: 0 for tanh/±1 outputs (default), 0.5 for sigmoid outputs or
        probabilities.
    where
        Prefix of error messages (a file path), or ``None``.

    Raises
    ------
    ValueError
        Non-numeric or non-finite outputs, a non-finite threshold, or every output in
        [0, 1] while ``threshold`` is 0 (every answer would be 1: use ``threshold=0.5``).
    """
    threshold = check_threshold(threshold)
    arr = np.asarray(outputs)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{_prefix(where)}outputs must be numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{_prefix(where)}outputs contain NaN or infinite values")
    if threshold == 0.0 and arr.size and arr.min() >= 0 and arr.max() <= 1:
        raise ValueError(
            f"{_prefix(where)}every output lies in [0, 1] (sigmoid outputs or probabilities?) but the "
            "answer threshold is 0, so every answer would count as 1: use threshold=0.5 "
            "(inforelay relay --threshold 0.5)"
        )
    return (arr > threshold).astype(np.int8)


def warn_if_no_relay(
    full: np.ndarray,
    concepts: np.ndarray,
    answers: np.ndarray,
    state: str,
    where: str | None = None,
    concept_names: Sequence[str] | None = None,
) -> None:
    """Warn (:class:`RelayWarning`) for each concept whose relay is zero at every step.

    Parameters
    ----------
    full
        ``(T, C)`` relay of all units per step and concept.
    concepts, answers
        ``(n, C)`` 0/1 ``X_in`` and ``X_out``; used to name the likely cause.
    state
        ``"hidden"`` or ``"cell"``, for the message.
    """
    dead = np.flatnonzero(np.all(np.abs(full) <= 1e-12, axis=0))
    for c in dead:
        label = f"concept {c}" if concept_names is None else f"concept {c} ({concept_names[c]})"
        if np.ptp(concepts[:, c]) == 0:
            cause = "the concept is constant"
        elif np.ptp(answers[:, c]) == 0:
            cause = "the answers are constant (constant outputs, or a wrong threshold)"
        else:
            cause = "the answers do not depend on the concept (unrelated concepts or outputs?)"
        warnings.warn(
            f"{_prefix(where)}the {state} relay of {label} is zero at every step: {cause}",
            RelayWarning,
            stacklevel=3,
        )


def relay_inputs(recording: object) -> Recording:
    """``recording`` as a :class:`~inforelay.core.recordings.Recording` fit for a relay analysis.

    It needs ``hidden``, ``outputs``, ``concepts`` and ``answer_step`` (optionally ``cell`` and
    attributes); any object with them works. A path is a ``TypeError`` (read it with
    ``inforelay.load_recording``); a missing or inconsistent array a ``ValueError`` that starts
    with the recording's source.
    """
    rec = as_recording(recording)
    missing = [name for name in ("outputs", "concepts", "answer_step") if getattr(rec, name) is None]
    if missing:
        raise ValueError(
            f"{rec.source}: a relay analysis needs {', '.join(missing)} "
            "(hidden (n,T,N), outputs (n,T,C), concepts (n,C), answer_step (n,))"
        )
    problem = relay_input_problem(rec)
    if problem:
        raise ValueError(f"{rec.source}: {problem}")
    return rec


def relay_input_problem(inputs: Recording) -> str | None:
    """What is wrong with ``inputs`` for a relay analysis, or ``None``: the checks of
    :func:`inforelay.core.recording_files.labelled_problem` (dtypes, shapes of docs/relay.md §6,
    ``answer_step`` range, finite values, 0/1 concepts) and the ``info_length`` attribute."""
    problem = labelled_problem(inputs)
    if problem:
        return problem
    try:
        analysis_step(inputs.attrs, np.shape(inputs.hidden)[1])
    except ValueError as err:
        return str(err)
    return None
