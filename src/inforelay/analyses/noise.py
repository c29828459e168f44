"""Noise injection: how much does Gaussian noise on a concept's relay units hurt the network?

The paper finds the relay units "also most susceptible to noise", and that "noise impacts RNNs
and LSTMs differently" (an LSTM's cell state is unbounded, so noise on it accumulates). From the
step ``t_n`` (``noise_step``, the analysis step ``t_k``) up to the last answer step, Gaussian noise
of standard deviation ``level`` (absolute, in the units of the state) is added to the chosen
units' hidden state (and LSTM cell state) after every update, fresh at every step. The sets are
each concept's top-``k`` relay units (``relay``), its bottom-``k`` units (``nonrelay``) and random
``k``-sets shared by every concept (``random``); the intact network is the baseline. See
``docs/method.md`` (knockouts, noise).

The noise goes through the knockout runner's perturbation hook
(:func:`inforelay.nets.stepwise.run_stepwise`), in the same batched passes as the knockouts.
torch is imported only inside :func:`noise_experiment`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from inforelay.analyses.knockout import _check_sequences, _distinct_set_accuracy, set_table
from inforelay.analyses.knockout_sets import knockout_sets
from inforelay.core.seeding import derive_rng
from inforelay.tasks import concept_labels

__all__ = ["NOISE_COLUMNS", "NOISE_SET_KINDS", "noise_experiment"]

NOISE_COLUMNS = ["set_kind", "ranked_concept", "k", "draw", "level", "evaluated_concept", "accuracy"]
#: the noised sets of every level (the baseline, ``k = 0`` and level 0, comes once)
NOISE_SET_KINDS = ("relay", "nonrelay", "random")


def _check_levels(levels: Sequence[float]) -> np.ndarray:
    """``levels`` as a float64 array of finite values >= 0 (at least one)."""
    values = [float(v) for v in levels]
    if not values or not all(math.isfinite(v) and v >= 0.0 for v in values):
        raise ValueError(f"levels must be one or more finite noise sds >= 0, got {list(levels)}")
    return np.asarray(values, dtype=np.float64)


def _check_k(k: int, n_units: int) -> int:
    """The set size: an integer in ``1..n_units``."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n_units:
        raise ValueError(f"k must be an integer in 1..{n_units}, got {k!r}")
    return int(k)


class _Noise:
    """The perturbation of the noise runs (:data:`inforelay.nets.stepwise.Perturbation`).

    Run ``r`` adds ``level[r] · z[mask[r], t − start]`` to the units ``units[mask[r]]``, where
    ``z`` are standard-normal draws per distinct set, step, sequence and unit: a run's noise
    depends only on its index, never on the pass it runs in. Every level scales the same draws
    (common random numbers), so differences between levels are not differences between draws.
    """

    def __init__(self, units: np.ndarray, z_h: np.ndarray, z_c: np.ndarray | None,
                 run_mask: np.ndarray, run_level: np.ndarray, start: int, n_hidden: int,
                 device: Any) -> None:
        import torch

        self.torch = torch
        self.units = torch.from_numpy(units).to(device)  # (M, k) unit indices per distinct set
        self.z_h = torch.from_numpy(z_h).to(device)  # (M, steps, n, k)
        self.z_c = None if z_c is None else torch.from_numpy(z_c).to(device)
        self.run_mask = torch.from_numpy(run_mask).to(device)  # (R,) distinct set of each run
        self.run_level = torch.from_numpy(run_level.astype(np.float32)).to(device)  # (R,)
        self.start, self.n_hidden = start, n_hidden

    def _add(self, z: Any, t: int, sets: slice) -> Any:
        torch = self.torch
        m = self.run_mask[sets]
        size, n = m.shape[0], z.shape[2]
        # (s, n, k) -> (s, k, n), scaled by each run's level
        values = (z[m, t - self.start] * self.run_level[sets, None, None]).transpose(1, 2)
        delta = torch.zeros((self.n_hidden, size, n), dtype=torch.float32, device=z.device)
        rows = torch.arange(size, device=z.device)[:, None]
        delta[self.units[m], rows] = values
        return delta

    def __call__(self, t: int, sets: slice) -> tuple[Any, Any]:
        dc = None if self.z_c is None else self._add(self.z_c, t, sets)
        return self._add(self.z_h, t, sets), dc


def noise_experiment(
    network: Any,
    data: Any,
    relay_ranking: np.ndarray,
    *,
    noise_step: int,
    levels: Sequence[float],
    k: int,
    n_random: int,
    seed: int,
    concept_names: Sequence[str] | None = None,
    chunk_sets: int | None = None,
) -> pd.DataFrame:
    """Add Gaussian noise to relay, non-relay and random unit sets and measure every concept's accuracy.

    Parameters
    ----------
    network
        A trained :class:`inforelay.nets.models.RecurrentNetwork`.
    data
        ``inputs (n, T, in)``, ``targets (n, C)`` (±1), ``answer_step (n,)`` and optionally
        ``concept_names`` (:class:`inforelay.tasks.generate.TaskData`).
    relay_ranking
        ``(C, N)`` relay per concept and unit (as for
        :func:`inforelay.analyses.knockout.knockout_experiment`).
    noise_step
        0-based first noised step ``t_n`` (the analysis step ``t_k``); noise is added after every
        update from ``t_n`` to the last answer step, before the step's output is read.
    levels
        Standard deviations of the noise, absolute (in the units of ``h`` and ``c``), each >= 0.
    k
        Units per set: each concept's top-``k`` (``relay``) and bottom-``k`` (``nonrelay``) of the
        ranking (:func:`inforelay.analyses.knockout_sets.knockout_sets`, ``sizes=[k]``).
    n_random
        Random ``k``-sets, shared by every concept and level, from
        ``derive_rng("noise", "sets", seed)``.
    seed
        Integer seed; the noise comes from ``derive_rng("noise", "values", seed)``:
        standard-normal ``(distinct sets, steps, n, k)`` draws for ``h`` and then, for an LSTM,
        the same for ``c``, scaled by each level.
    concept_names
        Labels of the concepts (default: ``data.concept_names`` or ``"0"``, ``"1"``, …).
    chunk_sets
        Runs per batched pass (default: as many as fit in about 256 MiB); the table does not
        depend on it.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per (set, level, evaluated concept), columns :data:`NOISE_COLUMNS`:
        ``set_kind`` (``baseline`` | ``relay`` | ``nonrelay`` | ``random``), ``ranked_concept``,
        ``k`` (0 for the baseline), ``draw`` (random set index; 0 otherwise), ``level`` (0.0 for
        the baseline), ``evaluated_concept``, ``accuracy`` (scored as
        :func:`inforelay.analyses.knockout.set_accuracy`). The intact network runs once; its rows
        are repeated for each ranked concept, as in the knockout table. Rows: the baselines,
        then per level the sets in the order of ``knockout_sets``. ``attrs`` holds
        ``n_sequences`` and ``n_runs``.
    """
    noise_step = int(noise_step)
    seqs = _check_sequences(network, data, relay_ranking, noise_step, "noise_step")
    n_units = int(network.n_hidden)
    k = _check_k(k, n_units)
    level_values = _check_levels(levels)
    given = getattr(data, "concept_names", None) if concept_names is None else concept_names
    names = concept_labels(given, seqs.targets.shape[1])
    sets, masks = knockout_sets(
        seqs.ranking, sizes=[k], n_random=n_random, rng=derive_rng("noise", "sets", int(seed)),
        set_kinds=NOISE_SET_KINDS,
    )
    noised = (sets["set_kind"] != "baseline").to_numpy()
    distinct, inverse = np.unique(masks[noised], axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    n_distinct, n_levels = distinct.shape[0], level_values.shape[0]
    # run 0: the intact network (no noise); then every distinct set at every level
    run_mask = np.concatenate([[0], np.tile(np.arange(n_distinct), n_levels)]).astype(np.int64)
    run_level = np.concatenate([[0.0], np.repeat(level_values, n_distinct)])

    n, n_steps = seqs.inputs.shape[:2]
    rng = derive_rng("noise", "values", int(seed))
    shape = (n_distinct, n_steps - noise_step, n, k)
    z_h = rng.standard_normal(shape, dtype=np.float32)
    z_c = rng.standard_normal(shape, dtype=np.float32) if network.arch == "lstm" else None
    units = np.stack([np.flatnonzero(m) for m in distinct]).astype(np.int64)
    device = next(network.parameters()).device
    noise = _Noise(units, z_h, z_c, run_mask, run_level, noise_step, n_units, device)
    acc = _distinct_set_accuracy(
        network, seqs, np.zeros((run_mask.shape[0], n_units), dtype=bool),
        knockout_step=noise_step, mode="clamp", ablation="zero", ablation_seed=0,
        chunk_sets=chunk_sets, perturbation=noise,
    )

    base_sets = sets[~noised]
    noisy_sets = pd.concat([sets[noised]] * n_levels, ignore_index=True)
    rows = 1 + np.arange(n_levels)[:, None] * n_distinct + inverse[None, :]  # (levels, sets)
    table = set_table(
        pd.concat([base_sets, noisy_sets], ignore_index=True),
        np.concatenate([np.repeat(acc[:1], len(base_sets), axis=0), acc[rows.reshape(-1)]]),
        names,
        NOISE_COLUMNS,
        level=np.concatenate([np.zeros(len(base_sets)), np.repeat(level_values, int(noised.sum()))]),
    )
    table.attrs.update(n_sequences=n, n_runs=int(run_mask.shape[0]))
    return table
