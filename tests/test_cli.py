"""The ``inforelay`` command (inforelay.cli)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from inforelay import cli
from inforelay.relay.search import read_relay, read_relay_attrs, relay_over_time


def make_recording(n=200, n_steps=5, n_units=4, n_concepts=3, seed=0):
    rng = np.random.default_rng(seed)
    concepts = rng.integers(0, 2, (n, n_concepts)).astype(np.int8)
    signs = 2.0 * concepts - 1
    w = rng.normal(0, 1.5, (n_concepts, n_units))
    hidden = np.stack(
        [np.tanh(signs * (t >= 1) @ w + 0.6 * rng.normal(size=(n, n_units))) for t in range(n_steps)],
        axis=1,
    ).astype(np.float32)
    outputs = np.zeros((n, n_steps, n_concepts), dtype=np.float32)
    outputs[:, -1] = np.where(rng.random((n, n_concepts)) < 0.95, signs, -signs)
    return {
        "hidden": hidden,
        "outputs": outputs,
        "concepts": concepts,
        "answer_step": np.full(n, n_steps - 1, dtype=np.int64),
    }


def write_h5(path, arrays, attrs=None):
    with h5py.File(path, "w") as f:
        for key, value in arrays.items():
            f[key] = value
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
    return path


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["relay", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "ACTIVATIONS.h5" in out and "--shuffles" in out and "answer_step" in out
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    assert "relay" in capsys.readouterr().out


def test_console_script_help():
    exe = shutil.which("inforelay")
    command = [exe] if exe else [sys.executable, "-m", "inforelay.cli"]
    out = subprocess.run([*command, "relay", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "usage: inforelay relay" in out.stdout


def test_relay_on_a_users_minimal_recording(tmp_path, capsys):
    arrays = make_recording()
    src = write_h5(tmp_path / "mine.h5", arrays)
    out = tmp_path / "results" / "relay.h5"
    assert cli.main(["relay", str(src), "-o", str(out), "--shuffles", "9", "--seed", "3"]) == 0
    assert "relay.h5: relay of hidden; 200 samples, 5 steps, 3 concepts, 4 units" in capsys.readouterr().out
    back = read_relay(out)
    assert list(back) == ["hidden"]
    expected = relay_over_time(str(src), n_shuffles=9, seed=3)
    np.testing.assert_array_equal(back["hidden"].order, expected.order)
    np.testing.assert_array_equal(back["hidden"].contribution, expected.contribution)
    np.testing.assert_array_equal(back["hidden"].p_value, expected.p_value)
    assert back["hidden"].analysis_step == 4  # no info_length attribute: the last step
    attrs = read_relay_attrs(out)
    assert attrs["source"] == str(src)
    assert attrs["config"] == {"relay": {"binarization": "kmeans", "n_shuffles": 9, "seed": 3}}


def test_relay_lstm_recording_with_attributes(tmp_path):
    arrays = make_recording(seed=1)
    arrays["cell"] = arrays["hidden"] * 3
    src = write_h5(tmp_path / "lstm.h5", arrays, {"info_length": 3, "task": "memory"})
    out = tmp_path / "relay.h5"
    assert cli.main(["relay", str(src), "-o", str(out), "--method", "median"]) == 0
    back = read_relay(out)
    assert list(back) == ["hidden", "cell"]
    assert back["cell"].analysis_step == 2 and back["cell"].method == "median"
    assert back["cell"].null_mean is None
    assert read_relay_attrs(out)["task"] == "memory"
    only_cell = tmp_path / "cell.h5"
    assert cli.main(["relay", str(src), "-o", str(only_cell), "--state", "cell"]) == 0
    assert list(read_relay(only_cell)) == ["cell"]


@pytest.mark.parametrize(
    "case, message",
    [
        ("missing_file", "nothere.h5: no such file"),
        ("not_hdf5", "text.h5: not a readable HDF5 file"),
        ("missing_dataset", "partial.h5: missing dataset(s) answer_step"),
        ("wrong_shape", "shape.h5: outputs must be (200, T, C)"),
        ("no_cell", "nocell.h5: no 'cell' state"),
    ],
)
def test_input_errors_exit_1_with_one_line_naming_the_file(tmp_path, capsys, case, message):
    arrays = make_recording()
    extra: list[str] = []
    if case == "missing_file":
        src = tmp_path / "nothere.h5"
    elif case == "not_hdf5":
        src = tmp_path / "text.h5"
        src.write_text("hidden,outputs\n1,2\n")
    elif case == "missing_dataset":
        src = write_h5(tmp_path / "partial.h5", {k: v for k, v in arrays.items() if k != "answer_step"})
    elif case == "wrong_shape":
        src = write_h5(tmp_path / "shape.h5", {**arrays, "outputs": arrays["outputs"][:, :, 0]})
    else:
        src = write_h5(tmp_path / "nocell.h5", arrays)
        extra = ["--state", "cell"]
    out = tmp_path / "relay.h5"
    assert cli.main(["relay", str(src), "-o", str(out), *extra]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("inforelay relay: error: ")
    assert message in err
    assert not out.exists()


def test_bad_arguments_are_usage_errors(tmp_path):
    src = write_h5(tmp_path / "mine.h5", make_recording())
    for argv in (
        ["relay", str(src), "-o", "x.h5", "--shuffles", "-1"],
        ["relay", str(src), "-o", "x.h5", "--method", "otsu"],
        ["relay", str(src)],
        [],
    ):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(argv)
        assert exit_info.value.code == 2


def test_subcommands_can_be_registered(monkeypatch, capsys):
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))

    def configure(p):
        p.add_argument("word")

    def run(args):
        print(args.word.upper())
        return 0

    cli.register("shout", "print a word in capitals", configure, run)
    assert cli.main(["shout", "relay"]) == 0
    assert capsys.readouterr().out.strip() == "RELAY"
    with pytest.raises(ValueError, match="already registered"):
        cli.register("relay", "again", configure, run)
