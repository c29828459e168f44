"""Analysis figures (Figs. 3–13) render from synthetic tables and arrays to PNG and PDF."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from conftest import distribution_rows, knockout_rows, network_grid, stability_rows
from matplotlib.figure import Figure

from inforelay.analyses.latent import removal_cluster_scores
from inforelay.figures import latent as latent_figures
from inforelay.figures import save
from inforelay.figures.knockout import plot_knockout
from inforelay.figures.relay import (
    plot_greedy_relay,
    plot_relay_architectures,
    plot_relay_over_time,
)
from inforelay.figures.stability import (
    distribution_summary,
    plot_concept_distribution,
    plot_stability,
)

MODELS = ("rnn", "gru", "lstm")
NAMES = ("A", "B", "C")


def check_saved(fig: Figure, tmp_path, stem: str) -> None:
    assert isinstance(fig, Figure)
    written = save(fig, tmp_path / stem)
    assert [p.suffix for p in written] == [".png", ".pdf"]
    png, pdf = written
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000


def relay_R(seed: int = 0, n_steps: int = 15) -> np.ndarray:
    rng = np.random.default_rng(seed)
    R = rng.uniform(0, 0.1, size=(n_steps, 3, 12))
    for c, t in enumerate((3, 6, 9)):
        R[t:, c, c * 4] = 0.9
    return R


def test_fig03_greedy(tmp_path):
    rng = np.random.default_rng(0)
    order = np.stack([rng.permutation(12) for _ in range(3)])
    curve = np.concatenate(
        [np.ones((3, 1)), np.sort(rng.uniform(0, 1, (3, 11)), axis=1)[:, ::-1], np.zeros((3, 1))],
        axis=1,
    )
    node_relay = rng.uniform(0, 3, (3, 12))
    check_saved(plot_greedy_relay(curve, order, node_relay, NAMES), tmp_path, "fig03")
    with pytest.raises(ValueError, match="curve"):
        plot_greedy_relay(curve[:, :5], order, node_relay)


def test_fig06_and_fig07_relay_over_time(tmp_path):
    fig = plot_relay_over_time(relay_R(), NAMES, event_steps=(3, 6, 9), analysis_step=9)
    check_saved(fig, tmp_path, "fig06")
    fig = plot_relay_architectures(
        {m: relay_R(i) for i, m in enumerate(MODELS)}, NAMES, event_steps=(3, 6, 9), analysis_step=9
    )
    check_saved(fig, tmp_path, "fig07")


def knockout_table(n_rep: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(0)

    def relay(ranked: str, evaluated: str, k: int) -> float:
        drop = (0.5 if ranked == evaluated else 0.1) * k / 12
        return 1 - drop + rng.normal(0, 0.02)

    rows = []
    for key in network_grid(n_rep, regimes=("random",)):
        rows += knockout_rows(key, relay, lambda r, e, k, d: 1 - 0.2 * k / 12, n_draws=2)
    return pd.DataFrame(rows)
def test_fig04_knockout(tmp_path):
    df = knockout_table()
    check_saved(plot_knockout(df, task="memory", concept_names=NAMES), tmp_path, "fig04")
    with pytest.raises(ValueError, match="no knockout rows"):
        plot_knockout(df, task="block")


def stability_table() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for key in network_grid(3, tasks=("memory", "block")):
        rows += stability_rows(key, lambda c, m: rng.uniform(0.2, 0.9))
    return pd.DataFrame(rows)
def test_fig08_fig09_stability(tmp_path):
    df = stability_table()
    check_saved(plot_stability(df, "r"), tmp_path, "fig08")
    check_saved(plot_stability(df, "overlap"), tmp_path, "fig09")


def distribution_table() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    rows = []
    for key in network_grid(4, regimes=("random",)):
        rows += distribution_rows(key, lambda c, u: bool(rng.random() < 0.3), lambda _: 0.0)
    return pd.DataFrame(rows)
def test_distribution_summary_fractions():
    per_node, per_concept = distribution_summary(distribution_table())
    assert list(per_node.columns) == [
        "task",
        "model",
        "delay_regime",
        "replicate",
        "n_concepts",
        "fraction",
    ]
    sums = per_node.groupby(["model", "replicate"])["fraction"].sum()
    assert np.allclose(sums, 1.0)
    assert sorted(per_node["n_concepts"].unique()) == [0, 1, 2, 3]
    assert per_concept["n_units"].between(0, 12).all()


def test_fig10_concept_distribution(tmp_path):
    check_saved(
        plot_concept_distribution(distribution_table(), task="memory", concept_names=NAMES),
        tmp_path,
        "fig10",
    )


def latent_inputs(seed: int = 0):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(200, 3)).astype(np.int8)
    states = rng.normal(0, 1, size=(200, 12))
    states[:, :3] += 3 * bits
    order = np.array([[u for u in range(12) if u != c] + [c] for c in range(3)])
    return states, bits, order


def test_fig12_fig13_latent(tmp_path):
    states, bits, order = latent_inputs()
    check_saved(latent_figures.plot_pca_states(states, bits, NAMES), tmp_path, "fig12")
    scores = removal_cluster_scores(
        states, bits, order, n_random=5, max_samples=100, seed=0, concept_names=NAMES
    )
    curve = np.tile(np.linspace(1, 0, 13), (3, 1))
    check_saved(
        latent_figures.plot_removal_pca(states, bits, order, scores, NAMES, curve=curve), tmp_path, "fig13"
    )
    frames = []
    for model, rep in itertools.product(MODELS, range(2)):
        s = scores.copy()
        s.insert(0, "replicate", rep)
        s.insert(0, "delay_regime", "random")
        s.insert(0, "model", model)
        s.insert(0, "task", "memory")
        frames.append(s)
    check_saved(latent_figures.plot_removal_scores(pd.concat(frames), task="memory"), tmp_path, "fig13_aggregate")


def test_table_helpers():
    from inforelay.figures import concept_order, ordered, select_rows

    df = knockout_table(1)
    assert ordered(["lstm", "x", "rnn", "lstm"], ["rnn", "gru", "lstm"]) == ["rnn", "lstm", "x"]
    assert concept_order(None, df["evaluated_concept"]) == list(NAMES)
    assert concept_order(("C", "A"), df["evaluated_concept"]) == ["C", "A"]
    assert len(select_rows(df, "knockout", task="memory", delay_regime=None)) == len(df)
    with pytest.raises(ValueError, match="no latent rows for task 'memory' and delay regime '3'"):
        select_rows(df, "latent", task="memory", delay_regime="3")


def test_single_network_knockout_has_no_band_but_the_same_range():
    df = knockout_table(1)
    df["accuracy"] *= 0.5  # means below 0.3: the range follows the lowest mean
    fig = plot_knockout(df, task="memory", show_random=False)
    ax = fig.get_axes()[0]
    lowest = min(line.get_ydata().min() for ax_ in fig.get_axes() for line in ax_.get_lines()[:-1])
    # one network: no interval (nan ends), the y range still starts below the lowest mean
    assert ax.get_ylim()[0] == pytest.approx(min(0.3, lowest - 0.03))
