"""Figures of the backbone: shared helpers, Fig. 1 (tasks), Fig. 2 (generalization)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from inforelay.figures import ARCH_COLORS, regime_color, regime_order, save
from inforelay.figures.generalization import generalization_summary, plot_generalization
from inforelay.figures.tasks import block_description, plot_tasks
from inforelay.tasks.generate import generate


def test_save_writes_png_and_pdf_atomically(tmp_path):
    fig = Figure()
    fig.subplots().plot([0, 1], [1, 0])
    written = save(fig, tmp_path / "figs" / "fig99_test.v1")
    assert [p.name for p in written] == ["fig99_test.v1.png", "fig99_test.v1.pdf"]
    png, pdf = written
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["fig99_test.v1.pdf", "fig99_test.v1.png"]


def test_style_helpers():
    assert ARCH_COLORS == {"rnn": "black", "gru": "red", "lstm": "blue"}
    assert regime_order(["random", "5", 1, "10", "2"]) == ["1", "2", "5", "10", "random"]
    colors = [regime_color(r) for r in ("1", "2", "3", "4", "5", "random")]
    assert len({str(c) for c in colors}) == 6
    with pytest.raises(ValueError, match="unknown delay regime"):
        regime_color("often")


def test_plot_tasks(tmp_path):
    memory = generate("memory", 8, 3, 1)
    block = generate("block", 8, 2, 1)
    fig = plot_tasks(memory, block)
    assert isinstance(fig, Figure)
    paths = save(fig, tmp_path / "fig01_tasks")
    assert all(p.stat().st_size > 1000 for p in paths)
    assert block_description(np.array([1.0, -1.0, 1.0])) == "large, moving left, bright"
    with pytest.raises(ValueError, match="memory and block"):
        plot_tasks(block, memory)


def _known_table() -> pd.DataFrame:
    rows = []
    for task in ("memory", "block"):
        for model in ("rnn", "gru", "lstm"):
            for regime in ("1", "3", "random"):
                for rep in range(4):
                    for eval_delay in range(10):
                        acc = 0.5 + 0.1 * rep + (0.2 if str(eval_delay) == regime else 0.0)
                        rows.append((task, model, regime, rep, eval_delay, acc))
    return pd.DataFrame(rows, columns=["task", "model", "delay_regime", "replicate", "eval_delay", "accuracy"])


def test_summary_mean_and_ci_on_a_known_table():
    summary = generalization_summary(_known_table())
    assert len(summary) == 2 * 3 * 3 * 10
    row = summary[(summary.task == "block") & (summary.model == "gru") & (summary.delay_regime == "3") & (summary.eval_delay == 3)].iloc[0]
    values = np.array([0.7, 0.8, 0.9, 1.0])
    # mean 0.85, sd 0.129099, t(0.975, 3) = 3.182446
    assert row["n"] == 4
    assert row["mean"] == pytest.approx(0.85)
    assert row["sd"] == pytest.approx(values.std(ddof=1))
    half = 3.182446305284263 * values.std(ddof=1) / 2
    assert row["ci_low"] == pytest.approx(0.85 - half)
    assert row["ci_high"] == pytest.approx(0.85 + half)
    assert row["sem"] == pytest.approx(values.std(ddof=1) / 2)
    other = summary[(summary.delay_regime == "random") & (summary.eval_delay == 0)].iloc[0]
    assert other["mean"] == pytest.approx(0.65)
    # regimes ordered numerically, random last
    assert list(dict.fromkeys(summary["delay_regime"])) == ["1", "3", "random"]


def test_summary_averages_repeated_rows_and_handles_single_replicates():
    df = pd.DataFrame(
        {
            "task": ["memory"] * 3,
            "model": ["rnn"] * 3,
            "delay_regime": [2, 2, 2],
            "replicate": [0, 0, 1],
            "eval_delay": [1, 1, 1],
            "accuracy": [0.4, 0.6, 0.8],
        }
    )
    summary = generalization_summary(df)
    assert summary["n"].tolist() == [2] and summary["mean"].iloc[0] == pytest.approx(0.65)
    single = generalization_summary(df.iloc[:1])
    assert single["n"].tolist() == [1] and np.isnan(single["ci_low"].iloc[0])
    with pytest.raises(ValueError, match="accuracy"):
        generalization_summary(df.drop(columns="accuracy"))


def test_plot_generalization(tmp_path):
    fig = plot_generalization(_known_table())
    axes = fig.get_axes()
    assert len(axes) == 6
    assert axes[0].get_title() == "RNN"
    labels = [line.get_label() for line in axes[0].get_lines() if not line.get_label().startswith("_")]
    assert labels == ["delay 1", "delay 3", "random"]
    paths = save(fig, tmp_path / "fig02_generalization")
    assert all(p.exists() for p in paths)


def test_figures_do_not_import_torch():
    # importing the figure modules must stay light for the figure jobs
    import subprocess

    code = (
        "import sys; import inforelay.figures.tasks, inforelay.figures.generalization; "
        "assert 'torch' not in sys.modules and 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_generalization_bands_stay_in_the_accuracy_range():
    from test_figures_analysis import assert_no_overlap, band_ys

    table = _known_table()
    assert generalization_summary(table)["ci_high"].max() > 1.0  # raw intervals pass 1
    fig = plot_generalization(table)
    ys = band_ys(fig.get_axes())
    assert ys.size and ys.min() >= 0.0 and ys.max() <= 1.0
    assert "clipped to [0, 1]" in fig._suptitle.get_text()
    assert_no_overlap(fig)


def test_integer_ticks_helper():
    from inforelay.figures.style import integer_ticks

    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 2.5], [0, 1])
    integer_ticks(ax.xaxis)
    ticks = [t for t in ax.get_xticks() if 0 <= t <= 2.5]
    assert ticks and all(float(t).is_integer() for t in ticks)


REPORT = Path(__file__).resolve().parents[1] / "workflow" / "report"
# figures of one network have no interval; the others say what their bands or error bars are
_SINGLE_NETWORK = {"fig01_tasks", "fig01_italypower", "fig03_greedy", "fig06_relay_time",
                   "fig07_relay_architectures", "fig12_pca", "fig13_pca_removal"}  # fmt: skip


@pytest.mark.parametrize("caption", sorted(p.stem for p in REPORT.glob("fig*.rst")))
def test_report_captions_render_and_say_what_the_intervals_are(caption):
    import jinja2
    import yaml
    from docutils.core import publish_parts

    config = yaml.safe_load((REPORT.parents[1] / "config.yaml").read_text())
    snakemake = SimpleNamespace(
        config=config, params=SimpleNamespace(fixed_delay="5", analysis_delay=5), wildcards={}
    )
    text = jinja2.Environment().from_string((REPORT / f"{caption}.rst").read_text())
    html = publish_parts(text.render(snakemake=snakemake), writer="html",
                         settings_overrides={"halt_level": 2})["body"]  # fmt: skip
    assert html.strip()
    if caption in _SINGLE_NETWORK:
        assert "no interval" in text.render(snakemake=snakemake) or "percentile" in html
    else:
        assert "95 % t-interval of the mean over n networks" in " ".join(html.split())
