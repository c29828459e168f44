"""Benchmark: what one SLURM job per network costs, and what job arrays and job groups save.

Runs a workflow of ``--networks`` light per-network jobs (default 50) through a live SLURM
cluster (the single-node one of ``tests/slurm/setup-local-slurm.sh`` is enough) in several ways
and prints a markdown table of wall time, its ratio to the reference mode ``local`` (the same
jobs without SLURM), SLURM submissions and overhead per job:

- ``local``    -- ``snakemake --cores NCPU`` without SLURM: the reference;
- ``per-job``  -- ``profiles/slurm-local`` without its grouping: one ``sbatch`` per network;
- ``array``    -- the same plus ``slurm-array-jobs: relay``: one ``sbatch --array`` per rule;
- ``group``    -- the same plus ``groups: {relay: networks}``, ``group-components:
  {networks: K}``, ``cores: 1``: one SLURM job runs K networks' jobs one after the other
  (K = ``--group-size``, default 8 as in the profiles).

The per-network rule is named ``relay`` like the real one and does what dominates a light
per-network job of the real workflow: start Python, ``import torch`` (about 1 s), then work for
``--work-s`` seconds (default 0). Overhead per job = (wall - wall of ``local``) / networks.

    bash tests/slurm/setup-local-slurm.sh      # once, as root (or with sudo)
    python bench/slurm_overhead.py             # 50 networks, every mode
    python bench/slurm_overhead.py --networks 100 --modes local group --group-size 25
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOCAL_PROFILE = ROOT / "profiles" / "slurm-local"
MODES = ("local", "per-job", "array", "group")

SNAKEFILE = textwrap.dedent(
    """
    N = int(config["networks"])
    WORK_S = float(config["work_s"])
    PYTHON = config["python"]

    localrules: all

    rule all:
        input: expand("out/rep-{rep:03d}.txt", rep=range(N))

    # start Python, import torch, busy-wait WORK_S seconds, write the SLURM job id
    rule relay:
        output: "out/rep-{rep}.txt"
        log: "logs/relay/rep-{rep}.log"
        shell:
            "{PYTHON} -c 'import os, time, torch; t = time.time(); "
            "[None for _ in iter(lambda: time.time() - t < {WORK_S}, False)]; "
            "print(os.environ.get(\\"SLURM_JOB_ID\\", \\"local\\"))' > {output} 2> {log}"
    """
)


@dataclass
class Result:
    mode: str
    wall_s: float
    submissions: int
    slurm_jobs: int
    ok: bool


def write_workflow(workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "Snakefile").write_text(SNAKEFILE)


def slurm_jobs_of_run(run_id: str) -> list[str]:
    """JobIDs (``123`` or ``123_4`` for array tasks) that SLURM still lists for one run."""
    out = subprocess.run(
        ["squeue", "-h", "--states=all", "--name", run_id, "-o", "%i"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def write_profile(
    base: Path, mode: str, networks: int, group_size: int, group_cores: int
) -> Path:
    """profiles/slurm-local (polling, squeue status, resources) without its job grouping, plus
    the grouping or array setting of `mode`. Every mode may hand all networks to SLURM at once
    (`jobs`): the node's CPUs, not Snakemake, limit how many run."""
    profile = yaml.safe_load((LOCAL_PROFILE / "config.yaml").read_text())
    for key in ("groups", "group-components", "cores", "slurm-array-jobs", "slurm-array-limit"):
        profile.pop(key, None)
    profile["jobs"] = max(int(profile.get("jobs", 1)), networks)
    if mode == "array":
        profile["slurm-array-jobs"] = "relay"
        # the plugin holds array jobs back until a whole chunk is ready; a chunk larger than
        # `jobs` never fills and the run hangs
        profile["slurm-array-limit"] = profile["jobs"]
    elif mode == "group":
        profile["groups"] = {"relay": "networks"}
        profile["group-components"] = {"networks": group_size}
        # CPUs one group job asks for (the plugin runs a group's jobs one after the other)
        profile["cores"] = group_cores
    elif mode != "per-job":
        raise ValueError(f"--modes: unknown mode {mode!r} (allowed: {', '.join(MODES)})")
    path = base / f"profile-{mode}"
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


def mode_args(
    mode: str, base: Path, networks: int, group_size: int, group_cores: int
) -> list[str]:
    if mode == "local":
        return ["--cores", str(os.cpu_count() or 1)]
    return ["--profile", str(write_profile(base, mode, networks, group_size, group_cores))]


def run_mode(
    mode: str, base: Path, networks: int, work_s: float, group_size: int, group_cores: int
) -> Result:
    workdir = base / mode
    if workdir.exists():
        shutil.rmtree(workdir)
    write_workflow(workdir)
    cmd = [
        sys.executable, "-m", "snakemake",
        *mode_args(mode, base, networks, group_size, group_cores),
        "--config", f"networks={networks}", f"work_s={work_s}", f"python={sys.executable}",
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    wall = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    (base / f"{mode}.log").write_text(log)
    done = len(list((workdir / "out").glob("rep-*.txt"))) if (workdir / "out").exists() else 0
    ok = proc.returncode == 0 and done == networks
    if not ok:
        print(f"{mode}: snakemake exited {proc.returncode} with {done}/{networks} outputs; "
              f"log: {base / f'{mode}.log'}", file=sys.stderr)
    submissions = jobs = 0
    if mode != "local":
        match = re.search(r"SLURM run ID: (\S+)", log)
        if match:
            ids = slurm_jobs_of_run(match.group(1))
            jobs = len(ids)
            submissions = len({i.split("_")[0] for i in ids})
    return Result(mode, wall, submissions, jobs, ok)


def table(results: list[Result], networks: int) -> str:
    """Markdown table: absolute times, and each mode's wall time as a ratio to ``local``'s."""
    local = next((r.wall_s for r in results if r.mode == "local"), None)
    lines = [
        "| mode | wall s | x local | sbatch calls | SLURM jobs/tasks | s per network "
        "| overhead s per network |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        over = "" if local is None or r.mode == "local" else f"{(r.wall_s - local) / networks:.2f}"
        ratio = "" if local is None else f"{r.wall_s / local:.2f}"
        subs = "-" if r.mode == "local" else str(r.submissions)
        jobs = "-" if r.mode == "local" else str(r.slurm_jobs)
        flag = "" if r.ok else " (FAILED)"
        lines.append(
            f"| {r.mode}{flag} | {r.wall_s:.1f} | {ratio} | {subs} | {jobs} | "
            f"{r.wall_s / networks:.2f} | {over} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--networks", type=int, default=50, help="per-network jobs (default 50)")
    parser.add_argument("--work-s", type=float, default=0.0,
                        help="seconds of busy work per job after `import torch` (default 0)")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--group-size", type=int, default=8,
                        help="networks per group job (default 8, as in profiles/slurm)")
    parser.add_argument("--group-cores", type=int, default=1,
                        help="CPUs one group job asks for (default 1)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="run in this directory and keep it (default: a temp dir, removed)")
    args = parser.parse_args(argv)

    if args.networks < 1:
        parser.error("--networks must be >= 1")
    if any(m != "local" for m in args.modes) and shutil.which("sinfo") is None:
        print("No SLURM here (sinfo not found): start one with "
              "`bash tests/slurm/setup-local-slurm.sh`.", file=sys.stderr)
        return 2
    ncpu = os.cpu_count() or 1
    group_size = args.group_size
    if group_size < 1:
        parser.error("--group-size must be >= 1")

    base = args.keep or Path(tempfile.mkdtemp(prefix="slurm-overhead-"))
    base.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for mode in args.modes:
            print(f"running {mode} ...", file=sys.stderr, flush=True)
            results.append(
                run_mode(mode, base, args.networks, args.work_s, group_size, args.group_cores)
            )
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    load = os.getloadavg()[0]
    print(f"\n{args.networks} per-network jobs (python + import torch + {args.work_s:g} s work), "
          f"{ncpu} CPUs, group size {group_size} x {args.group_cores} CPU, "
          f"polling 6 s (profiles/slurm-local), load average at end {load:.1f}\n")
    print(table(results, args.networks))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
