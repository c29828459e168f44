"""The warm job server: a step run in a fork of the server equals the step run in its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from inforelay.pipeline.runner import warm
from inforelay.pipeline.runner.jobs import run_step

pytestmark = pytest.mark.skipif(not warm.enabled(), reason="no warm server here (SLURM job, off, or not POSIX)")


class Job:
    """What a workflow script's ``snakemake`` object offers run_step."""

    def __init__(self, log: Path, threads: int = 1) -> None:
        self.log, self.threads, self.rule = [str(log)], threads, "test"


@pytest.fixture
def server(tmp_path_factory, monkeypatch):
    """An empty server folder of this test; the server it starts is stopped afterwards."""
    folder = tmp_path_factory.mktemp("w", numbered=True)
    monkeypatch.setenv("INFORELAY_WARM_DIR", str(folder))
    monkeypatch.setenv("INFORELAY_WARM_IDLE", "30")
    monkeypatch.delenv("INFORELAY_WARM", raising=False)
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    # the real digest follows every library file; pinned here so that an edit elsewhere in the
    # tree during the test does not move the address (test_the_address_follows_the_library_source)
    digest = warm._library_digest()
    monkeypatch.setattr(warm, "_library_digest", lambda: digest)
    yield warm.server_address()
    subprocess.run(["pkill", "-f", f"inforelay.pipeline.runner.warm {warm.server_address()}"], check=False)


def wait_for(address: Path, timeout: float = 120.0) -> None:
    start = time.monotonic()
    while not address.exists():
        if time.monotonic() - start > timeout:
            log = address.with_suffix(".log")
            raise AssertionError(f"server did not start: {log.read_text() if log.exists() else ''}")
        time.sleep(0.2)


def split_args(tiny_config, output):
    from inforelay.pipeline.config import split_settings

    return ("inforelay.pipeline.steps.tasks:generate_split", output, "memory", "2", "train",
            split_settings(tiny_config, "memory", "train"))  # fmt: skip


def test_a_warm_job_writes_what_an_in_process_job_writes(server, tiny_config, tmp_path):
    step, *args = split_args(tiny_config, tmp_path / "first.h5")
    assert warm.run_warm({"step": step, "args": args, "kwargs": {}, "log": [], "threads": 1, "rule": "t"}) is None
    run_step(Job(tmp_path / "first.log"), step, *args)  # in process, while the server starts
    wait_for(server)
    args[0] = tmp_path / "warm.h5"
    request = {"step": step, "args": args, "kwargs": {"data_set": "rep-01"}, "log": [str(tmp_path / "warm.log")],
               "threads": 1, "rule": "generate_task"}  # fmt: skip
    assert warm.run_warm(request) == 0
    args[0] = tmp_path / "local.h5"
    run_step(Job(tmp_path / "local.log"), step, *args, data_set="rep-01")
    assert (tmp_path / "warm.h5").read_bytes() == (tmp_path / "local.h5").read_bytes()
    assert "sequences" in (tmp_path / "warm.log").read_text()
    assert warm.CPU_LOG_PREFIX in (tmp_path / "warm.log").read_text()
    # run_step itself goes through the server now: its log names the server's fork, not this process
    run_step(Job(tmp_path / "again.log"), step, tmp_path / "again.h5", *args[1:])
    assert (tmp_path / "again.h5").read_bytes() == (tmp_path / "first.h5").read_bytes()


def test_a_failing_warm_job_reports_its_error_and_exit_code(server, tmp_path):
    warm.run_warm({"step": "os:getcwd", "args": (), "kwargs": {}, "log": [], "threads": 1, "rule": "t"})
    wait_for(server)
    request = {"step": "inforelay.pipeline.runner.jobs:resolve_step", "args": ("no-colon",), "kwargs": {},
               "log": [str(tmp_path / "fail.log")], "threads": 1, "rule": "t"}  # fmt: skip
    assert warm.run_warm(request) == 1
    assert "a step reference is 'package.module:function'" in (tmp_path / "fail.log").read_text()
    with pytest.raises(SystemExit) as stop:
        run_step(Job(tmp_path / "fail2.log"), "inforelay.pipeline.runner.jobs:resolve_step", "no-colon")
    assert stop.value.code == 1


def test_off_for_slurm_jobs_threads_and_when_disabled(monkeypatch):
    monkeypatch.delenv("INFORELAY_WARM", raising=False)
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    assert warm.enabled(1) and not warm.enabled(2)
    monkeypatch.setenv("SLURM_JOB_ID", "1")
    assert not warm.enabled(1)
    monkeypatch.delenv("SLURM_JOB_ID")
    monkeypatch.setenv("INFORELAY_WARM", "0")
    assert not warm.enabled(1)
    request = {"step": "os:getcwd", "args": (), "kwargs": {}, "log": [], "threads": 1, "rule": "t"}
    assert warm.run_warm(request) is None


def test_the_address_follows_the_library_source(tmp_path, monkeypatch):
    package = tmp_path / "inforelay"
    (package / "pipeline").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(warm, "__file__", str(package / "pipeline" / "warm.py"))
    monkeypatch.setenv("INFORELAY_WARM_DIR", str(tmp_path))
    first = warm.server_address()
    assert first.name.endswith(".sock") and first.parent.stat().st_mode & 0o777 == 0o700
    assert warm.server_address() == first
    (package / "a.py").write_text("x = 2\n")
    assert warm.server_address() != first


def test_a_cancelled_job_stops_its_fork(server, tmp_path):
    warm.run_warm({"step": "os:getcwd", "args": (), "kwargs": {}, "log": [], "threads": 1, "rule": "t"})
    wait_for(server)
    marker = tmp_path / "done"
    script = textwrap.dedent(f"""
        from inforelay.pipeline.runner import warm
        code = warm.run_warm({{"step": "time:sleep", "args": (30,), "kwargs": {{}}, "log": [], "threads": 1, "rule": "t"}})
        open({str(marker)!r}, "w").write(str(code))
    """)
    client = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    time.sleep(3)
    client.send_signal(signal.SIGTERM)
    client.wait(timeout=20)
    assert marker.read_text() != "0"  # the fork died of the signal; the client reports a failure


def test_an_idle_server_exits_and_removes_its_socket(server, monkeypatch):
    monkeypatch.setenv("INFORELAY_WARM_IDLE", "1")
    warm.run_warm({"step": "os:getcwd", "args": (), "kwargs": {}, "log": [], "threads": 1, "rule": "t"})
    wait_for(server)
    deadline = time.monotonic() + 30
    while server.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not server.exists()
