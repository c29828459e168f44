"""Benchmark: all-pairs delayed mutual information of one network, KSG vs binned.

A recording shaped like the paper's networks (3 inputs + 12 hidden + 3 outputs = 18 neurons,
15 steps) with a little structure (hidden units are noisy, lagged mixtures of the inputs and of
each other) is analysed with :func:`inforelay.flow.analysis.delayed_mutual_information` for lags 0..3
(18·17·3 + 153 = 1,071 pair-lag estimates), for both estimators, pooled and per step, without
and with the permutation test. Single thread, median of ``--repeats`` runs. Prints a markdown
table.

    python bench/flow.py [--sequences 1000] [--repeats 3] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from inforelay.flow.analysis import FlowParams, delayed_mutual_information  # noqa: E402


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


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 repeat, no KSG shuffles")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    values = recording(args.sequences)
    n, n_steps, k = values.shape
    cases = [
        ("binned", "pooled", 2000, 0), ("binned", "pooled", 2000, 99),
        ("binned", "per_step", 1000, 0), ("binned", "per_step", 1000, 99),
        ("ksg", "pooled", 2000, 0), ("ksg", "pooled", 1000, 0),
        ("ksg", "per_step", 1000, 0),
    ]
    if not args.quick:
        cases.append(("ksg", "pooled", 2000, 19))
    print(f"recording: {n} sequences x {n_steps} steps x {k} neurons, lags 0..3 "
          f"({k * (k - 1) * 3 + k * (k - 1) // 2} pair-lag estimates per draw)\n")
    print("| estimator | pooling | samples per estimate | shuffles | seconds | ms per pair-lag estimate |")
    print("|---|---|---:|---:|---:|---:|")
    for estimator, pooling, max_samples, shuffles in cases:
        params = FlowParams(estimator=estimator, pooling=pooling, max_samples=max_samples,
                            n_shuffles=shuffles, max_lag=3)
        seconds = timed(lambda: delayed_mutual_information(values, params), repeats)
        per_step = pooling == "per_step"
        samples = min(max_samples, n) if per_step else min(max_samples, n * (n_steps - 3))
        estimates = (k * (k - 1) * 3 + k * (k - 1) // 2) * (1 + shuffles) * ((n_steps - 3) if per_step else 1)
        print(f"| {estimator} | {pooling} | {samples} | {shuffles} | {seconds:.2f} | "
              f"{1000 * seconds / estimates:.3f} |")


if __name__ == "__main__":
    main()
