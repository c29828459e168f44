"""Training recurrent networks on the tasks (``docs/method.md``): Adam + MSE on the answer step.

A network is trained until its validation accuracy (:func:`inforelay.tasks.scoring.answer_accuracy`
over every (sequence, output) pair) reaches ``target_accuracy``. If ``max_epochs`` pass first, a
fresh network is started (at most ``max_restarts`` times); after that :class:`TrainingFailed` is
raised. A network below the bar is never returned.

Determinism: the initial weights come from the attempt's seed, the minibatch order from a
``torch.Generator`` seeded from it too, and torch runs with deterministic algorithms and a fixed
thread count, so the same seed gives bit-identical weights on the same machine.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from inforelay.core.seeds import experiment_seed
from inforelay.core.validation import check_fields
from inforelay.nets.models import RecurrentNetwork, build_network
from inforelay.nets.portable import portable_cpu_math
from inforelay.tasks.generate import TaskData
from inforelay.tasks.scoring import answer_accuracy

__all__ = [
    "TrainingConfig",
    "TrainingFailed",
    "TrainResult",
    "attempt_seed",
    "dropout_forward",
    "resolve_device",
    "train_network",
    "warm_up",
]

HISTORY_COLUMNS = ["attempt", "epoch", "loss", "train_accuracy", "validation_accuracy"]
_Record = tuple[int, int, float, float, float]  # one row of the history, in HISTORY_COLUMNS order


@dataclass(frozen=True)
class TrainingConfig:
    """Training settings (the config's ``training`` mapping)."""

    n_hidden: int = 12
    learning_rate: float = 0.01
    batch_size: int = 100
    max_epochs: int = 2000
    target_accuracy: float = 0.98
    max_restarts: int = 5
    device: str = "cpu"
    threads: int = 1
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_fields(
            self, prefix="training.", positive_int=("n_hidden", "batch_size", "max_epochs", "threads"),
            nonnegative_int=("max_restarts",), positive=("learning_rate",), nonnegative=("target_accuracy",),
        )  # fmt: skip
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"training.dropout: a rate in [0, 1), got {self.dropout!r}")
        if not isinstance(self.device, str) or not self.device:
            raise ValueError(f"training.device: expected 'cpu' or 'cuda', got {self.device!r}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> TrainingConfig:
        """Build from the config's ``training`` mapping; unknown keys raise a ValueError naming them."""
        mapping = dict(mapping or {})
        allowed = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise ValueError(
                f"training: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}"
            )
        return cls(**mapping)


class TrainingFailed(RuntimeError):
    """No network reached the target accuracy within ``max_restarts`` restarts."""


@dataclass
class TrainResult:
    """A trained network that reached the bar.

    ``seed`` is the seed passed to :func:`train_network`; the accepted network was initialized
    from ``attempt_seed(seed, restarts)``. ``epochs`` counts the epochs of the accepted attempt.
    """

    network: RecurrentNetwork
    accuracy: float
    epochs: int
    restarts: int
    seed: int
    history: pd.DataFrame


def attempt_seed(seed: int, attempt: int) -> int:
    """Initialization seed of attempt ``attempt`` (0 = first try uses ``seed`` itself)."""
    return int(seed) if attempt == 0 else experiment_seed("restart", int(seed), int(attempt))


def resolve_device(name: str) -> torch.device:
    """``"cpu"``, ``"cuda"`` or ``"cuda:N"`` as a ``torch.device``.

    Raises
    ------
    RuntimeError
        For ``cuda`` when torch sees no CUDA GPU.
    ValueError
        For any other name.
    """
    text = str(name).strip().lower()
    if text == "cpu":
        return torch.device("cpu")
    if text == "cuda" or text.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"training.device is {name!r} but no CUDA GPU is available to torch "
                f"(torch {torch.__version__}, torch.cuda.is_available() is False); "
                "set training.device: cpu or run on a GPU node"
            )
        device = torch.device(text)
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise RuntimeError(
                f"training.device is {name!r} but only {torch.cuda.device_count()} CUDA device(s) exist"
            )
        return device
    raise ValueError(f"training.device: unknown device {name!r}; allowed: 'cpu', 'cuda', 'cuda:N'")


@contextlib.contextmanager
def _deterministic(device: torch.device) -> Iterator[None]:
    """Deterministic torch algorithms for the duration of training (restored afterwards)."""
    previous = torch.are_deterministic_algorithms_enabled()
    previous_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    if device.type == "cuda":
        # cuBLAS needs this to be deterministic; it must be set before the first cuBLAS call
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous, warn_only=previous_warn)


@dataclass
class _Split:
    """One data split on the training device; ``targets`` stays on the CPU too, for scoring."""

    x: torch.Tensor
    y: torch.Tensor
    answer_step: torch.Tensor
    targets: np.ndarray

    @classmethod
    def of(cls, data: TaskData, device: torch.device) -> _Split:
        targets = np.ascontiguousarray(data.targets, dtype=np.float32)
        return cls(
            x=torch.as_tensor(np.ascontiguousarray(data.inputs, dtype=np.float32), device=device),
            y=torch.as_tensor(targets, device=device),
            answer_step=torch.as_tensor(np.asarray(data.answer_step, dtype=np.int64), device=device),
            targets=targets,
        )


def _at_answer(outputs: torch.Tensor, answer_step: torch.Tensor) -> torch.Tensor:
    return outputs[torch.arange(outputs.shape[0], device=outputs.device), answer_step]


def _evaluate(network: RecurrentNetwork, split: _Split) -> float:
    """Validation accuracy (:func:`~inforelay.tasks.scoring.answer_accuracy`) in eval mode."""
    network.eval()
    with torch.no_grad():
        pred = _at_answer(network(split.x), split.answer_step)
    network.train()
    return answer_accuracy(pred.cpu().numpy(), split.targets)


_CELLS = {"rnn": torch.rnn_tanh_cell, "gru": torch.gru_cell}


def dropout_forward(network: RecurrentNetwork, x: torch.Tensor, rate: float,
                    generator: torch.Generator) -> torch.Tensor:
    """Outputs ``(n, T, n_outputs)`` of ``network`` with variational recurrent dropout (Gal &
    Ghahramani 2016): each sequence draws one mask over the hidden units, kept for all its steps;
    a dropped unit's ``h`` is 0 both where it re-enters the recurrence and where the readout reads
    it (kept units are scaled by ``1 / (1 − rate)``; an LSTM's cell state is not masked). The
    same weights as :meth:`RecurrentNetwork.forward`, one step at a time, for training only."""
    n, steps = x.shape[0], x.shape[1]
    rec = network.recurrent
    weights = (rec.weight_ih_l0, rec.weight_hh_l0, rec.bias_ih_l0, rec.bias_hh_l0)
    keep = torch.bernoulli(torch.full((n, network.n_hidden), 1.0 - rate), generator=generator)
    mask = (keep / (1.0 - rate)).to(x.device)
    h = x.new_zeros(n, network.n_hidden)
    c = x.new_zeros(n, network.n_hidden)
    states = []
    with portable_cpu_math():
        for t in range(steps):
            if network.arch == "lstm":
                h, c = torch.lstm_cell(x[:, t], (h * mask, c), *weights)
            else:
                h = _CELLS[network.arch](x[:, t], h * mask, *weights)
            states.append(h * mask)
    return network.readout_activation(torch.stack(states, dim=1))


def _train_epoch(
    network: RecurrentNetwork,
    optimizer: torch.optim.Optimizer,
    split: _Split,
    batch_size: int,
    order_rng: torch.Generator,
    dropout: tuple[float, torch.Generator] | None = None,
) -> tuple[float, float]:
    """One pass over ``split`` in a seeded random order; mean loss and the minibatches' accuracy.

    The minibatches' losses and correct answers stay tensors until the epoch ends: one
    device-to-host copy per epoch instead of two per minibatch (the per-step ``.item()`` and
    numpy scoring were a third of a small network's training time).
    """
    n = split.x.shape[0]
    permutation = torch.randperm(n, generator=order_rng).to(split.x.device)
    losses, sizes, correct = [], [], []
    for start in range(0, n, batch_size):
        idx = permutation[start : start + batch_size]
        outputs = network(split.x[idx]) if dropout is None else dropout_forward(network, split.x[idx], *dropout)
        pred = _at_answer(outputs, split.answer_step[idx])
        target = split.y[idx]
        loss = torch.nn.functional.mse_loss(pred, target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        sizes.append(idx.shape[0])
        # the one accuracy convention (inforelay.tasks.scoring): an output > 0 answers +1
        correct.append(((pred.detach() > 0) == (target > 0)).sum())
    total_loss = sum(float(loss) * size for loss, size in zip(torch.stack(losses).tolist(), sizes))
    return total_loss / n, int(torch.stack(correct).sum()) / split.targets.size


def _attempt(
    arch: str,
    train: _Split,
    validation: _Split,
    config: TrainingConfig,
    seed: int,
    attempt: int,
    records: list[_Record],
) -> tuple[RecurrentNetwork, float, int] | None:
    """Train attempt ``attempt``'s fresh network for up to ``max_epochs`` epochs, appending one
    history record per epoch; ``(network, accuracy, epoch)`` once it reaches the bar, else ``None``."""
    init_seed = attempt_seed(seed, attempt)
    network = build_network(
        arch, train.x.shape[2], config.n_hidden, train.y.shape[1], "tanh", seed=init_seed
    ).to(train.x.device)
    network.train()
    optimizer = torch.optim.Adam(network.parameters(), lr=config.learning_rate)
    order_rng = torch.Generator(device="cpu").manual_seed(experiment_seed("batches", init_seed))
    dropout = None  # no dropout: the fused forward, exactly as before the option existed
    if config.dropout > 0:
        mask_rng = torch.Generator(device="cpu").manual_seed(experiment_seed("dropout", init_seed))
        dropout = (float(config.dropout), mask_rng)
    for epoch in range(1, int(config.max_epochs) + 1):
        loss, train_acc = _train_epoch(network, optimizer, train, config.batch_size, order_rng, dropout)
        val_acc = _evaluate(network, validation)
        records.append((attempt, epoch, loss, train_acc, val_acc))
        if val_acc >= config.target_accuracy:
            return network, val_acc, epoch
    return None


def train_network(
    arch: str,
    train: TaskData,
    validation: TaskData,
    config: TrainingConfig,
    seed: int,
    *,
    label: str = "",
) -> TrainResult:
    """Train a network of ``arch`` on ``train`` until its ``validation`` accuracy reaches the bar.

    Parameters
    ----------
    arch
        ``"rnn"``, ``"gru"`` or ``"lstm"``.
    train, validation
        Task data (inputs, ±1 targets, answer steps).
    config
        Training settings.
    seed
        Base seed (e.g. :func:`inforelay.core.seeds.network_seed`); attempt ``a`` starts from ``attempt_seed(seed, a)``.
    label
        Names the network in errors (e.g. ``"memory/lstm/delay-3/rep-04"``).

    Returns
    -------
    TrainResult
        The network (on the CPU, eval mode) that reached ``config.target_accuracy``.

    Raises
    ------
    TrainingFailed
        When ``1 + max_restarts`` attempts of ``max_epochs`` epochs all stay below the bar.
    """
    if train.n_channels != validation.n_channels or train.targets.shape[1] != validation.targets.shape[1]:
        raise ValueError("train and validation data have different input channels or outputs")
    device = resolve_device(config.device)
    torch.set_num_threads(int(config.threads))
    train_split, validation_split = _Split.of(train, device), _Split.of(validation, device)
    records: list[_Record] = []
    with _deterministic(device):
        for attempt in range(int(config.max_restarts) + 1):
            accepted = _attempt(arch, train_split, validation_split, config, seed, attempt, records)
            if accepted is not None:
                network, accuracy, epoch = accepted
                return TrainResult(network.cpu().eval(), accuracy, epoch, attempt, int(seed), _history(records))
    raise _failure(label or f"{train.task}/{arch}", config, seed, records)


def _failure(name: str, config: TrainingConfig, seed: int, records: list[_Record]) -> TrainingFailed:
    """The error of a training that never reached the bar, naming its best epoch."""
    best = max(records, key=lambda r: r[4])  # the first of equally good epochs
    return TrainingFailed(
        f"{name}: no network reached validation accuracy {config.target_accuracy} in "
        f"{int(config.max_restarts) + 1} attempt(s) of {config.max_epochs} epochs "
        f"(best {best[4]:.4f} at attempt {best[0]}, epoch {best[1]}; seed {seed})"
    )


def _history(records: list[_Record]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=HISTORY_COLUMNS).astype({"attempt": "int64", "epoch": "int64"})


def warm_up() -> None:
    """Load what torch loads on a process's first training step.

    Building the first optimizer imports a good part of torch lazily (about 1 s of CPU). A
    process that forks its jobs (the pipeline's warm job server) calls this once, so that no
    fork pays it again. It computes nothing that a later training sees: no random state, flag
    or thread setting changes.
    """
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.Adam([parameter], lr=0.0)
    parameter.sum().backward()
    optimizer.step()
