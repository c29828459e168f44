"""Copy the workflow (not its results) into a scratch directory, as a fresh clone has it.

Shared by the end-to-end tests, the SLURM tests and bench/pipeline.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ("Snakefile", "config.yaml", "workflow", "profiles", "envs")
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def copy_workflow(dest: Path, config: Path = TINY, config_name: str = "tiny.yaml") -> Path:
    """Copy Snakefile, config, rules, profiles and envs into `dest`, plus `config` as `config_name`."""
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    shutil.copy2(config, dest / config_name)
    return dest
