"""The set-up of a workflow job, wherever it runs (its own process or a warm fork): logging to
the rule's log file, SIGTERM as a normal exit, BLAS thread limits, and the step a reference names.

Used by :mod:`inforelay.pipeline.runner.jobs` (the job's process) and
:mod:`inforelay.pipeline.runner.warm` (the forked child); neither imports the other for it.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["limit_threads", "resolve_step", "setup_job"]

T = TypeVar("T")

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_threads(threads: int) -> None:
    """Cap the numeric libraries' thread pools (effective before they are imported)."""
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(max(1, int(threads)))


def _raise_system_exit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def setup_job(log_files: Sequence[str] | None, threads: int = 1, name: str = "inforelay") -> logging.Logger:
    """Prepare a workflow job: log file, SIGTERM handling and thread limits.

    Parameters
    ----------
    log_files
        ``snakemake.log``; the first entry receives the log. ``None`` or empty
        logs to stderr.
    threads
        The rule's ``threads``.
    name
        Logger name, usually the rule name.
    """
    limit_threads(threads)
    signal.signal(signal.SIGTERM, _raise_system_exit)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_files:
        os.makedirs(os.path.dirname(os.path.abspath(log_files[0])), exist_ok=True)
        handlers.append(logging.FileHandler(log_files[0], mode="w"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    logging.captureWarnings(True)
    logger = logging.getLogger(name)

    previous_hook = sys.excepthook

    def log_uncaught(exc_type, exc, tb):  # type: ignore[no-untyped-def]
        if not issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
            logger.error("job failed", exc_info=(exc_type, exc, tb))
        previous_hook(exc_type, exc, tb)

    sys.excepthook = log_uncaught
    return logger


def resolve_step(step: str | Callable[..., T]) -> Callable[..., T]:
    """The step function of ``step``: a callable, or a ``"package.module:function"`` reference.

    Workflow scripts name their step by reference so that a job imports the step's module (and
    torch, pandas, ...) only when it runs the step itself; the code digest
    (:mod:`inforelay.pipeline.runner.provenance`) follows such references like imports.
    """
    if callable(step):
        return step
    module, _, name = str(step).partition(":")
    if not module or not name:
        raise ValueError(f"a step reference is 'package.module:function', got {step!r}")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
