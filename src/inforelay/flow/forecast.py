"""Training a recurrent network to forecast a series, with the monitors of the five questions.

A fully recurrent network (``rnn``/``gru``/``lstm`` from :mod:`inforelay.nets.models`, a few units,
linear readout) learns to predict the next value(s) of a series (:mod:`inforelay.flow.series`) with
Adam and the mean squared error over every step and horizon, for a fixed number of epochs.
Every epoch records (columns of :attr:`ForecastResult.history`):

``loss``
    Mean training MSE over the epoch's minibatches (epoch 0: the untrained network on the whole
    train split).
``validation_loss``
    MSE on the validation split after the epoch.
``grad_mean_<layer>``, ``grad_std_<layer>``, ``snr_<layer>``
    Shwartz-Ziv & Tishby's gradient statistics: over the epoch's minibatches, the norm of the
    mean gradient ``‖⟨g⟩‖`` and the norm of the element-wise standard deviation ``‖std(g)‖``
    (ddof 1) of a layer's parameters, and their ratio (the signal-to-noise ratio). Layers:
    ``recurrent`` (every parameter of the recurrent module), ``readout`` and ``all``. Drift
    phase: SNR ≫ 1; diffusion phase: SNR ≪ 1. ``nan`` at epoch 0.
``I_XT``, ``I_TY``, ``H_unit``
    Information-plane coordinates of the hidden layer on a fixed subset of validation windows.
    ``T`` = the hidden state ``h_t`` at a step, every unit cut into ``info_bins`` equal-width
    bins on ``[−1, 1]`` (the range of ``h`` for all three architectures), joint code over the
    units; samples are all (window, step) pairs. ``X`` = the input history ``x_0..x_t`` of the
    sample: every sample's history is distinct and ``T`` is a deterministic function of it, so
    ``I(X;T) = H(T)`` (Shwartz-Ziv & Tishby's convention). ``Y`` = the first target
    ``x_{t+1}``, cut into ``target_bins`` equal-frequency bins (edges from the same fixed
    subset, so they do not change between epochs). ``I(T;Y)`` is the plug-in MI
    (:func:`inforelay.info.measures.mutual_information`). ``H_unit`` is the mean single-unit entropy of the
    binned units (the "complexity"). All in bits.

Determinism: the initial weights come from ``build_network(seed=…)``, the minibatch order from
:func:`inforelay.core.seeding.derive_rng` on ``(seed, epoch)``, and training runs with the configured
torch threads on the CPU; the same seed gives the same weights and history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from inforelay.core.seeding import derive_rng
from inforelay.core.validation import check_fields, known_fields
from inforelay.flow.series import SeriesSplits, SeriesWindows
from inforelay.info import entropy, joint_codes, mutual_information
from inforelay.nets import RecurrentNetwork, build_network, run_stepwise

__all__ = [
    "LAYERS",
    "ForecastConfig",
    "ForecastResult",
    "gradient_statistics",
    "information_plane",
    "forecast_loss",
    "train_forecast",
    "record_forecast",
]

LAYERS = ("recurrent", "readout", "all")


@dataclass(frozen=True)
class ForecastConfig:
    """Training settings (keys of the ``flow.forecast`` config section).

    Attributes
    ----------
    n_hidden
        Recurrent units.
    learning_rate, batch_size, epochs
        Adam step size, windows per minibatch, fixed number of epochs.
    info_bins
        Equal-width bins per hidden unit on ``[−1, 1]`` for ``I(X;T)``, ``I(T;Y)``.
    target_bins
        Equal-frequency bins of the target for ``I(T;Y)``.
    info_windows
        Validation windows (the first ones) used for the information plane.
    threads
        torch threads.
    """

    n_hidden: int = 10
    learning_rate: float = 0.01
    batch_size: int = 32
    epochs: int = 150
    info_bins: int = 6
    target_bins: int = 8
    info_windows: int = 64
    threads: int = 1

    def __post_init__(self) -> None:
        check_fields(
            self, positive_int=("n_hidden", "batch_size", "epochs", "info_windows", "threads"),
            at_least={"info_bins": 2, "target_bins": 2}, positive=("learning_rate",),
        )  # fmt: skip

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> ForecastConfig:
        """Build from a config mapping; keys that are not fields are ignored."""
        return cls(**known_fields(cls, mapping))


@dataclass
class ForecastResult:
    """A trained forecaster and its per-epoch history (see the module docstring for columns)."""

    network: RecurrentNetwork
    history: pd.DataFrame
    seed: int
    test_loss: float


def gradient_statistics(batch_gradients: np.ndarray) -> tuple[float, float, float]:
    """Norm of the mean gradient, norm of the gradient std (ddof 1) and their ratio.

    Parameters
    ----------
    batch_gradients
        ``(B, P)``: the flattened gradient of ``P`` parameters in each of ``B ≥ 2`` minibatches.
    """
    g = np.asarray(batch_gradients, dtype=np.float64)
    if g.ndim != 2 or g.shape[0] < 2:
        raise ValueError("batch_gradients must be (B, P) with at least 2 minibatches")
    mean_norm = float(np.linalg.norm(g.mean(axis=0)))
    std_norm = float(np.linalg.norm(g.std(axis=0, ddof=1)))
    snr = mean_norm / std_norm if std_norm > 0 else float("inf")
    return mean_norm, std_norm, snr


def information_plane(
    hidden: np.ndarray, target: np.ndarray, *, info_bins: int, target_edges: np.ndarray
) -> tuple[float, float, float]:
    """``I(X;T) = H(T)``, ``I(T;Y)`` and the mean unit entropy, in bits.

    Parameters
    ----------
    hidden
        ``(n, T, N)`` hidden states in ``[−1, 1]``.
    target
        ``(n, T)`` the value each step predicts (the first horizon).
    info_bins
        Equal-width bins per unit on ``[−1, 1]``.
    target_edges
        Inner bin edges of the target (fixed across epochs).
    """
    h = np.asarray(hidden, dtype=np.float64).reshape(-1, hidden.shape[-1])
    unit_codes = np.clip(np.floor((h + 1.0) / 2.0 * info_bins), 0, info_bins - 1).astype(np.int64)
    t_codes, _ = joint_codes(unit_codes)
    y_codes = np.searchsorted(target_edges, np.asarray(target, dtype=np.float64).ravel(), side="right")
    i_xt = entropy(t_codes)
    i_ty = mutual_information(t_codes, y_codes)
    h_unit = float(np.mean([entropy(unit_codes[:, j]) for j in range(unit_codes.shape[1])]))
    return i_xt, i_ty, h_unit


def _layer_parameters(network: RecurrentNetwork) -> dict[str, list[nn.Parameter]]:
    recurrent = list(network.recurrent.parameters())
    readout = list(network.readout.parameters())
    return {"recurrent": recurrent, "readout": readout, "all": recurrent + readout}


def forecast_loss(network: RecurrentNetwork, windows: SeriesWindows) -> float:
    """Mean squared error of the network's predictions over every window, step and horizon."""
    with torch.no_grad():
        prediction = network(torch.from_numpy(windows.inputs))
        return float(nn.functional.mse_loss(prediction, torch.from_numpy(windows.targets)))


def _minibatch_count(n_train: int, batch_size: int) -> int:
    """Minibatches per epoch; gradient statistics need at least 2."""
    n_batches = -(-n_train // batch_size)
    if n_batches < 2:
        raise ValueError(
            f"batch_size: {batch_size} leaves fewer than 2 minibatches of {n_train} windows; "
            "gradient statistics need at least 2"
        )
    return n_batches


@dataclass(frozen=True)
class _Monitor:
    """What every epoch's row is measured on: validation windows and fixed target bin edges."""

    data: SeriesSplits
    info_inputs: np.ndarray
    info_target: np.ndarray
    target_edges: np.ndarray
    info_bins: int

    @classmethod
    def for_data(cls, data: SeriesSplits, config: ForecastConfig) -> _Monitor:
        info_target = data.validation.targets[: config.info_windows, :, 0]
        quantiles = np.arange(1, config.target_bins) / config.target_bins
        return cls(data, data.validation.inputs[: config.info_windows], info_target,
                   np.unique(np.quantile(info_target, quantiles)), config.info_bins)

    def row(self, network: RecurrentNetwork, epoch: int, loss: float,
            grads: Mapping[str, np.ndarray] | None) -> dict[str, float]:
        """One history row (columns in the module docstring); ``grads`` ``None`` at epoch 0."""
        network.eval()
        hidden = run_stepwise(network, self.info_inputs).hidden
        i_xt, i_ty, h_unit = information_plane(hidden, self.info_target, info_bins=self.info_bins,
                                               target_edges=self.target_edges)
        row = {"epoch": epoch, "loss": loss, "validation_loss": forecast_loss(network, self.data.validation),
               "I_XT": i_xt, "I_TY": i_ty, "H_unit": h_unit}
        for layer in LAYERS:
            stats = gradient_statistics(grads[layer]) if grads else (np.nan, np.nan, np.nan)
            row[f"grad_mean_{layer}"], row[f"grad_std_{layer}"], row[f"snr_{layer}"] = stats
        return row


def _train_epoch(network: RecurrentNetwork, optimizer: torch.optim.Optimizer, x_train: torch.Tensor,
                 y_train: torch.Tensor, order: torch.Tensor, batch_size: int,
                 n_batches: int) -> tuple[float, dict[str, np.ndarray]]:
    """One epoch of Adam steps in ``order``; mean minibatch loss and ``(B, P)`` gradients per layer."""
    network.train()
    layers = _layer_parameters(network)
    grads: dict[str, list[np.ndarray]] = {layer: [] for layer in LAYERS}
    losses = []
    for b in range(n_batches):
        idx = order[b * batch_size : (b + 1) * batch_size]
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(network(x_train[idx]), y_train[idx])
        loss.backward()
        for layer, params in layers.items():
            grads[layer].append(torch.cat([p.grad.reshape(-1) for p in params]).numpy().copy())
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses)), {layer: np.stack(g) for layer, g in grads.items()}


def train_forecast(arch: str, data: SeriesSplits, config: ForecastConfig, seed: int) -> ForecastResult:
    """Train a forecaster for ``config.epochs`` epochs and record the monitors every epoch.

    Parameters
    ----------
    arch
        ``"rnn"``, ``"gru"`` or ``"lstm"``.
    data
        Windows of the series (:func:`inforelay.flow.series.prepare_series`).
    config
        Training settings.
    seed
        Seed of the initial weights and the minibatch order.
    """
    torch.set_num_threads(config.threads)
    horizon = data.train.targets.shape[2]
    network = build_network(arch, data.train.inputs.shape[2], config.n_hidden, horizon,
                            output_activation=None, seed=seed)
    optimizer = torch.optim.Adam(network.parameters(), lr=config.learning_rate)
    x_train = torch.from_numpy(data.train.inputs)
    y_train = torch.from_numpy(data.train.targets)
    n_train = x_train.shape[0]
    n_batches = _minibatch_count(n_train, config.batch_size)
    monitor = _Monitor.for_data(data, config)
    rows = [monitor.row(network, 0, forecast_loss(network, data.train), None)]
    for epoch in range(1, config.epochs + 1):
        order = torch.from_numpy(derive_rng("forecast-batches", seed, epoch).permutation(n_train))
        loss, grads = _train_epoch(network, optimizer, x_train, y_train, order, config.batch_size, n_batches)
        rows.append(monitor.row(network, epoch, loss, grads))
    network.eval()
    return ForecastResult(network, pd.DataFrame(rows), seed, forecast_loss(network, data.test))


def record_forecast(network: RecurrentNetwork, windows: SeriesWindows) -> dict[str, np.ndarray]:
    """Every state of a forecaster on windows, from :func:`inforelay.nets.run_stepwise`.

    Returns
    -------
    dict
        float32 ``inputs``, ``hidden``, [``cell``], ``outputs``, ``targets`` (``(n, T, H)``) and
        int64 ``start``: the arrays of :func:`inforelay.flow.series.write_series_recording`.
    """
    run = run_stepwise(network, windows.inputs)
    arrays = {"inputs": windows.inputs, "hidden": run.hidden, "outputs": run.outputs,
              "targets": windows.targets}
    if run.cell is not None:
        arrays["cell"] = run.cell
    recorded = {key: np.asarray(value, dtype=np.float32) for key, value in arrays.items()}
    recorded["start"] = np.asarray(windows.start, dtype=np.int64)
    return recorded
