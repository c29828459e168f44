"""Time the per-network analyses: knockout, latent removal scores, stability / distribution.

For each architecture one network is trained on the memory task with the random delay regime
(the paper's Figs. 4/5 setting; ``--untrained`` skips training: timings hardly depend on the
weights), its analysis set is recorded, relay over time is computed, and then every per-network
analysis runs with the paper's sizes (20 random knockout sets per size, 50 random removal orders,
800 scored samples). Prints one table, one row per architecture.

    python bench/analyses.py [--n-analysis 2000] [--repeats 3] [--untrained] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from inforelay.analyses.knockout import knockout_experiment
from inforelay.analyses.latent import removal_cluster_scores
from inforelay.analyses.stability import distribution_table, network_stability_table
from inforelay.nets.models import build_network
from inforelay.nets.recording import record_activations
from inforelay.nets.training import TrainingConfig, train_network
from inforelay.relay.search import relay_over_time
from inforelay.tasks.generate import generate


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="memory", choices=["memory", "block"])
    parser.add_argument("--n-analysis", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--untrained", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    analysis = generate(
        args.task, args.n_analysis, 5, 11
    )  # random-regime networks: analysis delay 5
    train = generate(args.task, 2000, "random", 12)
    validation = generate(args.task, 1000, "random", 13)
    t_k = analysis.info_length - 1
    rows = []
    for arch in ("rnn", "gru", "lstm"):
        if args.untrained:
            net, accuracy = build_network(arch, analysis.inputs.shape[2], seed=1), float("nan")
        else:
            result = train_network(
                arch, train, validation, TrainingConfig(threads=args.threads), seed=1
            )
            net, accuracy = result.network, result.accuracy
        arrays = record_activations(net, analysis)

        class Rec:  # what relay_over_time reads
            hidden, outputs = arrays["hidden"], arrays["outputs"]
            concepts, answer_step = arrays["concepts"], arrays["answer_step"]
            cell = arrays.get("cell")
            attrs = {"info_length": analysis.info_length}

        t_relay, rel = timed(lambda: relay_over_time(Rec), 1)
        ranking = rel.node_relay[t_k]
        t_ko, ko = timed(
            lambda: knockout_experiment(
                net, analysis, ranking, knockout_step=t_k, n_random=20, seed=1
            ),
            args.repeats,
        )
        states = arrays["hidden"][:, t_k, :]
        t_lat, lat = timed(
            lambda: removal_cluster_scores(
                states, analysis.concepts, rel.order[t_k], n_random=50, max_samples=800, seed=1
            ),
            args.repeats,
        )
        t_stab, _ = timed(
            lambda: (
                network_stability_table(rel.contribution, t_k),
                distribution_table(rel.contribution[t_k]),
            ),
            args.repeats,
        )
        rows.append(
            (
                arch,
                accuracy,
                t_relay,
                t_ko,
                ko.attrs["n_sets"],
                ko.attrs["n_distinct_sets"],
                t_lat,
                lat.attrs["n_samples"],
                t_stab,
            )
        )

    print(
        f"task={args.task} n_analysis={args.n_analysis} threads={args.threads} torch={torch.__version__} "
        f"numpy={np.__version__}"
    )
    header = (
        "arch",
        "train acc",
        "relay s",
        "knockout s",
        "sets",
        "distinct",
        "latent s",
        "scored n",
        "stability s",
        "analyses s",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for arch, acc, tr, tk, ns, nd, tl, nl, tst in rows:
        print(
            f"| {arch} | {acc:.3f} | {tr:.3f} | {tk:.3f} | {ns} | {nd} | {tl:.3f} | {nl} | {tst:.4f} | "
            f"{tk + tl + tst:.3f} |"
        )


if __name__ == "__main__":
    main()
