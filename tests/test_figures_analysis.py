"""Analysis figures (Figs. 3–13) render from synthetic tables and arrays to PNG and PDF, and keep
the rules a reviewer checks: intervals inside the possible range, integer ticks on counts, unit
indices and time points, categorical regimes not joined by lines, legends off the data and titles."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from conftest import distribution_rows, knockout_rows, network_grid, stability_rows
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from inforelay.analyses.latent import removal_cluster_scores
from inforelay.analyses.summary import group_mean_ci
from inforelay.figures import latent as latent_figures
from inforelay.figures import save
from inforelay.figures.knockout import plot_knockout
from inforelay.figures.relay import (
    plot_greedy_relay,
    plot_relay_architectures,
    plot_relay_over_time,
    removal_losses,
)
from inforelay.figures.stability import (
    distribution_summary,
    plot_concept_distribution,
    plot_stability,
    stability_summary,
)
from inforelay.relay import loss_at_removal

MODELS = ("rnn", "gru", "lstm")
NAMES = ("A", "B", "C")


def check_saved(fig: Figure, tmp_path, stem: str) -> None:
    assert isinstance(fig, Figure)
    written = save(fig, tmp_path / stem)
    assert [p.suffix for p in written] == [".png", ".pdf"]
    png, pdf = written
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000


def _renderer(fig: Figure):
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _texts(fig) -> list:
    """The suptitles of the figure and of its subfigures (recursively)."""
    texts = [t for t in (getattr(fig, "_suptitle", None),) if t is not None and t.get_text()]
    for sub in getattr(fig, "subfigs", []):
        texts += _texts(sub)
    return texts


def assert_no_overlap(fig: Figure) -> None:
    """No legend overlaps an axes, a title or a suptitle; no suptitle overlaps an axes title."""
    renderer = _renderer(fig)
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    suptitles = [t.get_window_extent(renderer) for t in _texts(fig)]
    titles = [
        t.get_window_extent(renderer)
        for ax in fig.axes
        for t in (ax.title, ax._left_title, ax._right_title)
        if t.get_text()
    ]
    axes = [ax.get_window_extent(renderer) for ax in fig.axes]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        if legend in fig.legends:  # a figure legend must sit beside the axes
            assert not any(box.overlaps(a) for a in axes), "legend on the data"
        assert not any(box.overlaps(t) for t in titles + suptitles), "legend on a title"
    for sup in suptitles:
        assert not any(sup.overlaps(t) for t in titles), "suptitle on an axes title"
    width, height = fig.bbox.width, fig.bbox.height
    for box in suptitles + titles:
        assert box.x0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, "title cut off"


def errorbar_ends(fig: Figure) -> np.ndarray:
    """y of every error bar end in the figure."""
    ends = [
        seg[:, 1]
        for ax in fig.axes
        for coll in ax.collections
        if isinstance(coll, LineCollection)
        for seg in coll.get_segments()
    ]
    return np.concatenate(ends) if ends else np.array([])


def band_ys(axes) -> np.ndarray:
    """y of every vertex of the bands (fill_between) in ``axes``."""
    ys = [
        path.vertices[:, 1]
        for ax in axes
        for coll in ax.collections
        if isinstance(coll, PolyCollection)
        for path in coll.get_paths()
    ]
    return np.concatenate(ys) if ys else np.array([])


def assert_integer_ticks(axis) -> None:
    low, high = sorted(axis.get_view_interval())
    ticks = [t for t in axis.get_ticklocs() if low - 1e-9 <= t <= high + 1e-9]
    assert ticks and np.allclose(ticks, np.round(ticks)), ticks


def relay_R(seed: int = 0, n_steps: int = 15) -> np.ndarray:
    rng = np.random.default_rng(seed)
    R = rng.uniform(0, 0.1, size=(n_steps, 3, 12))
    for c, t in enumerate((3, 6, 9)):
        R[t:, c, c * 4] = 0.9
    return R


def greedy_inputs(seed: int = 0):
    rng = np.random.default_rng(seed)
    order = np.stack([rng.permutation(12) for _ in range(3)])
    curve = np.concatenate(
        [np.ones((3, 1)), np.sort(rng.uniform(0, 1, (3, 11)), axis=1)[:, ::-1], np.zeros((3, 1))],
        axis=1,
    )
    curve[1, 1] = 1.1  # the set without its first unit relays more: a negative loss
    return curve, order


def test_removal_losses_are_the_arrows_of_fig03():
    curve = np.array([[1.0, 0.9, 0.5, 0.0]])
    assert removal_losses(curve)[0].tolist() == pytest.approx([0.1, 0.5, 1.0])
    # the same numbers as the relay package's per-unit losses, put in removal order
    order = np.array([[2, 0, 1]])
    per_unit = loss_at_removal(order, curve)
    assert per_unit[0, order[0]].tolist() == pytest.approx(removal_losses(curve)[0].tolist())


def test_fig03_greedy_bars_are_the_losses_at_removal(tmp_path):
    curve, order = greedy_inputs()
    fig = plot_greedy_relay(curve, order, NAMES)
    bar_axes = fig.get_axes()[1::2]
    for c, ax in enumerate(bar_axes):
        heights = [patch.get_height() for patch in ax.patches]
        assert heights == pytest.approx((curve[c, 0] - curve[c, 1:]).tolist())
        assert [t.get_text() for t in ax.get_xticklabels()] == [f"u{u}" for u in order[c]]
        assert "bits" in ax.get_ylabel()
        assert [p.get_x() + p.get_width() / 2 for p in ax.patches] == pytest.approx(range(1, 13))
    for ax in fig.get_axes()[::2]:
        assert "bits" in ax.get_ylabel()
        assert_integer_ticks(ax.xaxis)
    assert bar_axes[1].patches[0].get_height() < 0  # negative loss drawn below zero
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig03")
    with pytest.raises(ValueError, match="curve"):
        plot_greedy_relay(curve[:, :5], order)


def test_fig06_relay_over_time_has_integer_unit_and_time_ticks(tmp_path):
    fig = plot_relay_over_time(relay_R(), NAMES, event_steps=(3, 6, 9), analysis_step=9)
    panels = [ax for ax in fig.get_axes() if ax.get_ylabel() == "unit"]
    assert len(panels) == 3
    for ax in panels:
        assert_integer_ticks(ax.xaxis)
        assert_integer_ticks(ax.yaxis)
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig06")


def test_fig07_fixed_and_random_blocks(tmp_path):
    blocks = {
        "delay 5": {m: relay_R(i) for i, m in enumerate(MODELS)},
        "random": {m: relay_R(10 + i) for i, m in enumerate(MODELS)},
    }
    fig = plot_relay_architectures(blocks, NAMES, event_steps=(3, 6, 9), analysis_step=9)
    assert [sub._suptitle.get_text() for sub in fig.subfigs] == ["delay 5", "random"]
    maps = [ax for ax in fig.get_axes() if ax.images]
    assert len(maps) == 2 * 3 * 3  # blocks × concepts × architectures
    assert [ax.get_title() for ax in maps[:3]] == ["RNN", "GRU", "LSTM"]
    for ax in maps:
        assert_integer_ticks(ax.xaxis)
        assert_integer_ticks(ax.yaxis)
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig07")
    with pytest.raises(ValueError, match="empty"):
        plot_relay_architectures({"delay 5": {}}, NAMES)
    long_title = "networks trained with delay 4 (the largest fixed delay of this run; the paper shows 5)"
    fig = plot_relay_architectures({long_title: {"rnn": relay_R()}}, NAMES, event_steps=(3, 6, 9))
    assert "\n" in fig.subfigs[0]._suptitle.get_text()  # wrapped to the figure's width
    assert_no_overlap(fig)


def knockout_table(n_rep: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(0)

    def relay(ranked: str, evaluated: str, k: int) -> float:
        drop = (0.5 if ranked == evaluated else 0.1) * k / 12
        return min(1.0, 1 - drop + rng.normal(0, 0.05))

    rows = []
    for key in network_grid(n_rep, regimes=("random",)):
        rows += knockout_rows(
            key, relay, lambda r, e, k, d: min(1.0, 1 - 0.2 * k / 12 + rng.normal(0, 0.05)), n_draws=2
        )
    return pd.DataFrame(rows)


def test_fig04_knockout(tmp_path):
    df = knockout_table()
    fig = plot_knockout(df, task="memory", concept_names=NAMES)
    data_axes = fig.get_axes()
    assert len(data_axes) == 3 * 3 * 3  # architectures × ranked × evaluated concepts
    ends = errorbar_ends(fig)
    # near-perfect accuracies: the raw intervals pass 1; the drawn ones stop there
    assert ends.size and ends.max() == pytest.approx(1.0) and ends.min() >= 0.0
    for ax in data_axes:
        # random sets have their interval too
        assert [c.get_label() for c in ax.containers] == ["relay set", "random set"]
        assert len([c for c in ax.collections if isinstance(c, LineCollection)]) == 2
        assert not [c for c in ax.collections if isinstance(c, PolyCollection)]  # no bands
        assert_integer_ticks(ax.xaxis)
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig04")
    with pytest.raises(ValueError, match="no knockout rows"):
        plot_knockout(df, task="block")


def stability_table(n_rep: int = 3) -> pd.DataFrame:
    """Three windows: ``first`` (one pair) values near 0.9 for GRU/LSTM and 0.1 for RNN, ``all``
    values 0.5, ``late`` (delays 4 and more) −0.5, so a figure on the wrong window shows."""
    rng = np.random.default_rng(1)
    rows = []
    for key in network_grid(n_rep, tasks=("memory", "block")):
        pairs = 5 if key["delay_regime"] in ("5", "random") else int(key["delay_regime"])
        windows = [("first", 1), ("all", pairs)] + ([("late", pairs - 3)] if pairs >= 4 else [])
        for window, n_pairs in windows:
            centre = {"first": 0.1 if key["model"] == "rnn" else 0.93, "all": 0.5, "late": -0.5}[window]
            for row in stability_rows(key, lambda c, m, mid=centre: mid + rng.uniform(-0.09, 0.09)):
                rows.append({**row, "window": window, "n_pairs": n_pairs, "n_defined": n_pairs})
    return pd.DataFrame(rows)


def test_stability_summary_on_a_known_table():
    rows = [
        {"task": "memory", "model": "rnn", "delay_regime": "1", "replicate": r, "concept": c,
         "measure": "r", "window": w, "value": v, "n_pairs": 1, "n_defined": 1}
        for r, vals in enumerate(((0.9, 0.7), (0.95, 0.95)))
        for c, v in zip("AB", vals, strict=True)
        for w in ("first", "all")
    ]  # fmt: skip
    summary = stability_summary(pd.DataFrame(rows), "r", "first")
    row = summary.iloc[0]
    assert row["n"] == 2 and row["mean"] == pytest.approx(0.875)  # networks 0.8 and 0.95
    assert row["ci_high"] == 1.0  # 0.875 + 12.7 * 0.075 clipped to r's range
    assert row["ci_low"] == pytest.approx(0.875 - 12.7062047 * 0.075)
    with pytest.raises(ValueError, match="window"):
        stability_summary(pd.DataFrame(rows).drop(columns="window"), "r", "first")


@pytest.mark.parametrize("measure, bounds", [("r", (-1.0, 1.0)), ("overlap", (0.0, 1.0))])
def test_fig08_fig09_stability(tmp_path, measure, bounds):
    df = stability_table()
    per_network = df[(df["measure"] == measure) & (df["window"] == "first")].groupby(
        ["task", "model", "delay_regime", "replicate"])["value"].mean().reset_index()
    raw = group_mean_ci(per_network, ["task", "model", "delay_regime"], "value")
    assert raw["ci_high"].max() > 1.0  # so the bounds below are a real test
    fig = plot_stability(df, measure)
    ends = errorbar_ends(fig)
    assert ends.min() >= bounds[0] and ends.max() <= bounds[1]
    first_panels = [ax for ax in fig.get_axes() if "first" in ax.get_title()]
    all_panels = [ax for ax in fig.get_axes() if "all pairs" in ax.get_title()]
    assert len(first_panels) == len(all_panels) == 2
    for ax in first_panels:
        assert [t.get_text() for t in ax.get_xticklabels()][-1] == "random"
        means = np.concatenate([c.lines[0].get_ydata() for c in ax.containers])  # the points
        assert means.max() > 0.8 and 0.0 < means.min() < 0.2  # the "first" window's values
    for ax in first_panels + all_panels:
        for line in ax.get_lines():  # points only: categorical regimes are never joined
            y = np.asarray(line.get_ydata(), dtype=float)
            assert line.get_linestyle() == "None" or np.ptp(y) == 0  # reference lines are flat
    for ax in all_panels:
        assert [t.get_text() for t in ax.get_xticklabels()] == ["delay 5", "random"]
        assert "5 pairs each" in ax.get_title()
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, f"fig_{measure}")


def test_fig08_without_random_shows_the_first_window_only():
    df = stability_table(2)
    fig = plot_stability(df[df["delay_regime"] != "random"], "r")
    assert len(fig.get_axes()) == 2 and all("first" in ax.get_title() for ax in fig.get_axes())


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
    fig = plot_concept_distribution(distribution_table(), task="memory", concept_names=NAMES)
    ends = errorbar_ends(fig)
    assert ends.size and ends.min() >= 0.0 and ends.max() <= 1.0
    for ax in fig.get_axes():
        assert_integer_ticks(ax.xaxis)
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig10")


def latent_inputs(seed: int = 0):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(200, 3)).astype(np.int8)
    states = rng.normal(0, 1, size=(200, 12))
    states[:, :3] += 3 * bits
    order = np.array([[u for u in range(12) if u != c] + [c] for c in range(3)])
    return states, bits, order


def latent_table(scores: pd.DataFrame, n_rep: int = 3) -> pd.DataFrame:
    """``scores`` for every architecture and replicate (noisier per replicate), plus the row of
    the concept states (concept ``states``, removal ``none``) every network has."""
    rng = np.random.default_rng(3)
    frames = []
    for model, rep in itertools.product(MODELS, range(n_rep)):
        s = scores.copy()
        s["silhouette"] = np.clip(s["silhouette"] + rng.normal(0, 0.6, len(s)), -1, 1)
        states = s.iloc[:1].assign(concept="states", removal="none", n_removed=0, silhouette=-0.99)
        s = pd.concat([s, states], ignore_index=True)
        for column, value in (("replicate", rep), ("delay_regime", "random"), ("model", model),
                              ("task", "memory")):  # fmt: skip
            s.insert(0, column, value)
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def test_fig12_fig13_latent(tmp_path):
    states, bits, order = latent_inputs()
    fig = latent_figures.plot_pca_states(states, bits, NAMES)
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig12")
    scores = removal_cluster_scores(
        states, bits, order, n_random=5, max_samples=100, seed=0, concept_names=NAMES
    )
    curve = np.tile(np.linspace(1, 0, 13), (3, 1))
    fig = latent_figures.plot_removal_pca(states, bits, order, scores, NAMES, curve=curve)
    legend_labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert any("$I_R$" in label for label in legend_labels)  # the black line is labelled
    assert any("random" in label for label in legend_labels)
    score_axes = [ax for ax in fig.get_axes() if ax.get_lines() and ax.get_xlabel()]
    for ax in score_axes:
        assert_integer_ticks(ax.xaxis)
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig13")


def test_fig13_summary_ignores_the_states_rows_and_keeps_bounds(tmp_path):
    states, bits, order = latent_inputs()
    scores = removal_cluster_scores(
        states, bits, order, n_random=5, max_samples=100, seed=0, concept_names=NAMES
    )
    table = latent_table(scores, n_rep=6)  # the median's 95 % interval needs 6 networks or more
    per_network = latent_figures.removal_scores_per_network(table)
    assert set(per_network["removal"]) == {"relay", "random"}
    # the band's ends are observed per-network values: inside the data's range by construction
    lowest, highest = per_network["silhouette"].min(), per_network["silhouette"].max()
    fig = latent_figures.plot_removal_scores(table, task="memory")
    axes = np.array(fig.get_axes()).reshape(3, 3)  # architectures × scores
    for ax in axes.ravel():
        assert_integer_ticks(ax.xaxis)
        assert [line.get_label() for line in ax.get_lines()] == ["relay order", "random order"]
        assert len(ax.collections) == 2  # both removals have their band
    silhouette_bands = band_ys(axes[:, 0])
    assert silhouette_bands.min() >= lowest - 1e-12 and silhouette_bands.max() <= highest + 1e-12
    assert band_ys(axes[:, 1:].ravel()).min() >= 0.0
    assert_no_overlap(fig)
    check_saved(fig, tmp_path, "fig13_aggregate")
    with pytest.raises(ValueError, match="removal"):
        latent_figures.removal_scores_per_network(table[table["removal"] == "none"])


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


def test_fig03_and_fig07_steps_from_relay_files(tmp_path):
    from types import SimpleNamespace

    from inforelay.pipeline.steps.figures import (
        fig_greedy,
        fig_relay_architectures,
        relay_block_titles,
    )
    from inforelay.relay import relay_over_time, write_relay

    rng = np.random.default_rng(0)
    concepts = rng.integers(0, 2, (160, 3)).astype(np.int8)
    hidden = rng.normal(size=(160, 5, 6))
    hidden[:, :, :3] += 2.0 * concepts[:, None, :]
    answers = np.repeat((2.0 * concepts - 1.0)[:, None, :], 5, axis=1)
    recording = SimpleNamespace(hidden=hidden, concepts=concepts, outputs=answers,
                                answer_step=np.full(160, 4), attrs={"info_length": 3})  # fmt: skip
    result = relay_over_time(recording)
    paths = {}
    for model, regime, rep in itertools.product(MODELS, ("4", "random"), range(2)):
        path = tmp_path / "memory" / model / f"delay-{regime}" / f"rep-{rep:02d}.h5"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_relay(path, {"hidden": result},
                    {"concept_names": list(NAMES), "event_steps": [0, 1, 2], "task": "memory"})  # fmt: skip
        paths.setdefault(regime, []).append(path)
    path = paths["4"][0]
    fig_greedy(path, tmp_path / "fig03.png")
    fig_relay_architectures(paths["4"], paths["random"], [], [], list(MODELS), "4", 5,
                            tmp_path / "fig07.png")
    fig_relay_architectures([], paths["random"][:2], [], [], ["rnn"], None, 5,
                            tmp_path / "fig07_random.png")
    for name in ("fig03", "fig07", "fig07_random"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5000
        assert (tmp_path / f"{name}.pdf").exists()
    with pytest.raises(ValueError, match="no relay files"):
        fig_relay_architectures([], [], [], [], [], None, 5, tmp_path / "none.png")
    titles = relay_block_titles("4", 5)
    assert "delay 4" in titles["fixed"] and "largest fixed delay" in titles["fixed"]
    assert "largest" not in relay_block_titles("5", 5)["fixed"]
    assert titles["random"].endswith("analysed at delay 5")
