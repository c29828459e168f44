"""A warm job server: workflow steps run in forks of a process that has already imported them.

Every Snakemake ``script:`` job is a new Python process. Importing torch, pandas and the library
takes 3–6 s there, while most per-network steps compute for about a second, so on one machine a
720-network run would spend most of its CPU time importing. :func:`run_warm` hands a step to a
server process on the same machine that imported the per-network steps once
(:data:`PRELOADED_STEPS`); the server forks one child per job, and the child runs the step exactly
as the job would have (same function, arguments, working directory, environment, log file,
stdin/stdout/stderr), so results are identical: only the start-up is saved (``bench/pipeline.py``
measures it).

- The first job that finds no server starts one in the background and runs its own step in
  process; later jobs use the server once it is ready. The server exits after
  ``INFORELAY_WARM_IDLE`` seconds (default 60) without a job.
- One server per user, interpreter and library source: its socket's name is a digest of the
  Python executable and every ``inforelay`` source file, so an edited library or another
  environment never meets a stale server.
- Off (every job runs in its own process) on SLURM (``SLURM_JOB_ID`` set: jobs live in their own
  allocations), for jobs with more than one thread (thread pools are sized at import), off POSIX,
  and with ``INFORELAY_WARM=0``.
- A job cancelled with SIGTERM/SIGINT passes the signal on to its child, which cleans up like an
  in-process job (:func:`inforelay.pipeline.runner.setup.setup_job`).

Only the standard library is imported here: the client side runs before any heavy import.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

__all__ = ["CPU_LOG_PREFIX", "PRELOADED_STEPS", "enabled", "run_warm", "serve", "server_address"]

#: the job log line that records a warm step's CPU time (user + system, seconds)
CPU_LOG_PREFIX = "step CPU time"

#: modules the server imports before it forks: the per-network rules' steps (720 jobs each) and
#: what they import only when called (scikit-learn, scipy.stats: ~1 s per job otherwise)
PRELOADED_STEPS = (
    *(
        f"inforelay.pipeline.steps.{name}"
        for name in ("tasks", "train", "record", "evaluate", "relay", "knockout", "latent")
    ),
    "sklearn.cluster", "sklearn.decomposition", "sklearn.metrics", "sklearn.utils",
    "scipy.sparse", "scipy.stats",
)  # fmt: skip
_FALSE = {"0", "false", "no", "off"}
_INT = struct.Struct("!i")
_LENGTH = struct.Struct("!Q")
_STANDARD_FDS = (0, 1, 2)
_LOCK: Any = None  # the server's lock file, open while it serves


def enabled(threads: int = 1) -> bool:
    """Whether a job of ``threads`` threads may use the warm server here."""
    return (
        os.name == "posix"
        and hasattr(socket, "AF_UNIX")
        and hasattr(socket, "send_fds")
        and int(threads) <= 1
        and os.environ.get("INFORELAY_WARM", "1").strip().lower() not in _FALSE
        and "SLURM_JOB_ID" not in os.environ
    )


def _library_digest() -> str:
    package = Path(__file__).resolve().parents[2]  # src/inforelay
    sha = hashlib.sha256(sys.executable.encode() + b"\0" + str(package).encode())
    for path in sorted(package.rglob("*.py")):
        sha.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:20]


def server_address() -> Path:
    """The socket of this user's server for this interpreter and library source."""
    folder = Path(os.environ.get("INFORELAY_WARM_DIR") or tempfile.gettempdir()) / f"inforelay-warm-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{_library_digest()}.sock"


# ------------------------------------------------------------------------------ client --


def _send_message(conn: socket.socket, payload: Any, fds: tuple[int, ...] = ()) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    framed = _LENGTH.pack(len(data)) + data
    sent = socket.send_fds(conn, [framed[:4096]], list(fds)) if fds else conn.send(framed[:4096])
    conn.sendall(framed[sent:])


def _receive_exactly(conn: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = conn.recv(size)
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _start_server(address: Path) -> None:
    """Start the server in the background (its own session, so the job's end does not kill it)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with open(address.with_suffix(".log"), "ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "inforelay.pipeline.runner.warm", str(address)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, start_new_session=True,
            close_fds=True,
        )  # fmt: skip


def _forward_signals(pid: int) -> None:
    def forward(signum: int, _frame: Any) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)


def run_warm(request: dict[str, Any]) -> int | None:
    """Run a step request in the warm server; its exit code, or ``None`` when no server serves it.

    ``request`` holds ``step`` (a ``"module:function"`` reference), ``args``, ``kwargs``,
    ``log``, ``threads`` and ``rule``. ``None`` means: run the step in this process (the server
    is off, not ready yet — then it is started — or could not take the job).
    """
    if not enabled(request.get("threads", 1)):
        return None
    address = server_address()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(address))
    except (FileNotFoundError, ConnectionRefusedError):
        conn.close()
        _start_server(address)
        return None
    with conn:
        try:
            message = {**request, "cwd": os.getcwd(), "env": dict(os.environ)}
            _send_message(conn, message, _STANDARD_FDS)
            (pid,) = _INT.unpack(_receive_exactly(conn, _INT.size))
        except (OSError, ConnectionError, pickle.PicklingError):
            return None  # the server never started the job: run it here
        _forward_signals(pid)
        try:
            (code,) = _INT.unpack(_receive_exactly(conn, _INT.size))
        except ConnectionError:
            return 1  # the child died without reporting (e.g. killed)
    return code


# ------------------------------------------------------------------------------ server --


def _run_child(conn: socket.socket, message: dict[str, Any], fds: list[int]) -> int:
    """In the forked child: become the job (fds, directory, environment) and run its step."""
    for fd, target in zip(fds, _STANDARD_FDS):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(message["cwd"])
    os.environ.clear()
    os.environ.update(message["env"])
    conn.sendall(_INT.pack(os.getpid()))
    from inforelay.pipeline.runner.setup import resolve_step, setup_job

    try:
        logger = setup_job(message["log"], message["threads"], message["rule"])
    except BaseException:  # noqa: BLE001 (a job that cannot even log fails with code 1)
        traceback.print_exc()
        return 1
    try:
        resolve_step(message["step"])(*message["args"], **message["kwargs"])
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    except BaseException as error:  # any failure of the job is its exit code 1
        logger.error("job failed", exc_info=error)
        traceback.print_exc()
        return 1
    finally:
        # Snakemake's benchmark sees the job's own process, not this fork: log the step's CPU time
        # (bench/pipeline.py reads it)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        logger.info("%s %.3f s (warm fork %d)", CPU_LOG_PREFIX, usage.ru_utime + usage.ru_stime, os.getpid())
    return 0


def _child(conn: socket.socket, listener: socket.socket, message: dict[str, Any], fds: list[int]) -> None:
    listener.close()
    if _LOCK is not None:
        _LOCK.close()  # the server's lock ends with the server, not with its last job
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    code = 1
    try:
        code = _run_child(conn, message, fds)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            conn.sendall(_INT.pack(int(code)))
        finally:
            os._exit(int(code))


def _serve_one(listener: socket.socket) -> None:
    conn, _ = listener.accept()
    with conn:
        framed, fds, _flags, _address = socket.recv_fds(conn, 4096, len(_STANDARD_FDS))
        try:
            if len(framed) < _LENGTH.size:
                framed += _receive_exactly(conn, _LENGTH.size - len(framed))
            (size,) = _LENGTH.unpack(framed[: _LENGTH.size])
            data = framed[_LENGTH.size :]
            message = pickle.loads(data + _receive_exactly(conn, size - len(data)))
        except Exception:  # noqa: BLE001 (a bad request must not stop the server)
            for fd in fds:
                os.close(fd)
            return
        if os.fork() == 0:
            _child(conn, listener, message, fds)
        for fd in fds:
            os.close(fd)


def serve(address: str | os.PathLike[str], idle_seconds: float | None = None) -> None:
    """Run the server on ``address`` until it has been idle for ``idle_seconds``.

    Only one server runs per address (a lock file); the per-network step modules are imported
    before the socket opens, so a client that connects finds them loaded.
    """
    import fcntl

    address = Path(address)
    idle = float(idle_seconds if idle_seconds is not None else os.environ.get("INFORELAY_WARM_IDLE", "60"))
    global _LOCK
    _LOCK = open(address.with_suffix(".lock"), "w")  # noqa: SIM115 (held for the server's life)
    try:
        fcntl.flock(_LOCK, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another server has this address
    import importlib

    for module in PRELOADED_STEPS:
        importlib.import_module(module)
    from inforelay.nets.training import warm_up
    from inforelay.relay.few_units import compile_search

    compile_search()  # the compiled relay search, loaded once for every fork (Numba's disk cache)
    warm_up()  # torch's lazy imports of a first training step, once for every fork
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    address.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen(64)
    listener.settimeout(idle)
    try:
        while True:
            try:
                _serve_one(listener)
            except TimeoutError:
                break
            except OSError:
                time.sleep(0.01)
    finally:
        address.unlink(missing_ok=True)
        listener.close()


if __name__ == "__main__":
    serve(sys.argv[1])
