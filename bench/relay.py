"""Benchmark: relay information — greedy search, binarization and the cost per network.

Times (one process, one core: BLAS/OpenMP pools limited to one thread; wall and CPU time):

- one greedy search, fast (:func:`inforelay.relay.greedy_relay`) against the *plain*
  implementation (:func:`inforelay.relay.reference.plain_greedy_relay`: rows packed into
  integer codes, one 1-D ``np.unique`` per entropy term, candidates in a Python loop) at
  12 units × {1k, 3k, 10k} samples, and the fast one at 64 and 256 units × 3k samples; the
  *strawman* (:func:`inforelay.relay.reference.reference_greedy_relay`, ``np.unique(axis=0)``
  on stacked columns) once at 12 × 3k, only to show how far it is from the plain one;
- compiling the few-unit search (Numba, an empty cache) and loading it from the cache;
- a shuffle null (100 and 1,000 permutations of ``X_in``) of one search;
- binarization of 12 units × 3k samples: exact 1-D 2-means vs scikit-learn KMeans vs median;
- the per-network cost: :func:`inforelay.relay.relay_all_states` on a synthetic LSTM-like
  recording (2,000 samples, 15 steps, 12 units, 3 concepts; hidden + cell = 90 searches);
- a large recording: :func:`inforelay.relay.relay_over_time` of the hidden state of 256 units
  × 100 steps × 3 concepts × 2,000 samples (300 searches), the issue's budget being 30 s;
- how often the greedy search is optimal (equals the exhaustive search at every set size)
  on small random networks (≤ 10 units).

Two kinds of unit states are timed: ``network-like`` (units are noisy tanh mixtures of the
three concept bits, as in a trained network: many samples share a binary pattern) and
``random`` (independent coin flips, the worst case: every sample has its own pattern).
Speed-ups are CPU-time ratios measured back to back (fast, plain, fast), the median over
rounds, so that a shared machine's load hits both alike. Prints markdown tables.

    python bench/relay.py                 # everything (a few minutes)
    python bench/relay.py --quick         # fewer repeats, no 10k plain, 20 of the 100 large steps
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
from threadpoolctl import threadpool_limits

from inforelay.info import binarize
from inforelay.relay import greedy_relay, relay_all_states, relay_over_time
from inforelay.relay.reference import (
    exhaustive_relay,
    plain_greedy_relay,
    reference_greedy_relay,
)


def network_like(n: int, n_units: int, rng: np.random.Generator, noise: float = 0.4):
    """Concept bits, answers and unit activations of a network-like code.

    Each unit is ``tanh`` of a sparse random mix of the three ±1 concepts plus a bias and
    Gaussian noise; the answer copies the concept bit with 2% errors.
    """
    concepts = rng.integers(0, 2, (n, 3))
    weights = rng.normal(0, 1.5, (3, n_units)) * (rng.random((3, n_units)) < 0.5)
    bias = rng.normal(0, 0.3, n_units)
    act = np.tanh((2 * concepts - 1) @ weights + bias + noise * rng.normal(size=(n, n_units)))
    answers = np.where(rng.random((n, 3)) < 0.98, concepts, 1 - concepts)
    return concepts[:, 0], answers[:, 0], act


def random_bits(n: int, n_units: int, rng: np.random.Generator):
    """Coin-flip units; the answer copies the input with 10% errors; 30% of unit values copy it."""
    x = rng.integers(0, 2, n)
    z = np.where(rng.random(n) < 0.9, x, 1 - x)
    bits = np.where(rng.random((n, n_units)) < 0.3, x[:, None], rng.integers(0, 2, (n, n_units)))
    return x, z, bits.astype(np.int8)


def lstm_like_recording(n: int = 2000, n_steps: int = 15, n_units: int = 12, seed: int = 0):
    """A synthetic LSTM-like recording of the memory task (the arrays of docs/relay.md §6, in memory).

    Concept k enters at 0-based step 3, 6, 9; from then on a random subset of units carries it
    (with drifting weights); answers at step ``n_steps - 1`` copy the concepts with 2% errors.
    """
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, 3)).astype(np.int8)
    signs = 2.0 * concepts - 1.0
    events = (3, 6, 9)
    hidden = np.empty((n, n_steps, n_units), dtype=np.float32)
    cell = np.empty_like(hidden)
    w = rng.normal(0, 1.5, (3, n_units)) * (rng.random((3, n_units)) < 0.4)
    for t in range(n_steps):
        known = np.array([t >= e for e in events], dtype=float)
        drift = w + rng.normal(0, 0.1, w.shape)
        pre = (signs * known) @ drift + 0.5 * rng.normal(size=(n, n_units))
        cell[:, t] = pre
        hidden[:, t] = np.tanh(pre) * 0.9
    outputs = np.zeros((n, n_steps, 3), dtype=np.float32)
    answers = np.where(rng.random((n, 3)) < 0.98, signs, -signs)
    outputs[:, -1] = 0.9 * answers
    return SimpleNamespace(
        hidden=hidden,
        cell=cell,
        outputs=outputs,
        concepts=concepts,
        answer_step=np.full(n, n_steps - 1, dtype=np.int64),
        attrs={"info_length": 10},
    )


def median_time(
    fn: Callable[[], object], repeats: int, min_time: float = 0.0, warmup: bool = True
) -> tuple[float, float, object]:
    """Median wall and CPU time of ``fn`` over at least ``repeats`` runs (and ``min_time`` s).

    Returns ``(wall, cpu, last result)``. CPU time (this process) is reported next to wall
    time because the benchmark machine may be shared: wall time then includes waiting.
    """
    if warmup:
        fn()
    walls, cpus = [], []
    start = time.perf_counter()
    while len(walls) < repeats or time.perf_counter() - start < min_time:
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        if len(walls) >= 50 * repeats:
            break
    return statistics.median(walls), statistics.median(cpus), result


def fmt_ms(seconds: float) -> str:
    """Seconds as milliseconds with three significant digits (whole ms from 100 ms)."""
    ms = seconds * 1e3
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def cpu_ratio(fast: Callable[[], object], slow: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """Median over ``rounds`` of slow CPU time / fast CPU time, timed back to back (fast, slow, fast).

    Returns ``(ratio, fast CPU, slow CPU)`` (medians, seconds); the fast time of a round is
    the median of five runs before and five after the slow run.
    """
    ratios, fasts, slows = [], [], []
    for _ in range(rounds):
        before = median_time(fast, 5, warmup=False)[1]
        slow_cpu = median_time(slow, 1, warmup=False)[1]
        after = median_time(fast, 5, warmup=False)[1]
        fast_cpu = (before + after) / 2
        ratios.append(slow_cpu / fast_cpu)
        fasts.append(fast_cpu)
        slows.append(slow_cpu)
    return statistics.median(ratios), statistics.median(fasts), statistics.median(slows)


def same_result(a, b) -> bool:
    """Identical order; curve, node_relay and contribution within 1e-12 bits."""
    return bool(
        np.array_equal(a.order, b.order)
        and all(
            np.allclose(getattr(a, key), getattr(b, key), rtol=0, atol=1e-12)
            for key in ("curve", "node_relay", "contribution")
        )
    )


def search_data(kind: str, n: int, n_units: int):
    """``(x, z, bits)`` of one search: network-like (binarized) or random units."""
    rng = np.random.default_rng(n_units * 100_003 + n)
    if kind == "network-like":
        x, z, act = network_like(n, n_units, rng)
        return x, z, binarize(act)
    return random_bits(n, n_units, rng)


def bench_greedy(quick: bool) -> list[str]:
    """Table rows: one greedy search, fast vs the plain implementation (speed-up = plain / fast CPU)."""
    rows = [
        "| data | units | samples | distinct rows | fast wall (ms) | fast CPU (ms) "
        "| plain CPU (ms) | speed-up vs plain | same result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    cases = [(12, 1000), (12, 3000), (12, 10_000), (64, 3000), (256, 3000)]
    for kind in ("network-like", "random"):
        for n_units, n in cases:
            x, z, bits = search_data(kind, n, n_units)
            distinct = len(np.unique(bits, axis=0))
            fast, fast_cpu, a = median_time(lambda: greedy_relay(x, z, bits), 3 if n_units > 12 else 20, 0.3)
            plain_cell = speed = same = "–"
            if n_units == 12 and not (quick and n > 3000):
                rounds = 1 if n > 3000 else (3 if quick else 7)
                speed_up, fast_cpu, plain_cpu = cpu_ratio(
                    lambda: greedy_relay(x, z, bits), lambda: plain_greedy_relay(x, z, bits), rounds
                )
                plain_cell, speed = fmt_ms(plain_cpu), f"{speed_up:.0f}×"
                same = "yes" if same_result(a, plain_greedy_relay(x, z, bits)) else "NO"
            rows.append(
                f"| {kind} | {n_units} | {n} | {distinct} | {fmt_ms(fast)} | {fmt_ms(fast_cpu)} "
                f"| {plain_cell} | {speed} | {same} |"
            )
    x, z, bits = search_data("network-like", 3000, 12)
    straw, straw_cpu, b = median_time(lambda: reference_greedy_relay(x, z, bits), 1, warmup=False)
    plain_cpu = median_time(lambda: plain_greedy_relay(x, z, bits), 3)[1]
    rows.append(
        f"\nStrawman (``reference_greedy_relay``, ``np.unique(axis=0)`` per term) at network-like 12 × 3000: "
        f"{fmt_ms(straw_cpu)} ms CPU, {straw_cpu / plain_cpu:.0f}× the plain implementation "
        f"(same result: {'yes' if same_result(b, greedy_relay(x, z, bits)) else 'NO'})."
    )
    return rows


def bench_null(quick: bool) -> list[str]:
    """Table rows: the shuffle null of one search (all permutations counted in batched bincounts)."""
    rows = ["| shuffle null (network-like, 12 units × 3,000 samples) | wall (ms) | CPU (ms) |", "|---|---:|---:|"]
    x, z, bits = search_data("network-like", 3000, 12)
    base = median_time(lambda: greedy_relay(x, z, bits), 10)[1]
    for shuffles in (100, 1000):
        wall, cpu, _ = median_time(lambda: greedy_relay(x, z, bits, n_shuffles=shuffles), 3 if quick else 5)
        rows.append(f"| search + {shuffles} shuffles (search alone: {fmt_ms(base)} ms CPU) | {fmt_ms(wall)} | {fmt_ms(cpu)} |")
    return rows


def bench_compile(quick: bool) -> list[str]:
    """Table rows: compiling the few-unit search (empty Numba cache), then loading it from the cache."""
    code = (
        "import time; t = time.perf_counter(); "
        "from inforelay.relay.few_units import compile_search; compile_search(); "
        "print(time.perf_counter() - t)"
    )
    rows = ["| few-unit search, in a new process (import of Numba included) | wall (s) |", "|---|---:|"]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("compile (empty cache)", "load from the cache"):
            out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
            rows.append(f"| {label} | {float(out.stdout):.2f} |")
    return rows


def bench_binarize(quick: bool) -> list[str]:
    """Table rows: the binarization methods on 12 units × 3,000 samples."""
    rng = np.random.default_rng(7)
    _, _, act = network_like(3000, 12, rng)
    rows = ["| method (12 units × 3,000 samples) | wall (ms) | CPU (ms) |", "|---|---:|---:|"]
    for method, repeats in (("kmeans", 20), ("median", 20), ("kmeans-sklearn", 1 if quick else 3)):
        wall, cpu, _ = median_time(lambda: binarize(act, method), repeats)
        rows.append(f"| {method} | {fmt_ms(wall)} | {fmt_ms(cpu)} |")
    exact, ref = binarize(act, "kmeans"), binarize(act, "kmeans-sklearn")
    rows.append(
        f"| kmeans vs kmeans-sklearn: differing bits | {int((exact != ref).sum())} of {exact.size} | |"
    )
    return rows


def bench_network(quick: bool) -> list[str]:
    """Table rows: :func:`relay_all_states` on a synthetic LSTM-like recording."""
    rec = lstm_like_recording()
    n_searches = 2 * rec.hidden.shape[1] * rec.concepts.shape[1]
    rows = [
        "| per-network relay (LSTM-like, 2,000 samples × 15 steps × 12 units) | wall (s) | CPU (s) |",
        "|---|---:|---:|",
    ]
    for shuffles in (0, 100):
        wall, cpu, _ = median_time(lambda: relay_all_states(rec, n_shuffles=shuffles), 3 if quick else 5)
        rows.append(
            f"| {n_searches} searches (hidden + cell), {shuffles} shuffles each | {wall:.3f} | {cpu:.3f} |"
        )
    return rows


def bench_large(quick: bool) -> list[str]:
    """Table rows: relay over time of the hidden state of a 256-unit, 100-step, 3-concept recording."""
    n_steps = 20 if quick else 100
    rec = lstm_like_recording(n=2000, n_steps=n_steps, n_units=256, seed=1)
    rec.cell = None
    rows = [
        f"| relay over time, hidden state: 2,000 samples × {n_steps} steps × 256 units × 3 concepts "
        "| searches | wall (s) | CPU (s) | CPU per search (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for shuffles in (0,) if quick else (0, 100):
        wall, cpu, _ = median_time(lambda: relay_over_time(rec, n_shuffles=shuffles), 1, warmup=False)
        searches = 3 * n_steps
        rows.append(
            f"| {shuffles} shuffles per search | {searches} | {wall:.1f} | {cpu:.1f} | {1e3 * cpu / searches:.0f} |"
        )
    return rows


def bench_optimality(quick: bool) -> list[str]:
    """Table rows: how often the greedy sets equal the exhaustive optimum, size by size."""
    rows = [
        "| units | samples | cases | greedy optimal at every size | greedy sets that are optimal "
        "| largest shortfall (bits) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    rng = np.random.default_rng(11)
    for n_units in (4, 6, 8, 10):
        cases = 10 if n_units == 10 else (30 if quick else 60)
        if quick and n_units == 10:
            cases = 4
        optimal = sets_ok = sets_total = 0
        shortfall = 0.0
        for _ in range(cases):
            x, z, act = network_like(1000, n_units, rng, noise=0.6)
            bits = binarize(act)
            res = greedy_relay(x, z, bits)
            best, _ = exhaustive_relay(x, z, bits)
            greedy_by_size = res.curve[::-1]  # I_R of the greedy set with k units, k = 0..N
            ok = np.isclose(greedy_by_size, best, rtol=0, atol=1e-9)
            sets_ok += int(ok[1:-1].sum())
            sets_total += n_units - 1
            optimal += int(ok.all())
            shortfall = max(shortfall, float(np.max(best - greedy_by_size)))
        rows.append(
            f"| {n_units} | 1000 | {cases} | {optimal}/{cases} ({100 * optimal / cases:.0f}%) "
            f"| {sets_ok}/{sets_total} ({100 * sets_ok / sets_total:.0f}%) | {shortfall:.3f} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and print the markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats; no 10k plain; 20 large steps")
    args = parser.parse_args(argv)
    with threadpool_limits(limits=1):  # one core: no BLAS/OpenMP thread pools
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Print every table."""
    cpu = platform.processor() or platform.machine()
    print(
        f"# bench/relay.py — {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}\n"
    )
    print(
        "load average at start: {:.2f} {:.2f} {:.2f} (1, 5, 15 min) on {} CPUs\n".format(
            *os.getloadavg(), os.cpu_count()
        )
    )
    print("## One greedy search (median)\n")
    print("\n".join(bench_greedy(args.quick)))
    print("\n## Compiling the few-unit search (once per machine)\n")
    print("\n".join(bench_compile(args.quick)))
    print("\n## Binarization\n")
    print("\n".join(bench_binarize(args.quick)))
    print("\n## Shuffle null\n")
    print("\n".join(bench_null(args.quick)))
    print("\n## Cost per network\n")
    print("\n".join(bench_network(args.quick)))
    print("\n## A large recording (one core)\n")
    print("\n".join(bench_large(args.quick)))
    print("\n## Greedy vs exhaustive search (network-like units, noise 0.6)\n")
    print("\n".join(bench_optimality(args.quick)))
    print("\nload average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
