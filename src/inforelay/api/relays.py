"""Relays of a recording: ``inforelay.find_relays`` and the :class:`Relays` it returns.

The computation is the relay package's relay over time (:func:`inforelay.relay.relay_all_states`,
docs/relay.md §5): for every state, step ``t`` and concept ``c``, the greedy relay search with
``X_in = concepts[:, c]``, ``X_out`` = the answer (``output > threshold`` at the answer step) and
``Y`` = the binarized units at step ``t``; inputs are checked by :mod:`inforelay.relay.validation`.
numpy only (no torch).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from inforelay.core.labels import as_answer_steps
from inforelay.core.recording_files import load_recording
from inforelay.core.recordings import Recording, as_recording
from inforelay.relay import RelayOverTime, RelayWarning, check_concepts, relay_all_states
from inforelay.relay.bias import shuffle_null_arrays

__all__ = ["CORRECTIONS", "MIN_RELIABLE_SAMPLES", "UNDERSAMPLED_NULL_BITS", "Relays", "find_relays"]

CORRECTIONS = ("shuffle", None)
"""``correction`` of :func:`find_relays`: subtract the shuffle null (default) or report the plug-in."""

MIN_RELIABLE_SAMPLES = 100
"""Below this many sequences :func:`find_relays` warns that any relay estimate is unreliable."""

UNDERSAMPLED_NULL_BITS = 0.5
"""A null ``full`` above this (bits, any step and concept) means most sequences have their own
unit pattern: :func:`find_relays` warns that the unit set is too large for the sample."""


@dataclass(repr=False)
class Relays:
    """Relay of every unit about every concept at every step (what :func:`find_relays` returns).

    Arrays are numpy, dimensions named in :attr:`dims`; ``state`` indexes :attr:`states`
    (``"hidden"``, and ``"cell"`` for an LSTM), ``step`` is the 0-based time step.

    Attributes
    ----------
    contribution : np.ndarray
        ``(state, step, concept, unit)`` bits: the drop of ``I_R`` when the greedy search removes
        the unit (sums over units to ``full``), the paper's ``R[t, c, unit]``, minus its bias
        null by default (``correction``): about 0 on average for units that relay nothing, and
        negative for some of them.
    node_relay : np.ndarray
        ``(state, step, concept, unit)`` the authors' accumulated loss (docs/relay.md §3),
        plug-in.
    full : np.ndarray
        ``(state, step, concept)`` bits relayed by all units together (bias-corrected like
        ``contribution``).
    p_value, null_mean : np.ndarray or None
        ``(state, step, concept)`` significance of the plug-in ``full`` against a shuffle of the
        concept alone (``n_shuffles > 0``; docs/relay.md §4), else ``None``.
    correction : str or None
        ``"shuffle"``: ``contribution`` and ``full`` are the plug-in values minus the mean of
        their bias null (below); ``None``: they are the plug-in values.
    plugin_contribution, plugin_full : np.ndarray
        The plug-in (uncorrected) ``contribution`` and ``full``; the same arrays as
        ``contribution`` and ``full`` when ``correction`` is ``None``.
    null_contribution, null_full : np.ndarray or None
        The bias null: mean over ``null_shuffles`` permutations of concepts and answers together
        (the units kept) of the plug-in ``contribution`` and ``full`` — what a recording whose
        units know nothing of the concepts would report. ``None`` without correction.
    null_shuffles : int
        Permutations in the bias null (0 without correction).
    n_samples : int
        Sequences in the recording.
    states : tuple of str
    concept_names : tuple of str or None
    analysis_step : int
        ``info_length − 1`` when the recording has an ``info_length`` attribute, else the last step.
    results : dict
        The relay package's :class:`~inforelay.relay.RelayOverTime` per state (order, curve, …).
    removal_order : np.ndarray
        ``(state, step, concept, rank)`` unit indices in the greedy search's removal order, least
        relaying first: ``removal_order[..., -k:]`` is the greedy relay set of size ``k``.
    removal_loss : np.ndarray
        ``(state, step, concept, unit)`` bits: ``full`` minus ``I_R`` once the unit is gone, i.e.
        the loss accumulated up to and including its removal (``contribution`` is the drop at
        its removal alone).
    """

    contribution: np.ndarray
    node_relay: np.ndarray
    full: np.ndarray
    p_value: np.ndarray | None
    null_mean: np.ndarray | None
    states: tuple[str, ...]
    concept_names: tuple[str, ...] | None
    analysis_step: int
    results: dict[str, RelayOverTime] = field(default_factory=dict)
    correction: str | None = None
    plugin_contribution: np.ndarray | None = None
    plugin_full: np.ndarray | None = None
    null_contribution: np.ndarray | None = None
    null_full: np.ndarray | None = None
    null_shuffles: int = 0
    n_samples: int = 0

    dims: ClassVar[dict[str, tuple[str, ...]]] = {
        "contribution": ("state", "step", "concept", "unit"),
        "node_relay": ("state", "step", "concept", "unit"),
        "full": ("state", "step", "concept"),
        "p_value": ("state", "step", "concept"),
        "null_mean": ("state", "step", "concept"),
        "plugin_contribution": ("state", "step", "concept", "unit"),
        "plugin_full": ("state", "step", "concept"),
        "null_contribution": ("state", "step", "concept", "unit"),
        "null_full": ("state", "step", "concept"),
    }

    @classmethod
    def from_results(
        cls,
        results: dict[str, RelayOverTime],
        concept_names: Sequence[str] | None,
        null: tuple[np.ndarray, np.ndarray, int] | None = None,
    ) -> Relays:
        """Stack the per-state results of :func:`inforelay.relay.relay_all_states`.

        ``null`` is the bias null ``(null_contribution, null_full, null_shuffles)`` stacked over
        states; with it, ``contribution`` and ``full`` are corrected (``correction="shuffle"``).
        """
        first = next(iter(results.values()))

        def stack(name: str) -> np.ndarray | None:
            values = [getattr(res, name) for res in results.values()]
            return None if values[0] is None else np.stack(values)

        names = None if concept_names is None else tuple(str(c) for c in concept_names)
        contribution, full = stack("contribution"), stack("full")
        corrected: dict[str, Any] = {"correction": None}
        if null is not None:
            null_contribution, null_full, null_shuffles = null
            corrected = {
                "correction": "shuffle",
                "null_contribution": null_contribution,
                "null_full": null_full,
                "null_shuffles": int(null_shuffles),
            }
        return cls(
            contribution=contribution if null is None else contribution - null[0],
            node_relay=stack("node_relay"),
            full=full if null is None else full - null[1],
            p_value=stack("p_value"),
            null_mean=stack("null_mean"),
            states=tuple(results),
            concept_names=names,
            analysis_step=int(first.analysis_step),
            results=dict(results),
            plugin_contribution=contribution,
            plugin_full=full,
            n_samples=int(first.n_samples),
            **corrected,
        )

    @property
    def removal_order(self) -> np.ndarray:
        """``(state, step, concept, rank)`` units in removal order, least relaying first."""
        return np.stack([res.order for res in self.results.values()])

    @property
    def removal_loss(self) -> np.ndarray:
        """``(state, step, concept, unit)`` ``full − I_R`` once the unit is removed, in bits."""
        from inforelay.relay.result import loss_at_removal

        return np.stack([loss_at_removal(res.order, res.curve) for res in self.results.values()])

    def __repr__(self) -> str:
        _, n_steps, n_concepts, n_units = self.contribution.shape
        return f"Relays(states={self.states}, steps={n_steps}, concepts={n_concepts}, units={n_units})"

    def _concept_labels(self, index: np.ndarray) -> np.ndarray:
        if self.concept_names is None:
            return index
        return np.asarray(self.concept_names, dtype=object)[index]

    def to_frame(self) -> Any:
        """Tidy table, one row per (state, step, concept, unit).

        Returns
        -------
        pandas.DataFrame
            Columns ``state``, ``step`` (0-based), ``concept`` (index, or name when
            ``concept_names`` were given), ``unit``, ``contribution`` (bits), ``full`` (bits of
            all units, repeated over units), with the bias correction ``plugin_contribution``,
            ``null_contribution``, ``plugin_full``, ``null_full``, then ``removal_rank`` (0 =
            removed first by the greedy search), ``removal_loss`` (bits, plug-in,
            :attr:`removal_loss`) and, with ``n_shuffles``, ``p_value``, ``null_mean``.
        """
        import pandas as pd

        s, t, c, u = np.indices(self.contribution.shape).reshape(4, -1)
        columns = {
            "state": np.asarray(self.states, dtype=object)[s],
            "step": t,
            "concept": self._concept_labels(c),
            "unit": u,
            "contribution": self.contribution.reshape(-1),
            "full": self.full[s, t, c],
        }
        if self.correction is not None:
            columns["plugin_contribution"] = self.plugin_contribution.reshape(-1)
            columns["null_contribution"] = self.null_contribution.reshape(-1)
            columns["plugin_full"] = self.plugin_full[s, t, c]
            columns["null_full"] = self.null_full[s, t, c]
        if self.results:
            # rank 0 = removed first (least relaying); the inverse permutation of the order
            columns["removal_rank"] = np.argsort(self.removal_order, axis=-1).reshape(-1)
            columns["removal_loss"] = self.removal_loss.reshape(-1)
        if self.p_value is not None:
            columns["p_value"] = self.p_value[s, t, c]
            columns["null_mean"] = self.null_mean[s, t, c]
        return pd.DataFrame(columns)

    def plot(self, state: str = "hidden", *, event_steps: Sequence[int] = (), vmax: float = 1.0) -> Any:
        """The Fig. 6-style figure of one state: ``R[t]`` matrices and a units × time panel per concept.

        Parameters
        ----------
        state
            ``"hidden"`` or ``"cell"``.
        event_steps
            0-based steps at which concepts enter, marked by triangles.
        vmax
            Relay (bits) of the darkest colour.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from inforelay.figures.relay import plot_relay_over_time

        if state not in self.states:
            raise ValueError(f"state {state!r} not analysed; available: {', '.join(self.states)}")
        return plot_relay_over_time(
            self.contribution[self.states.index(state)],
            self.concept_names,
            event_steps=event_steps,
            analysis_step=self.analysis_step,
            vmax=vmax,
            label="relay (bits)" if self.correction is None else "bias-corrected relay (bits; < 0 as 0)",
        )


def _concepts(concepts: Any, n: int) -> np.ndarray:
    """``(n, C)`` int8 0/1 concepts (a 1-D array is one concept); checked by the relay package."""
    arr = check_concepts(concepts)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"concepts must be ({n}, C) 0/1, got shape {arr.shape}")
    return arr


def _outputs_at(outputs: Any, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(n, T, C)`` outputs and their answer steps; ``(n, C)`` answers become one step (step 0)."""
    arr = np.asarray(outputs)
    if arr.ndim == 2:
        return arr[:, None, :], np.zeros_like(steps)
    if arr.ndim != 3:
        raise ValueError(f"outputs must be (n, T, C) or (n, C), got shape {arr.shape}")
    return arr, steps


def _concept_names(given: Sequence[str] | None, stored: Any, n_concepts: int) -> list[str] | None:
    """The given names (checked against ``n_concepts``), else the recording's if they fit, else ``None``."""
    if given is None:
        return None if stored is None or len(stored) != n_concepts else [str(c) for c in stored]
    if len(given) != n_concepts:
        raise ValueError(f"{len(given)} concept_names for {n_concepts} concepts")
    return [str(c) for c in given]


def _relay_inputs(
    recording: Any, concepts: Any, answer_step: Any, outputs: Any, concept_names: Sequence[str] | None
) -> Recording:
    """The recording with the labels and outputs of the call; arguments left ``None`` come from it.

    A path is read here, at the edge (:func:`inforelay.load_recording`).
    """
    if isinstance(recording, (str, os.PathLike)):
        recording = load_recording(recording)
    rec = as_recording(recording)
    n = rec.n_samples
    concepts = rec.concepts if concepts is None else concepts
    answer_step = rec.answer_step if answer_step is None else answer_step
    outputs = rec.outputs if outputs is None else outputs
    if concepts is None or answer_step is None:
        raise ValueError(f"{rec.source}: find_relays needs concepts (n, C) and answer_step (int or (n,))")
    if outputs is None:
        raise ValueError(f"{rec.source}: the recording has no outputs: record with a readout, or pass outputs=")
    concepts = _concepts(concepts, n)
    outputs, steps = _outputs_at(outputs, as_answer_steps(answer_step, n))
    attrs = dict(rec.attrs)
    names = _concept_names(concept_names, attrs.get("concept_names"), concepts.shape[1])
    attrs.pop("concept_names", None)
    if names is not None:
        attrs["concept_names"] = names  # the relay's warnings name them too
    extras = {**rec.extras, "concepts": concepts, "answer_step": steps}
    source = rec.source if rec.source != "<memory>" else "recording"
    return Recording(rec.inputs, rec.hidden, rec.cell, outputs, extras, attrs, source)


def find_relays(
    recording: Any,
    concepts: Any = None,
    *,
    answer_step: int | np.ndarray | None = None,
    outputs: Any = None,
    threshold: float = 0.0,
    states: Sequence[str] | None = None,
    method: str = "kmeans",
    n_shuffles: int = 0,
    seed: int = 0,
    concept_names: Sequence[str] | None = None,
    correction: str | None = "shuffle",
    null_shuffles: int = 20,
) -> Relays:
    """Relay of every unit about every concept at every step of a recording (docs/relay.md §5).

    Parameters
    ----------
    recording
        A :class:`~inforelay.core.recordings.Recording` (from ``inforelay.record`` or
        ``inforelay.load_recording``), the path of a recording file (read with
        ``load_recording``), or any object with ``hidden (n, T, N)`` (and optionally ``cell``,
        ``outputs``, ``concepts``, ``answer_step``, ``attrs``).
    concepts
        ``(n, C)`` 0/1 (or ±1): what the network must report. Default: stored with the recording.
    answer_step
        0-based step at which the answers are read: an int or ``(n,)`` ints. Default: stored
        with the recording.
    outputs
        The network's outputs, ``(n, T, C)`` or the answers ``(n, C)``; default: the
        recording's ``outputs``. The answer for concept ``c`` is ``output > threshold``.
    threshold
        Decision threshold of the outputs (0.0 for ±1 targets and logits, 0.5 for sigmoid
        outputs; outputs all in [0, 1] with threshold 0 are refused).
    states
        States to analyse; default ``("hidden",)``, plus ``"cell"`` for an LSTM.
    method
        Binarization of the units (``"kmeans"``: exact 1-D 2-means; ``"median"``).
    n_shuffles, seed
        Shuffle-null permutations of the concept per search for ``p_value`` (0: none) and the
        seed of every permutation (this null and the bias null).
    concept_names
        Names of the concepts for tables and plots; default: the recording's ``concept_names``
        attribute, if any.
    correction
        ``"shuffle"`` (default): subtract from every plug-in ``contribution`` and ``full`` its
        mean over ``null_shuffles`` searches on concepts and answers permuted together across
        sequences (the units kept), so units that relay nothing report about 0 at any sample
        size (docs/relay.md, "Bias-aware relay"). ``None``: the plug-in estimate of the
        paper's pipeline.
    null_shuffles
        Permutations of the bias null (cost: ``1 + null_shuffles`` searches per state, step and
        concept instead of one).

    Returns
    -------
    Relays

    Raises
    ------
    ValueError
        For missing or inconsistent concepts, answer steps or outputs, or bad settings.

    Warns
    -----
    inforelay.relay.RelayWarning
        For a concept whose relay is zero at every step, naming the likely cause; for fewer than
        :data:`MIN_RELIABLE_SAMPLES` sequences; and when the bias null's ``full`` exceeds
        :data:`UNDERSAMPLED_NULL_BITS` (too many units for the sample).
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be 'shuffle' or None, got {correction!r}")
    inputs = _relay_inputs(recording, concepts, answer_step, outputs, concept_names)
    n = int(np.shape(inputs.hidden)[0])
    if n < MIN_RELIABLE_SAMPLES:
        warnings.warn(
            f"only {n} sequences: relay estimates from fewer than {MIN_RELIABLE_SAMPLES} are unreliable "
            "(docs/relay.md, 'Bias-aware relay')",
            RelayWarning,
            stacklevel=2,
        )
    results = relay_all_states(
        inputs, method=method, n_shuffles=n_shuffles, seed=seed, states=states, threshold=threshold
    )
    null = None
    if correction == "shuffle":
        null = _bias_null(inputs, tuple(results), method, seed, threshold, null_shuffles)
        _warn_if_undersampled(null[1], tuple(results), inputs.attrs.get("concept_names"))
    return Relays.from_results(results, inputs.attrs.get("concept_names"), null)


def _bias_null(
    inputs: Recording, states: tuple[str, ...], method: str, seed: int, threshold: float, null_shuffles: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean null ``(contribution (S,T,C,N), full (S,T,C), null_shuffles)`` over the shuffles."""
    if isinstance(null_shuffles, bool) or not isinstance(null_shuffles, int) or null_shuffles < 1:
        raise ValueError(f"null_shuffles must be an integer >= 1 with correction='shuffle', got {null_shuffles!r}")
    nulls = shuffle_null_arrays(
        inputs, n_shuffles=null_shuffles, seed=seed, method=method, states=states, threshold=threshold
    )
    contribution = np.stack([nulls[s].contribution.mean(axis=2) for s in states])
    full = np.stack([nulls[s].full.mean(axis=2) for s in states])
    return contribution, full, null_shuffles


def _warn_if_undersampled(null_full: np.ndarray, states: tuple[str, ...], names: Sequence[str] | None) -> None:
    """A :class:`RelayWarning` for each state whose null ``full`` exceeds :data:`UNDERSAMPLED_NULL_BITS`."""
    for i, state in enumerate(states):
        worst = float(null_full[i].max())
        if worst > UNDERSAMPLED_NULL_BITS:
            step, concept = np.unravel_index(int(np.argmax(null_full[i])), null_full[i].shape)
            label = names[concept] if names is not None else concept
            warnings.warn(
                f"{state}: units that know nothing of the concepts would show {worst:.2f} bits of relay "
                f"(concept {label}, step {step}): too many units for this many sequences; the corrected "
                "relay is noisy and a real relay may be hidden (use more sequences or fewer units)",
                RelayWarning,
                stacklevel=3,
            )
