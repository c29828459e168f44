"""Experiment files (config/experiments/): parsing and its errors, level configs, the trend test,
the per-network claim values, and a tiny version of every committed experiment run end to end
through the real workflow and reported on (docs/open-questions.md)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from inforelay.claims.engine import HELD, INCONCLUSIVE, NOT_HELD, VerdictRule
from inforelay.experiments import (
    ExperimentError,
    experiment_from_mapping,
    level_config,
    load_experiment,
    run_experiment,
)
from inforelay.experiments.collect import collect_values, trend_evidence, trend_table
from inforelay.experiments.report import summary_markdown, write_report
from inforelay.experiments.run import read_base_config
from inforelay.pipeline.config import check_config

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted((ROOT / "config" / "experiments").glob("*.yaml"))
TINY = yaml.safe_load((ROOT / "tests" / "data" / "experiment_tiny.yaml").read_text())
MINIMAL = {"question": "q?", "axis": "x", "levels": [{"label": "a", "value": 1, "set": {"training.n_hidden": 6}}]}


def _experiment(**changes):
    mapping = {**copy.deepcopy(MINIMAL), **changes}
    return experiment_from_mapping(mapping, name="demo", source="demo.yaml")


# ----------------------------------------------------------------------------- parsing --


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": 1}, "key 'colour': unknown key"),
        ({"levels": []}, "key 'levels': must be a non-empty list"),
        ({"levels": [{"label": "a b", "value": 1}]}, "is not a directory name"),
        ({"levels": [{"label": "a", "value": "x"}]}, "key 'levels[0].value'"),
        ({"levels": [{"label": "a"}, {"label": "a"}]}, "appear more than once"),
        ({"trends": [{"claim": "C6", "direction": "up"}]}, "key 'trends[0].direction'"),
        ({"set": ["training.n_hidden"]}, "key 'set': must map dotted config keys"),
    ],
)
def test_bad_experiment_files_are_one_line_errors_naming_file_and_key(changes, message):
    with pytest.raises(ExperimentError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
        _experiment(**changes)
    assert str(info.value).startswith("demo.yaml: ") and "\n" not in str(info.value)


def test_missing_and_unparsable_files_name_the_file(tmp_path):
    with pytest.raises(ExperimentError, match="no such experiment file"):
        load_experiment(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("question: [unclosed\n")
    with pytest.raises(ExperimentError, match=f"{bad}: not valid YAML"):
        load_experiment(bad)


def test_level_config_applies_shared_then_level_settings_then_the_overlay():
    base = {"training": {"n_hidden": 12, "learning_rate": 0.01}, "experiment": {"replicates": 20}}
    exp = _experiment(set={"training.learning_rate": 0.1, "training.n_hidden": 3})
    config = level_config(exp, exp.levels[0], base, {"experiment": {"replicates": 2}})
    assert config == {"training": {"n_hidden": 6, "learning_rate": 0.1}, "experiment": {"replicates": 2}}
    assert base["training"]["n_hidden"] == 12  # the base is not touched


def test_a_dotted_key_outside_the_base_config_is_refused():
    exp = _experiment(set={"trainin.n_hidden": 3})
    with pytest.raises(ExperimentError, match="config key 'trainin' is not in the base config"):
        level_config(exp, exp.levels[0], {"training": {}})


@pytest.mark.parametrize("path", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_every_committed_experiment_gives_valid_configs(path):
    """Each level of each committed experiment (and its tiny version) passes the workflow's
    schema and checks, and the claims and trends it follows exist."""
    from snakemake.utils import validate

    from inforelay.claims.paper import PAPER_CLAIMS
    from inforelay.experiments.collect import MEASURES

    exp = load_experiment(path)
    assert exp.question and exp.levels
    base = read_base_config(exp)
    schema = str(ROOT / "workflow" / "schemas" / "config.schema.yaml")
    for overlay in (None, TINY):
        for level in exp.levels:
            config = level_config(exp, level, base, overlay)
            validate(config, schema=schema)
            check_config(config)
    assert set(exp.claims) <= set(PAPER_CLAIMS)
    assert {t.claim for t in exp.trends} <= set(PAPER_CLAIMS) | set(MEASURES)


# ------------------------------------------------------------------------------ trends --


def test_trend_evidence_orients_the_correlation_by_the_registered_direction():
    level = np.repeat([1.0, 2.0, 3.0, 4.0], 6)
    rising = level + np.random.default_rng(0).normal(0, 0.3, level.size)
    up = trend_evidence(level, rising, "increase")
    down = trend_evidence(level, rising, "decrease")
    either = trend_evidence(level, -rising, "either")
    assert up.effect > 0.8 and up.p_value < 0.001
    assert down.effect == pytest.approx(-up.effect) and down.p_reverse < 0.001
    assert either.effect == pytest.approx(up.effect) and either.p_value < 0.002
    assert 0 <= either.ci[0] <= either.effect <= either.ci[1] <= 1


def _values(rng, slope):
    rows = []
    for level in (6.0, 12.0, 24.0):
        for model in ("rnn", "lstm"):
            for rep in range(8):
                value = (slope if model == "lstm" else 0.0) * level + rng.normal(0, 1)
                rows.append({"id": "C6", "task": "memory", "model": model, "delay_regime": "5",
                             "replicate": rep, "value": value, "level": f"n{int(level)}",
                             "level_value": level})
    return pd.DataFrame(rows)


def test_trend_table_holds_where_the_values_move_and_is_inconclusive_where_they_do_not():
    exp = _experiment(trends=[{"claim": "C6", "direction": "increase"}])
    table = trend_table(exp, _values(np.random.default_rng(1), 0.5), VerdictRule(0.05))
    verdicts = dict(zip(table["group"], table["verdict"]))
    assert verdicts == {"memory/rnn": INCONCLUSIVE, "memory/lstm": HELD}
    assert set(table["family"]) == {"trend"} and (table["n"] == 24).all()
    falling = trend_table(exp, _values(np.random.default_rng(1), -0.5), VerdictRule(0.05))
    assert dict(zip(falling["group"], falling["verdict"]))["memory/lstm"] == NOT_HELD


def test_a_trend_of_a_claim_without_per_network_values_is_an_error():
    exp = _experiment(trends=[{"claim": "C5a", "direction": "increase"}])
    with pytest.raises(ExperimentError, match="trend of C5a: no per-network values"):
        trend_table(exp, _values(np.random.default_rng(0), 0.0), VerdictRule(0.05))


# ------------------------------------------------------------------- tiny end to end --


@pytest.fixture(scope="module")
def tiny_experiments(tmp_path_factory):
    """The first and last level of every committed experiment, tiny (tests/data/experiment_tiny.yaml),
    run through the real workflow, then reported on."""
    runs = tmp_path_factory.mktemp("experiments")
    reports = {}
    for path in EXPERIMENTS:
        exp = load_experiment(path)
        labels = list(dict.fromkeys([exp.levels[0].label, exp.levels[-1].label]))
        run_experiment(exp, runs, cores=2, levels=labels, overlay=TINY)
        reports[exp.name] = (exp, write_report(exp, runs, runs / exp.name / "report"))
    return runs, reports


@pytest.mark.e2e
@pytest.mark.slow
def test_every_experiment_runs_tiny_and_reports(tiny_experiments):
    runs, reports = tiny_experiments
    assert set(reports) == {p.stem for p in EXPERIMENTS}
    for name, (exp, summary) in reports.items():
        out = summary.parent
        claims = pd.read_csv(out / "claims.csv", comment="#")
        assert list(claims.columns[:2]) == ["level", "level_value"]
        assert set(claims["level"]) == {exp.levels[0].label, exp.levels[-1].label}
        cost = pd.read_csv(out / "cost.csv", comment="#")
        assert (cost["wall_min"] > 0).all() and (cost["networks"] > 0).all()
        assert (cost["steps_cpu_min"] > 0).all()
        text = summary.read_text()
        assert exp.question in text and "**Cost**" in text
        for claim in exp.claims:
            if claim in set(claims["id"]):
                assert (out / f"fig_{claim}.png").is_file(), (name, claim)
        if exp.trends:
            trends = pd.read_csv(out / "trends.csv", comment="#")
            assert {f"{t.claim} trend" for t in exp.trends} == set(trends["id"])
            assert trends["verdict"].isin([HELD, NOT_HELD, INCONCLUSIVE]).all()
    exhaustive = runs / "greedy_exhaustive" / "paper-5" / "results"
    assert (exhaustive / "exhaustive_claims.csv").is_file()
    assert (exhaustive / "figures" / "fig_exhaustive.png").is_file()


@pytest.mark.e2e
@pytest.mark.slow
def test_an_experiment_rerun_runs_nothing_and_counts_its_cost(tiny_experiments):
    runs, reports = tiny_experiments
    exp = reports["size"][0]
    before = (runs / "size" / exp.levels[0].label / "cost.json").read_text()
    run_experiment(exp, runs, cores=2, levels=[exp.levels[0].label], overlay=TINY)
    log = (runs / "size" / exp.levels[0].label / "snakemake.log").read_text()
    assert log.rstrip().endswith("Nothing to be done (all requested files are present and up to date).")
    after = yaml.safe_load((runs / "size" / exp.levels[0].label / "cost.json").read_text())
    assert len(after["runs"]) == len(yaml.safe_load(before)["runs"]) + 1


@pytest.mark.e2e
@pytest.mark.slow
def test_claim_values_are_the_values_the_claims_test(tiny_experiments):
    """The per-network values behind a claim's pooled row are as many as the row's n, and their
    mean is the mean its details report."""
    from inforelay.claims.preregistration import load_preregistration
    from inforelay.experiments.collect import read_level_claims, read_level_tables

    runs, reports = tiny_experiments
    exp = reports["size"][0]
    level = exp.levels[0]
    directory = runs / "size" / level.label
    values = collect_values(exp, {level.label: read_level_tables(directory)},
                            load_preregistration(ROOT / "config" / "claims.yaml"),
                            {level.label: [1, 2, 3, 4, 5]})
    claims = read_level_claims(directory)
    for cid in ("C3", "C6", "C10b"):
        row = claims[(claims["id"] == cid) & (claims["group"] == "pooled")].iloc[0]
        mine = values[values["id"] == cid]["value"].dropna()
        assert len(mine) == row["n"], cid
        assert f"mean {mine.mean():.3g}" in row["details"], (cid, row["details"])


def test_summary_markdown_shows_each_followed_claim_per_group_and_level():
    exp = _experiment(claims=["C6"], levels=[{"label": "a", "value": 1}, {"label": "b", "value": 2}])
    rows = pd.DataFrame([
        {"level": lv, "level_value": v, "id": "C6", "claim": "smeared", "group": g, "family": "primary",
         "effect": e, "ci_low": e - 0.1, "ci_high": e + 0.1, "verdict": verdict}
        for lv, v, g, e, verdict in [("a", 1, "memory/rnn", 0.5, HELD), ("b", 2, "memory/rnn", 0.05, INCONCLUSIVE)]
    ])
    text = summary_markdown(exp, rows, pd.DataFrame(), pd.DataFrame([{"level": "a", "networks": 1,
                                                                     "wall_min": 1.0, "steps_cpu_min": 2.0}]))
    assert "| memory/rnn | ✓ 0.5 [0.4, 0.6] | ? 0.05 [-0.05, 0.15] |" in text


def test_the_command_line_reports_a_bad_experiment_in_one_line(tmp_path, capsys):
    from inforelay.cli import main

    assert main(["experiment", "run", str(tmp_path / "missing.yaml")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"{tmp_path / 'missing.yaml'}: no such experiment file"
    assert main(["experiment", "run", str(EXPERIMENTS[0]), "--level", "nope", "--runs", str(tmp_path)]) == 1
    assert "no level(s) nope" in capsys.readouterr().err
