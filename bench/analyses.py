"""Benchmark: the per-network analyses (knockout, latent removal scores, stability / distribution).

For each architecture one network is trained on the memory task with the random delay regime
(the paper's Figs. 4/5 setting; ``--untrained`` skips training: timings hardly depend on the
weights), its analysis set is recorded and relay over time is computed. Then every per-network
analysis runs with the paper's sizes (20 random knockout sets per size, 50 random removal orders,
800 scored samples), and each fast kernel is timed against a stated plain reference on the same
inputs (the results are checked to agree):

- knockout: :func:`inforelay.analyses.knockout_experiment` (identical sets once, batched passes)
  vs one :func:`inforelay.nets.run_stepwise` pass per listed set;
- latent: :func:`inforelay.analyses.cluster_scores` on a batch of PCA projections (relay orders
  and ``--score-orders`` random orders, every removal step) vs :func:`sklearn.metrics.silhouette_score`,
  :func:`sklearn.metrics.davies_bouldin_score` and :func:`sklearn.metrics.calinski_harabasz_score`
  called per projection and concept;
- stability: :func:`inforelay.analyses.kmeans_split_1d` on every (step, concept) row of ``R`` vs
  :class:`sklearn.cluster.KMeans` (k = 2, ``n_init=10``) per row.

Prints two markdown tables (median wall-clock seconds over ``--repeats``; references run once):
the cost per network, and fast vs reference with the speed-up = reference / fast.

    python bench/analyses.py [--n-analysis 2000] [--repeats 3] [--untrained] [--threads 1]
"""

from __future__ import annotations

import argparse
from types import SimpleNamespace

import numpy as np
import torch
from _timing import timed
from sklearn.cluster import KMeans
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

from inforelay.analyses import (
    SCORES,
    cluster_scores,
    concept_state_codes,
    distribution_table,
    kmeans_split_1d,
    knockout_experiment,
    network_stability_table,
    pca_projection,
    random_orders,
    removal_cluster_scores,
    removal_rank,
    set_accuracy,
    stratified_subsample,
)
from inforelay.nets import (
    TrainingConfig,
    answers,
    build_network,
    record_activations,
    run_stepwise,
    train_network,
)
from inforelay.relay import relay_over_time
from inforelay.tasks import generate

SKLEARN_SCORES = {
    "silhouette": silhouette_score,
    "davies_bouldin": davies_bouldin_score,
    "calinski_harabasz": calinski_harabasz_score,
}


def knockout_one_pass_per_set(net, analysis, table, t_k: int) -> np.ndarray:
    """Reference: every listed set of ``table`` run through the network on its own."""
    rows = table.drop_duplicates(["set_kind", "ranked_concept", "k", "draw"], ignore_index=True)
    last = int(analysis.answer_step.max())
    x = np.asarray(analysis.inputs[:, : last + 1], dtype=np.float32)
    acc = []
    for units in rows["units"]:
        mask = np.zeros((1, net.n_hidden), dtype=bool)
        mask[0, [int(u) for u in units.split()]] = True
        run = run_stepwise(net, x, knockout_masks=mask, knockout_start=t_k, record_states=False)
        acc.append(set_accuracy(answers(run.outputs, analysis.answer_step), analysis.targets)[0])
    return np.asarray(acc)


def removal_clouds(states, bits, relay_order, n_orders: int, seed: int):
    """PCA projections (2 components) of the scored subsample after removal steps ``0 .. N-2``
    along the relay orders and ``n_orders`` random orders, as in the latent analysis (the last
    step leaves one unit and one component, so it is left out to stack the clouds); and the
    subsample's concept bits."""
    rng = np.random.default_rng(seed)
    sub = stratified_subsample(concept_state_codes(bits), 800, rng)
    n_units = states.shape[1]
    orders = np.concatenate([relay_order, random_orders(n_units, n_orders, rng)])
    clouds = [
        pca_projection(states[:, order[r:]], 2)[sub] for order in orders for r in range(n_units - 1)
    ]
    return np.stack(clouds), bits[sub]


def sklearn_cluster_scores(clouds: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Reference: scikit-learn's three scores per cloud and concept, ``(B, C, 3)``."""
    return np.array(
        [
            [[SKLEARN_SCORES[s](cloud, labels[:, c]) for s in SCORES] for c in range(labels.shape[1])]
            for cloud in clouds
        ]
    )


def kmeans_rows_sklearn(rows: np.ndarray) -> np.ndarray:
    """Reference: scikit-learn KMeans (k = 2) per row; ``True`` for the cluster with the higher centre."""
    out = np.zeros(rows.shape, dtype=bool)
    for i, row in enumerate(rows):
        if np.ptp(row) == 0:
            continue
        km = KMeans(n_clusters=2, n_init=10, random_state=0).fit(row[:, None])
        out[i] = km.labels_ == int(np.argmax(km.cluster_centers_[:, 0]))
    return out


def network(arch: str, args, data: SimpleNamespace):
    """A trained (or, with ``--untrained``, untrained) network and its validation accuracy."""
    if args.untrained:
        return build_network(arch, data.analysis.inputs.shape[2], seed=1), float("nan")
    config = TrainingConfig(threads=args.threads)
    result = train_network(arch, data.train, data.validation, config, seed=1)
    return result.network, result.accuracy


def bench_architecture(arch: str, args, data: SimpleNamespace) -> tuple[list, list]:
    """The cost row and the fast-vs-reference rows of one architecture."""
    analysis = data.analysis
    net, accuracy = network(arch, args, data)
    arrays = record_activations(net, analysis)
    recording = SimpleNamespace(
        hidden=arrays["hidden"],
        outputs=arrays["outputs"],
        concepts=arrays["concepts"],
        answer_step=arrays["answer_step"],
        cell=arrays.get("cell"),
        attrs={"info_length": analysis.info_length},
    )
    t_k = analysis.info_length - 1
    t_relay, rel = timed(lambda: relay_over_time(recording), 1)
    ranking = removal_rank(rel.order[t_k])
    t_ko, ko = timed(
        lambda: knockout_experiment(net, analysis, ranking, knockout_step=t_k, n_random=20, seed=1),
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
    sets = (ko.attrs["n_sets"], ko.attrs["n_distinct_sets"])
    cost = [arch, accuracy, t_relay, t_ko, *sets, t_lat, lat.attrs["n_samples"], t_stab]
    return cost, compare(arch, args, net, analysis, ko, t_ko, states, rel, t_k)


def compare(arch, args, net, analysis, ko, t_ko, states, rel, t_k) -> list:
    """Fast kernels against their references on this network's data."""
    rows = []
    t_ref, ref = timed(lambda: knockout_one_pass_per_set(net, analysis, ko, t_k), 1)
    listed = ko.drop_duplicates(["set_kind", "ranked_concept", "k", "draw"])
    keys = ["set_kind", "ranked_concept", "k", "draw"]
    names = list(dict.fromkeys(ko["evaluated_concept"]))  # the networks' output order
    table = ko.set_index([*keys, "evaluated_concept"])["accuracy"].unstack("evaluated_concept")
    fast = table.loc[list(listed[keys].itertuples(index=False, name=None)), names].to_numpy()
    same = np.allclose(fast, ref)
    rows.append((arch, f"knockout, {len(listed)} sets", t_ko, "one pass per set", t_ref, same))

    clouds, labels = removal_clouds(states, analysis.concepts, rel.order[t_k], args.score_orders, 1)
    t_fast, fast_scores = timed(lambda: cluster_scores(clouds, labels), args.repeats)
    t_ref, ref_scores = timed(lambda: sklearn_cluster_scores(clouds, labels), 1)
    stacked = np.stack([fast_scores[s] for s in SCORES], axis=-1)
    same = np.allclose(stacked, ref_scores, rtol=1e-5, atol=1e-6)
    what = f"cluster scores, {len(clouds)} clouds x {labels.shape[1]} concepts"
    rows.append((arch, what, t_fast, "sklearn.metrics per cloud and concept", t_ref, same))

    R = np.maximum(rel.contribution, 0.0).reshape(-1, rel.contribution.shape[-1])
    t_fast, split = timed(lambda: kmeans_split_1d(R), args.repeats)
    t_ref, ref_split = timed(lambda: kmeans_rows_sklearn(R), 1)
    varied = int(np.sum(np.ptp(R, axis=1) > 0))  # constant rows need no clustering
    rows.append((arch, f"2-means, {len(R)} rows ({varied} not constant)", t_fast,
                 "sklearn KMeans per row", t_ref,
                 bool(np.mean(split == ref_split) > 0.99)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="memory", choices=["memory", "block"])
    parser.add_argument("--n-analysis", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--score-orders", type=int, default=5,
                        help="random removal orders in the cluster-score comparison")
    parser.add_argument("--untrained", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = SimpleNamespace(
        analysis=generate(args.task, args.n_analysis, 5, 11),  # random-regime networks: delay 5
        train=generate(args.task, 2000, "random", 12),
        validation=generate(args.task, 1000, "random", 13),
    )
    costs, comparisons = [], []
    for arch in ("rnn", "gru", "lstm"):
        cost, rows = bench_architecture(arch, args, data)
        costs.append(cost)
        comparisons.extend(rows)

    print(f"task={args.task} n_analysis={args.n_analysis} threads={args.threads} "
          f"torch={torch.__version__} numpy={np.__version__}\n")
    print("| arch | train acc | relay s | knockout s | sets | distinct | latent s | scored n "
          "| stability s | analyses s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for arch, acc, tr, tk, ns, nd, tl, nl, tst in costs:
        print(f"| {arch} | {acc:.3f} | {tr:.3f} | {tk:.3f} | {ns} | {nd} | {tl:.3f} | {nl} "
              f"| {tst:.4f} | {tk + tl + tst:.3f} |")
    print("\n| arch | analysis | inforelay s | reference | reference s | speed-up | agree |")
    print("|---|---|---:|---|---:|---:|---|")
    for arch, what, t_fast, ref, t_ref, same in comparisons:
        print(f"| {arch} | {what} | {t_fast:.4f} | {ref} | {t_ref:.4f} | {t_ref / t_fast:.1f}x "
              f"| {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
