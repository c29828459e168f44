"""Knockouts: silence the units that relay a concept and measure what the network still knows.

Paper Figs. 4/5 (``docs/method.md``, knockouts). For each concept ``c`` the units are ranked by
their relay for ``c`` at the analysis step ``t_k``; the top-``k`` sets (``k = N .. 1``) are knocked
out — their hidden state (and LSTM cell state) ablated at ``t_k`` (set to 0.0, to their mean over
the sequences or to their value on another sequence) and, in ``clamp`` mode, held there up to the
answer — and the accuracy of every concept is measured at the answer step. Random sets of the
same sizes and, optionally, the bottom-``k`` (non-relay) sets are the controls, the intact
network the baseline (``k = 0``); the sets themselves come from
:mod:`inforelay.analyses.knockout_sets`.

All sets run through :func:`inforelay.nets.run_stepwise` in a few batched passes (identical
sets are run once). torch is imported only inside :func:`knockout_experiment`, so that the summary
helpers used by figures and claims stay light.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from inforelay.analyses.knockout_sets import (
    DEFAULT_SET_KINDS,
    SET_KINDS,
    knockout_sets,
    rank_units,
    removal_rank,
)
from inforelay.analyses.summary import check_columns, group_mean_ci, network_key_columns
from inforelay.core.seeding import derive_rng
from inforelay.nets.ablation import ABLATIONS  # numpy only: no torch at import
from inforelay.tasks import answer_accuracy, concept_labels

__all__ = [
    "ABLATIONS",
    "DEFAULT_SET_KINDS",
    "KNOCKOUT_COLUMNS",
    "SET_KINDS",
    "knockout_effects",
    "knockout_experiment",
    "knockout_sets",
    "knockout_summary",
    "KnockoutRunner",
    "mask_accuracy",
    "network_runner",
    "rank_units",
    "removal_rank",
    "set_accuracy",
    "set_table",
]


KNOCKOUT_COLUMNS = [
    "set_kind",
    "ranked_concept",
    "k",
    "draw",
    "evaluated_concept",
    "accuracy",
    "units",
]
#: Memory allowed for one batched pass (outputs and recurrent states of all sets in it).
_CHUNK_BYTES = 256 * 2**20
#: Columns every knockout table needs for the summaries over networks.
_SUMMARY_COLUMNS = ["set_kind", "ranked_concept", "k", "evaluated_concept", "accuracy"]


def set_accuracy(answers_at_step: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Accuracy per output: fraction of sequences whose answer has the target's sign.

    Parameters
    ----------
    answers_at_step
        ``(..., n, C)`` outputs at each sequence's answer step.
    targets
        ``(n, C)`` ±1 targets.

    Returns
    -------
    np.ndarray
        ``(..., C)``, scored by :func:`inforelay.tasks.scoring.answer_accuracy` (the answer counts
        as ``+1`` when ``output > 0``, as ``X_out`` in relay analysis, and as ``−1`` otherwise).
    """
    return answer_accuracy(answers_at_step, targets, axis=-2)


@dataclass(frozen=True)
class _Sequences:
    """The checked arrays of a knockout experiment."""

    inputs: np.ndarray  # (n, T, in) float32, cut after the last answer step
    targets: np.ndarray  # (n, C)
    answer_step: np.ndarray  # (n,) int64
    ranking: np.ndarray  # (C, N) float64


def _check_sequences(
    network: Any, data: Any, relay_ranking: np.ndarray, step: int, step_name: str
) -> _Sequences:
    """The checked arrays of an experiment that intervenes at ``step`` (argument ``step_name``)
    and reads every concept at its answer step; raises ``ValueError`` naming the culprit."""
    inputs = np.asarray(data.inputs, dtype=np.float32)
    targets = np.asarray(data.targets)
    answer_step = np.asarray(data.answer_step).astype(np.int64)
    if inputs.ndim != 3:
        raise ValueError(f"data.inputs must be (n, T, in), got shape {inputs.shape}")
    n = inputs.shape[0]
    if targets.ndim != 2 or targets.shape[0] != n:
        raise ValueError(f"data.targets must be (n, C) with n = {n}, got shape {targets.shape}")
    ranking = np.asarray(relay_ranking, dtype=np.float64)
    expected = (targets.shape[1], int(network.n_hidden))
    if ranking.shape != expected:
        raise ValueError(
            f"relay_ranking must be (C, N) = {expected}, got shape {ranking.shape}"
        )
    last = int(answer_step.max())
    if not 0 <= step <= last:
        raise ValueError(f"{step_name}={step} must lie in 0..{last} (the last answer step)")
    # steps after the last answer cannot matter
    return _Sequences(inputs[:, : last + 1], targets, answer_step, ranking)


def _check_experiment(
    network: Any, data: Any, relay_ranking: np.ndarray, knockout_step: int, mode: str, ablation: str
) -> _Sequences:
    """Validate the arguments of :func:`knockout_experiment`; raises ``ValueError`` naming the culprit."""
    seqs = _check_sequences(network, data, relay_ranking, knockout_step, "knockout_step")
    if mode not in ("clamp", "once"):
        raise ValueError(f"unknown knockout mode {mode!r} (knockout.mode); allowed: clamp, once")
    if ablation not in ABLATIONS:
        allowed = ", ".join(ABLATIONS)
        raise ValueError(f"unknown ablation {ablation!r} (knockout.ablation); allowed: {allowed}")
    if ablation == "resample" and seqs.inputs.shape[0] < 2:
        raise ValueError("ablation='resample' needs at least 2 sequences in data to borrow from")
    return seqs


def _shifted(perturbation: Callable[[int, slice], Any], offset: int) -> Callable[[int, slice], Any]:
    """``perturbation`` of a pass whose first set is set ``offset`` of the experiment."""
    return lambda t, sets: perturbation(t, slice(sets.start + offset, sets.stop + offset))


KnockoutRunner = Callable[..., np.ndarray]
"""``runner(inputs, masks, *, knockout_start, mode, ablation, ablation_seed, perturbation)``:
outputs ``(S, n, T, C)`` of the network with each of the ``S`` masks' units knocked out
(:func:`network_runner` for the pipeline's networks; ``inforelay.knockout_effects`` builds one for
any model)."""


def network_runner(network: Any) -> KnockoutRunner:
    """The :data:`KnockoutRunner` of a :class:`~inforelay.nets.models.RecurrentNetwork`:
    :func:`inforelay.nets.stepwise.run_stepwise` with its own readout."""
    from inforelay.nets.stepwise import run_stepwise  # torch only here

    def run(inputs: np.ndarray, masks: np.ndarray, **intervention: Any) -> np.ndarray:
        return run_stepwise(network, inputs, knockout_masks=masks, record_states=False, **intervention).outputs

    return run


def _distinct_set_accuracy(
    network: Any,
    seqs: _Sequences,
    masks: np.ndarray,
    *,
    knockout_step: int,
    mode: str,
    ablation: str,
    ablation_seed: int,
    chunk_sets: int | None,
    perturbation: Callable[[int, slice], Any] | None = None,
    runner: KnockoutRunner | None = None,
) -> np.ndarray:
    """``(S, C)`` accuracy of every concept with each mask's units knocked out, in batched passes.

    ``perturbation`` (:data:`inforelay.nets.stepwise.Perturbation`) sees the sets' indices into
    ``masks``, whatever the pass they run in. ``runner`` defaults to :func:`network_runner`.
    """
    from inforelay.nets.stepwise import answers  # torch only here

    run_sets = network_runner(network) if runner is None else runner

    n, n_steps = seqs.inputs.shape[:2]
    if chunk_sets is None:
        # float32 outputs of every step, plus the recurrent state and gate activations
        bytes_per_set = 4 * n * (n_steps * int(network.n_outputs) + 12 * int(network.n_hidden))
        chunk_sets = max(1, int(_CHUNK_BYTES // bytes_per_set))
    chunk = int(chunk_sets)
    acc = np.empty((masks.shape[0], seqs.targets.shape[1]))
    for lo in range(0, masks.shape[0], chunk):
        shifted = None if perturbation is None else _shifted(perturbation, lo)
        outputs = run_sets(
            seqs.inputs,
            masks[lo : lo + chunk],
            knockout_start=knockout_step,
            mode=mode,
            ablation=ablation,
            ablation_seed=ablation_seed,
            perturbation=shifted,
        )
        acc[lo : lo + chunk] = set_accuracy(answers(outputs, seqs.answer_step), seqs.targets)
    return acc


def set_table(
    sets: pd.DataFrame, per_set: np.ndarray, names: Sequence[str], columns: Sequence[str], **per_row: np.ndarray
) -> pd.DataFrame:
    """Tidy table of per-set accuracies: one row per (listed set, evaluated concept).

    The one home of the knockout and noise tables' layout.

    Parameters
    ----------
    sets
        The listed sets (``set_kind``, ``ranked_concept`` index, ``k``, ``draw``), as from
        :func:`inforelay.analyses.knockout_sets.knockout_sets`.
    per_set
        ``(len(sets), C)`` accuracy of every concept for each set.
    names
        The ``C`` concept labels.
    columns
        The table's columns, in order (a subset of the set columns, ``evaluated_concept``,
        ``accuracy`` and the keys of ``per_row``).
    per_row
        Extra per-set columns (``(len(sets),)`` arrays, e.g. ``level``, ``units``), repeated over
        the evaluated concepts.

    Returns
    -------
    pandas.DataFrame
        String columns (``set_kind``, concepts, ``units``) are ``str``.
    """
    n_concepts = len(names)
    labels = np.asarray(names, dtype=object)
    data = {
        "set_kind": np.repeat(sets["set_kind"].to_numpy(dtype=object), n_concepts),
        "ranked_concept": np.repeat(labels[sets["ranked_concept"].to_numpy()], n_concepts),
        "k": np.repeat(sets["k"].to_numpy(), n_concepts),
        "draw": np.repeat(sets["draw"].to_numpy(), n_concepts),
        "evaluated_concept": np.tile(labels, len(sets)),
        "accuracy": per_set.reshape(-1),
        **{name: np.repeat(np.asarray(values), n_concepts) for name, values in per_row.items()},
    }
    df = pd.DataFrame({col: data[col] for col in columns}, columns=list(columns))
    for col in ("set_kind", "ranked_concept", "evaluated_concept", "units"):
        if col in df:
            df[col] = df[col].astype(str)
    return df


def _knockout_table(
    sets: pd.DataFrame, masks: np.ndarray, per_set: np.ndarray, names: list[str]
) -> pd.DataFrame:
    """Tidy table: one row per (listed set, evaluated concept), columns :data:`KNOCKOUT_COLUMNS`."""
    unit_lists = np.asarray([" ".join(str(u) for u in np.flatnonzero(m)) for m in masks], dtype=object)
    return set_table(sets, per_set, names, KNOCKOUT_COLUMNS, units=unit_lists)


def mask_accuracy(
    network: Any,
    data: Any,
    masks: np.ndarray,
    *,
    knockout_step: int,
    mode: str = "clamp",
    ablation: str = "zero",
    ablation_seed: int = 0,
) -> np.ndarray:
    """``(S, C)`` accuracy of every concept with each of ``masks`` (``(S, N)`` bool) knocked out
    at ``knockout_step``: the same knockout as :func:`knockout_experiment`, on sets of your own
    (e.g. the best sets of an exhaustive search, which no ranking nests)."""
    masks = np.asarray(masks, dtype=bool)
    n_units = int(network.n_hidden)
    if masks.ndim != 2 or masks.shape[1] != n_units:
        raise ValueError(f"masks must be (S, N) with N = {n_units}, got shape {masks.shape}")
    n_concepts = np.asarray(data.targets).shape[1]
    seqs = _check_experiment(network, data, np.zeros((n_concepts, n_units)), int(knockout_step),
                             mode, ablation)
    return _distinct_set_accuracy(network, seqs, masks, knockout_step=int(knockout_step), mode=mode,
                                  ablation=ablation, ablation_seed=int(ablation_seed), chunk_sets=None)


def knockout_experiment(
    network: Any,
    data: Any,
    relay_ranking: np.ndarray,
    *,
    knockout_step: int,
    mode: str = "clamp",
    n_random: int = 20,
    seed: int,
    sizes: Sequence[int] | None = None,
    concept_names: Sequence[str] | None = None,
    random_per_concept: bool = False,
    chunk_sets: int | None = None,
    ablation: str = "zero",
    ablation_seed: int | None = None,
    set_kinds: Sequence[str] = DEFAULT_SET_KINDS,
    runner: KnockoutRunner | None = None,
) -> pd.DataFrame:
    """Knock out relay-ranked, non-relay and random unit sets and measure every concept's accuracy.

    Parameters
    ----------
    network
        A trained :class:`inforelay.nets.models.RecurrentNetwork` (or, with ``runner``, any object
        with ``n_hidden`` and ``n_outputs``).
    data
        The analysis set: ``inputs (n, T, in)``, ``targets (n, C)`` (±1), ``answer_step (n,)`` and
        optionally ``concept_names`` (:class:`inforelay.tasks.generate.TaskData`).
    relay_ranking
        ``(C, N)`` relay per concept and unit at ``knockout_step`` (e.g.
        :func:`inforelay.analyses.knockout_sets.removal_rank` of the greedy order at ``t_k``).
    knockout_step
        0-based step ``t_k`` at which units are silenced (``info_length - 1``).
    mode
        ``"clamp"`` (ablated at every step from ``t_k`` to the answer) or ``"once"`` (at ``t_k``
        only).
    n_random, sizes, random_per_concept, set_kinds
        The sets (:func:`inforelay.analyses.knockout_sets.knockout_sets`); add ``"nonrelay"`` to
        ``set_kinds`` for the bottom-``k`` sets.
    seed
        Integer seed; random sets come from ``inforelay.core.seeding.derive_rng("knockout", seed)``.
    concept_names
        Labels of the concepts (default: ``data.concept_names`` or ``"0"``, ``"1"``, …).
    chunk_sets
        Sets per batched pass (default: as many as fit in about 256 MiB); the table does not
        depend on it.
    ablation
        What the knocked-out units are set to (:func:`inforelay.nets.stepwise.run_recurrent`):
        ``"zero"`` (0.0), ``"mean"`` (their per-step mean over ``data``'s sequences in the intact
        run) or ``"resample"`` (their intact value on another sequence of ``data``, one fixed
        permutation for every step and set).
    ablation_seed
        Seed of the ``resample`` permutation (default: ``seed``; the permutation comes from
        ``derive_rng("resample", ablation_seed)``, a stream apart from the random sets').
    runner
        How the sets run (:data:`KnockoutRunner`); default :func:`network_runner` of ``network``.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per (set, evaluated concept): ``set_kind`` (``baseline`` | ``relay`` |
        ``nonrelay`` | ``random``), ``ranked_concept``, ``k`` (0 for the baseline), ``draw`` (random set index;
        0 otherwise), ``evaluated_concept``, ``accuracy``, ``units`` (knocked-out units, space
        separated, in ascending order). The baseline rows are repeated for each ranked concept.
        ``attrs`` holds ``n_sequences``, ``n_sets`` and ``n_distinct_sets``.
    """
    knockout_step = int(knockout_step)
    seqs = _check_experiment(network, data, relay_ranking, knockout_step, mode, ablation)
    given = getattr(data, "concept_names", None) if concept_names is None else concept_names
    names = concept_labels(given, seqs.targets.shape[1])
    rng = derive_rng("knockout", int(seed))
    sets, masks = knockout_sets(
        seqs.ranking,
        sizes=sizes,
        n_random=n_random,
        rng=rng,
        random_per_concept=random_per_concept,
        set_kinds=set_kinds,
    )
    distinct, inverse = np.unique(masks, axis=0, return_inverse=True)
    acc = _distinct_set_accuracy(
        network,
        seqs,
        distinct,
        knockout_step=knockout_step,
        mode=mode,
        ablation=ablation,
        ablation_seed=int(seed if ablation_seed is None else ablation_seed),
        chunk_sets=chunk_sets,
        runner=runner,
    )
    df = _knockout_table(sets, masks, acc[np.asarray(inverse).reshape(-1)], names)
    n_sequences, n_distinct = seqs.inputs.shape[0], distinct.shape[0]
    df.attrs.update(n_sequences=n_sequences, n_sets=len(sets), n_distinct_sets=n_distinct)
    return df


def knockout_summary(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean accuracy and its confidence interval over networks, per set kind, size and concept.

    Parameters
    ----------
    df
        Knockout tables of several networks concatenated, with the network key columns
        (``task``, ``model``, ``delay_regime``, ``replicate`` — those present are used).
    confidence
        Level of the Student-t interval of the mean over networks
        (:func:`inforelay.analyses.summary.group_mean_ci`; ``nan`` ends for a single network).

    Returns
    -------
    pandas.DataFrame
        Columns: the network keys except ``replicate``, then ``set_kind``, ``ranked_concept``,
        ``k``, ``evaluated_concept``, ``mean``, ``ci_low``, ``ci_high``, ``n_networks``. Random
        sets are first averaged over their draws within each network, so every network counts
        once.
    """
    check_columns(df, _SUMMARY_COLUMNS, "knockout")
    keys = network_key_columns(df)
    cells = ["set_kind", "ranked_concept", "k", "evaluated_concept"]
    per_network = df.groupby([*keys, *cells], sort=False)["accuracy"].mean().reset_index()
    by = [k for k in keys if k != "replicate"] + cells
    out = group_mean_ci(per_network, by=by, value="accuracy", confidence=confidence)
    return out.rename(columns={"n": "n_networks"})


def _accuracy_drops(df: pd.DataFrame, group: list[str], ks: list[int]) -> pd.DataFrame:
    """Relay, non-relay and random rows of sizes ``ks`` with ``drop`` = baseline accuracy − accuracy."""
    acc = df.groupby([*group, "set_kind", "k", "evaluated_concept"], sort=False)["accuracy"].mean()
    acc = acc.reset_index()
    base = acc[acc["set_kind"] == "baseline"][[*group, "evaluated_concept", "accuracy"]]
    base = base.rename(columns={"accuracy": "baseline"})
    sized = acc[acc["set_kind"].isin(["relay", "nonrelay", "random"]) & acc["k"].isin(ks)]
    merged = sized.merge(base, on=[*group, "evaluated_concept"], how="left", validate="many_to_one")
    if merged["baseline"].isna().any():
        raise ValueError("knockout table lacks baseline (k = 0) rows for some networks")
    merged["drop"] = merged["baseline"] - merged["accuracy"]
    merged["is_target"] = merged["evaluated_concept"] == merged["ranked_concept"]
    return merged


def knockout_effects(df: pd.DataFrame, sizes: Sequence[int] | None = None) -> pd.DataFrame:
    """Per network and ranked concept: does knocking out its relay set hurt that concept most?

    Accuracy drops are taken against the intact network (``k = 0``) and averaged over the set
    sizes ``sizes`` (default ``1 .. N-1``: at ``k = N`` every set is the whole layer, so relay and
    random sets are identical and all concepts fail together).

    Returns
    -------
    pandas.DataFrame
        Columns: the network keys present, ``ranked_concept``, ``target_drop`` (drop of the
        ranked concept's own accuracy), ``other_drop`` (mean drop of the other concepts),
        ``random_drop`` (drop of the ranked concept's accuracy under random sets of the same
        sizes), ``target_vs_other = target_drop − other_drop`` and ``target_vs_random =
        target_drop − random_drop`` (positive = the relay set is the more harmful, as the paper
        claims), ``n_sizes``; when the table has ``nonrelay`` rows, also ``nonrelay_drop`` (drop
        of the ranked concept's accuracy under its non-relay sets of the same sizes) and
        ``target_vs_nonrelay = target_drop − nonrelay_drop``, last (``NaN`` for a network
        without them; both absent for tables without non-relay sets). Run a table of several
        ablations or data sets (the pipeline's ``ablation``/``data`` columns) one run at a time.
    """
    check_columns(df, _SUMMARY_COLUMNS, "knockout")
    n_units = int(df["k"].max())
    ks = list(range(1, n_units)) if sizes is None else [int(k) for k in sizes]
    if not ks:
        raise ValueError(
            f"no knockout sizes to average (the table's largest set has k = {n_units})"
        )
    group = [*network_key_columns(df), "ranked_concept"]
    merged = _accuracy_drops(df, group, ks)

    def mean_drop(kind: str, target: bool) -> pd.Series:
        sel = merged[(merged["set_kind"] == kind) & (merged["is_target"] == target)]
        return sel.groupby(group, sort=False)["drop"].mean()

    out = pd.DataFrame(
        {
            "target_drop": mean_drop("relay", True),
            "other_drop": mean_drop("relay", False),
            "random_drop": mean_drop("random", True),
        }
    )
    out["target_vs_other"] = out["target_drop"] - out["other_drop"]
    out["target_vs_random"] = out["target_drop"] - out["random_drop"]
    n_sizes = merged[merged["set_kind"] == "relay"].groupby(group, sort=False)["k"].nunique()
    out["n_sizes"] = n_sizes.reindex(out.index).fillna(0).astype(np.int64)
    if (merged["set_kind"] == "nonrelay").any():
        out["nonrelay_drop"] = mean_drop("nonrelay", True).reindex(out.index)
        out["target_vs_nonrelay"] = out["target_drop"] - out["nonrelay_drop"]
    return out.reset_index()
