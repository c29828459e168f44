"""How Snakemake's own cost grows with the number of networks.

Runs the paper's DAG (``config.yaml``: every rule, 36 conditions) at several replicate counts on
a *light* variant of the config — the same jobs, with small data sets, a low accuracy bar and few
random sets — so that the run's cost is Snakemake's own bookkeeping rather than the science.
For each size it prints jobs, Snakemake's own CPU (its process: DAG, scheduler, job set-up,
benchmark threads), that per job and per network, the job processes' CPU and the machine's
total CPU, side by side for this checkout and an optional reference checkout.

    python bench/scaling.py --replicates 5 10 20 40                  # 180 ... 1,440 networks
    python bench/scaling.py --replicates 5 10 --reference /tmp/main  # against another checkout

Cost that grows linearly in the networks shows as a constant CPU per network down a column.
Runs go on past a network that misses the light config's low accuracy bar (``--keep-going``);
the table counts such failed jobs (their downstream jobs do not run).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _timing import machine_busy_cpu_s

from inforelay.pipeline.workdir import REPO_ROOT, copy_workflow, workflow_env

BENCH = Path(__file__).resolve().parent

#: the light variant: the paper's DAG, steps cut to a fraction of a second
LIGHT = {
    "tasks": {"n_train": 300, "n_validation": 200, "n_analysis": 300, "n_evaluation": 20},
    "training": {"max_epochs": 40, "target_accuracy": 0.6, "max_restarts": 5},
    "knockout": {"n_random": 2},
    "latent": {"n_random_orders": 2, "max_samples": 100},
}


def light_config(replicates: int, base: Path = REPO_ROOT / "config.yaml") -> dict:
    config = yaml.safe_load(base.read_text())
    for section, values in LIGHT.items():
        config[section].update(values)
    config["experiment"]["replicates"] = int(replicates)
    return config


def run_once(source: Path, replicates: int, cores: int) -> dict[str, float]:
    """Run the light config of ``replicates`` from scratch in a copy of ``source``."""
    workdir = Path(tempfile.mkdtemp(prefix="inforelay-scaling-"))
    config = workdir.with_suffix(".light.yaml")
    try:
        config.write_text(yaml.safe_dump(light_config(replicates, source / "config.yaml")))
        copy_workflow(workdir, config, "light.yaml", library=True, source=source)
        report = workdir / "snakemake-cpu.json"
        busy, start = machine_busy_cpu_s(), time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(BENCH / "_snakemake_cpu.py"), str(report), "--cores", str(cores),
             "--configfile", "light.yaml", "--keep-going"],
            cwd=workdir, capture_output=True, text=True, env=workflow_env(workdir),
        )  # fmt: skip
        wall, busy = time.perf_counter() - start, machine_busy_cpu_s() - busy
        failed = result.stderr.count("Error in rule ")
        if not report.is_file() or (result.returncode != 0 and not failed):
            print(result.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{source}: snakemake failed at {replicates} replicates (exit {result.returncode})")
        own = json.loads(report.read_text())
        done = re.findall(r"(\d+) of (\d+) steps", result.stderr)
        jobs = int(done[-1][1]) if done else 0
        return {"networks": 36 * replicates, "jobs": jobs, "failed": failed, "wall_s": wall, "machine_cpu_s": busy,
                "snakemake_cpu_s": own["snakemake_cpu_s"], "job_processes_cpu_s": own["job_processes_cpu_s"]}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        config.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--reference", type=Path, default=None, help="another checkout, run at the same sizes")
    args = parser.parse_args(argv)
    sources = [("this checkout", REPO_ROOT)]
    if args.reference is not None:
        sources.insert(0, ("reference", args.reference.resolve()))
    print(f"light config (config.yaml with {LIGHT}), {args.cores} cores\n")
    print("| checkout | networks | jobs | wall s | machine CPU s | Snakemake CPU s | per job s | "
          "per network s | Snakemake share | job processes CPU s | failed jobs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for replicates in args.replicates:
        for label, source in sources:
            r = run_once(source, replicates, args.cores)
            print(f"| {label} | {r['networks']} | {r['jobs']} | {r['wall_s']:.0f} | {r['machine_cpu_s']:.0f} | "
                  f"{r['snakemake_cpu_s']:.1f} | {r['snakemake_cpu_s'] / max(r['jobs'], 1):.3f} | "
                  f"{r['snakemake_cpu_s'] / r['networks']:.3f} | {r['snakemake_cpu_s'] / r['machine_cpu_s']:.0%} | "
                  f"{r['job_processes_cpu_s']:.0f} | {r['failed']} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
