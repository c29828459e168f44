"""Scratch copies of the workflow (not its results), as a fresh clone has it.

Used by the end-to-end and SLURM tests and by ``bench/pipeline.py``: each runs Snakemake in a
copy so that the repository's own ``results/`` stay untouched. With ``library=True`` the copy
also gets its own ``src/inforelay``; :func:`workflow_env` puts it first on ``PYTHONPATH`` so
that a test can edit library code in the copy without touching the checkout.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["REPO_ROOT", "WORKFLOW_FILES", "copy_workflow", "workflow_env"]

#: the checkout this module belongs to (an editable install: ``src/inforelay/pipeline/``)
REPO_ROOT = Path(__file__).resolve().parents[3]
WORKFLOW_FILES = ("Snakefile", "config.yaml", "config/claims.yaml", "workflow", "profiles", "envs")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def _copy(src: Path, dest: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dest, ignore=_IGNORE)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)


def copy_workflow(
    dest: str | os.PathLike[str],
    config: str | os.PathLike[str] | None = None,
    config_name: str = "tiny.yaml",
    *,
    library: bool = False,
    source: str | os.PathLike[str] = REPO_ROOT,
) -> Path:
    """Copy Snakefile, config, rules, profiles and envs of ``source`` into ``dest``.

    Parameters
    ----------
    dest
        The scratch directory (created when missing).
    config
        A config file copied as ``dest/config_name``; default ``tests/data/tiny.yaml``.
    library
        Also copy ``src/inforelay`` (run Snakemake with :func:`workflow_env` to use it).
    source
        The checkout to copy from.
    """
    source, dest = Path(source), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if not (source / "Snakefile").is_file():
        raise FileNotFoundError(f"{source}: no Snakefile (not an inforelay checkout)")
    for name in WORKFLOW_FILES:
        _copy(source / name, dest / name)
    if library:
        _copy(source / "src" / "inforelay", dest / "src" / "inforelay")
    _copy(Path(config) if config else source / "tests" / "data" / "tiny.yaml", dest / config_name)
    return dest


def workflow_env(workdir: str | os.PathLike[str], **extra: str) -> dict[str, str]:
    """The environment of a Snakemake run in ``workdir``: headless plotting and, when the copy
    has its own ``src/inforelay``, that library first on ``PYTHONPATH``."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore", **extra}
    src = Path(workdir) / "src"
    if (src / "inforelay").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env
