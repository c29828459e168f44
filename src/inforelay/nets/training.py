"""Training recurrent networks on the tasks (DESIGN §4): Adam + MSE on the answer step.

A network is trained until its validation accuracy (fraction of (sequence, output) pairs whose
sign matches the target) reaches ``target_accuracy``. If ``max_epochs`` pass first, a fresh
network is started (at most ``max_restarts`` times); after that :class:`TrainingFailed` is raised.
A network below the bar is never returned.

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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from inforelay.core.atomic import atomic_path
from inforelay.core.seeding import derive_seed
from inforelay.nets.models import RecurrentNetwork, build_network
from inforelay.tasks.generate import TaskData

__all__ = [
    "TrainingConfig",
    "TrainingFailed",
    "NetworkFileError",
    "TrainResult",
    "attempt_seed",
    "load_network",
    "network_seed",
    "resolve_device",
    "save_network",
    "sign_accuracy",
    "train_network",
]

_FORMAT = "inforelay-network"
_FORMAT_VERSION = 1


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

    def __post_init__(self) -> None:
        for name in ("n_hidden", "batch_size", "max_epochs", "threads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"training.{name}: expected a positive integer, got {value!r}")
        if isinstance(self.max_restarts, bool) or not isinstance(self.max_restarts, int | np.integer) or self.max_restarts < 0:
            raise ValueError(f"training.max_restarts: expected an integer >= 0, got {self.max_restarts!r}")
        if not isinstance(self.learning_rate, int | float) or not self.learning_rate > 0:
            raise ValueError(f"training.learning_rate: expected a number > 0, got {self.learning_rate!r}")
        if not isinstance(self.target_accuracy, int | float) or not 0 <= self.target_accuracy:
            raise ValueError(f"training.target_accuracy: expected a number >= 0, got {self.target_accuracy!r}")
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


class NetworkFileError(ValueError):
    """A network file is unreadable or not an inforelay network (message starts with the path)."""


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


def sign_accuracy(outputs_at_answer: np.ndarray | torch.Tensor, targets: np.ndarray | torch.Tensor) -> float:
    """Fraction of (sequence, output) pairs whose sign matches the ±1 target (output 0 counts as wrong)."""
    if isinstance(outputs_at_answer, torch.Tensor):
        outputs_at_answer = outputs_at_answer.detach().cpu().numpy()
    if isinstance(targets, torch.Tensor):
        targets = targets.detach().cpu().numpy()
    out = np.asarray(outputs_at_answer)
    tgt = np.asarray(targets)
    if out.shape != tgt.shape:
        raise ValueError(f"outputs {out.shape} and targets {tgt.shape} differ in shape")
    if out.size == 0:
        raise ValueError("no outputs to score")
    return float(np.mean(np.sign(out) == np.sign(tgt)))


def network_seed(task: str, arch: str, delay: int | str, replicate: int) -> int:
    """The seed of one network of the experiment: ``derive_seed("network", task, arch, delay, replicate)``.

    ``delay`` may be ``3`` or ``"3"`` (same seed); ``replicate`` is an integer (``"03"`` → 3).
    """
    return derive_seed("network", task, arch, str(delay), int(replicate))


def attempt_seed(seed: int, attempt: int) -> int:
    """Initialization seed of attempt ``attempt`` (0 = first try uses ``seed`` itself)."""
    return int(seed) if attempt == 0 else derive_seed("restart", int(seed), int(attempt))


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


def _tensors(data: TaskData, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x = torch.as_tensor(np.ascontiguousarray(data.inputs, dtype=np.float32), device=device)
    y = torch.as_tensor(np.ascontiguousarray(data.targets, dtype=np.float32), device=device)
    a = torch.as_tensor(np.asarray(data.answer_step, dtype=np.int64), device=device)
    return x, y, a


def _at_answer(outputs: torch.Tensor, answer_step: torch.Tensor) -> torch.Tensor:
    return outputs[torch.arange(outputs.shape[0], device=outputs.device), answer_step]


def _accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    return int((torch.sign(pred) == torch.sign(target)).sum().item()) / pred.numel()


def _evaluate(network: RecurrentNetwork, x: torch.Tensor, y: torch.Tensor, a: torch.Tensor) -> float:
    network.eval()
    with torch.no_grad():
        acc = _accuracy(_at_answer(network(x), a), y)
    network.train()
    return acc


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
        Base seed (e.g. :func:`network_seed`); attempt ``a`` starts from ``attempt_seed(seed, a)``.
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
    x, y, a = _tensors(train, device)
    vx, vy, va = _tensors(validation, device)
    n = x.shape[0]
    name = label or f"{train.task}/{arch}"
    records: list[tuple[int, int, float, float, float]] = []
    best = (-1.0, 0, 0)  # accuracy, attempt, epoch

    with _deterministic(device):
        for attempt in range(int(config.max_restarts) + 1):
            init_seed = attempt_seed(seed, attempt)
            network = build_network(
                arch, train.n_channels, config.n_hidden, train.targets.shape[1], "tanh", seed=init_seed
            ).to(device)
            network.train()
            optimizer = torch.optim.Adam(network.parameters(), lr=config.learning_rate)
            loss_fn = torch.nn.MSELoss()
            order_rng = torch.Generator(device="cpu").manual_seed(derive_seed("batches", init_seed))
            for epoch in range(1, int(config.max_epochs) + 1):
                permutation = torch.randperm(n, generator=order_rng).to(device)
                total_loss = 0.0
                correct = 0.0
                for start in range(0, n, config.batch_size):
                    idx = permutation[start : start + config.batch_size]
                    pred = _at_answer(network(x[idx]), a[idx])
                    loss = loss_fn(pred, y[idx])
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total_loss += float(loss.item()) * idx.shape[0]
                    correct += float((torch.sign(pred.detach()) == torch.sign(y[idx])).sum().item())
                val_acc = _evaluate(network, vx, vy, va)
                records.append(
                    (attempt, epoch, total_loss / n, correct / (n * y.shape[1]), val_acc)
                )
                if val_acc > best[0]:
                    best = (val_acc, attempt, epoch)
                if val_acc >= config.target_accuracy:
                    network = network.cpu().eval()
                    return TrainResult(
                        network=network,
                        accuracy=val_acc,
                        epochs=epoch,
                        restarts=attempt,
                        seed=int(seed),
                        history=_history(records),
                    )
    raise TrainingFailed(
        f"{name}: no network reached validation accuracy {config.target_accuracy} in "
        f"{int(config.max_restarts) + 1} attempt(s) of {config.max_epochs} epochs "
        f"(best {best[0]:.4f} at attempt {best[1]}, epoch {best[2]}; seed {seed})"
    )


def _history(records: list[tuple[int, int, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        records, columns=["attempt", "epoch", "loss", "train_accuracy", "validation_accuracy"]
    ).astype({"attempt": "int64", "epoch": "int64"})


# --------------------------------------------------------------------------------------------
# network files


def _plain(value: Any) -> Any:
    """Metadata as plain Python (for ``torch.load(weights_only=True)``)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def save_network(
    path: str | os.PathLike[str],
    result_or_network: TrainResult | RecurrentNetwork,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Save a network (its ``state_dict``, architecture and sizes) and metadata, atomically.

    With a :class:`TrainResult`, ``accuracy``, ``epochs``, ``restarts`` and ``seed`` are added to
    the metadata. The file loads with ``torch.load(path, weights_only=True)``.
    """
    meta: dict[str, Any] = {}
    if isinstance(result_or_network, TrainResult):
        network = result_or_network.network
        meta.update(
            accuracy=float(result_or_network.accuracy),
            epochs=int(result_or_network.epochs),
            restarts=int(result_or_network.restarts),
            seed=int(result_or_network.seed),
        )
    elif isinstance(result_or_network, RecurrentNetwork):
        network = result_or_network
    else:
        raise TypeError(f"expected a TrainResult or RecurrentNetwork, got {type(result_or_network).__name__}")
    meta.update(dict(metadata or {}))
    payload = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "arch": network.arch,
        "n_inputs": network.n_inputs,
        "n_hidden": network.n_hidden,
        "n_outputs": network.n_outputs,
        "output_activation": network.output_activation,
        "state_dict": {k: v.detach().cpu().clone() for k, v in network.state_dict().items()},
        "metadata": _plain(meta),
    }
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load_network(path: str | os.PathLike[str], device: str | torch.device = "cpu") -> tuple[RecurrentNetwork, dict]:
    """Load a network written by :func:`save_network`.

    Returns
    -------
    (RecurrentNetwork, dict)
        The network in eval mode on ``device`` and its metadata.

    Raises
    ------
    FileNotFoundError, NetworkFileError
        With a message that starts with the path.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such network file")
    target = device if isinstance(device, torch.device) else resolve_device(device)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a corrupt or foreign file
        raise NetworkFileError(f"{path}: cannot read as a torch network file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise NetworkFileError(f"{path}: not an inforelay network file (no format {_FORMAT!r})")
    if payload.get("format_version") != _FORMAT_VERSION:
        raise NetworkFileError(f"{path}: unsupported format_version {payload.get('format_version')!r}")
    try:
        network = RecurrentNetwork(
            payload["arch"],
            payload["n_inputs"],
            payload["n_hidden"],
            payload["n_outputs"],
            payload["output_activation"],
        )
        network.load_state_dict(payload["state_dict"])
    except (KeyError, ValueError, RuntimeError, TypeError) as exc:
        raise NetworkFileError(f"{path}: inconsistent network file ({exc})") from exc
    return network.to(target).eval(), dict(payload.get("metadata") or {})
