"""Figures 1-13 of the paper from the run's tables and files (rules ``fig*``; no torch).

Each function draws one figure (family) and writes it as PNG and PDF next to each other
(:func:`inforelay.figures.save`); ``png`` is the PNG output path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.core.keys import keys_from_path
from inforelay.core.seeding import derive_rng
from inforelay.figures import save
from inforelay.figures.generalization import plot_generalization
from inforelay.figures.knockout import plot_knockout
from inforelay.figures.latent import (
    plot_pca_states,
    plot_removal_pca,
    plot_removal_scores,
)
from inforelay.figures.relay import (
    plot_greedy_relay,
    plot_relay_architectures,
    plot_relay_over_time,
)
from inforelay.figures.stability import plot_concept_distribution, plot_stability
from inforelay.figures.style import TASK_LABELS, network_title
from inforelay.figures.tasks import plot_italypower, plot_tasks
from inforelay.nets.recording import read_activations
from inforelay.relay import read_relay, read_relay_attrs
from inforelay.tasks import CONCEPT_NAMES, generate, real_task_split, task_params

__all__ = [
    "STABILITY_MEASURES",
    "fig_distribution",
    "fig_generalization",
    "fig_greedy",
    "fig_italypower",
    "fig_knockout",
    "fig_pca",
    "fig_pca_removal",
    "fig_relay_architectures",
    "fig_relay_time",
    "fig_stability",
    "fig_tasks",
]

PathLike = str | os.PathLike[str]
#: figure name (the rule's ``measure`` wildcard) → the stability table's measure
STABILITY_MEASURES = {"correlation": "r", "overlap": "overlap"}
_KEY_DTYPES = {"delay_regime": str}


def _save(figure: Any, png: PathLike) -> None:
    save(figure, str(png).removesuffix(".png"))


def _table(path: PathLike) -> pd.DataFrame:
    return pd.read_csv(path, dtype=_KEY_DTYPES)


def fig_tasks(png: PathLike, tasks: Mapping[str, Mapping[str, Any]], delay: int) -> None:
    """Fig. 1: eight generated sequences of each task (``tasks``: task → its config section)."""
    examples = {
        task: generate(task, 8, delay, derive_rng("figure", task), task_params(task, settings))
        for task, settings in tasks.items()
    }
    _save(plot_tasks(examples["memory"], examples["block"]), png)


def fig_italypower(png: PathLike, settings: Mapping[str, Any], delay: int) -> None:
    """Fig. 1 of the real-world task: its held-out analysis days and one sequence per season at
    ``delay`` (``settings``: :func:`inforelay.pipeline.config.split_settings` of the analysis split)."""
    params = task_params("italypower", settings["params"])
    data = real_task_split("italypower", "analysis", delay, derive_rng("figure", "italypower"), params)
    _save(plot_italypower(data), png)


def fig_generalization(table: PathLike, png: PathLike) -> None:
    """Fig. 2: accuracy vs evaluation delay (the generalization table)."""
    _save(plot_generalization(pd.read_csv(table)), png)


def fig_greedy(relay: PathLike, png: PathLike) -> None:
    """Fig. 3: the greedy search of one network at t_k: ``I_R`` after each removal and the loss
    at each removal (:func:`inforelay.relay.loss_at_removal`, in removal order)."""
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    a = read_relay_attrs(relay)
    title = (f"Greedy relay search at $t_k$ = {t_k + 1}: {_network_of(a)} "
             f"(analysis set, {hidden.n_samples} sequences)")
    _save(plot_greedy_relay(hidden.curve[t_k], hidden.order[t_k], a["concept_names"], title=title),
          png)


def fig_knockout(table: PathLike, task: str, png: PathLike, ablation: str) -> None:
    """Figs. 4/5: accuracy per concept after knocking out relay, non-relay and random sets (one
    task; the ``random`` regime's networks when the run has them), on the held-out test set
    under the primary ``ablation`` (config ``knockout.ablation``)."""
    df = _table(table)
    regimes = set(df.loc[df["task"] == task, "delay_regime"])
    figure = plot_knockout(df, task=task, delay_regime="random" if "random" in regimes else None,
                           concept_names=CONCEPT_NAMES[task], ablation=ablation, data="test")
    _save(figure, png)


def _network_of(attrs: Mapping[str, Any]) -> str:
    """The network a file's attributes name (:func:`inforelay.figures.style.network_title`);
    ``"one network"`` when a hand-made file does not say."""
    keys = ("task", "model", "delay_regime", "replicate")
    if not all(k in attrs for k in keys):
        return "one network"
    return network_title(*(attrs[k] for k in keys))


def _null_level(corrected: Sequence[PathLike]) -> float:
    """Mean shuffle-null contribution of a unit (hidden state, analysis step) over the given
    networks' corrected-relay tables: the level the plug-in relay reports for units that carry
    nothing (``nan`` when the null was not run)."""
    levels = []
    for path in corrected:
        df = _table(path)
        at_t_k = df[(df["state"] == "hidden") & (df["step"] == df["analysis_step"])]
        levels.append(float(at_t_k["null_contribution"].mean()))
    return float(np.nanmean(levels)) if levels and np.isfinite(levels).any() else float("nan")


def fig_relay_time(relay: PathLike, corrected: PathLike, png: PathLike) -> None:
    """Fig. 6: relay of every unit about every concept over time, one network (named in the
    title), with the shuffle-null level of a unit marked on the colour bar."""
    hidden = read_relay(relay)["hidden"]
    attrs = read_relay_attrs(relay)
    title = (f"Relay over time: {_network_of(attrs)}"
             f" (analysis set, {hidden.n_samples} sequences; red line: shuffle-null level of a unit at t_k)")
    figure = plot_relay_over_time(hidden.contribution, attrs["concept_names"],
                                  event_steps=attrs["event_steps"], analysis_step=hidden.analysis_step,
                                  title=title, null_level=_null_level([corrected]))
    _save(figure, png)


def relay_block_titles(fixed_delay: str | None, analysis_delay: int) -> dict[str, str]:
    """Titles of Fig. 7's blocks: the fixed-delay networks (the paper's delay 5, or the run's
    largest fixed delay, said so) and the random-delay networks."""
    fixed = f"networks trained with delay {fixed_delay}"
    if fixed_delay is not None and str(fixed_delay) != "5":
        fixed += "\n(the largest fixed delay of this run; the paper shows delay 5)"
    return {
        "fixed": fixed,
        "random": f"networks trained with random delays 1–5, analysed at delay {analysis_delay}",
    }


def ranked_at(contribution: np.ndarray, step: int) -> np.ndarray:
    """``(T, C, N)`` contributions with each concept's units reordered by their contribution at
    ``step``, largest first: unit indices are arbitrary from network to network, ranks at
    ``t_k`` are not, so ranked maps can be averaged over networks."""
    R = np.asarray(contribution)
    order = np.argsort(-R[step], axis=1, kind="stable")  # (C, N)
    return np.take_along_axis(R, order[None, :, :], axis=2)


def _mean_relay(paths: Sequence[PathLike], models: Sequence[str]) -> tuple[dict[str, np.ndarray], Any, int]:
    """Per architecture, the mean over its networks' relay files of the contributions with the
    units ranked per network and concept by their contribution at ``t_k`` (:func:`ranked_at`);
    the first file's result (for the steps) and the number of networks per architecture."""
    by_model: dict[str, list[np.ndarray]] = {}
    first = None
    for path in paths:
        result = read_relay(path)["hidden"]
        first = first or result
        by_model.setdefault(str(keys_from_path(str(path))["model"]), []).append(
            ranked_at(result.contribution, result.analysis_step))
    shapes = {m: {r.shape for r in rs} for m, rs in by_model.items()}
    if any(len(s) != 1 for s in shapes.values()):
        raise ValueError(f"fig07_relay_architectures: relay files of different shapes {shapes}")
    counts = {len(rs) for rs in by_model.values()}
    means = {m: np.mean(by_model[m], axis=0) for m in models if m in by_model}
    return means, first, min(counts) if counts else 0


def fig_relay_architectures(
    fixed: Sequence[PathLike],
    random: Sequence[PathLike],
    fixed_corrected: Sequence[PathLike],
    random_corrected: Sequence[PathLike],
    models: Sequence[str],
    fixed_delay: str | None,
    analysis_delay: int,
    png: PathLike,
) -> None:
    """Fig. 7: relay over time per architecture, the mean over every replicate of a condition
    with each network's units ranked by their relay at ``t_k`` (``fixed`` and ``random``: relay
    files of every replicate of each architecture of the example task; either may be empty),
    fixed-delay networks above, random below: a relay that stays on its units keeps the top
    ranks dark after ``t_k``, one that moves fades into the others. Each block's colour bar
    marks the shuffle-null level of a unit (from the ``*_corrected`` tables)."""
    titles = relay_block_titles(fixed_delay, analysis_delay)
    blocks, nulls, first, n_reps = {}, {}, None, []
    for kind, paths, corrected in (("fixed", fixed, fixed_corrected),
                                   ("random", random, random_corrected)):
        if not len(paths):
            continue
        means, result, n = _mean_relay(paths, models)
        blocks[titles[kind]], nulls[titles[kind]] = means, _null_level(corrected)
        first, n_reps = first or result, [*n_reps, n]
    if not blocks:
        raise ValueError("fig07_relay_architectures: no relay files (inputs 'fixed' and 'random' are empty)")
    attrs = read_relay_attrs((list(fixed) + list(random))[0])
    task = TASK_LABELS.get(str(attrs.get("task")), str(attrs.get("task", "")))
    title = (f"Relay over time, {task}: mean over the {min(n_reps)} replicates of each "
             "architecture and training regime, each network's units ranked by their relay at "
             "t_k (rank 0 = most; analysis sets; red line: shuffle-null level of a unit at t_k)")
    figure = plot_relay_architectures(blocks, attrs["concept_names"], event_steps=attrs["event_steps"],
                                      analysis_step=first.analysis_step, null_levels=nulls,
                                      title=title, unit_label="unit rank at $t_k$")
    _save(figure, png)


def fig_stability(table: PathLike, measure: str, png: PathLike) -> None:
    """Figs. 8/9: stability of the relay distribution over time (``measure``: a key of
    :data:`STABILITY_MEASURES`)."""
    _save(plot_stability(_table(table), measure=STABILITY_MEASURES[measure]), png)


def fig_distribution(table: PathLike, task: str, png: PathLike) -> None:
    """Figs. 10/11: how many concepts each unit carries, how many units carry a concept."""
    figure = plot_concept_distribution(_table(table), task=task, concept_names=CONCEPT_NAMES[task])
    _save(figure, png)


def fig_pca(activations: PathLike, png: PathLike) -> None:
    """Fig. 12: PCA of the hidden state at t_k, coloured by the 8 concept states."""
    recording = read_activations(activations)
    t_k = recording.info_length - 1
    a = recording.attrs
    title = (f"{_network_of(a)}: hidden "
             f"state at $t_k$ = {t_k + 1} (time point), analysis set")
    figure = plot_pca_states(recording.hidden[:, t_k, :], recording.concepts,
                             recording.concept_names, title=title)
    _save(figure, png)


def fig_pca_removal(activations: PathLike, relay: PathLike, scores: PathLike, table: PathLike,
                    png: PathLike, summary_png: PathLike) -> None:
    """Fig. 13: PCA as units are removed in relay order vs at random (one network), and the
    cluster scores over all networks of that network's task (``summary_png``)."""
    recording = read_activations(activations)
    hidden = read_relay(relay)["hidden"]
    t_k = hidden.analysis_step
    a = recording.attrs
    title = (f"Removing units in relay order vs at random: {_network_of(a)} "
             "(PCA panels: analysis set; scores: held-out test set; order: analysis set's relay)")
    figure = plot_removal_pca(recording.hidden[:, t_k, :], recording.concepts, hidden.order[t_k],
                              pd.read_csv(scores), recording.concept_names, curve=hidden.curve[t_k],
                              title=title)
    _save(figure, png)
    # the summary shows the example network's task (the paper's: memory), all its regimes
    _save(plot_removal_scores(_table(table), task=str(recording.attrs["task"])), summary_png)
