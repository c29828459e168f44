"""Relays of a recording: ``inforelay.find_relays`` and the :class:`Relays` it returns.

The computation is the relay package's relay over time (:func:`inforelay.relay.relay_all_states`,
docs/relay.md §5): for every state, step ``t`` and concept ``c``, the greedy relay search with
``X_in = concepts[:, c]``, ``X_out`` = the answer (``output > threshold`` at the answer step) and
``Y`` = the binarized units at step ``t``; inputs are checked by :mod:`inforelay.relay.validation`.
numpy only (no torch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from inforelay.api.recording import as_answer_steps
from inforelay.relay import RelayInputs, RelayOverTime, check_concepts, relay_all_states

__all__ = ["Relays", "find_relays"]


@dataclass(repr=False)
class Relays:
    """Relay of every unit about every concept at every step (what :func:`find_relays` returns).

    Arrays are numpy, dimensions named in :attr:`dims`; ``state`` indexes :attr:`states`
    (``"hidden"``, and ``"cell"`` for an LSTM), ``step`` is the 0-based time step.

    Attributes
    ----------
    contribution : np.ndarray
        ``(state, step, concept, unit)`` bits: the drop of ``I_R`` when the greedy search removes
        the unit (sums over units to ``full``); the paper's ``R[t, c, unit]``.
    node_relay : np.ndarray
        ``(state, step, concept, unit)`` the authors' accumulated loss (docs/relay.md §3).
    full : np.ndarray
        ``(state, step, concept)`` bits relayed by all units together.
    p_value, null_mean : np.ndarray or None
        ``(state, step, concept)`` shuffle null of ``full`` (``n_shuffles > 0``), else ``None``.
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

    dims: ClassVar[dict[str, tuple[str, ...]]] = {
        "contribution": ("state", "step", "concept", "unit"),
        "node_relay": ("state", "step", "concept", "unit"),
        "full": ("state", "step", "concept"),
        "p_value": ("state", "step", "concept"),
        "null_mean": ("state", "step", "concept"),
    }

    @classmethod
    def from_results(cls, results: dict[str, RelayOverTime], concept_names: Sequence[str] | None) -> Relays:
        """Stack the per-state results of :func:`inforelay.relay.relay_all_states`."""
        first = next(iter(results.values()))

        def stack(name: str) -> np.ndarray | None:
            values = [getattr(res, name) for res in results.values()]
            return None if values[0] is None else np.stack(values)

        names = None if concept_names is None else tuple(str(c) for c in concept_names)
        return cls(
            contribution=stack("contribution"),
            node_relay=stack("node_relay"),
            full=stack("full"),
            p_value=stack("p_value"),
            null_mean=stack("null_mean"),
            states=tuple(results),
            concept_names=names,
            analysis_step=int(first.analysis_step),
            results=dict(results),
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
            all units, repeated over units), ``removal_rank`` (0 = removed first by the greedy
            search), ``removal_loss`` (bits, :attr:`removal_loss`) and, with a shuffle null,
            ``p_value``, ``null_mean``.
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
) -> RelayInputs:
    """The relay package's inputs from a recording; arguments left ``None`` come from the recording."""
    hidden = np.asarray(recording.hidden)
    n = hidden.shape[0]
    extras = getattr(recording, "extras", None) or {}
    concepts = extras.get("concepts") if concepts is None else concepts
    answer_step = extras.get("answer_step") if answer_step is None else answer_step
    outputs = getattr(recording, "outputs", None) if outputs is None else outputs
    if concepts is None or answer_step is None:
        raise ValueError("find_relays needs concepts (n, C) and answer_step (int or (n,))")
    if outputs is None:
        raise ValueError("the recording has no outputs: record with a readout, or pass outputs=")
    concepts = _concepts(concepts, n)
    outputs, steps = _outputs_at(outputs, as_answer_steps(answer_step, n))
    attrs = dict(getattr(recording, "attrs", None) or {})
    names = _concept_names(concept_names, attrs.get("concept_names"), concepts.shape[1])
    attrs.pop("concept_names", None)
    if names is not None:
        attrs["concept_names"] = names  # the relay's warnings name them too
    cell = getattr(recording, "cell", None)
    return RelayInputs(hidden, outputs, concepts, steps, cell=cell, attrs=attrs, source="recording")


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
) -> Relays:
    """Relay of every unit about every concept at every step of a recording (docs/relay.md §5).

    Parameters
    ----------
    recording
        A :class:`~inforelay.api.recording.Recording` (from ``inforelay.record`` or
        ``inforelay.load_recording``), or any object with ``hidden (n, T, N)`` (and optionally
        ``cell``, ``outputs``, ``attrs``).
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
        Shuffle-null permutations of the concept per search (0: none) and their seed.
    concept_names
        Names of the concepts for tables and plots; default: the recording's ``concept_names``
        attribute, if any.

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
        For a concept whose relay is zero at every step, naming the likely cause.
    """
    inputs = _relay_inputs(recording, concepts, answer_step, outputs, concept_names)
    results = relay_all_states(
        inputs, method=method, n_shuffles=n_shuffles, seed=seed, states=states, threshold=threshold
    )
    return Relays.from_results(results, inputs.attrs.get("concept_names"))
