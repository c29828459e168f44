"""The real-world task ``italypower``: days of Italian electricity demand (``docs/realworld.md``).

The data are the UCR archive's ItalyPowerDemand set as the ``sktime`` wheel ships it (no download
at run time): 67 + 1,029 days of 24 hourly demand values, class ``"1"`` = October–March and
``"2"`` = April–September. The official train and test sets are pooled and cut into three
disjoint, stratified splits (train / validation / analysis, :class:`ItalyPowerParams`). A
sequence is a day's 24 values (z-normalized per day) as the information phase, followed by
``delay`` steps of exactly 0.0, as in the synthetic tasks (``docs/tasks.md``): answer step
``24 + delay - 1``, fixed or ``"random"`` delay regimes. One concept, ``summer`` (bit 1 =
April–September).

numpy and scikit-learn only; ``sktime`` is imported when the data are first loaded, so the
rest of the package works without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from inforelay.core.seeding import derive_seed
from inforelay.tasks.generate import TaskData, _draw_delays, _sequence_length
from inforelay.tasks.params import (
    REAL_TASKS,
    DelayRegime,
    ItalyPowerParams,
    parse_delay_regime,
)

__all__ = [
    "REALWORLD_INSTALL",
    "ITALY_POWER_SIZES",
    "RealDataUnavailable",
    "load_italy_power",
    "znormalize",
    "split_indices",
    "italy_power_split",
    "real_task_split",
]

REALWORLD_INSTALL = "pip install 'inforelay[realworld]'"
#: days in the official train and test sets of ItalyPowerDemand (UCR archive)
ITALY_POWER_SIZES = (67, 1029)
SPLIT_NAMES = ("train", "validation", "analysis")


class RealDataUnavailable(ImportError):
    """The package that ships a real-world data set is not installed."""


def _sktime_loader():  # noqa: ANN202 - sktime's own function, untyped
    """sktime's ItalyPowerDemand loader, or a :class:`RealDataUnavailable` that says how to get it."""
    try:
        from sktime.datasets import load_italy_power_demand
    except ImportError as error:
        raise RealDataUnavailable(
            "the italypower task reads the UCR ItalyPowerDemand data set that ships inside the "
            f"sktime package, which is not installed ({error}); install it with: {REALWORLD_INSTALL}"
        ) from error
    return load_italy_power_demand


@lru_cache(maxsize=1)
def _pooled_italy_power() -> tuple[np.ndarray, np.ndarray]:
    load = _sktime_loader()
    parts = [load(split=split, return_type="numpy3D") for split in ("train", "test")]
    series = np.concatenate([x[:, 0, :] for x, _ in parts]).astype(np.float64)
    labels = np.concatenate([np.asarray(y).astype(str) for _, y in parts])
    if series.shape != (sum(ITALY_POWER_SIZES), 24) or set(labels) != {"1", "2"}:
        raise ValueError(
            f"sktime's ItalyPowerDemand has shape {series.shape} and classes {sorted(set(labels))}; "
            f"expected ({sum(ITALY_POWER_SIZES)}, 24) and classes ['1', '2']"
        )
    summer = (labels == "2").astype(np.int8)
    series.flags.writeable = False
    summer.flags.writeable = False
    return series, summer


def load_italy_power() -> tuple[np.ndarray, np.ndarray]:
    """The pooled ItalyPowerDemand set: the official train set (67 days), then the test set (1,029).

    Returns
    -------
    series : (1096, 24) float64, read-only
        Hourly demand of each day as sktime ships it (already z-normalized by the archive).
    summer : (1096,) int8, read-only
        1 for class ``"2"`` (April–September), 0 for class ``"1"`` (October–March).

    Raises
    ------
    RealDataUnavailable
        When ``sktime`` is not installed (the message names ``pip install 'inforelay[realworld]'``).
    """
    return _pooled_italy_power()


def znormalize(series: np.ndarray) -> np.ndarray:
    """Each row minus its mean, over its standard deviation (``ddof=0``); constant rows become 0."""
    series = np.asarray(series, dtype=np.float64)
    centred = series - series.mean(axis=-1, keepdims=True)
    sd = series.std(axis=-1, keepdims=True)
    return np.divide(centred, sd, out=np.zeros_like(centred), where=sd > 0)


def split_indices(
    labels: np.ndarray, fractions: Sequence[float], seed: int
) -> dict[str, np.ndarray]:
    """Disjoint, stratified train / validation / analysis indices into ``labels``.

    The analysis split is cut off first (its share ``fractions[2]``), then validation from the
    rest, both with scikit-learn's stratified :func:`~sklearn.model_selection.train_test_split`,
    so each split keeps the class balance of the whole set. ``seed`` fixes the cut.
    """
    # imported here: scikit-learn takes ~1 s to import and most users of inforelay.tasks never split
    from sklearn.model_selection import train_test_split

    labels = np.asarray(labels)
    train_share, validation_share, analysis_share = (float(f) for f in fractions)
    rest, analysis = train_test_split(
        np.arange(labels.size), test_size=analysis_share, stratify=labels,
        random_state=derive_seed("realworld-split", "analysis", int(seed)),
    )
    train, validation = train_test_split(
        rest, test_size=validation_share / (train_share + validation_share), stratify=labels[rest],
        random_state=derive_seed("realworld-split", "validation", int(seed)),
    )
    return dict(zip(SPLIT_NAMES, (train, validation, analysis), strict=True))


def italy_power_split(
    split: str,
    delay: DelayRegime | str,
    rng: np.random.Generator,
    params: ItalyPowerParams | None = None,
    *,
    delay_choices: Sequence[int] = (1, 2, 3, 4, 5),
    n_steps: int | None = None,
) -> TaskData:
    """One split of the ``italypower`` task at a delay regime.

    Parameters
    ----------
    split
        ``"train"``, ``"validation"`` or ``"analysis"``; the days of each are fixed by
        ``params`` alone (:func:`split_indices`), whatever the delay regime.
    delay
        A fixed delay ``>= 0`` or ``"random"`` (each day draws its delay from ``delay_choices``).
    rng
        Draws the delays of the ``"random"`` regime (nothing else is random).
    params
        Split fractions, split seed, normalization (default :class:`ItalyPowerParams`).
    n_steps
        Sequence length; default ``24 + delay`` (``+ max(delay_choices)`` for ``"random"``).

    Returns
    -------
    TaskData
        Inputs ``(n, n_steps, 1)`` float32, targets ``(n, 1)`` ±1 (``summer``), ``event_steps = ()``.
    """
    if split not in SPLIT_NAMES:
        raise ValueError(f"unknown data split {split!r}; allowed: {', '.join(SPLIT_NAMES)}")
    params = params if params is not None else ItalyPowerParams()
    series, summer = load_italy_power()
    index = split_indices(summer, params.split_fractions, params.split_seed)[split]
    days = znormalize(series[index]) if params.normalize else series[index]
    delays, longest = _draw_delays(parse_delay_regime(delay), index.size, delay_choices, rng)
    length = params.info_length
    inputs = np.zeros((index.size, _sequence_length(length, longest, n_steps), 1), dtype=np.float32)
    inputs[:, :length, 0] = days
    concepts = summer[index][:, None].astype(np.int8)
    return TaskData(
        task="italypower",
        inputs=inputs,
        targets=(2.0 * concepts - 1.0).astype(np.float32),
        concepts=concepts,
        delay=delays.astype(np.int64),
        answer_step=(length + delays - 1).astype(np.int64),
        info_length=length,
        event_steps=(),
        concept_names=params.concept_names,
    )


def real_task_split(
    task: str,
    split: str,
    delay: DelayRegime | str,
    rng: np.random.Generator,
    params: ItalyPowerParams | None = None,
    *,
    delay_choices: Sequence[int] = (1, 2, 3, 4, 5),
    n_steps: int | None = None,
) -> TaskData:
    """One split of the real-world task ``task`` (:data:`~inforelay.tasks.params.REAL_TASKS`).

    The counterpart of :func:`~inforelay.tasks.generate.generate` for tasks whose sequences are
    a data set's: the split's size is the data's, not a count. See :func:`italy_power_split`.
    """
    if task not in REAL_TASKS:
        raise ValueError(f"{task!r} is not a real-world task; those are: {', '.join(REAL_TASKS)}")
    return italy_power_split(split, delay, rng, params, delay_choices=delay_choices, n_steps=n_steps)
