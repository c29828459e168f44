"""Atomic file output: a result appears complete or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "remove_stale_temporaries", "write_table"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary_glob(final: Path) -> str:
    return f".{final.name}.*.tmp"


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove temporaries that a killed earlier write of ``path`` left behind.

    Only one job ever writes a given output, so a temporary of the same final
    name that exists when a new write starts belongs to a run that was killed
    (SIGKILL gives no chance to clean up). Returns the removed paths.
    """
    final = Path(path)
    removed = []
    for stale in final.parent.glob(_temporary_glob(final)):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed.append(stale)
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    The temporary file lives in the same directory (so the rename is atomic on
    POSIX file systems) and is removed if the block raises, so a killed or
    failed job never leaves a half-written output under the final name.

    Examples
    --------
    >>> with atomic_path("out.h5") as tmp:          # doctest: +SKIP
    ...     write_something(tmp)
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(final)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; give the output the permissions a plain open() would
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_table(table, path: str | os.PathLike[str], metadata: dict | None = None) -> Path:
    """Write a pandas table as CSV, atomically, with provenance in ``<path>.meta.json``.

    CSV has no place for metadata, so the package versions (and ``metadata``,
    e.g. the config slice) go to a JSON sidecar next to it.
    """
    from inforelay.core.provenance import package_versions, to_json

    final = Path(path)
    with atomic_path(final) as tmp:
        table.to_csv(tmp, index=False)
    sidecar = final.with_name(final.name + ".meta.json")
    with atomic_path(sidecar) as tmp:
        tmp.write_text(to_json({"versions": package_versions(), **(metadata or {})}) + "\n")
    return final
