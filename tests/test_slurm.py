"""The real workflow on a live single-node SLURM cluster (snakemake-executor-plugin-slurm).

A session fixture starts the cluster with ``tests/slurm/setup-local-slurm.sh`` (munge, slurmctld,
slurmd; one node with a fake GPU) and stops it with ``tests/slurm/teardown-local-slurm.sh`` when
it started it. With ``INFORELAY_SLURM_TESTS=1`` (set by ``.ci/run``) a failing setup FAILS the
tests; without it they are skipped only when this machine has no SLURM (``sinfo``) at all.

The profiles themselves are checked without SLURM (dry runs): every rule they name exists, and
profiles/slurm-local keeps the job layout of profiles/slurm.

The SLURM tests copy the workflow to a temporary directory and run ``tests/data/tiny.yaml``,
restricted to three conditions (six networks) so that they take a few minutes together:

- ``profiles/slurm-gpu`` (fitted to the test node: squeue status, 6 s polling): training and every
  per-condition rule run in SLURM group jobs to complete, valid outputs, and the training group
  jobs asked SLURM for a GPU and got the node's (fake) gres, the other jobs did not;
- ``profiles/slurm-local`` (the production job layout of ``profiles/slurm``): a training group
  job, cancelled with ``scancel`` while pending or running, is resubmitted by
  ``--retries`` and the run ends with complete, valid outputs and nothing left to do.
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
import yaml

from inforelay.pipeline.workdir import copy_workflow

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "tests" / "slurm" / "setup-local-slurm.sh"
TEARDOWN = ROOT / "tests" / "slurm" / "teardown-local-slurm.sh"
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SLURM_BASE = Path(os.environ.get("SLURM_BASE", "/tmp/inforelay-slurm"))
REQUIRED = os.environ.get("INFORELAY_SLURM_TESTS") == "1"
RUN_TIMEOUT_S = 900

NETWORK = "{task}/{model}/delay-{delay_regime}/rep-{replicate}"
GPU_NETWORKS = [
    {"task": "memory", "model": "rnn", "delay_regime": "2", "replicate": "00"},
    {"task": "memory", "model": "lstm", "delay_regime": "2", "replicate": "00"},
]
# another condition than the GPU test's: their runs share one workdir
KILL_NETWORK = {"task": "block", "model": "lstm", "delay_regime": "2", "replicate": "01"}


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
    """A fresh copy of the workflow, shared by the SLURM tests of this file."""
    return copy_workflow(tmp_path_factory.mktemp("slurm-workflow"))


def snakemake_cmd(profile: str, *args: str) -> list[str]:
    """`snakemake --profile profiles/<profile>` on the tiny config, fitted to the test node."""
    fit = []
    if profile != "slurm-local":
        # a production profile on the test cluster: no accounting DB, short jobs
        fit = [
            "--slurm-status-command", "squeue",
            "--slurm-init-seconds-before-status-checks", "6",
            "--seconds-between-status-checks", "6",
            "--latency-wait", "5",
        ]  # fmt: skip
    return [
        sys.executable, "-m", "snakemake",
        "--profile", f"profiles/{profile}",
        "--configfile", "tiny.yaml",
        *fit,
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
    """Every SLURM job of one Snakemake run that slurmctld still lists (MinJobAge = 600 s); array
    tasks as ``<array id>_<task>``, the id the executor tracks."""
    out = subprocess.run(
        ["squeue", "-h", "--states=all", "--name", run,
         "-O", "JobArrayID:|,Comment:|,tres-per-job:|,State"],
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
    from inforelay.nets.files import load_network
    from inforelay.nets.recording import read_activations
    from inforelay.relay import read_relay

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
        snakemake_cmd("slurm-local", "-n", *targets), cwd=workdir, capture_output=True, text=True,
        env=run_env(), timeout=300,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "Nothing to be done" in dry.stdout + dry.stderr, dry.stdout + dry.stderr


# ---------------------------------------------------------------- profiles, without SLURM --

PROFILES = ("slurm", "slurm-gpu", "slurm-local")


def load_profile(name: str) -> dict:
    return yaml.safe_load((ROOT / "profiles" / name / "config.yaml").read_text())


@pytest.fixture(scope="module")
def plain_workdir(tmp_path_factory) -> Path:
    """A copy of the workflow for dry runs (no SLURM needed)."""
    return copy_workflow(tmp_path_factory.mktemp("profiles"))


@pytest.fixture(scope="module")
def workflow_rules() -> set[str]:
    """Names of every rule the workflow defines (`rule <name>:` in Snakefile, workflow/rules)."""
    sources = [ROOT / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
    pattern = re.compile(r"^rule\s+(\w+)\s*:", re.MULTILINE)
    return {name for path in sources for name in pattern.findall(path.read_text())}


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
def test_profile_plans_the_tiny_workflow_in_group_jobs(profile, plain_workdir):
    # every resource expression evaluates and the per-network rules form group jobs
    dry = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--profile", f"profiles/{profile}",
         "--configfile", "tiny.yaml"],
        cwd=plain_workdir, capture_output=True, text=True, env=run_env(), timeout=300,
    )  # fmt: skip
    out = dry.stdout + dry.stderr
    assert dry.returncode == 0, out[-4000:]
    assert "Group job training" in out and "Group job condition" in out, out[-4000:]


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_names_only_rules_of_the_workflow(profile, workflow_rules):
    # Snakemake silently ignores unknown rule names in groups/set-resources: a renamed rule
    # would quietly lose its resources or its grouping
    config = load_profile(profile)
    named = set(config.get("set-resources", {})) | set(config.get("groups", {}))
    named |= {r.strip() for r in str(config.get("slurm-array-jobs", "")).split(",") if r.strip()}
    assert named, profile
    assert named <= workflow_rules, f"profiles/{profile}: unknown rules {named - workflow_rules}"
    if config.get("slurm-array-jobs"):
        # a chunk larger than `jobs` is never complete: the plugin would wait forever
        assert int(config["slurm-array-limit"]) < int(config["jobs"]), profile
    assert config["executor"] == "slurm"
    assert config["retries"] >= 1 and config["rerun-incomplete"] is True
    for resources in [config["default-resources"], *config.get("set-resources", {}).values()]:
        for key in ("runtime", "mem_mb"):
            if key in resources:
                assert "attempt" in str(resources[key]), f"profiles/{profile}: {key} fixed"


def test_gpu_profile_trains_on_gpus_outside_the_cpu_groups():
    cpu, gpu, local = (load_profile(name) for name in ("slurm", "slurm-gpu", "slurm-local"))
    assert gpu["set-resources"]["train"]["gpu"] == 1
    # training in GPU group jobs of its own, never in the CPU group jobs of the analyses
    assert gpu["groups"]["train"] not in {g for r, g in gpu["groups"].items() if r != "train"}
    assert "gpu" not in cpu["set-resources"]["train"]  # CPU: the rule decides from the config
    # the executor runs a group's jobs one after the other: more CPUs per group job would idle
    assert cpu["cores"] == gpu["cores"] == local["cores"] == 1
    # the test profile keeps the production job layout
    assert local["groups"] == cpu["groups"]
    assert local["group-components"] == cpu["group-components"]


# -------------------------------------------------------------------------------------- tests --


@pytest.mark.slurm
@pytest.mark.slow
def test_gpu_profile_runs_every_per_network_rule_and_training_gets_the_gpu(workdir):
    targets = [t for network in GPU_NETWORKS for t in network_targets(network)]
    # profiles/slurm-gpu: training asks SLURM for one GPU (here the node's fake gres gpu:1)
    result = subprocess.run(
        snakemake_cmd("slurm-gpu", *targets),
        cwd=workdir, capture_output=True, text=True, env=run_env(), timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]

    jobs = slurm_jobs(run_id(log))
    assert jobs and all(job["state"] == "COMPLETED" for job in jobs), jobs
    submitted = " ".join(job["comment"] for job in jobs)
    for rule in ("train", "record", "evaluate", "relay", "knockout", "latent"):
        assert rule in submitted, f"rule {rule} was not run as a SLURM job: {jobs}"
    train_jobs = [job for job in jobs if "train" in job["comment"]]
    assert train_jobs, jobs
    assert all("gpu" in job["tres"] for job in train_jobs), train_jobs
    other = [job for job in jobs if "train" not in job["comment"]]
    assert all("gpu" not in job["tres"] for job in other), other

    for network in GPU_NETWORKS:
        assert_network_outputs_valid(workdir, network)
    assert_nothing_left_to_do(workdir, targets)


@pytest.mark.slurm
@pytest.mark.slow
def test_cancelled_job_is_retried_to_complete_outputs(workdir):
    targets = network_targets(KILL_NETWORK)
    log_path = workdir / "kill-run.log"
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            snakemake_cmd("slurm-local", "--retries", "2", *targets),
            cwd=workdir, stdout=log_file, stderr=subprocess.STDOUT, text=True, env=run_env(),
        )  # fmt: skip
        try:
            # slurm-local trains up to 20 networks in one group job
            cancelled = _cancel_first_job(proc, log_path, comment_prefix="rule_training")
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
    # Snakemake saw the cancelled job fail (its error names that job's SLURM log) and restarted it
    assert f"/{cancelled['id']}.log" in log and "Trying to restart job" in log, log[-6000:]
    # ... and resubmitted what was left of it, which completed
    first = int(cancelled["id"].split("_")[0])
    later = [job for job in jobs if int(job["id"].split("_")[0]) > first]
    assert later and all(job["state"] == "COMPLETED" for job in later), jobs
    assert_network_outputs_valid(workdir, KILL_NETWORK)
    assert_nothing_left_to_do(workdir, targets)


def _cancel_first_job(
    proc: subprocess.Popen, log_path: Path, comment_prefix: str
) -> dict[str, str]:
    """Wait for the run's first SLURM job whose comment (``rule_<rule or group>...``) starts with
    `comment_prefix`; scancel it while it is pending or running. Returns that job."""
    deadline = time.monotonic() + 300
    run = None
    while time.monotonic() < deadline:
        assert proc.poll() is None, "snakemake ended before a job could be cancelled:\n" + (
            log_path.read_text()[-4000:]
        )
        if run is None:
            match = re.search(r"SLURM run ID: (\S+)", log_path.read_text())
            run = match.group(1) if match else None
        if run is not None:
            live = [
                job for job in slurm_jobs(run)
                if job["comment"].startswith(comment_prefix)
                and job["state"] in ("PENDING", "RUNNING")
            ]  # fmt: skip
            if live:
                subprocess.run(["scancel", live[0]["id"]], check=True)
                return live[0]
        time.sleep(0.2)
    pytest.fail(f"no pending/running SLURM job '{comment_prefix}...' within 300 s")
