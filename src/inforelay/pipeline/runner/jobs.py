"""How a thin workflow script runs its step: in a fork of the warm job server, or in process.

Workflow scripts are thin adapters: ``run_step(snakemake, step, *arguments)`` (:func:`run_step`)
hands the step to the warm server (:mod:`inforelay.pipeline.runner.warm`) or calls
:func:`~inforelay.pipeline.runner.setup.setup_job` and then the step function itself, with the
arguments the script took from ``snakemake.input/output/params/wildcards/threads``.
``setup_job`` sends logging (and any uncaught exception) to the rule's log file, turns SIGTERM
into a normal exit so that :func:`inforelay.core.atomic.atomic_path` removes its temporary file
when Snakemake or SLURM cancels a job, and caps BLAS threads at the rule's thread count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from inforelay.pipeline.runner.setup import resolve_step, setup_job
from inforelay.pipeline.runner.warm import run_warm

__all__ = ["run_step"]

T = TypeVar("T")


def run_step(job: Any, step: str | Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one workflow step as the Snakemake job ``job``: :func:`setup_job` (the job's log,
    threads and rule name), then ``step(*args, **kwargs)``.

    ``job`` is the ``snakemake`` object of a ``script:`` directive; the script takes the step's
    arguments from ``job.input``, ``job.output``, ``job.params``, ``job.wildcards`` and
    ``job.threads`` itself (never from ``job.config``), so that the step stays a plain function.
    ``step`` is the function or a ``"module:function"`` reference (:func:`resolve_step`); a
    reference runs in a fork of the warm job server when one is available
    (:mod:`inforelay.pipeline.runner.warm`: the same step, without this process's imports), and then
    ``None`` is returned (a failing step exits with its code, as it would here).
    """
    if isinstance(step, str):
        request = {"step": step, "args": args, "kwargs": kwargs, "log": list(job.log or []),
                   "threads": int(job.threads), "rule": str(job.rule)}  # fmt: skip
        code = run_warm(request)
        if code is not None:
            if code != 0:
                raise SystemExit(code)
            return None  # type: ignore[return-value]
    setup_job(job.log, job.threads, job.rule)
    return resolve_step(step)(*args, **kwargs)
