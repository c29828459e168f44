"""The ``inforelay`` command (inforelay.cli)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from inforelay import cli
from inforelay.core.recording_files import load_recording
from inforelay.relay import read_relay, read_relay_attrs, relay_over_time


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
    expected = relay_over_time(load_recording(src), n_shuffles=9, seed=3)
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


def run_error(capsys, argv) -> str:
    """Run the command, expect exit status 1 and return its one-line stderr."""
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    return err.strip()


def corrupt_middle(path, n_bytes=64):
    """Overwrite bytes in the middle of a file (inside the compressed chunks of a large dataset)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + n_bytes] = bytes(range(n_bytes))
    path.write_bytes(bytes(data))


def bad_input(tmp_path, case):
    """A bad input file for ``case`` and the text its error line must contain (after the path)."""
    arrays = make_recording()
    name = tmp_path / f"{case}.h5"
    if case == "missing_file":
        return name, "no such file"
    if case == "not_hdf5":
        name.write_text("hidden,outputs\n1,2\n")
        return name, "not a readable HDF5 file"
    if case == "missing_dataset":
        write_h5(name, {k: v for k, v in arrays.items() if k != "answer_step"})
        return name, "missing dataset(s) answer_step"
    if case == "wrong_shape":
        write_h5(name, {**arrays, "outputs": arrays["outputs"][:, :, 0]})
        return name, "outputs must be (200, T, C)"
    if case == "string_hidden":
        write_h5(name, {**arrays, "hidden": np.array([b"one", b"two"] * 100)})
        return name, "hidden must be numbers"
    if case == "info_length_text":
        write_h5(name, arrays, {"info_length": "ten"})
        return name, "info_length must be an integer in 1..5"
    if case == "corrupted_chunk":
        rng = np.random.default_rng(0)
        big = {**arrays, "hidden": rng.normal(size=(200, 5, 400)).astype(np.float32)}
        with h5py.File(name, "w") as f:
            for key, value in big.items():
                f.create_dataset(key, data=value, compression="gzip", chunks=True)
        corrupt_middle(name)
        return name, ""
    if case == "non_binary_concepts":
        concepts = arrays["concepts"].astype(np.float64)
        concepts[3, 1] = 2
        concepts[7, 0] = 0.25
        write_h5(name, {**arrays, "concepts": concepts})
        return name, "concepts must be 0/1"
    if case == "gaussian_concepts":
        noise = np.random.default_rng(1).normal(size=arrays["concepts"].shape)
        write_h5(name, {**arrays, "concepts": noise})
        return name, "concepts must be 0/1"
    if case == "nan_concepts":
        concepts = arrays["concepts"].astype(np.float32)
        concepts[0, 0] = np.nan
        write_h5(name, {**arrays, "concepts": concepts})
        return name, "found values nan (first at row 0, column 0)"
    if case == "string_concepts":
        write_h5(name, {**arrays, "concepts": arrays["concepts"].astype("S1")})
        return name, "concepts must be 0/1 numbers"
    if case == "byte_concepts":
        noise = np.random.default_rng(2).integers(0, 256, arrays["concepts"].shape, dtype=np.uint8)
        write_h5(name, {**arrays, "concepts": noise})
        return name, "concepts must be 0/1"
    if case == "sigmoid_outputs":
        write_h5(name, {**arrays, "outputs": (arrays["outputs"] + 1) / 2})
        return name, "--threshold 0.5"
    raise AssertionError(case)


INPUT_ERRORS = [
    "missing_file",
    "not_hdf5",
    "missing_dataset",
    "wrong_shape",
    "string_hidden",
    "info_length_text",
    "corrupted_chunk",
    "non_binary_concepts",
    "gaussian_concepts",
    "nan_concepts",
    "string_concepts",
    "byte_concepts",
    "sigmoid_outputs",
]


@pytest.mark.parametrize("case", INPUT_ERRORS)
def test_input_errors_are_one_line_starting_with_the_file(tmp_path, capsys, case):
    src, message = bad_input(tmp_path, case)
    out = tmp_path / "relay.h5"
    err = run_error(capsys, ["relay", str(src), "-o", str(out)])
    assert err.startswith(f"{src}: "), err
    assert message in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_non_binary_concepts_name_the_offending_values(tmp_path, capsys):
    src, _ = bad_input(tmp_path, "non_binary_concepts")
    err = run_error(capsys, ["relay", str(src), "-o", str(tmp_path / "out.h5")])
    assert "found values 0.25, 2 (first at row 3, column 1)" in err


def test_missing_cell_state_is_one_line(tmp_path, capsys):
    src = write_h5(tmp_path / "nocell.h5", make_recording())
    err = run_error(capsys, ["relay", str(src), "-o", str(tmp_path / "out.h5"), "--state", "cell"])
    assert err.startswith(f"{src}: no 'cell' state")


def test_sigmoid_outputs_work_with_threshold(tmp_path, capsys):
    arrays = make_recording()
    src = write_h5(tmp_path / "sigmoid.h5", {**arrays, "outputs": (arrays["outputs"] + 1) / 2})
    out = tmp_path / "relay.h5"
    assert cli.main(["relay", str(src), "-o", str(out), "--threshold", "0.5"]) == 0
    tanh = write_h5(tmp_path / "tanh.h5", arrays)
    expected = relay_over_time(load_recording(tanh))
    np.testing.assert_array_equal(read_relay(out)["hidden"].contribution, expected.contribution)
    assert read_relay_attrs(out)["config"]["relay"]["threshold"] == 0.5


def test_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, capsys):
    src = write_h5(tmp_path / "mine.h5", make_recording())
    before = src.read_bytes()
    for target in (src, tmp_path / "sub" / ".." / "mine.h5"):
        err = run_error(capsys, ["relay", str(src), "-o", str(target)])
        assert err.startswith(f"{target}: is the input file")
    link = tmp_path / "link.h5"
    link.symlink_to(src)
    hard = tmp_path / "hard.h5"
    os.link(src, hard)
    for target in (link, hard):
        err = run_error(capsys, ["relay", str(src), "-o", str(target)])
        assert err.startswith(f"{target}: is the input file")
    assert src.read_bytes() == before


def test_output_directory_is_refused(tmp_path, capsys):
    src = write_h5(tmp_path / "mine.h5", make_recording())
    folder = tmp_path / "results"
    folder.mkdir()
    err = run_error(capsys, ["relay", str(src), "-o", str(folder)])
    assert err.startswith(f"{folder}: is a directory")
    assert list(folder.iterdir()) == []


def test_zero_relay_warns_in_one_line(tmp_path, capsys):
    arrays = make_recording()
    arrays["outputs"] = np.abs(arrays["outputs"]) - 2.0  # every answer "no": constant X_out
    src = write_h5(tmp_path / "flat.h5", arrays)
    assert cli.main(["relay", str(src), "-o", str(tmp_path / "out.h5")]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith(f"{src}: ") for line in lines)
    assert "answers are constant" in lines[0] and lines[0].endswith("[RelayWarning]")


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
