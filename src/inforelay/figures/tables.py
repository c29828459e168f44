"""Table handling shared by the figures: one task and training regime, and the order of panels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "BOOTSTRAP_SEED",
    "bootstrap_mean_ci",
    "clip_interval",
    "concept_order",
    "error_bars",
    "group_interval",
    "median_order_ci",
    "ordered",
    "select_rows",
]

#: seed of the percentile bootstrap: the same table always draws the same intervals
BOOTSTRAP_SEED = 20240601
_N_BOOTSTRAP = 2000


def ordered(values: Iterable[object], preferred: Sequence[str]) -> list[str]:
    """Distinct ``values`` as strings: those in ``preferred`` first, in its order, then the rest
    in order of appearance (e.g. architectures as RNN, GRU, LSTM)."""
    present = list(dict.fromkeys(str(v) for v in values))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


def concept_order(concept_names: Sequence[str] | None, values: pd.Series) -> list[str]:
    """The concepts to draw: ``concept_names`` if given, else those of ``values`` in order of appearance."""
    if concept_names is not None:
        return [str(c) for c in concept_names]
    return list(dict.fromkeys(values.astype(str)))


def select_rows(
    df: pd.DataFrame, what: str, *, task: str | None, delay_regime: str | None
) -> pd.DataFrame:
    """Rows of one task and one training delay regime (``None``: all of them).

    Raises :class:`ValueError` naming the ``what`` table when nothing is left.
    """
    sel = df
    if task is not None:
        sel = sel[sel["task"].astype(str) == str(task)]
    if delay_regime is not None:
        sel = sel[sel["delay_regime"].astype(str) == str(delay_regime)]
    if sel.empty:
        raise ValueError(f"no {what} rows for task {task!r} and delay regime {delay_regime!r}")
    return sel


def clip_interval(
    summary: pd.DataFrame, bounds: tuple[float, float], columns: Sequence[str] = ("ci_low", "ci_high")
) -> pd.DataFrame:
    """``summary`` with its interval ends clipped to the possible range ``bounds`` of the quantity
    (as :func:`inforelay.core.stats.mean_ci` with ``bounds=``; ``nan`` ends stay ``nan``)."""
    low, high = bounds
    return summary.assign(**{c: summary[c].clip(low, high) for c in columns})


def error_bars(summary: pd.DataFrame) -> np.ndarray:
    """``(2, n)`` distances from ``mean`` down to ``ci_low`` and up to ``ci_high``, for
    :meth:`matplotlib.axes.Axes.errorbar` (``nan`` where a group has a single network)."""
    mean = summary["mean"].to_numpy(dtype=float)
    return np.vstack(
        [mean - summary["ci_low"].to_numpy(dtype=float), summary["ci_high"].to_numpy(dtype=float) - mean]
    )


def median_order_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Median and its distribution-free interval ``[x_(j), x_(n+1-j)]`` (order statistics, the
    binomial sign-test interval), with the largest ``j`` whose coverage is at least ``confidence``.

    The ends are data values, so they never leave the range of the data (no clipping needed).
    ``nan`` ends when ``n`` is too small for the level (fewer than 6 values at 95 %).
    """
    from scipy.stats import binom

    x = np.sort(np.asarray(values, dtype=float)[np.isfinite(values)])
    n = x.size
    if n == 0:
        return (float("nan"),) * 3
    median = float(np.median(x))
    # coverage of [x_(j), x_(n+1-j)] is 1 - 2 P(B <= j - 1), B ~ Binomial(n, 1/2)
    j = np.arange(1, n // 2 + 1)
    ok = j[1.0 - 2.0 * binom.cdf(j - 1, n, 0.5) >= confidence]
    if not ok.size:
        return median, float("nan"), float("nan")
    best = int(ok.max())
    return median, float(x[best - 1]), float(x[n - best])


def bootstrap_mean_ci(
    values: np.ndarray, confidence: float = 0.95, *, seed: int = BOOTSTRAP_SEED
) -> tuple[float, float, float]:
    """Mean and its seeded percentile-bootstrap interval (2000 resamples).

    Bootstrap means are means of the data, so the ends stay inside the data's range (an accuracy
    in [0, 1] keeps its interval in [0, 1] without clipping). ``nan`` ends for a single value.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (float("nan"),) * 3
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(_N_BOOTSTRAP, x.size))].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return mean, float(low), float(high)


def group_interval(
    df: pd.DataFrame, by: Sequence[str], value: str, method: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Per group of ``by``: ``centre`` (``method="median"``: median, order-statistic interval;
    ``"bootstrap"``: mean, percentile bootstrap), ``ci_low``, ``ci_high`` and ``n``; the centre
    is also in ``mean`` so that :func:`error_bars` works on either."""
    functions = {"median": median_order_ci, "bootstrap": bootstrap_mean_ci}
    if method not in functions:
        raise ValueError(f"method must be one of {sorted(functions)}, got {method!r}")
    rows = []
    for key, group in df[df[value].notna()].groupby(list(by), sort=True):
        centre, low, high = functions[method](group[value].to_numpy(dtype=float), confidence)
        rows.append((*key, centre, low, high, len(group)))
    out = pd.DataFrame(rows, columns=[*by, "centre", "ci_low", "ci_high", "n"])
    out["mean"] = out["centre"]
    return out
