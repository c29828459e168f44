"""Time the whole pipeline on a config, break the cost down per rule, and compare with a reference.

Copies the workflow (and its library, ``src/inforelay``) into a scratch directory, runs
``snakemake --cores N`` on the given config from scratch, then reads every job's ``benchmark:``
file and prints a table: jobs per rule, median wall and CPU seconds per job, the share of the
run, and the ratio of the median wall time to the reference's. It extrapolates the
per-network rules to the paper's 720 networks.

The reference is either another checkout run the same way right before (``--reference DIR``,
e.g. ``git archive <commit> | tar -x -C DIR``: same machine, same load) or, by default, the
numbers of :data:`REFERENCE` stated below.

    python bench/pipeline.py                      # tests/data/tiny_flow.yaml vs REFERENCE
    python bench/pipeline.py --config config/quick.yaml --reference /tmp/previous
    python bench/pipeline.py --existing /path/to/finished/run --snakemake-cpu 1234

With ``--existing`` it runs nothing and reports a finished run's cost per rule: wall seconds, and
CPU seconds split into start-up and compute (warm jobs log their fork's CPU time,
:mod:`inforelay.pipeline.warm`; Snakemake's benchmark measures only the waiting job process).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from inforelay.pipeline.warm import CPU_LOG_PREFIX
from inforelay.pipeline.workdir import REPO_ROOT, copy_workflow, workflow_env

PER_NETWORK = ("train", "record", "evaluate", "relay", "knockout", "latent")

#: The previous version (commit 036bc99, before the workflow scripts became adapters over
#: ``inforelay.pipeline.steps``) on ``tests/data/tiny_flow.yaml`` (every kind of rule), 2 cores
#: shared with other work (load average 4-6): end-to-end wall seconds and the median wall
#: seconds per job of each rule (per figure for the figure rules). Loaded-machine numbers:
#: for a fair comparison, run ``--reference`` on the same machine instead.
REFERENCE = {
    "label": "previous version 036bc99, tests/data/tiny_flow.yaml, 2 cores, load 4-6",
    "config": "tests/data/tiny_flow.yaml",
    "end_to_end_s": 472.0,
    "median_wall_s": {
        "generate_task": 1.09, "generate_evaluation": 1.11, "train": 23.33, "record": 16.01,
        "evaluate": 14.85, "relay": 2.46, "knockout": 18.55, "latent": 10.81,
        "aggregate_generalization": 2.23, "aggregate_knockout": 3.55, "aggregate_latent": 4.0,
        "aggregate_relay": 3.28, "claims": 5.78, "fig01_tasks": 14.81, "fig02_generalization": 9.32,
        "fig03_greedy": 26.46, "fig04_knockout_memory": 14.35, "fig06_relay_time": 30.33,
        "fig07_relay_architectures": 15.02, "fig08_correlation": 9.11, "fig09_overlap": 6.47,
        "fig10_distribution_memory": 16.82, "fig12_pca": 35.04, "fig13_pca_removal": 30.95,
        "flow_train_forecast": 22.73, "flow_record_forecast": 15.0, "flow_forecast": 10.37,
        "flow_network": 9.75, "flow_aggregate": 6.83, "flow_claims": 6.84, "flow_graph": 19.84,
        "flow_progression": 15.63, "flow_infoplane": 11.51, "flow_gradients": 20.4,
        "flow_relay": 9.25,
    },
}


#: benchmark folders that hold several rules' files (``figures/fig03_greedy.tsv``)
_SHARED_FOLDERS = {"aggregate": "aggregate_", "figures": "", "flow_figures": ""}


def job_kind(relative: Path) -> str:
    """The rule (or figure) a benchmark file belongs to, from its path under ``benchmarks/``."""
    parts = relative.parts
    if len(parts) == 1:
        return relative.stem
    if parts[0] in _SHARED_FOLDERS:
        return _SHARED_FOLDERS[parts[0]] + relative.stem
    return parts[0]


_STEP_CPU = re.compile(re.escape(CPU_LOG_PREFIX) + r" ([0-9.]+) s")


def step_cpu(workdir: Path, benchmark: Path) -> float:
    """CPU seconds of a job's warm fork, from its log (``nan`` for a job that ran in process).

    The log mirrors the benchmark's path (``benchmarks/train/x.tsv`` → ``logs/train/x.log``).
    """
    log = workdir / "logs" / benchmark.relative_to(workdir / "benchmarks").with_suffix(".log")
    if not log.is_file():
        return float("nan")
    found = _STEP_CPU.findall(log.read_text(errors="replace"))
    return float(found[-1]) if found else float("nan")


def benchmark_table(workdir: Path) -> pd.DataFrame:
    """One row per job: its rule, wall seconds and the CPU seconds of its own process (from the
    ``benchmark:`` files), and ``step_cpu_s``: its warm fork's CPU seconds (``nan`` in process)."""
    rows = []
    for path in (workdir / "benchmarks").rglob("*.tsv"):
        frame = pd.read_csv(path, sep="\t")
        rows.append({"rule": job_kind(path.relative_to(workdir / "benchmarks")),
                     "wall_s": float(frame["s"].iloc[0]), "cpu_s": float(frame["cpu_time"].iloc[0]),
                     "step_cpu_s": step_cpu(workdir, path)})  # fmt: skip
    return pd.DataFrame(rows)


def run(source: Path, config: Path, cores: int, keep: bool) -> tuple[float, pd.DataFrame]:
    """Run the workflow of checkout ``source`` on ``config``; end-to-end seconds and its jobs."""
    workdir = Path(tempfile.mkdtemp(prefix="inforelay-bench-"))
    copy_workflow(workdir, config, "bench-config.yaml", library=True, source=source)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), "--configfile", "bench-config.yaml"],
        cwd=workdir, capture_output=True, text=True, env=workflow_env(workdir),
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{source}: snakemake failed (exit {result.returncode}); kept {workdir}")
    jobs = benchmark_table(workdir)
    if keep:
        print(f"kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return elapsed, jobs


def summary(jobs: pd.DataFrame, reference: dict[str, float]) -> pd.DataFrame:
    """Per rule: jobs, median wall and CPU seconds, total, share, reference median and ratio."""
    out = (
        jobs.groupby("rule")
        .agg(jobs=("wall_s", "size"), wall_median_s=("wall_s", "median"), cpu_median_s=("cpu_s", "median"),
             wall_total_s=("wall_s", "sum"))
        .sort_values("wall_total_s", ascending=False)
    )  # fmt: skip
    out["share_of_job_time"] = out["wall_total_s"] / out["wall_total_s"].sum()
    out["reference_median_s"] = [reference.get(rule, float("nan")) for rule in out.index]
    out["ratio_to_reference"] = out["wall_median_s"] / out["reference_median_s"]
    return out


def cost_breakdown(jobs: pd.DataFrame) -> pd.DataFrame:
    """Per rule: jobs, wall seconds, and CPU seconds split into start-up and compute.

    A warm job (``step_cpu_s`` known) spends its own process's CPU on start-up (Python, Snakemake's
    script preamble, the hand-over) and its fork's on the step; for a job that ran in process the
    two cannot be told apart, so its CPU is listed as ``in_process_cpu_s``.
    """
    warm = jobs["step_cpu_s"].notna()
    table = jobs.assign(
        startup_cpu_s=jobs["cpu_s"].where(warm, 0.0),
        compute_cpu_s=jobs["step_cpu_s"].where(warm, 0.0),
        in_process_cpu_s=jobs["cpu_s"].where(~warm, 0.0),
        warm=warm,
    )
    out = table.groupby("rule").agg(
        jobs=("wall_s", "size"), warm_jobs=("warm", "sum"), wall_total_s=("wall_s", "sum"),
        startup_cpu_s=("startup_cpu_s", "sum"), compute_cpu_s=("compute_cpu_s", "sum"),
        in_process_cpu_s=("in_process_cpu_s", "sum"),
    )  # fmt: skip
    return out.sort_values("wall_total_s", ascending=False)


def report_existing(workdir: Path, snakemake_cpu_s: float | None) -> None:
    """Print the cost breakdown of a finished run in ``workdir`` (its benchmarks and logs)."""
    table = cost_breakdown(benchmark_table(workdir))
    total = table[["startup_cpu_s", "compute_cpu_s", "in_process_cpu_s"]].sum()
    print(f"run: {workdir}  jobs: {int(table['jobs'].sum())}  warm: {int(table['warm_jobs'].sum())}\n")
    print(table.to_markdown(floatfmt=".1f"))
    print(f"\nCPU seconds: start-up of warm jobs {total['startup_cpu_s']:.0f}, their steps "
          f"{total['compute_cpu_s']:.0f}, jobs run in process {total['in_process_cpu_s']:.0f}")
    if snakemake_cpu_s is not None:
        print(f"Snakemake's own process: {snakemake_cpu_s:.0f} CPU seconds")
        overhead = total["startup_cpu_s"] + snakemake_cpu_s
        print(f"start-up and scheduling: {overhead / (overhead + total['compute_cpu_s']):.1%} of the CPU time "
              "of warm jobs plus Snakemake (reference: at most 25 %)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=REPO_ROOT / REFERENCE["config"])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--reference", type=Path, default=None,
                        help="another checkout to run first as the reference (default: REFERENCE)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument("--existing", type=Path, default=None,
                        help="only report the cost of the finished run in this directory")
    parser.add_argument("--snakemake-cpu", type=float, default=None,
                        help="with --existing: CPU seconds of the Snakemake process itself")
    args = parser.parse_args(argv)
    if args.existing is not None:
        report_existing(args.existing.resolve(), args.snakemake_cpu)
        return 0

    config = args.config.resolve()
    label, ref_total, ref_medians = REFERENCE["label"], REFERENCE["end_to_end_s"], REFERENCE["median_wall_s"]
    if args.reference is None and config != (REPO_ROOT / REFERENCE["config"]).resolve():
        label, ref_total, ref_medians = f"none (REFERENCE is of {REFERENCE['config']})", None, {}
    if args.reference is not None:
        ref_total, ref_jobs = run(args.reference.resolve(), config, args.cores, args.keep)
        ref_medians = ref_jobs.groupby("rule")["wall_s"].median().to_dict()
        label = f"{args.reference} run just before, same config and cores"
    elapsed, jobs = run(REPO_ROOT, config, args.cores, args.keep)
    table = summary(jobs, ref_medians)
    n_networks = int(table.loc["train", "jobs"]) if "train" in table.index else 0

    print(f"config: {args.config}  cores: {args.cores}  networks: {n_networks}")
    print(f"reference: {label}")
    ratio = f"{elapsed / ref_total:.2f}x the reference's {ref_total:.1f} s" if ref_total else "no reference"
    print(f"end to end: {elapsed:.1f} s wall ({len(jobs)} jobs); {ratio}\n")
    print(table.to_markdown(floatfmt=".3f"))
    per_network = table.loc[[r for r in PER_NETWORK if r in table.index], "wall_median_s"].sum()
    print(f"\nper-network rules, median wall per network: {per_network:.2f} s")
    for cores in (2, 8):
        print(f"extrapolated 720 networks on {cores} cores: {720 * per_network / cores / 60:.1f} min "
              "(per-network jobs only, median costs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
