"""Greedy vs exhaustive relay sets of a condition's first networks (rule ``exhaustive``):
:func:`inforelay.analyses.exhaustive.exhaustive_experiment` on each network's recording (the
analysis set) and held-out test set, with the random sets' mean accuracy from its knockout table.
See ``docs/open-questions.md``."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from inforelay.analyses.exhaustive import exhaustive_experiment
from inforelay.core.atomic import write_table
from inforelay.core.keys import NetworkKey
from inforelay.core.recording_files import load_recording
from inforelay.core.seeds import knockout_seed
from inforelay.nets.files import load_network
from inforelay.pipeline.conditions import condition_networks
from inforelay.pipeline.tables import with_keys
from inforelay.tasks import make_split

__all__ = ["exhaustive_condition", "exhaustive_report", "random_baseline"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def random_baseline(knockout: pd.DataFrame, ablation: str) -> pd.DataFrame:
    """Mean accuracy of each ranked concept under its random ``k``-sets (test set, ``ablation``):
    columns ``concept``, ``k``, ``accuracy_random``."""
    sel = knockout[(knockout["set_kind"] == "random") & (knockout["data"] == "test")
                   & (knockout["ablation"] == ablation)
                   & (knockout["ranked_concept"] == knockout["evaluated_concept"])]
    means = sel.groupby(["ranked_concept", "k"], sort=False)["accuracy"].mean()
    return means.rename("accuracy_random").reset_index().rename(columns={"ranked_concept": "concept"})


def exhaustive_condition(
    condition: Mapping[str, Any],
    replicates: Sequence[str],
    networks: Sequence[PathLike],
    recordings: Sequence[PathLike],
    knockouts: Sequence[PathLike],
    outputs: Sequence[PathLike],
    test: Mapping[str, Any],
    data_sets: Sequence[str],
    relay: Mapping[str, Any],
    knockout: Mapping[str, Any],
) -> None:
    """Write each listed network's table (keys first)."""
    for key, network, recording, knockout_file, output, data_set in condition_networks(
        condition, replicates, networks, recordings, knockouts, outputs, data_sets
    ):
        net = NetworkKey.from_mapping(key.row())
        model, _ = load_network(network)
        rec = load_recording(recording)
        data = make_split(key.task, key.delay_regime, "test", test, data_set=data_set)
        table = exhaustive_experiment(
            rec, model, data, binarization=relay["binarization"], mode=knockout["mode"],
            ablation=knockout["ablation"], seed=knockout_seed(net.row()),
            concept_names=list(data.concept_names),
        )
        baseline = random_baseline(pd.read_csv(knockout_file), knockout["ablation"])
        table = table.merge(baseline, on=["concept", "k"], how="left", validate="one_to_one")
        write_table(with_keys(table, net.row()), output, {"relay": dict(relay), "knockout": dict(knockout)})
        log.info("%s: %d concepts, greedy optimal in %d of %d sets", output,
                 table["concept"].nunique(), int(table["optimal"].sum()), len(table))


def exhaustive_report(table: PathLike, groups_output: PathLike, claims_output: PathLike,
                      figure_stem: PathLike) -> None:
    """Summarize the aggregated greedy-vs-exhaustive table (rule ``exhaustive_report``): the
    per-group summary, C3 with greedy and with best sets, and the figure."""
    from inforelay.claims.exhaustive import exhaustive_summary
    from inforelay.figures.exhaustive import plot_greedy_vs_exhaustive
    from inforelay.figures.style import save

    df = pd.read_csv(table)
    for key in ("task", "model", "delay_regime"):
        df[key] = df[key].astype(str)
    groups, claims = exhaustive_summary(df)
    write_table(groups, groups_output)
    write_table(claims, claims_output)
    save(plot_greedy_vs_exhaustive(df), figure_stem)
