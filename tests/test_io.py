"""Core helpers: atomic output, provenance sidecars, stable seeds, lazily loaded package names and
settings checks."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from inforelay.core.atomic import atomic_path, remove_stale_temporaries, write_table
from inforelay.core.lazy import module_all
from inforelay.core.seeding import derive_rng, derive_seed
from inforelay.core.validation import check_fields


def test_atomic_path_renames_on_success(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("done")
        assert not target.exists()
    assert target.read_text() == "done"
    assert list(target.parent.iterdir()) == [target]


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_a_killed_write_are_removed(tmp_path):
    target = tmp_path / "out.h5"
    stale = tmp_path / ".out.h5.abc123.tmp"
    unrelated = tmp_path / ".other.h5.abc123.tmp"
    stale.write_text("left by SIGKILL")
    unrelated.write_text("another output's write in progress")
    assert remove_stale_temporaries(target) == [stale]
    assert unrelated.exists()
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.h5.abc123.tmp", "out.h5"]


def test_write_table_records_versions_in_sidecar(tmp_path):
    path = write_table(pd.DataFrame({"a": [1, 2]}), tmp_path / "t.csv", {"config": {"k": 1}})
    assert pd.read_csv(path)["a"].tolist() == [1, 2]
    meta = json.loads((tmp_path / "t.csv.meta.json").read_text())
    assert meta["config"] == {"k": 1}
    assert {"python", "inforelay", "numpy", "pandas"} <= set(meta["versions"])


def test_seeds_are_stable_across_processes():
    code = "from inforelay.core.seeding import derive_seed; print(derive_seed('network', 'memory', 'lstm', '3', 7))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == derive_seed("network", "memory", "lstm", "3", 7)
    assert derive_seed("a", 1) != derive_seed("a", 2) != derive_seed("1", "a")
    np.testing.assert_array_equal(derive_rng("x").random(4), derive_rng("x").random(4))
    with pytest.raises(ValueError):
        derive_seed()


def test_figure_files_carry_versions(tmp_path):
    from matplotlib.figure import Figure

    from inforelay.figures import save

    fig = Figure()
    fig.add_subplot().plot([0, 1])
    png, pdf = save(fig, tmp_path / "f")
    assert b"inforelay" in png.read_bytes() and b"numpy" in png.read_bytes()
    assert b"inforelay" in pdf.read_bytes()


def test_atomic_output_has_umask_permissions(tmp_path):
    import os

    target = tmp_path / "shared.txt"
    old = os.umask(0o022)
    try:
        with atomic_path(target) as tmp:
            tmp.write_text("x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_lazy_package_names_are_their_modules_all_and_load_on_first_use():
    import inforelay.flow
    import inforelay.nets

    recording = module_all("inforelay.nets.recording")
    assert "read_activations" in recording
    assert set(recording) <= set(inforelay.nets.__all__) <= set(dir(inforelay.nets))
    assert set(module_all("inforelay.flow.forecast")) <= set(inforelay.flow.__all__)
    assert len(set(inforelay.nets.__all__)) == len(inforelay.nets.__all__)
    loaded = inforelay.nets.read_activations
    assert loaded is importlib.import_module("inforelay.nets.recording").read_activations
    with pytest.raises(AttributeError, match="'inforelay.nets' has no attribute 'no_such_name'"):
        inforelay.nets.no_such_name  # noqa: B018
    with pytest.raises(ValueError, match="no literal top-level __all__"):
        module_all("inforelay.core")  # core re-exports nothing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"size": 0}, "cfg.size: expected a positive integer, got 0"),
        ({"bins": 1}, "cfg.bins: expected an integer >= 2, got 1"),
        ({"rate": 0.0}, "cfg.rate: expected a number > 0"),
        ({"share": 1.0}, r"cfg.share: expected a number in \(0, 1\)"),
        ({"kind": "other"}, "cfg.kind: 'other' is not one of a, b"),
    ],
)
def test_check_fields_names_the_field_that_fails(changes, message):
    settings = {"size": 3, "bins": 2, "rate": 0.1, "share": 0.5, "kind": "a"}
    rules = dict(
        prefix="cfg.", positive_int=("size",), at_least={"bins": 2}, positive=("rate",),
        open_interval={"share": (0.0, 1.0)}, choices={"kind": ("a", "b")},
    )  # fmt: skip
    check_fields(SimpleNamespace(**settings), **rules)
    with pytest.raises(ValueError, match=message):
        check_fields(SimpleNamespace(**{**settings, **changes}), **rules)
