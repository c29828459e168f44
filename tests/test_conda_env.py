"""The conda environment of ``snakemake --sdm conda`` (envs/inforelay.yaml).

No conda channel is reachable where these tests run, so they check what can be checked
without one: that the environment lists every dependency of the package, its pipeline and
its real-world task with the same lower bounds, and that its pip section — run the way
conda runs it, from the environment file's folder — installs this repository's package.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
ENV_FILE = ROOT / "envs" / "inforelay.yaml"
# conda-forge names of PyPI distributions whose names differ
CONDA_NAMES = {"torch": "pytorch", "matplotlib": "matplotlib-base"}
# run by the user's own Snakemake, never inside a job's environment
NOT_IN_JOBS = {"snakemake", "snakemake-executor-plugin-slurm"}


def _environment() -> dict:
    return yaml.safe_load(ENV_FILE.read_text())


def _conda_specs() -> dict[str, str]:
    specs = {}
    for entry in _environment()["dependencies"]:
        if isinstance(entry, str):
            name, _, bound = re.match(r"([A-Za-z0-9_.-]+)(>=)?(.*)", entry).groups()
            specs[name] = bound
    return specs


def _package_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    names = project["dependencies"] + extras["workflow"] + extras["realworld"]
    return [Requirement(r) for r in names if Requirement(r).name not in NOT_IN_JOBS]


def test_environment_uses_conda_forge_only():
    env = _environment()
    assert env["channels"] == ["conda-forge", "nodefaults"]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python>=3.11"]


@pytest.mark.parametrize("requirement", _package_requirements(), ids=lambda r: r.name)
def test_every_dependency_is_in_the_environment_with_the_same_lower_bound(requirement):
    specs = _conda_specs()
    name = CONDA_NAMES.get(requirement.name, requirement.name)
    assert name in specs, f"{ENV_FILE.name} lacks {name} (for {requirement})"
    lower = [s.version for s in requirement.specifier if s.operator == ">="]
    assert specs[name] == (lower[0] if lower else ""), f"{name}: {specs[name]!r} vs {requirement}"


def test_pip_section_installs_this_repository_editable():
    """conda writes the pip section to a requirements file beside the environment file and runs
    ``pip install -U -r`` there; done the same way (a dry run, offline), it names this repository."""
    import setuptools

    if tuple(int(p) for p in setuptools.__version__.split(".")[:2]) < (77, 0):
        pytest.skip(f"setuptools {setuptools.__version__} cannot build this package without isolation")
    pip_section = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert pip_section == [["--editable .."]]
    with tempfile.NamedTemporaryFile("w", dir=ENV_FILE.parent, prefix="condaenv.", suffix=".requirements.txt") as req, \
            tempfile.TemporaryDirectory() as out:  # fmt: skip
        req.write("\n".join(pip_section[0]) + "\n")
        req.flush()
        report = Path(out) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-U", "--dry-run", "--no-deps", "--no-index",
             "--no-build-isolation", "--quiet", "--report", str(report), "-r", req.name],
            cwd=ENV_FILE.parent, check=True, capture_output=True, text=True,
        )  # fmt: skip
        installs = json.loads(report.read_text())["install"]
    assert [i["metadata"]["name"] for i in installs] == ["inforelay"]
    info = installs[0]["download_info"]
    assert info["dir_info"] == {"editable": True}
    assert Path(info["url"].removeprefix("file://")).resolve() == ROOT
