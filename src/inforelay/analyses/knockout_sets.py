"""The unit sets of the knockout experiment: relay rankings, top-``k`` sets and random controls.

For each concept the units are ranked by their relay at the analysis step ``t_k``; the top-``k``
sets (``k = N .. 1``) are the relay sets, the bottom-``k`` sets (optional) the non-relay sets,
random sets of the same sizes the control, and the empty set (``k = 0``) the intact baseline. See ``docs/method.md`` (knockouts). numpy and pandas
only; :mod:`inforelay.analyses.knockout` runs the sets through the network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from inforelay.analyses.checks import finite_array, permutation_rows

__all__ = ["DEFAULT_SET_KINDS", "SET_KINDS", "knockout_sets", "rank_units", "removal_rank"]

#: every kind of set a knockout table can hold (``nonrelay``: the k least relaying units)
SET_KINDS = ("baseline", "relay", "random", "nonrelay")
#: the kinds listed by default besides the baseline, which is always there
DEFAULT_SET_KINDS = ("relay", "random")


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
    r = finite_array(relay_ranking, "relay_ranking", ("C", "N"))
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
        (:attr:`inforelay.relay.RelayOverTime.order` at ``t_k``).

    Returns
    -------
    np.ndarray
        ``(C, N)`` float: ``score[c, unit]`` = the unit's position in the removal order.
    """
    order = np.asarray(order)
    permutation_rows(order, "order")
    # the inverse permutation: position of each unit in its concept's removal order
    return np.argsort(order, axis=1).astype(np.float64)


def _check_sizes(sizes: Sequence[int] | None, n_units: int) -> list[int]:
    """The set sizes ``k``: distinct integers in ``1..n_units`` (default ``N, N-1, …, 1``)."""
    if sizes is None:
        return list(range(n_units, 0, -1))
    out = [int(k) for k in sizes]
    bad = [k for k in out if not 1 <= k <= n_units]
    if bad or len(set(out)) != len(out):
        raise ValueError(
            f"knockout sizes must be distinct integers in 1..{n_units}, got {list(sizes)}"
        )
    return out


def _check_set_kinds(set_kinds: Sequence[str]) -> tuple[str, ...]:
    """``set_kinds`` as a tuple of distinct known kinds; ``baseline`` is always listed anyway."""
    kinds = tuple(str(kind) for kind in set_kinds)
    bad = [kind for kind in kinds if kind not in SET_KINDS]
    if bad or len(set(kinds)) != len(kinds):
        raise ValueError(
            f"set_kinds must be distinct kinds among {', '.join(SET_KINDS)}, got {list(set_kinds)}"
        )
    return kinds


def _ranked_mask(units: np.ndarray, n_units: int) -> np.ndarray:
    """``(n_units,)`` bool mask of ``units``."""
    mask = np.zeros(n_units, dtype=bool)
    mask[units] = True
    return mask


def _random_masks(rng: np.random.Generator, n_random: int, n_units: int, k: int) -> np.ndarray:
    """``(n_random, n_units)`` bool: ``n_random`` sets of ``k`` units drawn without replacement."""
    chosen = np.argsort(rng.random((n_random, n_units)), axis=1)[:, :k]
    masks = np.zeros((n_random, n_units), dtype=bool)
    np.put_along_axis(masks, chosen, True, axis=1)
    return masks


def _sets_frame(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    """The table of listed sets: ``set_kind`` (str), ``ranked_concept``, ``k``, ``draw`` (int64)."""
    sets = pd.DataFrame(rows, columns=["set_kind", "ranked_concept", "k", "draw"])
    return sets.astype({"ranked_concept": np.int64, "k": np.int64, "draw": np.int64})


def knockout_sets(
    relay_ranking: np.ndarray,
    *,
    sizes: Sequence[int] | None = None,
    n_random: int = 20,
    rng: np.random.Generator,
    random_per_concept: bool = False,
    set_kinds: Sequence[str] = DEFAULT_SET_KINDS,
) -> tuple[pd.DataFrame, np.ndarray]:
    """All knockout sets of the experiment: baseline, relay top-``k``, non-relay bottom-``k`` and
    random sets.

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
    set_kinds
        The kinds to list besides the baseline (always listed): any of ``relay`` (the ``k`` most
        relaying units, :func:`rank_units`), ``nonrelay`` (the ``k`` least relaying units: the
        last ``k`` of the same ranking, so among tied units the higher indices count as less
        relaying) and ``random``. The default lists exactly the sets listed before
        ``nonrelay`` existed, in the same order, from the same draws of ``rng``.

    Returns
    -------
    sets : pandas.DataFrame
        One row per set: ``set_kind``, ``ranked_concept`` (index), ``k``, ``draw``. Per concept:
        the baseline (``k = 0``, no unit knocked out), then per size the relay set, the
        non-relay set and the random draws (the kinds asked for).
    masks : np.ndarray
        ``(len(sets), N)`` bool, ``True`` = knocked out.
    """
    kinds = _check_set_kinds(set_kinds)
    ranked = rank_units(relay_ranking)
    n_concepts, n_units = ranked.shape
    ks = _check_sizes(sizes, n_units)
    n_random = int(n_random)
    if n_random < 0:
        raise ValueError(f"n_random must be >= 0 (knockout.n_random), got {n_random}")
    if "random" not in kinds:
        n_random = 0
    shared = None
    if n_random and not random_per_concept:
        shared = {k: _random_masks(rng, n_random, n_units, k) for k in ks}
    rows: list[tuple[str, int, int, int]] = []
    masks: list[np.ndarray] = []
    for c in range(n_concepts):
        rows.append(("baseline", c, 0, 0))
        masks.append(np.zeros(n_units, dtype=bool))
        for k in ks:
            if "relay" in kinds:
                rows.append(("relay", c, k, 0))
                masks.append(_ranked_mask(ranked[c, :k], n_units))
            if "nonrelay" in kinds:
                rows.append(("nonrelay", c, k, 0))
                masks.append(_ranked_mask(ranked[c, n_units - k :], n_units))
            if n_random:
                drawn = shared[k] if shared is not None else _random_masks(rng, n_random, n_units, k)
                rows.extend(("random", c, k, d) for d in range(n_random))
                masks.extend(drawn)
    return _sets_frame(rows), np.asarray(masks, dtype=bool).reshape(len(rows), n_units)
