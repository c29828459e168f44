"""Running an experiment: one ordinary workflow run per level, each in its own directory.

``<runs>/<experiment>/<level>/config.yaml`` is the level's full config (the base config with the
experiment's and the level's settings); Snakemake runs the repository's own ``Snakefile`` there
(``--directory``), so every level uses the same rules and caches, resumes and reruns like the
main job. ``cost.json`` records what each invocation took (wall, and the CPU of Snakemake and its jobs).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from inforelay.core.atomic import atomic_path
from inforelay.experiments.spec import Experiment, ExperimentError, Level, level_config
from inforelay.pipeline.runner.warm import CPU_LOG_PREFIX
from inforelay.tasks.params import TASKS

__all__ = [
    "COST_FILE",
    "level_directory",
    "read_base_config",
    "read_cost",
    "run_experiment",
    "steps_cpu_seconds",
    "write_level_config",
]

COST_FILE = "cost.json"
#: the repository this module belongs to (an editable install: src/inforelay/experiments/)
REPO_ROOT = Path(__file__).resolve().parents[3]


def level_directory(runs: str | os.PathLike[str], experiment: Experiment, level: Level) -> Path:
    """Where a level runs: ``<runs>/<experiment name>/<level label>``."""
    return Path(runs) / experiment.name / level.label


def read_base_config(experiment: Experiment, root: str | os.PathLike[str] = REPO_ROOT) -> dict[str, Any]:
    """The experiment's base config (relative to ``root``), its pre-registration made absolute
    so that a level's run finds it from its own directory."""
    path = Path(root) / experiment.base
    if not path.is_file():
        raise ExperimentError(f"{experiment.source}: key 'base': no such config {path}")
    config = yaml.safe_load(path.read_text())
    claims = config.get("claims", {})
    if "preregistration" in claims:
        claims["preregistration"] = str((Path(root) / claims["preregistration"]).resolve())
    return config


def write_level_config(directory: Path, config: Mapping[str, Any]) -> Path:
    """Write a level's config (unchanged bytes when it is already there, so nothing reruns)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.yaml"
    text = "# written by `inforelay experiment run`; edit the experiment file, not this\n"
    text += yaml.safe_dump(dict(config), sort_keys=False, default_flow_style=None, width=100)
    if not path.is_file() or path.read_text() != text:
        with atomic_path(path) as tmp:
            tmp.write_text(text)
    return path


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_level(directory: Path, *, cores: int, snakefile: Path, targets: Sequence[str] = (),
              extra: Sequence[str] = ()) -> dict[str, Any]:
    """Run Snakemake on one level's directory; returns and writes its cost (``cost.json``).

    Raises
    ------
    ExperimentError
        When Snakemake fails, naming the level's log.
    """
    log = directory / "snakemake.log"
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(snakefile), "--directory",
               str(directory), "--configfile", str(directory / "config.yaml"), "--cores", str(cores),
               "--rerun-incomplete", *targets, *extra]
    env = {**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE"}
    cpu, start = _cpu_of_children(), time.perf_counter()
    with open(log, "a") as handle:
        handle.write(f"$ {' '.join(command)}\n")
        handle.flush()
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, env=env, check=False)
    cost = {"wall_s": round(time.perf_counter() - start, 1), "cpu_s": round(_cpu_of_children() - cpu, 1),
            "cores": cores, "returncode": done.returncode}
    if done.returncode != 0:
        raise ExperimentError(f"level {directory.name}: Snakemake failed (exit {done.returncode}); see {log}")
    if "--dry-run" not in extra and "-n" not in extra:
        record = {"runs": [*read_cost(directory).get("runs", []), cost]}
        with atomic_path(directory / COST_FILE) as tmp:
            tmp.write_text(json.dumps(record, indent=1) + "\n")
    return cost


_STEP_CPU = re.compile(re.escape(CPU_LOG_PREFIX) + r" ([0-9.]+) s")
_REPLICATE_LOG = re.compile(r"^rep-(\d+)\.log$")


def steps_cpu_seconds(directory: str | os.PathLike[str], replicates: Sequence[str] | None = None,
                      tasks: Sequence[str] | None = None) -> float:
    """The CPU the level's jobs spent in their steps, from the jobs' logs (each job logs its
    own, warm forks included; Snakemake's benchmark files cannot see a warm fork's CPU).

    ``replicates`` (two-digit labels) and ``tasks``: count only the logs of these networks and
    tasks, leaving out those of networks an earlier, larger config of the level trained."""
    total = 0.0
    root = Path(directory) / "logs"
    for log in root.rglob("*.log"):
        own = _REPLICATE_LOG.match(log.name)
        if own and replicates is not None and own.group(1) not in replicates:
            continue
        parts = log.relative_to(root).parts
        if tasks is not None and len(parts) > 2 and parts[1] in TASKS and parts[1] not in tasks:
            continue
        total += sum(float(v) for v in _STEP_CPU.findall(log.read_text(errors="replace")))
    return total


def read_cost(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """A level's ``cost.json``: ``runs``, one entry per invocation (``wall_s``, ``cpu_s``: the
    CPU of Snakemake's own process and the job processes it waited for, ``cores``), their sums
    ``wall_s`` and ``cpu_s``, and ``steps_cpu_s`` (:func:`steps_cpu_seconds`); ``{}`` when the
    level never ran."""
    path = Path(directory) / COST_FILE
    if not path.is_file():
        return {}
    record = json.loads(path.read_text())
    runs = record.get("runs", [])
    return {"runs": runs, "wall_s": sum(r["wall_s"] for r in runs), "cpu_s": sum(r["cpu_s"] for r in runs),
            "steps_cpu_s": steps_cpu_seconds(directory, *_level_networks(Path(directory)))}


def _level_networks(directory: Path) -> tuple[list[str] | None, list[str] | None]:
    """The replicate labels and tasks of a level's config (``None``: count every log)."""
    path = directory / "config.yaml"
    if not path.is_file():
        return None, None
    experiment = yaml.safe_load(path.read_text())["experiment"]
    first = int(experiment.get("first_replicate", 0))
    return ([f"{r:02d}" for r in range(first, first + int(experiment["replicates"]))],
            list(experiment["tasks"]))


def run_experiment(
    experiment: Experiment,
    runs: str | os.PathLike[str] = "runs",
    *,
    cores: int = 2,
    levels: Sequence[str] | None = None,
    root: str | os.PathLike[str] = REPO_ROOT,
    extra: Sequence[str] = (),
    overlay: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Write every level's config and run the workflow on each, in order.

    Parameters
    ----------
    experiment
        The parsed experiment file.
    runs
        Where the levels' directories go.
    cores
        Snakemake's ``--cores`` per level.
    levels
        Labels of the levels to run (default: all).
    root
        The repository whose ``Snakefile`` and base config are used.
    extra
        More Snakemake arguments (e.g. ``["--dry-run"]`` or ``["--profile", "profiles/slurm"]``).
    overlay
        Config sections merged over every level's config last (e.g. a tiny version of the
        experiment: fewer networks and samples; see ``tests/data/experiment_tiny.yaml``).

    Returns
    -------
    dict
        Level label → its cost (``wall_s``, ``cpu_s``, ``cores``, ``returncode``).
    """
    base = read_base_config(experiment, root)
    chosen = [level for level in experiment.levels if levels is None or level.label in levels]
    unknown = sorted(set(levels or ()) - {level.label for level in experiment.levels})
    if unknown:
        raise ExperimentError(f"{experiment.source}: no level(s) {', '.join(unknown)}")
    costs = {}
    for level in chosen:
        directory = level_directory(runs, experiment, level)
        write_level_config(directory, level_config(experiment, level, base, overlay))
        costs[level.label] = run_level(directory, cores=cores, snakefile=Path(root) / "Snakefile",
                                       targets=experiment.targets, extra=extra)
    return costs
