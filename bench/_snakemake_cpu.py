"""Run Snakemake in this process and report the process's own CPU time when it exits.

``python bench/_snakemake_cpu.py REPORT.json [snakemake arguments ...]``: Snakemake's scheduler,
DAG building, bookkeeping and benchmark threads all live in this one process, so its
``RUSAGE_SELF`` (user + system, every thread, no child) is Snakemake's own CPU, and
``RUSAGE_CHILDREN`` the CPU of the job processes it waited for. Written to ``REPORT.json``.
"""

import atexit
import json
import resource
import runpy
import sys
import time

_START = time.perf_counter()
_REPORT = sys.argv[1]


def _report() -> None:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(_REPORT, "w") as handle:
        json.dump({"snakemake_cpu_s": own.ru_utime + own.ru_stime,
                   "job_processes_cpu_s": children.ru_utime + children.ru_stime,
                   "wall_s": time.perf_counter() - _START}, handle)  # fmt: skip


atexit.register(_report)
sys.argv = ["snakemake", *sys.argv[2:]]
runpy.run_module("snakemake", run_name="__main__")
