"""The real Snakemake DAG: config validation, planning at paper scale, and tiny end-to-end runs.

The end-to-end tests run ``tests/data/tiny.yaml`` (killed during training, then resumed),
``tests/data/tiny_flow.yaml`` (the flow branch) and ``tests/data/tiny_realworld.yaml`` (the
real-world task) in scratch copies of the workflow that carry their own ``src/inforelay``:
together the three runs finish a job of every rule, and the code-digest tests edit library
modules of the copy, never of the checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from inforelay.pipeline.runner.provenance import module_closure, module_file, script_modules
from inforelay.pipeline.workdir import copy_workflow, workflow_env

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
TINY_FLOW = ROOT / "tests" / "data" / "tiny_flow.yaml"
TINY_REALWORLD = ROOT / "tests" / "data" / "tiny_realworld.yaml"
FIGURES = (
    "fig01_tasks", "fig02_generalization", "fig03_greedy", "fig04_knockout_memory",
    "fig05_knockout_block", "fig06_relay_time", "fig07_relay_architectures", "fig08_correlation",
    "fig09_overlap", "fig10_distribution_memory", "fig11_distribution_block", "fig12_pca",
    "fig13_pca_removal", "fig13_pca_removal_summary",
)  # fmt: skip
#: one job per condition (task, model, delay regime); `train` has one job per network
PER_CONDITION = ("record", "evaluate", "relay", "relay_null", "knockout", "latent")
RUN = ("--cores", "2")


def snakemake(workdir: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=workflow_env(workdir),
    )


def planned_jobs(output: str) -> dict[str, int]:
    """Parse the 'job  count' table of a dry run."""
    counts = {}
    for line in output.splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s+(\d+)\s*$", line.strip())
        if match:
            counts[match.group(1)] = int(match.group(2))
    counts.pop("total", None)
    return counts


def dry_run(workdir: Path, *args: str) -> dict[str, int]:
    result = snakemake(workdir, "-n", "--quiet", "rules", *args, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return planned_jobs(result.stdout + result.stderr)


def finished_rules(log_text: str) -> set[str]:
    """Rules of the jobs that Snakemake's log reports as finished."""
    return set(re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", log_text))


def workflow_rules(workdir: Path) -> set[str]:
    result = snakemake(workdir, "--list-rules", "--configfile", "tiny.yaml", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return {line.strip() for line in result.stdout.splitlines() if re.fullmatch(r"\w+", line.strip())}


def rule_scripts(workdir: Path) -> dict[str, Path]:
    """Each rule's script (``rule <name>:`` ... ``"../scripts/<script>.py"`` in the rule files)."""
    scripts = {}
    for path in sorted((workdir / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"\n(?=rule \w+:)", path.read_text()):
            rule = re.match(r"rule (\w+):", block)
            script = re.search(r'"\.\./scripts/(\w+\.py)"', block)
            if rule and script:
                scripts[rule.group(1)] = workdir / "workflow" / "scripts" / script.group(1)
    return scripts


def users_of(module: str, workdir: Path) -> set[str]:
    """The rules whose scripts import `module`, transitively (the code digest's own walk)."""
    root = workdir / "src"
    return {
        rule for rule, script in rule_scripts(workdir).items()
        if module in module_closure(*script_modules(script, root), root=root)
    }  # fmt: skip


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def finished_outputs(log_text: str, rule: str) -> list[str]:
    """Outputs of the jobs of `rule` that Snakemake's log reports as finished."""
    outputs_by_job = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", log_text):
        header = re.match(r"(?:local)?rule (\w+):", block)
        output = re.search(r"^\s+output: (.+)$", block, re.MULTILINE)
        jobid = re.search(r"^\s+jobid: (\d+)$", block, re.MULTILINE)
        if header and header.group(1) == rule and output and jobid:
            outputs_by_job[jobid.group(1)] = [o.strip() for o in output.group(1).split(",")]
    finished = re.findall(rf"Finished jobid: (\d+) \(Rule: {rule}\)", log_text)
    return [out for job in finished for out in outputs_by_job.get(job, [])]


# --------------------------------------------------------------------- planning, no jobs run --


@pytest.mark.slow
def test_paper_config_plans_720_networks_in_under_a_thousand_jobs(tmp_path):
    counts = dry_run(copy_workflow(tmp_path))
    assert counts["train"] == 720
    for rule in PER_CONDITION:
        assert counts[rule] == 36, rule  # 3 architectures x 2 tasks x 6 delay regimes
    assert "generate_task" not in counts and "generate_evaluation" not in counts
    assert sum(counts.values()) < 1000, counts


def run_with_bad_setting(tmp_path: Path, section: str, key: str, value: object, *args: str):
    """Snakemake (``args``) in a fresh workdir on the tiny config with ``config[section][key] = value``."""
    workdir = copy_workflow(tmp_path)
    bad = yaml.safe_load(TINY.read_text())
    bad[section][key] = value
    (workdir / "bad.yaml").write_text(yaml.safe_dump(bad))
    return workdir, snakemake(workdir, *args, "--configfile", "bad.yaml")


@pytest.mark.slow
def test_unknown_config_key_stops_before_any_job(tmp_path):
    workdir, result = run_with_bad_setting(tmp_path, "training", "learnig_rate", 0.1, "--cores", "1")
    assert result.returncode != 0
    assert "learnig_rate" in result.stdout + result.stderr
    assert not (workdir / "results").exists()


@pytest.mark.slow
def test_semantic_config_error_names_key(tmp_path):
    _, result = run_with_bad_setting(tmp_path, "tasks", "random_analysis_delay", 7, "-n")
    assert result.returncode != 0
    assert "tasks.random_analysis_delay" in result.stdout + result.stderr


# ------------------------------------------------------------------------------ tiny runs --


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """Run the tiny config, kill it hard during training, and resume it to completion.

    Returns the workflow directory, the modification times of the networks whose training jobs
    Snakemake had reported finished before the kill, and the log text of both runs.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny"), TINY, "tiny.yaml", library=True)
    log_file = workdir / "first-run.log"
    with open(log_file, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "snakemake", *RUN, "--configfile", "tiny.yaml"],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=workflow_env(workdir),
            start_new_session=True,
        )
        try:
            trained = _wait_for(
                lambda: len(finished_outputs(log_file.read_text(), "train")) >= 4, timeout=900
            )
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # as hard as a power cut: no cleanup handlers run
            process.wait()
    assert trained, "no network was trained before the kill"
    first_log = log_file.read_text()
    finished = [workdir / out for out in finished_outputs(first_log, "train")]
    finished_before = {path: path.stat().st_mtime_ns for path in finished if path.suffix == ".pt"}
    assert len(list((workdir / "results" / "networks").rglob("*.pt"))) < 16, "killed too late"
    # a hard kill leaves Snakemake's lock behind; a user then runs --unlock (README)
    assert snakemake(workdir, "--unlock", "--configfile", "tiny.yaml").returncode == 0
    result = snakemake(workdir, *RUN, "--configfile", "tiny.yaml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return workdir, finished_before, first_log + result.stdout + result.stderr


@pytest.fixture(scope="module")
def tiny_flow_run(tmp_path_factory):
    """Run the tiny flow config (the flow branch and the paper's rules on its networks)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny-flow"), TINY_FLOW, "tiny.yaml", library=True)
    result = snakemake(workdir, *RUN, "--configfile", "tiny.yaml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return workdir, result.stdout + result.stderr


@pytest.fixture(scope="module")
def tiny_realworld_run(tmp_path_factory):
    """Run the tiny real-world config (two networks on the ItalyPowerDemand days)."""
    pytest.importorskip("sktime", reason="the real-world task needs inforelay[realworld]")
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny-realworld"), TINY_REALWORLD, "tiny.yaml",
                            library=True)
    result = snakemake(workdir, *RUN, "--configfile", "tiny.yaml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return workdir, result.stdout + result.stderr


@pytest.mark.e2e
@pytest.mark.slow
def test_every_rule_runs_in_the_tiny_runs(tiny_run, tiny_flow_run, tiny_realworld_run, tiny_task_files):
    workdir, _, tiny_log = tiny_run
    logs = {"tiny": tiny_log, "tiny_flow": tiny_flow_run[1], "tiny_realworld": tiny_realworld_run[1]}
    logs["task files"] = tiny_task_files[1]
    rules = workflow_rules(workdir) - {"all"}
    assert len(rules) >= 30
    seen = set.union(*(finished_rules(log) for log in logs.values())) - {"all"}
    assert seen == rules, f"never finished: {sorted(rules - seen)}"
    print("\nrules finished: " + "; ".join(f"{name} {sorted(finished_rules(log))}"
                                           for name, log in logs.items()))


@pytest.fixture(scope="module")
def tiny_task_files(tiny_run):
    """The task data files, on request (the main DAG makes its data inside the jobs)."""
    workdir = tiny_run[0]
    targets = ("results/tasks/memory/delay-2/rep-01/train.h5", "results/tasks/memory/delay-2/rep-01/analysis.h5",
               "results/tasks/block/evaluation.h5")  # fmt: skip
    result = snakemake(workdir, *targets, *RUN, "--configfile", "tiny.yaml")
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir, result.stdout + result.stderr, targets


@pytest.mark.e2e
@pytest.mark.slow
def test_task_files_hold_the_data_the_jobs_make(tiny_task_files, tiny_config):
    """A requested task file holds exactly the sequences a job makes for itself."""
    from inforelay.pipeline import config as experiment
    from inforelay.tasks import load_task_data, make_evaluation_set, make_split

    workdir, _, targets = tiny_task_files
    config = tiny_config
    made = {
        targets[0]: make_split("memory", "2", "train", experiment.split_settings(config, "memory", "train"), "rep-01"),
        targets[1]: make_split("memory", "2", "analysis", experiment.split_settings(config, "memory", "analysis"),
                               "rep-01"),
        targets[2]: make_evaluation_set("block", experiment.evaluation_settings(config, "block")),
    }  # fmt: skip
    for target, data in made.items():
        stored = load_task_data(workdir / target)
        for name in ("inputs", "targets", "answer_step", "delay"):
            np.testing.assert_array_equal(getattr(stored, name), getattr(data, name), err_msg=f"{target}: {name}")


@pytest.mark.e2e
@pytest.mark.slow
def test_tiny_realworld_outputs(tiny_realworld_run):
    """The real-world task runs every analysis with one concept: figures, relay table, claims."""
    workdir, _ = tiny_realworld_run
    results = workdir / "results"
    stems = ("fig01_italypower", "fig02_generalization", "fig03_greedy", "fig04_knockout_italypower",
             "fig06_relay_time", "fig07_relay_architectures", "fig08_correlation", "fig09_overlap",
             "fig10_distribution_italypower", "fig12_pca", "fig13_pca_removal")
    for stem in stems:
        assert (results / "figures" / f"{stem}.png").stat().st_size > 1000, stem
    assert not (results / "figures" / "fig01_tasks.png").exists()
    generalization = pd.read_csv(results / "tables" / "generalization.csv")
    assert set(generalization["task"]) == {"italypower"} and len(generalization) == 2 * 4
    assert (generalization.loc[generalization["eval_delay"] == 2, "accuracy"] > 0.7).all()
    relay = pd.read_csv(results / "tables" / "relay.csv")
    assert list(relay["concept"]) == ["summer", "summer"] and (relay["analysis_step"] == 23).all()
    np.testing.assert_allclose(relay["relay_corrected"], relay["relay"] - relay["null_mean"])
    assert relay["p_value"].between(0, 1).all()
    claims = pd.read_csv(results / "claims.csv")
    c2 = claims[claims["id"] == "C2"]
    assert (c2["verdict"] == "inconclusive").all()
    assert c2["details"].str.contains("two concepts").all()


@pytest.mark.e2e
@pytest.mark.slow
def test_resumed_run_keeps_finished_networks(tiny_run):
    workdir, finished_before, _ = tiny_run
    assert finished_before
    for path, mtime in finished_before.items():
        assert path.stat().st_mtime_ns == mtime, f"{path} was retrained"
    leftovers = [p for p in (workdir / "results").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.e2e
@pytest.mark.slow
def test_second_run_has_nothing_to_do(tiny_run, tiny_flow_run):
    for workdir in (tiny_run[0], tiny_flow_run[0]):
        again = snakemake(workdir, "-n", "--configfile", "tiny.yaml")
        assert again.returncode == 0
        assert "Nothing to be done" in again.stdout + again.stderr, workdir


@pytest.mark.e2e
@pytest.mark.slow
def test_tiny_outputs_complete_and_valid(tiny_run):
    from inforelay.nets.recording import read_activations

    workdir, _, _ = tiny_run
    results = workdir / "results"
    config = yaml.safe_load(TINY.read_text())
    experiment = config["experiment"]
    n_networks = (
        len(experiment["tasks"]) * len(experiment["models"]) * len(experiment["delays"]) * experiment["replicates"]
    )
    activation_files = sorted((results / "activations").rglob("*.h5"))
    assert len(activation_files) == n_networks
    for path in activation_files:
        recording = read_activations(path)
        assert recording.attrs["accuracy"] >= 0.98, path
        assert recording.hidden.shape[-1] == 12
        assert (recording.cell is not None) == (recording.attrs["model"] == "lstm")
        assert "versions" in recording.attrs and "config" in recording.attrs
    table = pd.read_csv(results / "tables" / "generalization.csv")
    assert len(table) == n_networks * len(config["tasks"]["evaluation_delays"])
    assert table["accuracy"].between(0, 1).all()
    for stem in FIGURES:
        for ext in ("png", "pdf"):
            path = results / "figures" / f"{stem}.{ext}"
            assert path.stat().st_size > 1000, path
    for path in (results / "networks").rglob("*.history.csv"):
        history = pd.read_csv(path)
        assert history["validation_accuracy"].iloc[-1] >= 0.98, path


@pytest.mark.e2e
@pytest.mark.slow
def test_a_networks_files_do_not_depend_on_its_job_companions(tiny_run, tmp_path):
    """Computed alone (a 1-replicate config: its condition's jobs hold it only) or with the
    other replicates (the tiny run), a network's files are byte-identical, every stage."""
    workdir, _, _ = tiny_run
    alone = yaml.safe_load(TINY.read_text())
    alone["experiment"].update(models=["lstm"], delays=["2"], tasks=["memory"], replicates=1)
    fresh = copy_workflow(tmp_path, workdir / "tiny.yaml", "tiny.yaml", library=True, source=workdir)
    (fresh / "alone.yaml").write_text(yaml.safe_dump(alone))
    stem = "memory/lstm/delay-2/rep-00"
    files = [f"results/networks/{stem}.pt", f"results/networks/{stem}.history.csv",
             f"results/activations/{stem}.h5", f"results/evaluation/{stem}.csv",
             f"results/relay/{stem}.h5", f"results/knockout/{stem}.csv", f"results/latent/{stem}.csv"]  # fmt: skip
    result = snakemake(fresh, *files, *RUN, "--configfile", "alone.yaml")
    assert result.returncode == 0, result.stderr[-4000:]
    for name in files:
        assert (fresh / name).read_bytes() == (workdir / name).read_bytes(), name


@pytest.mark.e2e
@pytest.mark.slow
def test_tiny_analyses_and_claims(tiny_run):
    from inforelay.relay import read_relay

    workdir, _, _ = tiny_run
    results = workdir / "results"
    relay_files = sorted((results / "relay").rglob("*.h5"))
    assert len(relay_files) == len(sorted((results / "activations").rglob("*.h5")))
    for path in relay_files:
        relay = read_relay(path)
        assert set(relay) == ({"hidden", "cell"} if "/lstm/" in str(path) else {"hidden"})
        hidden = relay["hidden"]
        np.testing.assert_allclose(hidden.contribution.sum(axis=-1), hidden.full, atol=1e-9)
    for name in ("knockout", "latent", "stability", "distribution", "generalization", "relay"):
        table = pd.read_csv(results / "tables" / f"{name}.csv")
        assert len(table) > 0, name
        assert {"task", "model", "delay_regime", "replicate"} <= set(table.columns), name
        assert table["replicate"].dtype.kind == "i", name
    claims = pd.read_csv(results / "claims.csv")
    assert len(claims) >= 6
    assert set(claims["verdict"]) <= {"held", "not held", "inconclusive"}
    assert "| claim |" in (results / "claims.md").read_text()


@pytest.mark.e2e
@pytest.mark.slow
def test_tiny_flow_tables_use_the_network_keys(tiny_flow_run):
    workdir, _ = tiny_flow_run
    tables = workdir / "results" / "tables"
    neurons = pd.read_csv(tables / "flow_neurons.csv", dtype={"delay_regime": str})
    assert list(neurons.columns[:7]) == [
        "branch", "network", "series", "task", "model", "delay_regime", "replicate"]
    assert set(neurons["branch"]) == {"forecast", "networks"}
    assert set(neurons["replicate"]) == {0, 1}
    phases = pd.read_csv(tables / "flow_phases.csv")
    assert list(phases.columns[:3]) == ["series", "model", "replicate"] and len(phases) == 4
    claims = pd.read_csv(tables / "flow_claims.csv")
    assert len(claims) > 0


@pytest.mark.e2e
@pytest.mark.slow
def test_report_renders(tiny_run):
    workdir, _, _ = tiny_run
    result = snakemake(workdir, "--configfile", "tiny.yaml", "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-4000:]
    assert (workdir / "results" / "report.html").stat().st_size > 10_000


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize(
    ("section", "key", "reruns", "never"),
    [
        ("knockout", "n_random", {"knockout", "aggregate_knockout", "claims"},
         {"train", "record", "evaluate", "relay", "latent"}),
        ("latent", "n_random_orders", {"latent", "aggregate_latent", "claims"},
         {"train", "record", "evaluate", "relay", "knockout"}),
        ("relay", "n_shuffles", {"relay", "knockout", "latent", "aggregate_relay", "claims"},
         {"train", "record", "evaluate"}),
        ("relay_null", "n_shuffles", {"relay_null", "aggregate_relay_null", "claims"},
         {"train", "record", "evaluate", "relay", "knockout", "latent"}),
    ],
)  # fmt: skip
def test_an_analysis_parameter_reruns_its_stage_only(tiny_run, section, key, reruns, never):
    """A knockout or latent setting retrains and re-records nothing; a relay setting retrains
    nothing. Each reruns its stage's one job per condition and what reads its files."""
    workdir, _, _ = tiny_run
    changed = yaml.safe_load(TINY.read_text())
    changed.setdefault(section, {})[key] = int(changed.get(section, {}).get(key, 0)) + 1
    (workdir / f"changed-{section}.yaml").write_text(yaml.safe_dump(changed))
    counts = dry_run(workdir, "--configfile", f"changed-{section}.yaml")
    conditions = len(changed["experiment"]["tasks"]) * len(changed["experiment"]["models"]) * len(
        changed["experiment"]["delays"]
    )
    assert reruns <= set(counts), counts
    assert counts[section] == conditions, counts
    assert not set(counts) & never, counts


@pytest.mark.e2e
@pytest.mark.slow
def test_the_test_split_and_the_ablation_rerun_the_tested_analyses_only(tiny_run):
    """`tasks.n_test` changes the held-out test sets: knockouts (and noise) and the latent
    analyses rerun, nothing that chose the units (training, recording, relay). The primary
    ablation reruns the knockouts only."""
    workdir, _, _ = tiny_run
    conditions = 2 * 2 * 2
    changed = yaml.safe_load(TINY.read_text())
    changed["tasks"]["n_test"] += 8
    (workdir / "n_test.yaml").write_text(yaml.safe_dump(changed))
    counts = dry_run(workdir, "--configfile", "n_test.yaml")
    assert counts["knockout"] == counts["latent"] == conditions, counts
    assert not set(counts) & {"train", "record", "evaluate", "relay", "relay_null"}, counts
    ablation = yaml.safe_load(TINY.read_text())
    ablation["knockout"]["ablation"] = "resample"
    (workdir / "resample.yaml").write_text(yaml.safe_dump(ablation))
    counts = dry_run(workdir, "--configfile", "resample.yaml")
    assert counts["knockout"] == conditions and "latent" not in counts, counts
    assert not set(counts) & {"train", "record", "evaluate", "relay", "relay_null"}, counts


@pytest.mark.e2e
@pytest.mark.slow
def test_the_knockout_table_holds_every_run_on_the_held_out_set(tiny_run):
    """The knockout table of the tiny run: the primary ablation and the zero ablation on the
    test set, the primary on the analysis set (same data), each with relay, non-relay and
    random sets; the noise table; the claims name the pre-registration's digest."""
    workdir, _, _ = tiny_run
    tables = workdir / "results" / "tables"
    knockout = pd.read_csv(tables / "knockout.csv")
    runs = set(map(tuple, knockout[["data", "ablation"]].drop_duplicates().to_numpy()))
    assert runs == {("test", "mean"), ("test", "zero"), ("analysis", "mean")}
    assert set(knockout["set_kind"]) == {"baseline", "relay", "nonrelay", "random"}
    base = knockout[knockout["set_kind"] == "baseline"].groupby(["data", "ablation"])["accuracy"].mean()
    assert base["test", "mean"] == base["test", "zero"]  # the same intact networks and sequences
    for (data, ablation), rows in knockout.groupby(["data", "ablation"]):
        assert set(rows["set_kind"]) == {"baseline", "relay", "nonrelay", "random"}, (data, ablation)
    noise = pd.read_csv(tables / "noise.csv")
    assert set(noise["set_kind"]) == {"baseline", "relay", "nonrelay", "random"}
    claims = pd.read_csv(workdir / "results" / "claims.csv")
    assert {"primary", "pooled", "sanity", "sensitivity: zero ablation", "sensitivity: same data",
            "sensitivity: bias-corrected relay"} <= set(claims["family"])
    meta = json.loads((workdir / "results" / "claims.csv.meta.json").read_text())
    digest = hashlib.sha256((ROOT / "config" / "claims.yaml").read_bytes()).hexdigest()
    assert meta["preregistration"]["sha256"] == digest
    assert digest in (workdir / "results" / "claims.md").read_text()


@pytest.mark.e2e
@pytest.mark.slow
def test_more_replicates_train_only_the_new_networks(tiny_run):
    """Another replicate trains one network per condition; only the analyses of the conditions
    it joins rerun (here: every condition)."""
    workdir, _, _ = tiny_run
    changed = yaml.safe_load(TINY.read_text())
    changed["experiment"]["replicates"] += 1
    (workdir / "more.yaml").write_text(yaml.safe_dump(changed))
    counts = dry_run(workdir, "--configfile", "more.yaml")
    conditions = len(changed["experiment"]["tasks"]) * len(changed["experiment"]["models"]) * len(
        changed["experiment"]["delays"]
    )
    assert counts["train"] == conditions, counts
    for rule in PER_CONDITION:
        assert counts[rule] == conditions, (rule, counts)
    # one condition more (a new delay regime): the existing conditions' analyses stay
    changed = yaml.safe_load(TINY.read_text())
    changed["experiment"]["delays"] = [*changed["experiment"]["delays"], "1"]
    (workdir / "more-delays.yaml").write_text(yaml.safe_dump(changed))
    counts = dry_run(workdir, "--configfile", "more-delays.yaml")
    new_conditions = len(changed["experiment"]["tasks"]) * len(changed["experiment"]["models"])
    assert counts["train"] == new_conditions * changed["experiment"]["replicates"], counts
    for rule in PER_CONDITION:
        assert counts[rule] == new_conditions, (rule, counts)


@pytest.mark.e2e
@pytest.mark.slow
def test_deleting_one_model_retrains_that_network_only(tiny_run, tmp_path):
    workdir, _, _ = tiny_run
    model = workdir / "results" / "networks" / "block" / "rnn" / "delay-random" / "rep-01.pt"
    backup = tmp_path / "rep-01.pt"
    os.replace(model, backup)
    try:
        counts = dry_run(workdir, "--configfile", "tiny.yaml")
    finally:
        os.replace(backup, model)
    assert counts["train"] == 1, counts
    for rule in PER_CONDITION:
        assert counts[rule] == 1, (rule, counts)  # its own condition's analyses
    assert dry_run(workdir, "--configfile", "tiny.yaml") == {}


@pytest.mark.e2e
@pytest.mark.slow
def test_changing_threads_or_analysis_sizes_retrains_nothing(tiny_run):
    """`training.threads` cannot change a network; `tasks.n_analysis` changes only the analysis
    data. Neither may plan a training job (720 networks at paper scale)."""
    workdir, _, _ = tiny_run
    changed = yaml.safe_load(TINY.read_text())
    changed["training"]["threads"] = changed["training"]["threads"] + 1
    (workdir / "threads.yaml").write_text(yaml.safe_dump(changed))
    assert dry_run(workdir, "--configfile", "threads.yaml") == {}
    changed["tasks"]["n_analysis"] = changed["tasks"]["n_analysis"] + 8
    (workdir / "analysis.yaml").write_text(yaml.safe_dump(changed))
    counts = dry_run(workdir, "--configfile", "analysis.yaml")
    assert counts.get("record", 0) > 0, counts
    assert "train" not in counts, counts
    # new evaluation delays or another analysis delay for random-regime networks: new evaluation
    # or analysis sets, never new training data
    for key, value in (("evaluation_delays", [0, 1, 2]), ("random_analysis_delay", 2)):
        other = yaml.safe_load(TINY.read_text())
        other["tasks"][key] = value
        (workdir / f"{key}.yaml").write_text(yaml.safe_dump(other))
        counts = dry_run(workdir, "--configfile", f"{key}.yaml")
        assert counts and "train" not in counts, (key, counts)


@pytest.mark.e2e
@pytest.mark.slow
def test_more_forecasters_rerun_none_of_the_existing_ones(tiny_flow_run):
    """Another replicate or series adds forecasters; the trained ones stay."""
    workdir = tiny_flow_run[0]
    changed = yaml.safe_load(TINY_FLOW.read_text())
    changed["flow"]["forecast"]["replicates"] += 1
    (workdir / "more_forecasters.yaml").write_text(yaml.safe_dump(changed))
    counts = dry_run(workdir, "--configfile", "more_forecasters.yaml")
    forecasters = len(changed["flow"]["forecast"]["series"]) * len(changed["flow"]["forecast"]["models"])
    for rule in ("flow_train_forecast", "flow_record_forecast", "flow_forecast"):
        assert counts.get(rule) == forecasters, (rule, counts)  # the new replicate only
    assert "train" not in counts, counts
    # the forecasters' thread count cannot change one: it reruns nothing (as training.threads)
    threads = yaml.safe_load(TINY_FLOW.read_text())
    training = threads["flow"]["forecast"].setdefault("training", {})
    training["threads"] = int(training.get("threads", 1)) + 1
    (workdir / "forecast_threads.yaml").write_text(yaml.safe_dump(threads))
    assert dry_run(workdir, "--configfile", "forecast_threads.yaml") == {}


def test_the_job_runner_is_outside_every_code_digest():
    """How a job is started (pipeline.runner: jobs, setup, warm) cannot change a result: editing it
    must not rerun 720 networks, so no rule's digest covers it; a step module is covered."""
    from inforelay.pipeline.runner.provenance import RUNNER_MODULES, module_closure, script_modules

    train = ROOT / "workflow" / "scripts" / "train.py"
    assert script_modules(train) == ("inforelay.pipeline.steps.train",)
    closure = set(module_closure(*script_modules(train)))
    assert "inforelay.nets.training" in closure and not closure & RUNNER_MODULES


# ------------------------------------------------------------- results follow the library code --


def _edited(path: Path):
    """Append a comment to a library file of the copy; the context restores its bytes."""

    class Edit:
        def __enter__(self):
            self.original = path.read_bytes()
            path.write_bytes(self.original + b"\n# edited by test_workflow\n")

        def __exit__(self, *exc):
            path.write_bytes(self.original)

    return Edit()


@pytest.mark.e2e
@pytest.mark.slow
def test_editing_a_latent_only_module_plans_latent_and_its_dependants_only(tiny_run):
    workdir, _, _ = tiny_run
    candidates = ("inforelay.analyses.latent", "inforelay.analyses.latent_scores",
                  "inforelay.pipeline.steps.latent")
    untouched = {"train", "record", "relay", "knockout", "evaluate", "generate_task"}
    choice = [(m, users_of(m, workdir)) for m in candidates]
    choice = [(m, users) for m, users in choice if "latent" in users and not users & untouched]
    assert choice, "every latent module is also imported by another per-network rule"
    module, users = choice[0]
    expected = dry_run(workdir, "--configfile", "tiny.yaml", "--forcerun", *sorted(users))
    with _edited(module_file(module, workdir / "src")):
        planned = dry_run(workdir, "--configfile", "tiny.yaml")
    assert planned == expected, f"{module} (used by {sorted(users)})"
    assert planned["latent"] == 8 and "claims" in planned  # one job per condition
    assert not set(planned) & untouched, planned
    assert dry_run(workdir, "--configfile", "tiny.yaml") == {}  # restored: nothing to do
    print(f"\n{module}: used by {sorted(users)}; planned {planned}")


@pytest.mark.e2e
@pytest.mark.slow
def test_editing_a_module_every_rule_uses_plans_everything(tiny_run):
    workdir, _, _ = tiny_run
    scripts = rule_scripts(workdir).values()
    root = workdir / "src"
    shared = set.intersection(*(set(module_closure(*script_modules(s, root), root=root)) for s in scripts))
    # the package of every step (pipeline.runner.jobs, which every script imports too, is the job runner:
    # outside every digest, test_the_job_runner_is_outside_every_code_digest)
    module = "inforelay.pipeline.steps"
    assert module in shared, sorted(shared)
    everything = dry_run(workdir, "--configfile", "tiny.yaml", "--forceall")
    with _edited(module_file(module, root)):
        planned = dry_run(workdir, "--configfile", "tiny.yaml")
    assert planned == everything
    assert dry_run(workdir, "--configfile", "tiny.yaml") == {}
