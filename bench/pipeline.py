"""Time the whole pipeline on a config, with its CPU split into the steps, job start-up and
Snakemake's own bookkeeping, side by side with a reference checkout.

Copies the workflow (and its library, ``src/inforelay``) into a scratch directory and runs
``snakemake --cores N`` on the given config from scratch, inside ``bench/_snakemake_cpu.py`` so that
Snakemake's own process reports its CPU (DAG, scheduler, job set-up, benchmark threads). The
steps' CPU comes from the jobs' logs (a warm fork logs its own, :mod:`inforelay.pipeline.runner.warm`)
and the job processes' from the ``benchmark:`` files. Prints, for this checkout and the reference:
wall, total CPU, Snakemake's share, and a per-rule table.

The reference is another checkout run the same way right before (``--reference DIR``, e.g.
``git archive <commit> | tar -x -C DIR``: same machine, same load).

    python bench/pipeline.py --config config/quick.yaml --reference /tmp/main
    python bench/pipeline.py --config my-72-networks.yaml --reference /tmp/main --cores 2
    python bench/pipeline.py --existing /path/to/finished/run

With ``--existing`` it runs nothing and reports a finished run (its ``benchmarks/``, ``logs/``
and, when the run was started through ``bench/_snakemake_cpu.py``, its ``snakemake-cpu.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _timing import machine_busy_cpu_s

from inforelay.pipeline.runner.warm import CPU_LOG_PREFIX
from inforelay.pipeline.workdir import REPO_ROOT, copy_workflow, workflow_env


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


def cost_breakdown(jobs: pd.DataFrame) -> pd.DataFrame:
    """Per rule: jobs, wall seconds, and CPU seconds split into start-up and the step.

    A warm job (``step_cpu_s`` known) spends its own process's CPU on start-up (Python,
    Snakemake's script preamble, the hand-over) and its fork's on the step; a job that ran in
    process (a figure, a table: ``localrules`` and the first jobs before the server is up) has
    both in its own process, listed as its step.
    """
    warm = jobs["step_cpu_s"].notna()
    table = jobs.assign(
        startup_cpu_s=jobs["cpu_s"].where(warm, 0.0),
        step_cpu_s=jobs["step_cpu_s"].where(warm, jobs["cpu_s"]),
        warm=warm,
    )
    out = table.groupby("rule").agg(
        jobs=("wall_s", "size"), warm_jobs=("warm", "sum"), wall_total_s=("wall_s", "sum"),
        wall_max_s=("wall_s", "max"), startup_cpu_s=("startup_cpu_s", "sum"), step_cpu_s=("step_cpu_s", "sum"),
        step_cpu_max_s=("step_cpu_s", "max"),
    )  # fmt: skip
    return out.sort_values("step_cpu_s", ascending=False)


def totals(jobs: pd.DataFrame, own: dict[str, float]) -> dict[str, float]:
    """The run's CPU seconds: the steps, the job processes, Snakemake's own, and its share.

    ``own`` is ``bench/_snakemake_cpu.py``'s report: Snakemake's own CPU (``RUSAGE_SELF``) and
    that of the job processes it waited for (``RUSAGE_CHILDREN``: each job's own Python process,
    whole for a job that ran in process). A warm job's step ran in a fork of the warm server,
    not a child of Snakemake: its CPU comes from the job's log. Without ``own`` (a run not
    started through the wrapper) the job processes' CPU falls back to the benchmark files,
    which sample it and undercount short jobs.
    """
    warm = jobs["step_cpu_s"].notna()
    warm_steps = float(jobs.loc[warm, "step_cpu_s"].sum())
    in_process = float(jobs.loc[~warm, "cpu_s"].sum())
    snakemake = float(own.get("snakemake_cpu_s", math.nan))
    processes = float(own.get("job_processes_cpu_s", jobs["cpu_s"].sum()))
    startup = max(processes - in_process, 0.0)  # the warm jobs' own processes
    total = warm_steps + processes + snakemake
    return {"wall_s": float(own.get("wall_s", math.nan)), "jobs": float(len(jobs)), "total_cpu_s": total,
            "steps_cpu_s": warm_steps + in_process, "startup_cpu_s": startup, "snakemake_cpu_s": snakemake,
            "snakemake_share": snakemake / total if total else math.nan,
            "networks": float((jobs["rule"] == "train").sum()),
            "largest_job_cpu_s": float(jobs["step_cpu_s"].where(warm, jobs["cpu_s"]).max())}  # fmt: skip


def run(source: Path, config: Path, cores: int, keep: bool) -> tuple[dict[str, float], pd.DataFrame, Path]:
    """Run the workflow of checkout ``source`` on ``config`` from scratch; its totals and jobs."""
    workdir = Path(tempfile.mkdtemp(prefix="inforelay-bench-"))
    copy_workflow(workdir, config, "bench-config.yaml", library=True, source=source)
    report = workdir / "snakemake-cpu.json"
    busy, start = machine_busy_cpu_s(), time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_snakemake_cpu.py")), str(report), "--cores", str(cores),
         "--configfile", "bench-config.yaml"],
        cwd=workdir, capture_output=True, text=True, env=workflow_env(workdir),
    )  # fmt: skip
    elapsed, busy = time.perf_counter() - start, machine_busy_cpu_s() - busy
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{source}: snakemake failed (exit {result.returncode}); kept {workdir}")
    jobs = benchmark_table(workdir)
    numbers = totals(jobs, {**json.loads(report.read_text()), "wall_s": elapsed})
    numbers["machine_cpu_s"] = busy
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return numbers, jobs, workdir


_ROWS = (
    ("networks", "networks", "{:.0f}"), ("jobs", "jobs", "{:.0f}"), ("wall_s", "wall (s)", "{:.0f}"),
    ("total_cpu_s", "CPU, total (s)", "{:.0f}"), ("steps_cpu_s", "CPU in the steps (s)", "{:.0f}"),
    ("startup_cpu_s", "CPU of the warm jobs' own processes (start-up, waiting) (s)", "{:.0f}"),
    ("snakemake_cpu_s", "CPU in Snakemake's own process (s)", "{:.0f}"),
    ("snakemake_share", "Snakemake's share of the CPU", "{:.1%}"),
    ("largest_job_cpu_s", "largest job's step CPU (s)", "{:.1f}"),
    ("machine_cpu_s", "machine CPU while it ran (s; other load included)", "{:.0f}"),
)  # fmt: skip


def side_by_side(runs: dict[str, dict[str, float]]) -> str:
    """A markdown table: one row per measure, one column per run, and the ratio to the first."""
    labels = list(runs)
    head = "| measure | " + " | ".join(labels) + (" | ratio |" if len(labels) == 2 else " |")
    lines = [head, "|---|" + "---:|" * (len(labels) + (len(labels) == 2))]
    for key, name, fmt in _ROWS:
        values = [runs[label].get(key, math.nan) for label in labels]
        cells = [fmt.format(v) if not math.isnan(v) else "–" for v in values]
        if len(labels) == 2:
            ratio = values[1] / values[0] if values[0] else math.nan
            cells.append(f"{ratio:.2f}x" if not math.isnan(ratio) else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report_existing(workdir: Path) -> None:
    """Print the cost breakdown of a finished run in ``workdir`` (its benchmarks and logs)."""
    jobs = benchmark_table(workdir)
    report = workdir / "snakemake-cpu.json"
    own = json.loads(report.read_text()) if report.is_file() else {}
    numbers = totals(jobs, own)
    print(f"run: {workdir}\n")
    print(side_by_side({"this run": numbers}))
    print()
    print(cost_breakdown(jobs).to_markdown(floatfmt=".1f"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "config" / "quick.yaml")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--reference", type=Path, default=None, help="another checkout, run first the same way")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument("--existing", type=Path, default=None, help="only report the finished run in this directory")
    args = parser.parse_args(argv)
    if args.existing is not None:
        report_existing(args.existing.resolve())
        return 0
    config = args.config.resolve()
    runs, tables = {}, {}
    if args.reference is not None:
        runs["reference"], tables["reference"], _ = run(args.reference.resolve(), config, args.cores, args.keep)
    runs["this checkout"], tables["this checkout"], workdir = run(REPO_ROOT, config, args.cores, args.keep)
    print(f"config: {args.config}  cores: {args.cores}  reference: {args.reference or 'none'}\n")
    print(side_by_side(runs))
    for label, jobs in tables.items():
        print(f"\n{label}, per rule:\n")
        print(cost_breakdown(jobs).to_markdown(floatfmt=".1f"))
    if args.keep:
        print(f"\nkept: {workdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
