"""Time the whole pipeline on a config and break the cost down per rule.

Copies the workflow into a scratch directory, runs ``snakemake --cores N`` on the
given config from scratch, then reads every job's ``benchmark:`` file and prints
a table: jobs per rule, median wall and CPU seconds per job, and the share of
the run. It extrapolates the per-network rules to the paper's 720 networks.

    python bench/pipeline.py --config config/quick.yaml --cores 2
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from workflow_copy import copy_workflow  # noqa: E402

PER_NETWORK = ("train", "record", "evaluate", "relay", "knockout", "latent")



def benchmark_table(workdir: Path) -> pd.DataFrame:
    rows = []
    for path in (workdir / "benchmarks").rglob("*.tsv"):
        rule = path.relative_to(workdir / "benchmarks").parts[0]
        frame = pd.read_csv(path, sep="\t")
        rows.append({"rule": rule, "wall_s": float(frame["s"].iloc[0]), "cpu_s": float(frame["cpu_time"].iloc[0])})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "quick.yaml")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="inforelay-bench-"))
    copy_workflow(workdir, args.config.resolve(), "bench-config.yaml")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(args.cores), "--configfile", "bench-config.yaml"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        return result.returncode

    jobs = benchmark_table(workdir)
    summary = (
        jobs.groupby("rule")
        .agg(jobs=("wall_s", "size"), wall_median_s=("wall_s", "median"), cpu_median_s=("cpu_s", "median"),
             wall_total_s=("wall_s", "sum"))
        .sort_values("wall_total_s", ascending=False)
    )
    summary["share_of_job_time"] = summary["wall_total_s"] / summary["wall_total_s"].sum()
    n_networks = int(summary.loc["train", "jobs"]) if "train" in summary.index else 0

    print(f"config: {args.config}  cores: {args.cores}  networks: {n_networks}")
    print(f"end to end: {elapsed:.1f} s wall ({len(jobs)} jobs)\n")
    print(summary.to_markdown(floatfmt=".3f"))
    per_network = summary.loc[[r for r in PER_NETWORK if r in summary.index], "wall_median_s"].sum()
    print(f"\nper-network rules, median wall per network: {per_network:.2f} s")
    for cores in (2, 8):
        print(f"extrapolated 720 networks on {cores} cores: {720 * per_network / cores / 60:.1f} min "
              "(per-network jobs only, median costs)")
    if args.keep:
        print(f"\nkept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
