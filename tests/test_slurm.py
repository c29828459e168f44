"""The real workflow on a live single-node SLURM cluster (snakemake-executor-plugin-slurm).

A session fixture starts the cluster with ``tests/slurm/setup-local-slurm.sh`` (munge, slurmctld,
slurmd; one node with a fake GPU) and stops it with ``tests/slurm/teardown-local-slurm.sh`` when
it started it. With ``INFORELAY_SLURM_TESTS=1`` (set by ``.ci/run``) a failing setup FAILS the
tests; without it they are skipped only when this machine has no SLURM (``sinfo``) at all.

The workflow is copied to a temporary directory and run with ``--profile profiles/slurm-local``
on ``tests/data/tiny.yaml``, restricted to a few networks so that the file stays at ~2-3 min:

- every per-network rule runs as SLURM jobs to complete, valid outputs, and the training jobs,
  asked for a GPU the way ``profiles/slurm-gpu`` asks (``train:gpu=1``), got the gres;
- a submitted job cancelled with ``scancel`` is resubmitted by ``--retries`` and the run ends
  with complete, valid outputs and nothing left to do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "tests" / "slurm" / "setup-local-slurm.sh"
TEARDOWN = ROOT / "tests" / "slurm" / "teardown-local-slurm.sh"
TINY = ROOT / "tests" / "data" / "tiny.yaml"
WORKFLOW_FILES = ("Snakefile", "config.yaml", "workflow", "profiles", "envs")
SLURM_BASE = Path(os.environ.get("SLURM_BASE", "/tmp/inforelay-slurm"))
REQUIRED = os.environ.get("INFORELAY_SLURM_TESTS") == "1"
RUN_TIMEOUT_S = 900

NETWORK = "{task}/{model}/delay-{delay}/rep-{rep}"
GPU_NETWORKS = [
    {"task": "memory", "model": "rnn", "delay": "2", "rep": "00"},
    {"task": "memory", "model": "lstm", "delay": "2", "rep": "00"},
]
KILL_NETWORK = {"task": "memory", "model": "rnn", "delay": "2", "rep": "01"}


# ------------------------------------------------------------------------------------ cluster --


def _our_daemons_alive() -> bool:
    """True when the daemons named by the setup script's PID files are running."""
    for pidfile in (SLURM_BASE / "run" / "slurmctld.pid", SLURM_BASE / "run" / "slurmd.pid"):
        try:
            os.kill(int(pidfile.read_text().strip()), 0)
        except (OSError, ValueError):
            return False
    return True


@pytest.fixture(scope="session")
def slurm_cluster():
    """A live single-node SLURM; started here (and stopped at the end) unless already up."""
    if not REQUIRED and shutil.which("sinfo") is None:
        pytest.skip(
            "no SLURM on this machine (sinfo not found) and INFORELAY_SLURM_TESTS is not 1; "
            "`INFORELAY_SLURM_TESTS=1 pytest tests/test_slurm.py` installs and starts a local one "
            "(needs root or sudo and apt-get)"
        )
    started_here = not _our_daemons_alive()
    setup = subprocess.run(["bash", str(SETUP)], capture_output=True, text=True, timeout=600)
    if setup.returncode != 0:
        pytest.fail(
            f"{SETUP} failed (exit {setup.returncode}):\n{setup.stdout}\n{setup.stderr}",
            pytrace=False,
        )
    yield
    if started_here:
        subprocess.run(["bash", str(TEARDOWN)], capture_output=True, text=True, timeout=120)


# ----------------------------------------------------------------------------------- workflow --


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, slurm_cluster) -> Path:
    """A fresh copy of the workflow (no results), shared by this file's tests."""
    dest = tmp_path_factory.mktemp("slurm-workflow")
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    shutil.copy2(TINY, dest / "tiny.yaml")
    return dest


def snakemake_cmd(*args: str) -> list[str]:
    return [
        sys.executable, "-m", "snakemake",
        "--profile", "profiles/slurm-local",
        "--configfile", "tiny.yaml",
        *args,
    ]  # fmt: skip


def run_env() -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}


def network_targets(network: dict[str, str]) -> list[str]:
    key = NETWORK.format(**network)
    return [
        f"results/evaluation/{key}.csv",
        f"results/knockout/{key}.csv",
        f"results/latent/{key}.csv",
    ]


def run_id(log: str) -> str:
    match = re.search(r"SLURM run ID: (\S+)", log)
    assert match, f"no 'SLURM run ID' in the Snakemake output:\n{log[-3000:]}"
    return match.group(1)


def slurm_jobs(run: str) -> list[dict[str, str]]:
    """Every SLURM job of one Snakemake run that slurmctld still lists (MinJobAge = 600 s)."""
    out = subprocess.run(
        ["squeue", "-h", "--states=all", "--name", run,
         "-O", "JobID:|,Comment:|,tres-per-job:|,State"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    jobs = []
    for line in out.splitlines():
        if line.strip():
            jobid, comment, tres, state = (field.strip() for field in line.split("|", 3))
            jobs.append({"id": jobid, "comment": comment, "tres": tres, "state": state})
    return jobs


def assert_network_outputs_valid(workdir: Path, network: dict[str, str]) -> None:
    """Every per-network output exists and reads back through the library's own readers."""
    from inforelay.recording import read_activations
    from inforelay.relay import read_relay
    from inforelay.training import load_network

    key = NETWORK.format(**network)
    _, metadata = load_network(workdir / f"results/networks/{key}.pt")
    assert metadata["accuracy"] >= 0.98, f"{key}: a network below the accuracy bar was written"
    activations = read_activations(workdir / f"results/activations/{key}.h5")
    assert activations.hidden.ndim == 3 and activations.hidden.shape[-1] > 0
    relay = read_relay(workdir / f"results/relay/{key}.h5")
    assert relay, f"{key}: relay file holds no results"
    for kind in ("evaluation", "knockout", "latent"):
        table = pd.read_csv(workdir / f"results/{kind}/{key}.csv")
        assert len(table) > 0, f"results/{kind}/{key}.csv is empty"


def assert_nothing_left_to_do(workdir: Path, targets: list[str]) -> None:
    dry = subprocess.run(
        snakemake_cmd("-n", *targets), cwd=workdir, capture_output=True, text=True,
        env=run_env(), timeout=300,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "Nothing to be done" in dry.stdout + dry.stderr, dry.stdout + dry.stderr


# -------------------------------------------------------------------------------------- tests --


def test_per_network_rules_run_as_slurm_jobs_and_training_gets_the_gpu(workdir):
    targets = [t for network in GPU_NETWORKS for t in network_targets(network)]
    # the slurm-gpu route: training asks SLURM for one GPU (here the node's fake gres gpu:1)
    result = subprocess.run(
        snakemake_cmd("--set-resources", "train:gpu=1", *targets),
        cwd=workdir, capture_output=True, text=True, env=run_env(), timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]

    jobs = slurm_jobs(run_id(log))
    assert jobs and all(job["state"] == "COMPLETED" for job in jobs), jobs
    submitted = " ".join(job["comment"] for job in jobs)
    for rule in ("generate_task", "train", "record", "evaluate", "relay", "knockout", "latent"):
        assert rule in submitted, f"rule {rule} was not run as a SLURM job: {jobs}"
    train_jobs = [job for job in jobs if "train" in job["comment"]]
    assert train_jobs, jobs
    assert all("gpu" in job["tres"] for job in train_jobs), train_jobs
    other = [job for job in jobs if "train" not in job["comment"]]
    assert all("gpu" not in job["tres"] for job in other), other

    for network in GPU_NETWORKS:
        assert_network_outputs_valid(workdir, network)
    assert_nothing_left_to_do(workdir, targets)


def test_cancelled_job_is_retried_to_complete_outputs(workdir):
    targets = network_targets(KILL_NETWORK)
    log_path = workdir / "kill-run.log"
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            snakemake_cmd("--retries", "2", *targets),
            cwd=workdir, stdout=log_file, stderr=subprocess.STDOUT, text=True, env=run_env(),
        )  # fmt: skip
        try:
            cancelled = _cancel_first_job(proc, log_path, rule="train")
            proc.wait(timeout=RUN_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=60)
    log = log_path.read_text()
    assert proc.returncode == 0, log[-6000:]

    jobs = slurm_jobs(run_id(log))
    by_id = {job["id"]: job for job in jobs}
    assert by_id[cancelled["id"]]["state"] == "CANCELLED", jobs
    # the same rule/group was submitted again and completed
    again = [
        job for job in jobs
        if job["comment"] == cancelled["comment"] and job["id"] != cancelled["id"]
    ]  # fmt: skip
    assert again and all(job["state"] == "COMPLETED" for job in again), jobs
    assert_network_outputs_valid(workdir, KILL_NETWORK)
    assert_nothing_left_to_do(workdir, targets)


def _cancel_first_job(proc: subprocess.Popen, log_path: Path, rule: str) -> dict[str, str]:
    """Wait for the run's first SLURM job whose comment names `rule`; scancel it while it is
    pending or running. Returns that job."""
    deadline = time.monotonic() + 300
    run = None
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"snakemake ended before a job could be cancelled:\n" + (
            log_path.read_text()[-4000:]
        )
        if run is None:
            match = re.search(r"SLURM run ID: (\S+)", log_path.read_text())
            run = match.group(1) if match else None
        if run is not None:
            live = [
                job for job in slurm_jobs(run)
                if rule in job["comment"] and job["state"] in ("PENDING", "RUNNING")
            ]  # fmt: skip
            if live:
                subprocess.run(["scancel", live[0]["id"]], check=True)
                return live[0]
        time.sleep(0.2)
    pytest.fail(f"no pending/running SLURM job of rule {rule} within 300 s")
