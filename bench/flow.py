"""Benchmark: all-pairs delayed mutual information of one network, against plain references.

A recording shaped like the paper's networks (3 inputs + 12 hidden + 3 outputs = 18 neurons,
15 steps) with a little structure (hidden units are noisy, lagged mixtures of the inputs and of
each other) is analysed with :func:`inforelay.flow.delayed_mutual_information` for lags 0..3
(18·17·3 + 153 = 1,071 pair-lag estimates per draw). Single thread, median of ``--repeats`` runs.

Table 1 compares each estimator with a stated reference on the same lagged samples (pooled, no
shuffles) and prints both absolute times, their ratio (reference / ours: how many times faster
ours is) and the largest difference of the estimates:

- ``binned`` vs a plain per-pair implementation: the same equal-frequency codes, one
  :func:`numpy.histogram2d` per pair and lag, plug-in MI;
- ``ksg`` vs scikit-learn's :func:`sklearn.feature_selection.mutual_info_regression` (KSG
  algorithm 1, ``n_neighbors = k``; one call per target neuron and lag). scikit-learn clips at
  0, works in nats and draws its own noise, so the difference is taken after clipping ours at 0.

Table 2 times every configuration of the pipeline (pooling, shuffles) in absolute seconds and
relative to the same estimator's pooled, shuffle-free run of Table 1 (ratio 1.0 = that run).

    python bench/flow.py [--sequences 1000] [--repeats 3] [--quick]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _timing import timed  # noqa: E402
from sklearn.feature_selection import mutual_info_regression  # noqa: E402

from inforelay.core.seeding import derive_rng  # noqa: E402
from inforelay.flow import (  # noqa: E402
    FlowParams,
    delayed_mutual_information,
    equal_frequency_codes,
    lagged_samples,
)

MAX_LAG = 3


def recording(n: int, n_steps: int = 15, seed: int = 0) -> np.ndarray:
    """(n, T, 18): 3 noise inputs, 12 tanh units driven by the inputs and each other, 3 outputs."""
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(n, n_steps, 3))
    w_in = rng.normal(scale=0.8, size=(3, 12))
    w_rec = rng.normal(scale=0.4, size=(12, 12))
    w_out = rng.normal(scale=0.5, size=(12, 3))
    hidden = np.zeros((n, n_steps, 12))
    h = np.zeros((n, 12))
    for t in range(n_steps):
        h = np.tanh(inputs[:, t] @ w_in + h @ w_rec + 0.1 * rng.normal(size=(n, 12)))
        hidden[:, t] = h
    outputs = np.tanh(hidden @ w_out)
    return np.concatenate([inputs, hidden, outputs], axis=2)


def pairs(k: int) -> list[tuple[int, int, int]]:
    """Every (lag, a, b) the library estimates: a ≠ b, and a < b at lag 0 (MI is symmetric)."""
    return [(ell, a, b) for ell in range(MAX_LAG + 1) for a in range(k) for b in range(k)
            if a != b and (ell > 0 or a < b)]


def histogram_mi(views: np.ndarray, bins: int) -> np.ndarray:
    """Reference binned MI: per pair and lag, one ``np.histogram2d`` of equal-frequency codes."""
    n_lags, _, k = views.shape
    codes = [equal_frequency_codes(views[ell], bins) for ell in range(n_lags)]
    edges = np.arange(bins + 1) - 0.5
    out = np.full((n_lags, k, k), np.nan)
    for ell, a, b in pairs(k):
        joint, _, _ = np.histogram2d(codes[0][:, a], codes[ell][:, b], bins=[edges, edges])
        p = joint / joint.sum()
        pa, pb = p.sum(axis=1), p.sum(axis=0)
        nz = p > 0
        out[ell, a, b] = float(np.sum(p[nz] * np.log2(p[nz] / np.outer(pa, pb)[nz])))
    return out


def sklearn_ksg_mi(views: np.ndarray, k: int) -> np.ndarray:
    """Reference KSG MI (bits): ``mutual_info_regression`` of every source with one target."""
    n_lags, _, n_neurons = views.shape
    out = np.full((n_lags, n_neurons, n_neurons), np.nan)
    for ell in range(n_lags):
        for b in range(n_neurons):
            sources = [a for a in range(n_neurons) if a != b and (ell > 0 or a < b)]
            if sources:
                nats = mutual_info_regression(views[0][:, sources], views[ell][:, b],
                                              n_neighbors=k, random_state=0)
                out[ell, sources, b] = nats / np.log(2.0)
    return out


def max_difference(ours: np.ndarray, reference: np.ndarray, clip: bool) -> float:
    """Largest |ours − reference| over the estimated pairs (ours clipped at 0 if ``clip``)."""
    ours = np.maximum(ours, 0.0) if clip else ours
    both = np.isfinite(ours) & np.isfinite(reference)
    return float(np.max(np.abs(ours[both] - reference[both])))


def reference_table(values: np.ndarray, max_samples: int, repeats: int) -> dict[str, float]:
    """Table 1; returns our seconds per estimator (the baselines of Table 2)."""
    print("| estimator | reference | samples | ours s | reference s | reference / ours | max abs diff (bits) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    baselines = {}
    for estimator, name in (("binned", "np.histogram2d per pair"),
                            ("ksg", "sklearn mutual_info_regression")):
        params = FlowParams(estimator=estimator, max_samples=max_samples, n_shuffles=0, max_lag=MAX_LAG)
        # the same samples the library draws (delayed_mutual_information's generator)
        views, _ = lagged_samples(values, MAX_LAG, max_samples=max_samples,
                                  rng=derive_rng("flow", "delayed-mi", params.seed))
        ours_s, ours = timed(lambda p=params: delayed_mutual_information(values, p), repeats)
        if estimator == "binned":
            ref_s, ref = timed(lambda v=views, p=params: histogram_mi(v, p.bins), repeats)
        else:
            ref_s, ref = timed(lambda v=views, p=params: sklearn_ksg_mi(v, p.k), repeats)
        diff = max_difference(ours.mi, ref, clip=estimator == "ksg")
        baselines[estimator] = ours_s
        print(f"| {estimator} | {name} | {views.shape[1]} | {ours_s:.3f} | {ref_s:.3f} | "
              f"{ref_s / ours_s:.1f} | {diff:.2g} |")
    return baselines


def configuration_table(values: np.ndarray, cases: list[tuple[str, str, int, int]],
                        baselines: dict[str, float], repeats: int) -> None:
    """Table 2: every configuration, absolute and relative to its estimator's baseline."""
    n, n_steps, k = values.shape
    per_draw = k * (k - 1) * MAX_LAG + k * (k - 1) // 2
    print("| estimator | pooling | samples per estimate | shuffles | seconds | "
          "ms per pair-lag estimate | ratio to pooled, 0 shuffles |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for estimator, pooling, max_samples, shuffles in cases:
        params = FlowParams(estimator=estimator, pooling=pooling, max_samples=max_samples,
                            n_shuffles=shuffles, max_lag=MAX_LAG)
        seconds, _ = timed(lambda p=params: delayed_mutual_information(values, p), repeats)
        per_step = pooling == "per_step"
        samples = min(max_samples, n) if per_step else min(max_samples, n * (n_steps - MAX_LAG))
        estimates = per_draw * (1 + shuffles) * ((n_steps - MAX_LAG) if per_step else 1)
        print(f"| {estimator} | {pooling} | {samples} | {shuffles} | {seconds:.2f} | "
              f"{1000 * seconds / estimates:.3f} | {seconds / baselines[estimator]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="1 repeat, 500 pooled samples, 200 sequences per step, no KSG shuffles")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    max_samples = 500 if args.quick else 2000
    per_step = 200 if args.quick else 1000
    values = recording(args.sequences)
    n, n_steps, k = values.shape
    print(f"recording: {n} sequences x {n_steps} steps x {k} neurons, lags 0..{MAX_LAG} "
          f"({k * (k - 1) * MAX_LAG + k * (k - 1) // 2} pair-lag estimates per draw)\n")
    baselines = reference_table(values, max_samples, repeats)
    print()
    cases = [
        ("binned", "pooled", max_samples, 99),
        ("binned", "per_step", per_step, 0), ("binned", "per_step", per_step, 99),
        ("ksg", "pooled", max_samples // 2, 0), ("ksg", "per_step", per_step, 0),
    ]
    if not args.quick:
        cases.append(("ksg", "pooled", max_samples, 19))
    configuration_table(values, cases, baselines, repeats)


if __name__ == "__main__":
    main()
