"""Timing shared by the bench scripts (``from _timing import timed``: ``python bench/<name>.py``
puts ``bench/`` on ``sys.path``)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["machine_busy_cpu_s", "timed"]

T = TypeVar("T")


def timed(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median wall-clock seconds of ``repeats`` calls of ``fn``, and the last call's result."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def machine_busy_cpu_s() -> float:
    """CPU seconds every processor of this machine has spent busy since boot (``/proc/stat``:
    user, nice, system, irq, softirq and steal jiffies), or ``nan`` off Linux."""
    try:
        fields = open("/proc/stat").readline().split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
