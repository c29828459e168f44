"""The real Snakemake DAG: config validation, planning at paper scale, and tiny end-to-end runs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_copy import copy_workflow

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
FIGURES = (
    "fig01_tasks",
    "fig02_generalization",
    "fig03_greedy",
    "fig04_knockout_memory",
    "fig05_knockout_block",
    "fig06_relay_time",
    "fig07_relay_architectures",
    "fig08_correlation",
    "fig09_overlap",
    "fig10_distribution_memory",
    "fig11_distribution_block",
    "fig12_pca",
    "fig13_pca_removal",
    "fig13_pca_removal_summary",
)
PER_NETWORK = ("train", "record", "evaluate", "relay", "knockout", "latent")



def snakemake(workdir: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def planned_jobs(output: str) -> dict[str, int]:
    """Parse the 'job  count' table of a dry run."""
    counts = {}
    for line in output.splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s+(\d+)\s*$", line.strip())
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


@pytest.fixture(scope="module")
def tiny_workflow(tmp_path_factory) -> Path:
    return copy_workflow(tmp_path_factory.mktemp("tiny"))


def test_paper_config_plans_720_networks(tmp_path):
    workdir = copy_workflow(tmp_path)
    result = snakemake(workdir, "-n", "--quiet", "rules")
    assert result.returncode == 0, result.stderr
    counts = planned_jobs(result.stdout + result.stderr)
    assert counts["train"] == 720
    assert counts["record"] == 720
    for rule in PER_NETWORK:
        assert counts[rule] == 720, rule


def test_unknown_config_key_stops_before_any_job(tmp_path):
    workdir = copy_workflow(tmp_path)
    bad = yaml.safe_load(TINY.read_text())
    bad["training"]["learnig_rate"] = 0.1
    (workdir / "bad.yaml").write_text(yaml.safe_dump(bad))
    result = snakemake(workdir, "--cores", "1", "--configfile", "bad.yaml")
    assert result.returncode != 0
    assert "learnig_rate" in result.stdout + result.stderr
    assert not (workdir / "results").exists()


def test_semantic_config_error_names_key(tmp_path):
    workdir = copy_workflow(tmp_path)
    bad = yaml.safe_load(TINY.read_text())
    bad["tasks"]["random_analysis_delay"] = 7
    (workdir / "bad.yaml").write_text(yaml.safe_dump(bad))
    result = snakemake(workdir, "-n", "--configfile", "bad.yaml")
    assert result.returncode != 0
    assert "tasks.random_analysis_delay" in result.stdout + result.stderr


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


@pytest.fixture(scope="module")
def tiny_run(tiny_workflow):
    """Run the tiny config, kill it hard during training, and resume it to completion.

    Returns the workflow directory and the modification times of the networks whose
    training jobs Snakemake had reported finished before the kill.
    """
    workdir = tiny_workflow
    log_file = workdir / "first-run.log"
    with open(log_file, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", "tiny.yaml"],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MPLBACKEND": "Agg"},
            start_new_session=True,
        )
        try:
            trained = _wait_for(
                lambda: len(finished_outputs(log_file.read_text(), "train")) >= 4, timeout=600
            )
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # as hard as a power cut: no cleanup handlers run
            process.wait()
    assert trained, "no network was trained before the kill"
    finished = [workdir / out for out in finished_outputs(log_file.read_text(), "train")]
    finished_before = {path: path.stat().st_mtime_ns for path in finished if path.suffix == ".pt"}
    assert len(list((workdir / "results" / "networks").rglob("*.pt"))) < 16, "killed too late"
    # a hard kill leaves Snakemake's lock behind; a user then runs --unlock (README)
    assert snakemake(workdir, "--unlock", "--configfile", "tiny.yaml").returncode == 0
    result = snakemake(workdir, "--cores", "2", "--configfile", "tiny.yaml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return workdir, finished_before


@pytest.mark.e2e
def test_resumed_run_keeps_finished_networks(tiny_run):
    workdir, finished_before = tiny_run
    assert finished_before
    for path, mtime in finished_before.items():
        assert path.stat().st_mtime_ns == mtime, f"{path} was retrained"
    leftovers = [p for p in (workdir / "results").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.e2e
def test_second_run_has_nothing_to_do(tiny_run):
    workdir, _ = tiny_run
    again = snakemake(workdir, "-n", "--configfile", "tiny.yaml")
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr


@pytest.mark.e2e
def test_tiny_outputs_complete_and_valid(tiny_run):
    from inforelay.nets.recording import read_activations

    workdir, _ = tiny_run
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
def test_same_network_twice_gives_identical_activations(tiny_run, tmp_path):
    workdir, _ = tiny_run
    target = "results/activations/memory/lstm/delay-2/rep-00.h5"
    fresh = copy_workflow(tmp_path)
    result = snakemake(fresh, target, "--cores", "2", "--configfile", "tiny.yaml")
    assert result.returncode == 0, result.stderr[-4000:]
    with h5py.File(workdir / target) as a, h5py.File(fresh / target) as b:
        np.testing.assert_array_equal(a["hidden"][()], b["hidden"][()])
        np.testing.assert_array_equal(a["cell"][()], b["cell"][()])


@pytest.mark.e2e
def test_tiny_analyses_and_claims(tiny_run):
    from inforelay.relay.search import read_relay

    workdir, _ = tiny_run
    results = workdir / "results"
    relay_files = sorted((results / "relay").rglob("*.h5"))
    assert len(relay_files) == len(sorted((results / "activations").rglob("*.h5")))
    for path in relay_files:
        relay = read_relay(path)
        assert set(relay) == ({"hidden", "cell"} if "/lstm/" in str(path) else {"hidden"})
        hidden = relay["hidden"]
        np.testing.assert_allclose(hidden.contribution.sum(axis=-1), hidden.full, atol=1e-9)
    for name in ("knockout", "latent", "stability", "distribution", "generalization"):
        table = pd.read_csv(results / "tables" / f"{name}.csv")
        assert len(table) > 0, name
        assert {"task", "model", "delay_regime", "replicate"} <= set(table.columns), name
    claims = pd.read_csv(results / "claims.csv")
    assert len(claims) >= 6
    assert set(claims["verdict"]) <= {"held", "not held", "inconclusive"}
    assert "| claim |" in (results / "claims.md").read_text()


@pytest.mark.e2e
def test_report_renders(tiny_run):
    workdir, _ = tiny_run
    result = snakemake(workdir, "--configfile", "tiny.yaml", "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-4000:]
    assert (workdir / "results" / "report.html").stat().st_size > 10_000


@pytest.mark.e2e
def test_changing_an_analysis_parameter_reruns_no_training(tiny_run):
    workdir, _ = tiny_run
    changed = yaml.safe_load(TINY.read_text())
    changed["knockout"]["n_random"] = changed["knockout"]["n_random"] + 1
    (workdir / "changed.yaml").write_text(yaml.safe_dump(changed))
    result = snakemake(workdir, "-n", "--quiet", "rules", "--configfile", "changed.yaml")
    assert result.returncode == 0, result.stderr[-4000:]
    counts = planned_jobs(result.stdout + result.stderr)
    assert counts.get("knockout", 0) > 0 and counts.get("claims") == 1
    assert counts.get("aggregate_knockout") == 1
    for rule in ("train", "record", "evaluate", "relay", "latent", "generate_task"):
        assert rule not in counts, f"{rule} would rerun after a knockout parameter change"
