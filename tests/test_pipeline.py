"""The workflow's side of the library (inforelay.pipeline): code digests, config slices, seeds of
the steps, tables over networks, flow tables and workflow copies. Fast: no Snakemake run."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from inforelay.core.keys import NetworkKey
from inforelay.core.seeding import derive_rng, derive_seed
from inforelay.pipeline import config as experiment
from inforelay.pipeline import flow_tables
from inforelay.pipeline.aggregate import summarize
from inforelay.pipeline.runner.provenance import (
    code_digest,
    module_closure,
    script_digest,
    script_modules,
)
from inforelay.pipeline.workdir import REPO_ROOT, copy_workflow, workflow_env
from inforelay.tasks import generate, load_task_data, make_split, task_params

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"
TINY = ROOT / "tests" / "data" / "tiny.yaml"
KEY = NetworkKey("memory", "rnn", "2", 0)


# ------------------------------------------------------------------------------ code digest --


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def package(tmp_path) -> Path:
    """A small `inforelay` package: a.x imports a.y (relative), b.z (in a function) and c via
    `from inforelay import c`; d is imported by nobody."""
    _write(tmp_path, {
        "inforelay/__init__.py": '"""root"""\n',
        "inforelay/a/__init__.py": "",
        "inforelay/a/x.py": (
            "from . import y\nfrom inforelay import c\n\n"
            "def f():\n    from inforelay.b.z import g\n    return g()\n"
        ),
        "inforelay/a/y.py": "VALUE = 1\n",
        "inforelay/b/__init__.py": "from .w import W\n",
        "inforelay/b/w.py": "W = 2\n",
        "inforelay/b/z.py": "from ..a.y import VALUE\ndef g():\n    return VALUE\n",
        "inforelay/c.py": "import numpy\n",
        "inforelay/d.py": "import inforelay.a.x\n",
        "script.py": "from inforelay.a.x import f\nimport os\n",
    })  # fmt: skip
    return tmp_path


def test_closure_follows_every_kind_of_import_and_the_parent_packages(package):
    closure = module_closure("inforelay.a.x", root=package)
    assert closure == (
        "inforelay", "inforelay.a", "inforelay.a.x", "inforelay.a.y", "inforelay.b",
        "inforelay.b.w", "inforelay.b.z", "inforelay.c",
    )  # fmt: skip
    assert "inforelay.d" not in closure  # imports a.x, but a.x does not import it
    assert script_modules(package / "script.py", root=package) == ("inforelay.a.x",)


def test_closure_follows_star_imports_and_the_modules_of_lazy_packages(tmp_path):
    _write(tmp_path, {
        "inforelay/__init__.py": "",
        "inforelay/eager/__init__.py": "from inforelay.eager.m import *\nfrom .n import *\n",
        "inforelay/eager/m.py": "__all__ = ['M']\nM = 1\n",
        "inforelay/eager/n.py": "__all__ = ['N']\nN = 1\n",
        "inforelay/lazy/__init__.py": (
            "from inforelay.core.lazy import lazy_exports\n"
            "__getattr__, __dir__, __all__ = lazy_exports(__name__, ['p', 'q'])\n"
        ),
        "inforelay/lazy/p.py": "__all__ = ['P']\nP = 1\n",
        "inforelay/lazy/q.py": "__all__ = ['Q']\nQ = 1\n",
        "inforelay/lazy/unused.py": "",
        "inforelay/named/__init__.py": "import inforelay.core.lazy as lazy\n_ = lazy.lazy_exports(__name__, {'r': ['R']})\n",
        "inforelay/named/r.py": "R = 1\n",
        "inforelay/core/__init__.py": "",
        "inforelay/core/lazy.py": "",
    })  # fmt: skip
    assert {"inforelay.eager.m", "inforelay.eager.n"} <= set(module_closure("inforelay.eager", root=tmp_path))
    lazy = module_closure("inforelay.lazy", root=tmp_path)
    assert {"inforelay.lazy.p", "inforelay.lazy.q", "inforelay.core.lazy"} <= set(lazy)
    assert "inforelay.lazy.unused" not in lazy
    assert "inforelay.named.r" in module_closure("inforelay.named", root=tmp_path)


def test_the_lazy_packages_closures_hold_every_module_they_load():
    # the real packages: a name of inforelay.nets loads nets.training, so a job that imports
    # only inforelay.nets.recording still follows nets.training's code
    assert "inforelay.nets.training" in module_closure("inforelay.nets.recording")
    assert "inforelay.flow.forecast" in module_closure("inforelay.flow")
    assert {"inforelay.api.model", "inforelay.api.relays"} <= set(module_closure("inforelay.api"))


def test_digest_changes_with_an_imported_module_and_not_with_an_unrelated_one(package):
    before = code_digest("inforelay.a.x", root=package)
    assert before == script_digest(package / "script.py", root=package)
    with open(package / "inforelay" / "d.py", "a") as f:
        f.write("# unrelated\n")
    assert code_digest("inforelay.a.x", root=package) == before
    with open(package / "inforelay" / "b" / "w.py", "a") as f:  # via b/__init__.py of b.z
        f.write("# imported, two levels down\n")
    changed = code_digest("inforelay.a.x", root=package)
    assert changed != before
    assert script_digest(package / "script.py", root=package) == changed


def test_every_workflow_script_runs_one_step_module_and_no_other():
    steps = {p.stem for p in (ROOT / "src" / "inforelay" / "pipeline" / "steps").glob("*.py")}
    steps.discard("__init__")
    for script in sorted(SCRIPTS.glob("*.py")):
        imported = script_modules(script)
        used = {m.rsplit(".", 1)[1] for m in imported if m.startswith("inforelay.pipeline.steps.")}
        assert len(used) == 1, f"{script.name} imports step modules {used}"
        closure = module_closure(*imported)
        reached = {m.rsplit(".", 1)[1] for m in closure if m.startswith("inforelay.pipeline.steps.")}
        assert reached == used, f"{script.name} reaches step modules {reached - used}"
        assert steps >= used


def test_workflow_scripts_are_thin_adapters():
    for script in sorted(SCRIPTS.glob("*.py")):
        text = script.read_text()
        assert len(text.splitlines()) <= 25, script.name
        assert "snakemake.config" not in text and "sm.config" not in text, script.name
        assert "sm.rule ==" not in text and "snakemake.rule ==" not in text, script.name


# --------------------------------------------------------------------------- config slices --


def test_network_keys_are_the_core_network_keys(tiny_config):
    keys = experiment.network_keys(tiny_config)
    assert len(keys) == 2 * 2 * 2 * 2 and all(isinstance(k, NetworkKey) for k in keys)
    assert keys[0] == NetworkKey("memory", "rnn", "2", 0)
    assert keys[0].wildcards() == {"task": "memory", "model": "rnn", "delay_regime": "2", "replicate": "00"}


def test_split_settings_hold_what_a_data_set_depends_on(tiny_config):
    settings = experiment.split_settings(tiny_config, "memory", "train")
    assert settings["n"] == tiny_config["tasks"]["n_train"]
    assert settings["params"] == experiment.canonical(tiny_config["tasks"]["memory"])
    assert list(settings) == sorted(set(settings) - {"n"}) + ["n"]
    with pytest.raises(experiment.ConfigError, match="unknown data split"):
        experiment.split_settings(tiny_config, "memory", "holdout")


def test_the_test_split_is_held_out_at_the_analysis_delay(tiny_config):
    """The test split: n_test sequences from a seed of their own, at the analysis delay; its
    settings are the analysis split's but for n, so changing n_test touches nothing else."""
    analysis = experiment.split_settings(tiny_config, "memory", "analysis")
    test = experiment.split_settings(tiny_config, "memory", "test")
    assert {k: v for k, v in test.items() if k != "n"} == {k: v for k, v in analysis.items() if k != "n"}
    assert test["n"] == tiny_config["tasks"]["n_test"]
    for regime in ("2", "random"):
        a = make_split("memory", regime, "analysis", analysis, data_set="rep-00")
        t = make_split("memory", regime, "test", test, data_set="rep-00")
        assert t.inputs.shape[0] == tiny_config["tasks"]["n_test"]
        assert set(t.delay) == set(a.delay) and len(set(t.delay)) == 1  # one delay, the same
        assert not np.array_equal(t.inputs[: 50], a.inputs[: 50])  # other sequences
    again = make_split("memory", "2", "test", test, data_set="rep-00")
    assert np.array_equal(again.inputs, make_split("memory", "2", "test", test, data_set="rep-00").inputs)
    other_n = experiment.split_settings({**tiny_config, "tasks": {**tiny_config["tasks"], "n_test": 99}},
                                        "memory", "train")
    assert other_n == experiment.split_settings(tiny_config, "memory", "train")


def test_make_split_draws_the_same_data_as_before(tiny_config):
    settings = experiment.split_settings(tiny_config, "block", "analysis")
    data = make_split("block", "random", "analysis", settings)
    params = task_params("block", tiny_config["tasks"]["block"])
    expected = generate("block", tiny_config["tasks"]["n_analysis"], 3, derive_rng("taskdata", "block", "random", "analysis"), params, delay_choices=(1, 2, 3))  # fmt: skip
    np.testing.assert_array_equal(data.inputs, expected.inputs)
    assert set(data.delay) == {tiny_config["tasks"]["random_analysis_delay"]}


def test_each_replicate_has_its_own_data_unless_shared(tiny_config):
    settings = experiment.split_settings(tiny_config, "memory", "train")
    shared = make_split("memory", "2", "train", settings)
    rep0 = make_split("memory", "2", "train", settings, data_set="rep-00")
    rep1 = make_split("memory", "2", "train", settings, data_set="rep-01")
    assert not np.array_equal(rep0.inputs, rep1.inputs)
    assert not np.array_equal(rep0.inputs, shared.inputs)
    again = make_split("memory", "2", "train", settings, data_set="rep-00")
    np.testing.assert_array_equal(rep0.inputs, again.inputs)
    assert experiment.data_set_name(tiny_config, "3") == "rep-03"
    assert experiment.data_set_name({**tiny_config, "tasks": {**tiny_config["tasks"], "shared_data": True}}, 3) == "shared"
    with pytest.raises(ValueError, match="data set"):
        make_split("memory", "2", "train", settings, data_set="rep-x")


def test_data_sets_depend_only_on_their_own_settings(tiny_config):
    changed = {**tiny_config, "tasks": {**tiny_config["tasks"], "evaluation_delays": [0, 1], "random_analysis_delay": 2}}
    for split in ("train", "validation"):
        assert experiment.split_settings(changed, "memory", split) == experiment.split_settings(tiny_config, "memory", split)
    assert experiment.split_settings(changed, "memory", "analysis") != experiment.split_settings(tiny_config, "memory", "analysis")
    assert experiment.evaluation_settings(changed, "memory") != experiment.evaluation_settings(tiny_config, "memory")


def test_generate_split_step_writes_the_split(tiny_config, tmp_path):
    from inforelay.pipeline.steps.tasks import generate_split

    settings = experiment.split_settings(tiny_config, "memory", "validation")
    generate_split(tmp_path / "v.h5", "memory", "2", "validation", settings)
    data = load_task_data(tmp_path / "v.h5")
    np.testing.assert_array_equal(data.inputs, make_split("memory", "2", "validation", settings).inputs)


def test_network_settings_are_the_stored_config_slice(tiny_config):
    stored = experiment.network_settings(tiny_config, "memory")
    assert set(stored) == {"task", "data", "training"}
    assert set(stored["task"]) == {"memory"}
    assert "memory" not in stored["data"] and "block" not in stored["data"]
    assert stored["data"]["n_train"] == tiny_config["tasks"]["n_train"]


# ------------------------------------------------------------------------------------- seeds --


def test_every_seed_keeps_the_value_the_workflow_always_used():
    from inforelay.core.seeds import (
        SEED_STREAMS,
        experiment_seed,
        flow_seed,
        forecast_seed,
        knockout_seed,
        latent_seed,
        network_seed,
        relay_seed,
    )

    # relay and flow: the wildcard values (two-digit replicate); the others: the table form (int)
    assert relay_seed(KEY.row()) == derive_seed("relay", "memory", "rnn", "2", "00")
    assert relay_seed(KEY.wildcards()) == relay_seed(KEY.row())
    assert relay_seed(KEY.row()) != derive_seed("relay", "memory", "rnn", "2", 0)  # the form matters
    assert latent_seed(KEY.row()) == derive_seed("latent", "memory", "rnn", "2", 0)
    assert knockout_seed(KEY.wildcards()) == derive_seed("knockout", "memory", "rnn", "2", 0)
    assert network_seed("memory", "rnn", 2, "00") == derive_seed("network", "memory", "rnn", "2", 0)
    assert flow_seed("flow_network", KEY.wildcards()) == derive_seed("flow_network", "memory", "rnn", "2", "00")
    forecaster = {"series": "temperature", "model": "lstm", "replicate": "01"}
    assert flow_seed("flow_forecast", forecaster) == derive_seed("flow_forecast", "temperature", "lstm", "01")
    assert forecast_seed(forecaster) == derive_seed("forecast", "temperature", "lstm", 1)
    assert {"network", "relay", "knockout", "latent", "taskdata"} <= set(SEED_STREAMS)
    with pytest.raises(ValueError, match="unknown seed stream"):
        experiment_seed("knockouts", 1)


# ------------------------------------------------------------------------------------ tables --


def test_summarize_reports_no_interval_for_a_single_network():
    df = pd.DataFrame({"g": ["a", "a", "a", "b"], "v": [1.0, 2.0, 4.0, 5.0]})
    out = summarize(df, by=["g"], value="v").set_index("g")
    x = np.array([1.0, 2.0, 4.0])
    half = stats.t.ppf(0.975, 2) * x.std(ddof=1) / np.sqrt(3)
    assert out.loc["a", "mean"] == pytest.approx(x.mean())
    assert out.loc["a", ["ci_low", "ci_high"]].tolist() == pytest.approx([x.mean() - half, x.mean() + half])
    assert out.loc["b", "n"] == 1 and out.loc["b", "mean"] == 5.0
    assert np.isnan(out.loc["b", "ci_low"]) and np.isnan(out.loc["b", "ci_high"])


def test_network_tables_concatenates_with_keys_from_paths(tmp_path):
    from inforelay.pipeline.steps.network_tables import network_tables

    paths = []
    for regime, rep, acc in (("2", "00", 0.5), ("random", "01", 0.75)):
        path = tmp_path / "results" / "evaluation" / "memory" / "rnn" / f"delay-{regime}" / f"rep-{rep}.csv"
        path.parent.mkdir(parents=True)
        row = {"task": "memory", "model": "rnn", "delay_regime": regime, "replicate": int(rep),
               "eval_delay": 1, "accuracy": acc, "units": "3" if rep == "00" else None}
        pd.DataFrame([row]).to_csv(path, index=False)
        paths.append(str(path))
    network_tables(paths, tmp_path / "table.csv")
    # the text is what concatenating the files as they are gives
    plain = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    assert (tmp_path / "table.csv").read_text() == plain.to_csv(index=False)
    table = pd.read_csv(tmp_path / "table.csv", dtype={"delay_regime": str})
    assert list(table.columns[:4]) == ["task", "model", "delay_regime", "replicate"]
    assert table["replicate"].tolist() == [0, 1] and table["delay_regime"].tolist() == ["2", "random"]


def test_accuracy_by_delay_scores_answers_like_the_tasks_package():
    from inforelay.pipeline.steps.evaluate import accuracy_by_delay

    data = generate("memory", 16, "random", derive_rng("test", "evaluate"), delay_choices=(1, 2))
    outputs = np.zeros((16, data.n_steps, 3), dtype=np.float32)
    rows = np.arange(16)
    outputs[rows, data.answer_step] = data.targets
    outputs[rows[::4], data.answer_step[::4], 0] *= -1  # every fourth answer of concept A wrong
    table = accuracy_by_delay(outputs, data).set_index("eval_delay")
    assert list(table.columns) == ["accuracy", "accuracy_A", "accuracy_B", "accuracy_C"]
    for delay, row in table.iterrows():
        wrong = np.mean((rows % 4 == 0)[data.delay == delay])
        assert row["accuracy_A"] == pytest.approx(1 - wrong) and row["accuracy_B"] == 1.0


# ------------------------------------------------------------------------------- flow tables --


def _history(epochs: int = 6) -> pd.DataFrame:
    epoch = np.arange(epochs + 1)
    return pd.DataFrame({
        "epoch": epoch, "loss": 1.0 / (1 + epoch), "validation_loss": 1.2 / (1 + epoch),
        "I_XT": np.linspace(0.5, 1.0, epochs + 1), "I_TY": np.linspace(0.1, 0.9, epochs + 1),
        "H_unit": np.linspace(1.0, 2.0, epochs + 1), "snr_all": np.linspace(5.0, 0.1, epochs + 1),
    })  # fmt: skip


def test_network_ident_labels_networks_by_their_wildcards():
    ident = flow_tables.network_ident("forecast", {"series": "synthetic", "model": "rnn", "replicate": "01"})
    assert ident == {"branch": "forecast", "network": "synthetic/rnn/01", "series": "synthetic",
                     "model": "rnn", "replicate": 1}
    ident = flow_tables.network_ident("networks", KEY.wildcards())
    assert ident["network"] == "memory/rnn/2/00" and ident["delay_regime"] == "2"


def test_flow_tables_put_identity_columns_first(tmp_path, monkeypatch):
    from inforelay import flow

    monkeypatch.setattr(flow, "read_flow", lambda path: f"flow of {path}")
    monkeypatch.setattr(flow, "network_row", lambda result, table, **layers: {"n_layers": len(table), **layers})
    neurons = pd.DataFrame({"kind": ["input", "hidden"], "progression": [0.1, 0.4]})
    neurons.to_csv(tmp_path / "n.csv", index=False)
    _history().to_csv(tmp_path / "h.csv", index=False)
    forecaster = {"series": "temperature", "model": "rnn", "replicate": "00"}
    files = [flow_tables.FlowFiles("forecast", forecaster, "f.h5", tmp_path / "n.csv"),
             flow_tables.FlowFiles("networks", KEY.wildcards(), "g.h5", tmp_path / "n.csv")]
    tables = flow_tables.flow_tables(files, [(forecaster, tmp_path / "h.csv")],
                                     layers={"max_layers": 4}, phase_layer="all")
    assert list(tables["neurons"].columns) == [
        "branch", "network", "series", "task", "model", "delay_regime", "replicate", "kind", "progression"]
    assert len(tables["neurons"]) == 4 and tables["neurons"]["replicate"].tolist() == [0] * 4
    assert tables["networks"][["n_layers", "max_layers"]].values.tolist() == [[2, 4], [2, 4]]
    assert list(tables["training"].columns[:3]) == ["series", "model", "replicate"]
    assert len(tables["training"]) == 7 and len(tables["phases"]) == 1
    assert {"phase_threshold", "compression", "I_TY_final"} <= set(tables["phases"].columns)


def test_flow_tables_without_forecasters_have_empty_training_tables():
    training, phases = flow_tables.training_tables([], "all")
    assert training.empty and phases.empty
    with pytest.raises(ValueError, match="no analysed network"):
        flow_tables.network_tables([], {})


# ---------------------------------------------------------------------------- workflow copies --


def test_copy_workflow_copies_the_workflow_and_optionally_the_library(tmp_path):
    plain = copy_workflow(tmp_path / "plain")
    assert (plain / "Snakefile").is_file() and (plain / "workflow" / "rules" / "common.smk").is_file()
    assert (plain / "tiny.yaml").read_text() == TINY.read_text()
    assert not (plain / "src").exists()
    assert workflow_env(plain).get("PYTHONPATH") == os.environ.get("PYTHONPATH")
    with_library = copy_workflow(tmp_path / "lib", TINY, "config-x.yaml", library=True)
    assert (with_library / "src" / "inforelay" / "pipeline" / "runner" / "provenance.py").is_file()
    assert not list((with_library / "src").rglob("__pycache__"))
    env = workflow_env(with_library)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(with_library / "src")
    assert env["MPLBACKEND"] == "Agg"
    assert REPO_ROOT == ROOT
    with pytest.raises(FileNotFoundError, match="no Snakefile"):
        copy_workflow(tmp_path / "x", source=tmp_path / "plain" / "workflow")
