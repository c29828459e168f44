"""Knockouts: silence the units that relay a concept and measure what the network still knows.

Paper Figs. 4/5 (DESIGN §7). For each concept ``c`` the units are ranked by their relay for ``c``
at the analysis step ``t_k``; the top-``k`` sets (``k = N .. 1``) are knocked out — their hidden
state (and LSTM cell state) set to 0.0 at ``t_k`` and, in ``clamp`` mode, held at 0.0 up to the
answer — and the accuracy of every concept is measured at the answer step. Random sets of the
same sizes are the control, the intact network the baseline (``k = 0``).

All sets run through :func:`inforelay.nets.models.run_stepwise` in a few batched passes (identical sets
are run once). torch is imported only inside :func:`knockout_experiment`, so that the summary
helpers used by figures and claims stay light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.core.seeding import derive_rng
from inforelay.pipeline.aggregate import NETWORK_KEYS, summarize

__all__ = [
    "removal_rank",
    "SET_KINDS",
    "KNOCKOUT_COLUMNS",
    "rank_units",
    "knockout_sets",
    "set_accuracy",
    "knockout_experiment",
    "knockout_summary",
    "knockout_effects",
]

SET_KINDS = ("baseline", "relay", "random")
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


def rank_units(relay_ranking: np.ndarray) -> np.ndarray:
    """Units by descending relay per concept, ties broken by the lower unit index.

    Parameters
    ----------
    relay_ranking
        ``(C, N)`` relay per concept and unit at ``t_k`` (``node_relay`` or ``contribution``).

    Returns
    -------
    np.ndarray
        ``(C, N)`` int64: ``out[c, 0]`` is the unit relaying most about concept ``c``.
    """
    r = np.asarray(relay_ranking, dtype=np.float64)
    if r.ndim != 2:
        raise ValueError(f"relay_ranking must be (C, N), got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError("relay_ranking holds non-finite values")
    # a stable sort of -relay keeps equal values in ascending unit order
    return np.argsort(-r, axis=1, kind="stable").astype(np.int64)


def removal_rank(order: np.ndarray) -> np.ndarray:
    """Relay ranking from the greedy removal order: later removal = more relaying.

    Ranking by this score makes the top-``k`` set of a concept exactly the greedy
    relay set of size ``k`` (the units left after ``N - k`` removals) — the paper's
    "order of importance". Unlike ``node_relay``, it also ranks a lone carrier unit
    first, whose accumulated loss is ~0 because nothing is lost until its removal.

    Parameters
    ----------
    order
        ``(C, N)`` removal order per concept, least relaying first
        (:attr:`inforelay.relay.search.RelayOverTime.order` at ``t_k``).

    Returns
    -------
    np.ndarray
        ``(C, N)`` float: ``score[c, unit]`` = the unit's position in the removal order.
    """
    order = np.asarray(order)
    if order.ndim != 2:
        raise ValueError(f"order must be (C, N), got shape {order.shape}")
    expected = np.arange(order.shape[1])
    if not all(np.array_equal(np.sort(row), expected) for row in order):
        raise ValueError("every row of order must be a permutation of the units")
    # the inverse permutation: position of each unit in its concept's removal order
    return np.argsort(order, axis=1).astype(np.float64)


def _check_sizes(sizes: Sequence[int] | None, n_units: int) -> list[int]:
    if sizes is None:
        return list(range(n_units, 0, -1))
    out = [int(k) for k in sizes]
    bad = [k for k in out if not 1 <= k <= n_units]
    if bad or len(set(out)) != len(out):
        raise ValueError(
            f"knockout sizes must be distinct integers in 1..{n_units}, got {list(sizes)}"
        )
    return out


def knockout_sets(
    relay_ranking: np.ndarray,
    *,
    sizes: Sequence[int] | None = None,
    n_random: int = 20,
    rng: np.random.Generator,
    random_per_concept: bool = False,
) -> tuple[pd.DataFrame, np.ndarray]:
    """All knockout sets of the experiment: baseline, relay top-``k`` and random sets.

    Parameters
    ----------
    relay_ranking
        ``(C, N)`` relay per concept and unit.
    sizes
        Set sizes ``k`` (default ``N, N-1, …, 1``).
    n_random
        Random sets per size (``knockout.n_random``).
    rng
        Source of the random sets, drawn in a fixed order (size, then draw; with
        ``random_per_concept`` concept first).
    random_per_concept
        ``False`` (default): the random sets of a size are drawn once and listed under every
        ranked concept (a random set knows nothing about concepts, so one control serves all
        and the network runs a third as many sets). ``True``: fresh draws per concept.

    Returns
    -------
    sets : pandas.DataFrame
        One row per set: ``set_kind``, ``ranked_concept`` (index), ``k``, ``draw``.
        The baseline (``k = 0``, no unit knocked out) comes once per concept.
    masks : np.ndarray
        ``(len(sets), N)`` bool, ``True`` = knocked out.
    """
    ranked = rank_units(relay_ranking)
    n_concepts, n_units = ranked.shape
    ks = _check_sizes(sizes, n_units)
    if int(n_random) < 0:
        raise ValueError(f"n_random must be >= 0 (knockout.n_random), got {n_random}")

    def draw_random(k: int) -> np.ndarray:
        perms = np.argsort(rng.random((int(n_random), n_units)), axis=1)[:, :k]
        rm = np.zeros((int(n_random), n_units), dtype=bool)
        np.put_along_axis(rm, perms, True, axis=1)
        return rm

    shared = {k: draw_random(k) for k in ks} if (n_random and not random_per_concept) else {}
    kinds, concepts, sizes_col, draws, masks = [], [], [], [], []
    for c in range(n_concepts):
        kinds.append("baseline"), concepts.append(c), sizes_col.append(0), draws.append(0)
        masks.append(np.zeros(n_units, dtype=bool))
        for k in ks:
            m = np.zeros(n_units, dtype=bool)
            m[ranked[c, :k]] = True
            kinds.append("relay"), concepts.append(c), sizes_col.append(k), draws.append(0)
            masks.append(m)
            if n_random:
                rm = shared[k] if shared else draw_random(k)
                for d in range(int(n_random)):
                    kinds.append("random"), concepts.append(c), sizes_col.append(k), draws.append(d)
                    masks.append(rm[d])
    sets = pd.DataFrame(
        {
            "set_kind": kinds,
            "ranked_concept": np.asarray(concepts, dtype=np.int64),
            "k": np.asarray(sizes_col, dtype=np.int64),
            "draw": np.asarray(draws, dtype=np.int64),
        }
    )
    return sets, np.asarray(masks, dtype=bool).reshape(len(kinds), n_units)


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
        ``(..., C)``. The answer counts as ``+1`` when ``output > 0`` (as ``X_out`` in relay
        analysis) and as ``−1`` otherwise.
    """
    a = np.asarray(answers_at_step)
    t = np.asarray(targets)
    return np.mean((a > 0) == (t > 0), axis=-2)


def _concept_names(data: Any, concept_names: Sequence[str] | None, n: int) -> list[str]:
    names = concept_names if concept_names is not None else getattr(data, "concept_names", None)
    if names is None:
        return [str(c) for c in range(n)]
    names = [str(c) for c in names]
    if len(names) != n:
        raise ValueError(f"{len(names)} concept names for {n} concepts")
    return names


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
) -> pd.DataFrame:
    """Knock out relay-ranked and random unit sets and measure every concept's accuracy.

    Parameters
    ----------
    network
        A trained :class:`inforelay.nets.models.RecurrentNetwork`.
    data
        Sequences with ``inputs (n, T, in)``, ``targets (n, C)`` (±1) and ``answer_step (n,)``
        — a :class:`inforelay.tasks.generate.TaskData` or :class:`inforelay.nets.recording.Activations`
        (the network's analysis set). ``concept_names`` is read from it when present.
    relay_ranking
        ``(C, N)`` relay per concept and unit at ``knockout_step`` (``node_relay`` or
        ``contribution`` of :class:`inforelay.relay.search.RelayOverTime` at ``t_k``).
    knockout_step
        0-based step ``t_k`` at which units are silenced (``info_length - 1``).
    mode
        ``"clamp"`` (held at 0.0 to the answer) or ``"once"`` (zeroed at ``t_k`` only).
    n_random
        Random sets per size (the control).
    seed
        Integer seed; random sets come from ``inforelay.core.seeding.derive_rng("knockout", seed)``.
    sizes
        Set sizes ``k`` (default ``N, N-1, …, 1``).
    concept_names
        Labels of the concepts (default: ``data.concept_names`` or ``"0"``, ``"1"``, …).
    random_per_concept
        Draw separate random sets for each ranked concept instead of one control per size shared
        by all (:func:`knockout_sets`).
    chunk_sets
        Sets per batched pass (default: as many as fit in about 256 MiB).

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per (set, evaluated concept): ``set_kind`` (``baseline`` | ``relay`` |
        ``random``), ``ranked_concept``, ``k`` (0 for the baseline), ``draw`` (random set index;
        0 otherwise), ``evaluated_concept``, ``accuracy``, ``units`` (knocked-out units, space
        separated, in ascending order). The baseline rows are repeated for each ranked concept.
        ``attrs`` holds ``n_sequences``, ``n_sets`` and ``n_distinct_sets``.
    """
    from inforelay.nets.models import answers, run_stepwise  # torch only here

    inputs = np.asarray(data.inputs, dtype=np.float32)
    targets = np.asarray(data.targets)
    answer_step = np.asarray(data.answer_step).astype(np.int64)
    if inputs.ndim != 3:
        raise ValueError(f"data.inputs must be (n, T, in), got shape {inputs.shape}")
    n = inputs.shape[0]
    if targets.ndim != 2 or targets.shape[0] != n:
        raise ValueError(f"data.targets must be (n, C) with n = {n}, got shape {targets.shape}")
    ranking = np.asarray(relay_ranking, dtype=np.float64)
    n_concepts = targets.shape[1]
    n_units = int(network.n_hidden)
    if ranking.shape != (n_concepts, n_units):
        raise ValueError(
            f"relay_ranking must be (C, N) = ({n_concepts}, {n_units}), got shape {ranking.shape}"
        )
    if mode not in ("clamp", "once"):
        raise ValueError(f"unknown knockout mode {mode!r} (knockout.mode); allowed: clamp, once")
    last = int(answer_step.max())
    knockout_step = int(knockout_step)
    if not 0 <= knockout_step <= last:
        raise ValueError(
            f"knockout_step={knockout_step} must lie in 0..{last} (the last answer step)"
        )
    names = _concept_names(data, concept_names, n_concepts)

    sets, masks = knockout_sets(
        ranking,
        sizes=sizes,
        n_random=n_random,
        rng=derive_rng("knockout", int(seed)),
        random_per_concept=random_per_concept,
    )
    distinct, inverse = np.unique(masks, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    x = inputs[:, : last + 1]  # steps after the last answer cannot matter

    if chunk_sets is None:
        # float32 outputs of every step, plus the recurrent state and gate activations
        bytes_per_set = 4 * n * (x.shape[1] * int(network.n_outputs) + 12 * n_units)
        chunk_sets = max(1, int(_CHUNK_BYTES // bytes_per_set))
    acc = np.empty((distinct.shape[0], n_concepts))
    for lo in range(0, distinct.shape[0], int(chunk_sets)):
        run = run_stepwise(
            network,
            x,
            knockout_masks=distinct[lo : lo + int(chunk_sets)],
            knockout_start=knockout_step,
            mode=mode,
            record_states=False,
        )
        acc[lo : lo + int(chunk_sets)] = set_accuracy(answers(run.outputs, answer_step), targets)
    per_set = acc[inverse]  # (S, C): every listed set, duplicates included

    unit_lists = [" ".join(str(u) for u in np.flatnonzero(m)) for m in masks]
    n_sets = len(sets)
    df = pd.DataFrame(
        {
            "set_kind": np.repeat(sets["set_kind"].to_numpy(dtype=object), n_concepts),
            "ranked_concept": np.repeat(
                np.asarray(names, dtype=object)[sets["ranked_concept"].to_numpy()], n_concepts
            ),
            "k": np.repeat(sets["k"].to_numpy(), n_concepts),
            "draw": np.repeat(sets["draw"].to_numpy(), n_concepts),
            "evaluated_concept": np.tile(np.asarray(names, dtype=object), n_sets),
            "accuracy": per_set.reshape(-1),
            "units": np.repeat(np.asarray(unit_lists, dtype=object), n_concepts),
        },
        columns=KNOCKOUT_COLUMNS,
    )
    for col in ("set_kind", "ranked_concept", "evaluated_concept", "units"):
        df[col] = df[col].astype(str)
    df.attrs.update(n_sequences=int(n), n_sets=int(n_sets), n_distinct_sets=int(distinct.shape[0]))
    return df


def _network_keys(df: pd.DataFrame) -> list[str]:
    return [k for k in NETWORK_KEYS if k in df.columns]


def _check_columns(df: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"{what} table lacks columns {missing}; it has {list(df.columns)}")


def knockout_summary(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean accuracy and its confidence interval over networks, per set kind, size and concept.

    Parameters
    ----------
    df
        Knockout tables of several networks concatenated, with the network key columns
        (``task``, ``model``, ``delay_regime``, ``replicate`` — those present are used).
    confidence
        Level of the t-based interval of the mean over networks (``scipy.stats.t``).

    Returns
    -------
    pandas.DataFrame
        Columns: the network keys except ``replicate``, then ``set_kind``, ``ranked_concept``,
        ``k``, ``evaluated_concept``, ``mean``, ``ci_low``, ``ci_high``, ``n_networks``. Random
        sets are first averaged over their draws within each network, so every network counts
        once.
    """
    _check_columns(
        df, ["set_kind", "ranked_concept", "k", "evaluated_concept", "accuracy"], "knockout"
    )
    keys = _network_keys(df)
    per_network = (
        df.groupby([*keys, "set_kind", "ranked_concept", "k", "evaluated_concept"], sort=False)[
            "accuracy"
        ]
        .mean()
        .reset_index()
    )
    by = [k for k in keys if k != "replicate"] + [
        "set_kind",
        "ranked_concept",
        "k",
        "evaluated_concept",
    ]
    out = summarize(per_network, by=by, value="accuracy", confidence=confidence)
    return out.rename(columns={"n": "n_networks"})


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
        claims), ``n_sizes``.
    """
    _check_columns(
        df, ["set_kind", "ranked_concept", "k", "evaluated_concept", "accuracy"], "knockout"
    )
    keys = _network_keys(df)
    n_units = int(df["k"].max())
    ks = list(range(1, n_units)) if sizes is None else [int(k) for k in sizes]
    if not ks:
        raise ValueError(
            f"no knockout sizes to average (the table's largest set has k = {n_units})"
        )
    group = [*keys, "ranked_concept"]
    acc = df.groupby([*group, "set_kind", "k", "evaluated_concept"], sort=False)["accuracy"].mean()
    acc = acc.reset_index()
    base = acc[acc["set_kind"] == "baseline"][[*group, "evaluated_concept", "accuracy"]]
    base = base.rename(columns={"accuracy": "baseline"})
    sized = acc[acc["set_kind"].isin(["relay", "random"]) & acc["k"].isin(ks)]
    merged = sized.merge(base, on=[*group, "evaluated_concept"], how="left", validate="many_to_one")
    if merged["baseline"].isna().any():
        raise ValueError("knockout table lacks baseline (k = 0) rows for some networks")
    merged["drop"] = merged["baseline"] - merged["accuracy"]
    merged["is_target"] = merged["evaluated_concept"] == merged["ranked_concept"]

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
    return out.reset_index()
