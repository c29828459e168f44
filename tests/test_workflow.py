"""The real Snakemake DAG: config validation, planning at paper scale, and tiny end-to-end runs."""

from __future__ import annotations

import os
import re
import shutil
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

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
WORKFLOW_FILES = ("Snakefile", "config.yaml", "workflow", "profiles", "envs")


def copy_workflow(dest: Path) -> Path:
    """Copy the workflow (not results) into `dest`, as a user's fresh clone would have it."""
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    shutil.copy2(TINY, dest / "tiny.yaml")
    return dest


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
    assert counts["evaluate"] == 720


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


@pytest.fixture(scope="module")
def tiny_run(tiny_workflow):
    """Run the tiny config, kill it hard during training, and resume it to completion.

    Returns the workflow directory and the modification times of the networks that
    had finished before the kill.
    """
    workdir = tiny_workflow
    networks = workdir / "results" / "networks"
    process = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", "tiny.yaml"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MPLBACKEND": "Agg"},
        start_new_session=True,
    )
    try:
        trained = _wait_for(lambda: len(list(networks.rglob("*.pt"))) >= 2, timeout=600)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # as hard as a power cut: no cleanup handlers run
        process.wait()
    assert trained, "no network was trained before the kill"
    finished_before = {p: p.stat().st_mtime_ns for p in networks.rglob("*.pt")}
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
    from inforelay.recording import read_activations

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
    for stem in ("fig01_tasks", "fig02_generalization"):
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
    result = snakemake(fresh, "--cores", "2", "--configfile", "tiny.yaml", target)
    assert result.returncode == 0, result.stderr[-4000:]
    with h5py.File(workdir / target) as a, h5py.File(fresh / target) as b:
        np.testing.assert_array_equal(a["hidden"][()], b["hidden"][()])
        np.testing.assert_array_equal(a["cell"][()], b["cell"][()])
