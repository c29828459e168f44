"""Training: determinism, reaching the bar, failing clearly, network files."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from inforelay.core.hdf5 import FileFormatError
from inforelay.core.seeds import network_seed
from inforelay.nets.files import NetworkFileError, load_network, save_network
from inforelay.nets.stepwise import run_stepwise
from inforelay.nets.training import (
    TrainingConfig,
    TrainingFailed,
    attempt_seed,
    resolve_device,
    train_network,
)
from inforelay.tasks import answer_accuracy, generate

QUICK = TrainingConfig(max_epochs=60, max_restarts=0, batch_size=50, target_accuracy=0.95)


@pytest.fixture(scope="module")
def memory_sets():
    return generate("memory", 400, 1, 1), generate("memory", 200, 1, 2)


@pytest.fixture(scope="module")
def trained(memory_sets):
    train, validation = memory_sets
    return train_network("gru", train, validation, QUICK, seed=5, label="memory/gru/delay-1/rep-00")


def test_reaches_the_bar(trained, memory_sets):
    _, validation = memory_sets
    assert trained.accuracy >= QUICK.target_accuracy
    assert trained.restarts == 0 and 1 <= trained.epochs <= QUICK.max_epochs
    assert trained.seed == 5
    # the reported accuracy is the network's accuracy on the validation set
    run = run_stepwise(trained.network, validation.inputs)
    answers = run.outputs[np.arange(validation.n_samples), validation.answer_step]
    assert answer_accuracy(answers, validation.targets) == trained.accuracy
    hist = trained.history
    assert list(hist.columns) == ["attempt", "epoch", "loss", "train_accuracy", "validation_accuracy"]
    assert len(hist) == trained.epochs
    assert hist["validation_accuracy"].iloc[-1] == pytest.approx(trained.accuracy)
    assert hist["validation_accuracy"].iloc[:-1].max() < QUICK.target_accuracy
    assert hist["loss"].iloc[-1] < hist["loss"].iloc[0]
    assert next(trained.network.parameters()).device.type == "cpu"
    assert not trained.network.training


def test_same_seed_same_weights(trained, memory_sets):
    train, validation = memory_sets
    again = train_network("gru", train, validation, QUICK, seed=5)
    for (name, a), b in zip(trained.network.state_dict().items(), again.network.state_dict().values(), strict=True):
        assert torch.equal(a, b), name
    assert trained.history.equals(again.history)
    other = train_network("gru", train, validation, dataclasses.replace(QUICK, max_epochs=2, target_accuracy=0.0), seed=6)
    first = dataclasses.replace(QUICK, max_epochs=2, target_accuracy=0.0)
    same_start = train_network("gru", train, validation, first, seed=5)
    assert not torch.equal(other.network.readout.weight, same_start.network.readout.weight)


def test_failure_is_raised_with_label_and_best_accuracy(memory_sets):
    train, validation = memory_sets
    config = TrainingConfig(max_epochs=1, max_restarts=1, target_accuracy=1.01, batch_size=100)
    with pytest.raises(TrainingFailed) as err:
        train_network("rnn", train, validation, config, seed=1, label="memory/rnn/delay-1/rep-07")
    message = str(err.value)
    assert message.startswith("memory/rnn/delay-1/rep-07: ")
    assert "2 attempt(s)" in message and "best 0." in message


def test_failure_on_an_impossible_task():
    # targets independent of the inputs: no network can generalize to fresh validation data
    train = generate("memory", 200, 1, 1)
    validation = generate("memory", 200, 1, 2)
    train.inputs[:] = 0.0
    validation.inputs[:] = 0.0
    config = TrainingConfig(max_epochs=3, max_restarts=2, batch_size=100)
    with pytest.raises(TrainingFailed, match="memory/lstm: no network reached validation accuracy 0.98 in 3"):
        train_network("lstm", train, validation, config, seed=3)


def test_restart_seeds():
    assert attempt_seed(11, 0) == 11
    seeds = {attempt_seed(11, a) for a in range(6)}
    assert len(seeds) == 6
    assert network_seed("memory", "rnn", 3, 1) == network_seed("memory", "rnn", "3", "01")
    assert network_seed("memory", "rnn", 3, 1) != network_seed("memory", "rnn", 3, 2)
    assert network_seed("memory", "rnn", "random", 1) != network_seed("block", "rnn", "random", 1)


def test_history_accuracies_follow_the_scoring_convention(trained, memory_sets):
    # the training accuracy of the last epoch is the minibatch answers scored by tasks.scoring:
    # it must be a multiple of 1 / (n * K), and the validation accuracy must equal a rescoring
    train, validation = memory_sets
    hist = trained.history
    steps = hist["train_accuracy"] * train.targets.size
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)
    with torch.no_grad():
        outputs = trained.network(torch.from_numpy(validation.inputs)).numpy()
    answers = outputs[np.arange(validation.n_samples), validation.answer_step]
    assert answer_accuracy(answers, validation.targets) == hist["validation_accuracy"].iloc[-1]


def test_identical_networks_give_identical_files(tmp_path, trained):
    # the archive name inside a .pt must not depend on the atomic write's temporary file name
    meta = {"task": "memory", "config": {"b": 1, "a": [1, 2]}}
    first, second = tmp_path / "one" / "rep-00.pt", tmp_path / "two" / "rep-00.pt"
    save_network(first, trained, meta)
    save_network(second, trained, dict(reversed(list(meta.items()))))
    assert first.read_bytes() == second.read_bytes()
    save_network(tmp_path / "other-name.pt", trained, meta)
    assert (tmp_path / "other-name.pt").read_bytes() == first.read_bytes()


def test_identical_trainings_give_identical_files(tmp_path, memory_sets):
    train, validation = memory_sets
    quick = dataclasses.replace(QUICK, max_epochs=2, target_accuracy=0.0)
    for name in ("a", "b"):
        result = train_network("lstm", train, validation, quick, seed=9)
        save_network(tmp_path / name / "net.pt", result, {"task": "memory"})
    assert (tmp_path / "a" / "net.pt").read_bytes() == (tmp_path / "b" / "net.pt").read_bytes()


def test_save_load_round_trip(tmp_path, trained, memory_sets):
    _, validation = memory_sets
    path = tmp_path / "nets" / "rep-00.pt"
    save_network(path, trained, {"task": "memory", "replicate": 0, "delay": "1", "config": {"lr": 0.01}})
    network, meta = load_network(path)
    assert meta["task"] == "memory" and meta["config"] == {"lr": 0.01}
    assert meta["epochs"] == trained.epochs and meta["seed"] == 5
    assert meta["accuracy"] == pytest.approx(trained.accuracy)
    assert network.arch == "gru" and network.n_hidden == 12 and not network.training
    for a, b in zip(trained.network.state_dict().values(), network.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    np.testing.assert_array_equal(
        run_stepwise(network, validation.inputs).outputs,
        run_stepwise(trained.network, validation.inputs).outputs,
    )
    assert sorted(p.name for p in path.parent.iterdir()) == ["rep-00.pt"]
    save_network(tmp_path / "plain.pt", trained.network, {})
    assert load_network(tmp_path / "plain.pt")[1] == {}


def test_load_errors_name_the_file(tmp_path):
    text = tmp_path / "junk.pt"
    text.write_text("not a network")
    with pytest.raises(NetworkFileError) as err:
        load_network(text)
    assert str(err.value).startswith(str(text))
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    with pytest.raises(NetworkFileError, match="foreign.pt: not an inforelay network"):
        load_network(foreign)
    with pytest.raises(FileNotFoundError, match="absent.pt"):
        load_network(tmp_path / "absent.pt")
    assert issubclass(NetworkFileError, FileFormatError)


def test_config_from_mapping():
    config = TrainingConfig.from_mapping({"learning_rate": 0.005, "max_restarts": 2})
    assert config.learning_rate == 0.005 and config.max_restarts == 2 and config.n_hidden == 12
    with pytest.raises(ValueError, match=r"training: unknown key\(s\) 'lr'; allowed: n_hidden"):
        TrainingConfig.from_mapping({"lr": 0.1})
    with pytest.raises(ValueError, match="training.batch_size"):
        TrainingConfig(batch_size=0)
    with pytest.raises(ValueError, match=r"training.max_restarts: expected an integer >= 0"):
        TrainingConfig(max_restarts=-1)
    with pytest.raises(ValueError, match=r"training.learning_rate: expected a number > 0"):
        TrainingConfig(learning_rate=0)


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")
def test_cuda_without_gpu_is_a_clear_error(memory_sets):
    with pytest.raises(RuntimeError, match="no CUDA GPU is available"):
        resolve_device("cuda")
    train, validation = memory_sets
    with pytest.raises(RuntimeError, match="training.device"):
        train_network("rnn", train, validation, dataclasses.replace(QUICK, device="cuda"), seed=1)
    with pytest.raises(ValueError, match="unknown device"):
        resolve_device("tpu")
    assert resolve_device("cpu") == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_on_cuda(memory_sets):
    train, validation = memory_sets
    result = train_network("lstm", train, validation, dataclasses.replace(QUICK, device="cuda"), seed=2)
    assert result.accuracy >= QUICK.target_accuracy
    assert next(result.network.parameters()).device.type == "cpu"
    network_cuda = result.network.to("cuda")
    run = run_stepwise(network_cuda, validation.inputs)
    assert isinstance(run.outputs, np.ndarray)


_DIGEST_SCRIPT = """
import hashlib, warnings
warnings.filterwarnings("ignore")
import torch
from inforelay.nets.models import build_network
from inforelay.nets.stepwise import run_stepwise
from inforelay.nets.training import TrainingConfig, train_network
from inforelay.tasks import generate
train, validation = generate("memory", 300, 3, 11), generate("memory", 100, 3, 12)
for arch in ("rnn", "gru", "lstm"):
    trained = train_network(arch, train, validation, TrainingConfig(target_accuracy=0.0), seed=5).network
    net = build_network(arch, 3, 12, 3, seed=5)  # 30 more full-batch steps: rounding adds up
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    x, y = torch.as_tensor(train.inputs), torch.as_tensor(train.targets)
    for _ in range(30):
        loss = ((net(x)[:, -1] - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    weights = [p.detach().numpy().tobytes() for model in (trained, net) for p in model.parameters()]
    print(arch, hashlib.sha256(b"".join(weights) + run_stepwise(net, validation.inputs).hidden.tobytes()).hexdigest())
"""


@pytest.mark.slow
def test_the_same_bytes_on_any_x86_64_processor():
    """oneDNN (LSTM) and MKL (every matrix product) pick kernels by the processor; with
    inforelay.nets.portable the weights and recordings of a network are the same bytes with the
    kernels forced down to AVX2 (a processor without AVX-512) as with this machine's best."""
    import os
    import platform
    import subprocess
    import sys

    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("x86-64 only")

    def digests(**env: str) -> str:
        run = subprocess.run([sys.executable, "-c", _DIGEST_SCRIPT], capture_output=True, text=True,
                             env={**os.environ, "OMP_NUM_THREADS": "1", **env}, timeout=300)  # fmt: skip
        assert run.returncode == 0, run.stderr[-2000:]
        return run.stdout

    native = digests()
    assert native.count("\n") == 3, native
    forced = digests(ONEDNN_MAX_CPU_ISA="AVX2", ATEN_CPU_CAPABILITY="avx2", MKL_ENABLE_INSTRUCTIONS="AVX2")
    assert forced == native
    # MKL and oneDNN below AVX2 too (ATen's scalar kernels are the documented exception)
    older = digests(ONEDNN_MAX_CPU_ISA="SSE41", MKL_ENABLE_INSTRUCTIONS="SSE4_2")
    assert older == native
