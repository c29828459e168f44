"""Evaluations of a user's model by knockouts: ``inforelay.knockout_effects`` (accuracy after
knocking out relay, non-relay and random sets, the paper's Figs. 4/5 for one network), its plot,
and ``inforelay.unit_redundancy`` (whether a ranking's top units back each other up, so that
knocking one out cannot bite).

Both run the model through one :data:`inforelay.analyses.knockout.KnockoutRunner` built here, so
any model :func:`inforelay.record` takes is evaluated the same way; torch is imported only when
they are called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["knockout_effects", "plot_knockout_effects", "unit_redundancy"]


@dataclass(frozen=True)
class _Setup:
    """What both evaluations need: batch-first float32 inputs, 0/1 labels, answer steps, the
    ranked state's relay result and the knockout step."""

    inputs: np.ndarray
    labels: np.ndarray
    answer_step: np.ndarray
    result: Any
    step: int


def _setup(model: Any, inputs: Any, relays: Any, concepts: Any, answer_step: Any, state: str, step: int | None) -> _Setup:
    from inforelay.api.recording import as_answer_steps
    from inforelay.nets.hooked import is_direct
    from inforelay.nets.record import batch_first_inputs
    from inforelay.relay.validation import check_concepts

    x = batch_first_inputs(model, inputs, None) if is_direct(model) else inputs
    x = np.asarray(x.detach().cpu() if hasattr(x, "detach") else x, dtype=np.float32)
    if state not in relays.states:
        raise ValueError(f"state {state!r} not in the relays; available: {', '.join(relays.states)}")
    result = relays.results[state]
    step = int(result.analysis_step if step is None else step)
    if not 0 <= step < result.order.shape[0]:
        raise ValueError(f"step={step} is outside the relays' steps (0..{result.order.shape[0] - 1})")
    labels = check_concepts(concepts)
    labels = labels[:, None] if labels.ndim == 1 else labels
    if labels.shape != (x.shape[0], result.order.shape[1]):
        raise ValueError(f"concepts must be ({x.shape[0]}, {result.order.shape[1]}) 0/1, got shape {labels.shape}")
    return _Setup(x, labels, as_answer_steps(answer_step, x.shape[0]), result, step)


def _knockout_runner(
    model: Any, readout: Callable[[Any], Any] | None, threshold: float, h0: Any, c0: Any, batch_first: bool | None
) -> Callable[..., np.ndarray]:
    """A knockout runner (:data:`inforelay.analyses.knockout.KnockoutRunner`) of any model: the
    outputs ``(S, n, T, C)`` minus ``threshold`` (so that ``> 0`` is the answer)."""
    from inforelay.api.model import knock_out, record
    from inforelay.nets.hooked import is_direct
    from inforelay.nets.record import module_batch_first, run_module

    def run(inputs: np.ndarray, masks: np.ndarray, *, knockout_start: int, mode: str, ablation: str,
            ablation_seed: int, perturbation: Any = None) -> np.ndarray:  # fmt: skip
        if is_direct(model):
            # the experiment's inputs are batch first; hand them to the module in its own layout
            own = inputs if module_batch_first(model) else np.ascontiguousarray(inputs.transpose(1, 0, 2))
            out = run_module(
                model, own, readout=readout, knockout_masks=masks, knockout_start=knockout_start, mode=mode,
                ablation=ablation, ablation_seed=ablation_seed, h0=h0, c0=c0,
            ).outputs
        else:
            import torch

            inputs = torch.as_tensor(inputs)  # a custom forward takes tensors
            out = np.stack([
                knock_out(model, inputs, units=np.flatnonzero(m).tolist(), step=knockout_start, readout=readout,
                          mode=mode, ablation=ablation, ablation_seed=ablation_seed).outputs
                if m.any() else record(model, inputs, readout=readout).outputs
                for m in masks
            ])  # fmt: skip
        if out is None:
            raise ValueError("knockout_effects needs the model's outputs: pass readout=")
        return out - np.float32(threshold)

    return run


def knockout_effects(
    model: Any,
    inputs: Any,
    relays: Any,
    *,
    concepts: Any,
    answer_step: int | np.ndarray,
    readout: Callable[[Any], Any] | None = None,
    state: str = "hidden",
    step: int | None = None,
    sizes: Sequence[int] | None = None,
    n_random: int = 20,
    seed: int = 0,
    ablation: str = "mean",
    mode: str = "clamp",
    threshold: float = 0.0,
    set_kinds: Sequence[str] = ("relay", "random", "nonrelay"),
    spread: float = 0.95,
) -> Any:
    """Accuracy of every concept after knocking out each concept's top-``k`` relay units, the
    ``k`` least relaying units and random ``k``-sets (the paper's Figs. 4/5, for one network).

    Units are ranked per concept by their greedy removal order at ``step`` (later removal = more
    relaying; the top-``k`` set is the greedy relay set of size ``k``); the sets are those of the
    pipeline's knockout experiment (:func:`inforelay.analyses.knockout.knockout_experiment`),
    ablated from ``step`` to the end.

    Parameters
    ----------
    model, inputs, readout
        As for :func:`record` (a custom module's inputs as its forward takes them; torch modules'
        batch first).
    relays
        The :class:`~inforelay.api.relays.Relays` of ``model`` on ``inputs`` (or on other
        sequences of the same task, to rank units on one set and test them on another).
    concepts, answer_step
        ``(n, C)`` 0/1 concepts and the 0-based answer step(s) of ``inputs``.
    state
        The state whose ranking is used (``"hidden"`` or, for an LSTM, ``"cell"``); a knockout
        ablates both ``h`` and ``c`` of the chosen units.
    step
        0-based knockout step (default: the relays' analysis step).
    sizes, n_random, seed, set_kinds
        Set sizes (default ``N .. 1``), random sets per size and their seed, and the kinds.
    ablation, mode
        As for :func:`knock_out` (default ``"mean"``, ``"clamp"``).
    threshold
        Decision threshold of the outputs (as for ``find_relays``).
    spread
        Central fraction of the random sets' accuracies reported as ``accuracy_low``/``_high``.

    Returns
    -------
    pandas.DataFrame
        One row per (``concept`` whose units are knocked out, ``knocked``: ``baseline`` |
        ``relay`` | ``nonrelay`` | ``random``, ``k``, ``evaluated_concept``): ``accuracy`` (mean
        over the random sets), ``accuracy_low``/``accuracy_high`` (the random sets' central
        ``spread``; equal to ``accuracy`` for single sets) and ``n_sets``. ``attrs["sets"]`` holds
        the per-set table.
    """
    from inforelay.analyses.knockout import knockout_experiment
    from inforelay.analyses.knockout_sets import removal_rank

    setup = _setup(model, inputs, relays, concepts, answer_step, state, step)
    result, step = setup.result, setup.step
    shape = type("Shape", (), {"n_hidden": result.order.shape[-1], "n_outputs": setup.labels.shape[1]})
    data = type("Data", (), {})()
    data.inputs, data.targets = setup.inputs, 2.0 * setup.labels - 1.0
    data.answer_step = setup.answer_step
    data.concept_names = relays.concept_names
    table = knockout_experiment(
        shape, data, removal_rank(result.order[step]), knockout_step=step, mode=mode, n_random=n_random,
        seed=seed, sizes=sizes, ablation=ablation, set_kinds=set_kinds, chunk_sets=64,
        runner=_knockout_runner(model, readout, threshold, None, None, None),
    )  # fmt: skip
    low, high = (1 - spread) / 2, 1 - (1 - spread) / 2
    keys = ["ranked_concept", "set_kind", "k", "evaluated_concept"]
    summary = table.groupby(keys, sort=False)["accuracy"].agg(
        accuracy="mean", accuracy_low=lambda a: a.quantile(low), accuracy_high=lambda a: a.quantile(high),
        n_sets="size",
    ).reset_index().rename(columns={"ranked_concept": "concept", "set_kind": "knocked"})  # fmt: skip
    summary.attrs["sets"] = table
    return summary


def plot_knockout_effects(effects: Any, *, title: str | None = None) -> Any:
    """Figs. 4/5 for one network: accuracy of each concept after its top-``k`` relay, non-relay
    and random sets are knocked out (:func:`knockout_effects`' table), one panel per concept.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    concepts = list(dict.fromkeys(effects["concept"]))
    fig, axes = plt.subplots(1, len(concepts), figsize=(3.2 * len(concepts) + 0.6, 3.0), sharey=True, squeeze=False)
    styles = {"relay": ("C3", "o", "relay top-k"), "nonrelay": ("C2", "s", "least-relaying k"),
              "random": ("0.4", "^", "random k (mean, central band)")}  # fmt: skip
    for ax, concept in zip(axes[0], concepts):
        own = effects[(effects["concept"] == concept) & (effects["evaluated_concept"] == concept)]
        base = own[own["knocked"] == "baseline"]["accuracy"]
        for kind, (color, marker, label) in styles.items():
            rows = own[own["knocked"] == kind].sort_values("k")
            if rows.empty:
                continue
            ax.plot(rows["k"], rows["accuracy"], marker=marker, color=color, label=label, ms=4)
            if kind == "random":
                ax.fill_between(rows["k"], rows["accuracy_low"], rows["accuracy_high"], color=color, alpha=0.2, lw=0)
        if len(base):
            ax.axhline(float(base.iloc[0]), color="k", lw=0.8, ls=":", label="intact")
        ax.set_title(f"concept {concept}")
        ax.set_xlabel("units knocked out (k)")
        ax.set_ylim(-0.02, 1.02)
        ks = sorted(set(own["k"]) - {0})
        ax.set_xticks(ks if len(ks) <= 12 else ks[:: max(1, len(ks) // 8)])
    axes[0, 0].set_ylabel("accuracy of the concept")
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(names), frameon=False, fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


REDUNDANCY_COLUMNS = (
    "concept", "rank", "unit", "partners", "accuracy_intact", "accuracy_alone", "accuracy_partners",
    "accuracy_all", "drop_alone", "drop_last", "redundancy",
)  # fmt: skip
"""Columns of :func:`unit_redundancy`, one row per (concept, top unit)."""


def _top_units(result: Any, step: int, concept: int, k: int, units: Mapping[Any, Sequence[int]] | None, name: Any) -> list[int]:
    """The given units of a concept, else its ``k`` most relaying units (last removed first)."""
    if units is not None:
        chosen = units.get(name, units.get(concept)) if isinstance(units, Mapping) else None
        if chosen is None:
            raise ValueError(f"units has no entry for concept {name!r}")
        chosen = [int(u) for u in chosen]
        n_units = result.order.shape[-1]
        if not chosen or len(set(chosen)) != len(chosen) or min(chosen) < 0 or max(chosen) >= n_units:
            raise ValueError(f"units of concept {name!r} must be distinct indices in 0..{n_units - 1}, got {chosen}")
        return chosen
    return [int(u) for u in result.order[step, concept][::-1][:k]]


def unit_redundancy(
    model: Any,
    inputs: Any,
    relays: Any,
    *,
    concepts: Any,
    answer_step: int | np.ndarray,
    readout: Callable[[Any], Any] | None = None,
    k: int = 3,
    units: Mapping[Any, Sequence[int]] | None = None,
    state: str = "hidden",
    step: int | None = None,
    ablation: str = "mean",
    mode: str = "clamp",
    threshold: float = 0.0,
    seed: int = 0,
    min_drop: float = 0.05,
) -> Any:
    """Whether each concept's top relay units back each other up: the accuracy drop when a unit
    is knocked out alone against the drop when it goes last, after its partners.

    For concept ``c`` with top set ``K`` (its ``k`` most relaying units at ``step``, or
    ``units[c]``) and ``u`` in ``K``, with ``acc(S)`` the accuracy of concept ``c`` once the
    units ``S`` are knocked out from ``step`` on:

    - ``drop_alone = acc(∅) − acc({u})``: what removing ``u`` costs while its partners work;
    - ``drop_last = acc(K − {u}) − acc(K)``: what it costs once they are gone;
    - ``redundancy = (drop_last − drop_alone) / max(drop_alone, drop_last)``, clipped to
      ``[−1, 1]``: about 1 when a partner carries the same thing (knocking ``u`` out alone cannot
      bite), about 0 when ``u`` is needed whatever the others do, about −1 when ``u`` is needed
      only together with its partners (synergy: once one is gone, the rest is useless); NaN
      when both drops are below ``min_drop`` (``u`` is not needed either way).

    Parameters
    ----------
    model, inputs, relays, concepts, answer_step, readout, state, step, ablation, mode, threshold
        As for :func:`knockout_effects`.
    k
        Size of each concept's top set (ignored for the concepts of ``units``).
    units
        Optional ``{concept name or index: unit indices}``: the sets to examine instead of the
        top-``k`` of the ranking (every concept needs an entry).
    seed
        Seed of ``ablation="resample"``.
    min_drop
        Accuracy drop below which a unit counts as not needed (NaN redundancy).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REDUNDANCY_COLUMNS`, one row per (concept, unit of its set); ``rank`` 1 is
        the most relaying unit, ``partners`` the other units of the set.
    """
    import pandas as pd

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    setup = _setup(model, inputs, relays, concepts, answer_step, state, step)
    n_units = setup.result.order.shape[-1]
    names = relays.concept_names or tuple(range(setup.labels.shape[1]))
    run = _knockout_runner(model, readout, threshold, None, None, None)
    rows = []
    for c, name in enumerate(names):
        top = _top_units(setup.result, setup.step, c, min(k, n_units), units, name)
        sets = [[], *([u] for u in top), *([p for p in top if p != u] for u in top), top]
        masks = np.zeros((len(sets), n_units), dtype=bool)
        for i, chosen in enumerate(sets):
            masks[i, chosen] = True
        out = run(setup.inputs, masks, knockout_start=setup.step, mode=mode, ablation=ablation, ablation_seed=seed)
        answers = out[:, np.arange(setup.inputs.shape[0]), setup.answer_step, c] > 0  # (S, n)
        acc = (answers == setup.labels[:, c].astype(bool)).mean(axis=1)
        intact, alone, partners, everything = acc[0], acc[1 : 1 + len(top)], acc[1 + len(top) : -1], acc[-1]
        for rank, u in enumerate(top):
            drop_alone, drop_last = intact - alone[rank], partners[rank] - everything
            scale = max(drop_alone, drop_last)
            redundancy = np.nan if scale < min_drop else float(np.clip((drop_last - drop_alone) / scale, -1, 1))
            rows.append((name, rank + 1, u, tuple(p for p in top if p != u), intact, alone[rank], partners[rank],
                         everything, drop_alone, drop_last, redundancy))  # fmt: skip
    return pd.DataFrame(rows, columns=list(REDUNDANCY_COLUMNS))
