"""Questions 4 and 5 for one forecaster: learning indicators and drift/diffusion phases.

Inputs are the per-epoch history of :func:`inforelay.flow.forecast.train_forecast` (gradient
signal-to-noise ratio, information-plane coordinates, losses). See ``docs/flow.md`` (the five
questions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inforelay.flow.summary import bottleneck_correlation

__all__ = ["PHASE_METHODS", "phase_boundary", "training_summary"]

PHASE_METHODS = ("threshold", "changepoint")


def _threshold_boundary(snr: np.ndarray) -> int:
    """First epoch from which SNR stays below 1 to the end (−1: none, or no drift phase)."""
    above = np.flatnonzero(snr >= 1.0)
    if above.size == 0 or above[-1] == snr.size - 1:
        return -1
    return int(above[-1] + 1)


def _changepoint_boundary(snr: np.ndarray) -> int:
    """Least-squares single change point of ``log10 SNR`` (−1 if the later mean is not lower)."""
    y = np.log10(snr)
    n = y.size
    s1 = np.cumsum(y)
    s2 = np.cumsum(y**2)
    cuts = np.arange(2, n - 1)  # first segment 0..cut-1
    left = s2[cuts - 1] - s1[cuts - 1] ** 2 / cuts
    right = (s2[-1] - s2[cuts - 1]) - (s1[-1] - s1[cuts - 1]) ** 2 / (n - cuts)
    cut = int(cuts[np.argmin(left + right)])
    if y[cut:].mean() >= y[:cut].mean():
        return -1
    return cut


def phase_boundary(snr: np.ndarray, method: str = "threshold") -> int:
    """Question 5: the epoch where training passes from drift to diffusion (−1: none).

    Parameters
    ----------
    snr
        Gradient signal-to-noise ratio per epoch, ``‖mean gradient‖ / ‖std gradient‖`` over the
        minibatches of the epoch (Shwartz-Ziv & Tishby 2017).
    method
        ``"threshold"``: the first epoch from which SNR stays below 1 until the end (−1 if the
        last epoch is ≥ 1 or SNR is below 1 from the start: then there is no drift phase).
        ``"changepoint"``: the single change point of ``log10 SNR`` (two constant segments, least
        squares, each at least 2 epochs); −1 if the later segment's mean is not lower.
    """
    snr = np.asarray(snr, dtype=np.float64)
    if snr.ndim != 1 or snr.size < 4 or not np.all(np.isfinite(snr)) or np.any(snr <= 0):
        raise ValueError("snr must be a 1-D array of at least 4 positive finite values")
    if method == "threshold":
        return _threshold_boundary(snr)
    if method == "changepoint":
        return _changepoint_boundary(snr)
    raise ValueError(f"method: {method!r} is not 'threshold' or 'changepoint'")


def _phase_columns(trained: pd.DataFrame, column: str) -> dict[str, float]:
    """Phase boundaries (as epochs) and median SNR before / after the threshold boundary."""
    snr = trained[column].to_numpy(dtype=float)
    epochs = trained["epoch"].to_numpy()
    row: dict[str, float] = {}
    for method in PHASE_METHODS:
        index = phase_boundary(snr, method)
        row[f"phase_{method}"] = int(epochs[index]) if index >= 0 else -1
    boundary = phase_boundary(snr, "threshold")
    row["snr_first"] = float(snr[0])
    row["snr_drift"] = float(np.median(snr[:boundary])) if boundary > 0 else float("nan")
    row["snr_diffusion"] = float(np.median(snr[boundary:])) if boundary > 0 else float("nan")
    return row


def _information_columns(history: pd.DataFrame) -> dict[str, float]:
    """Information-plane summary and Spearman correlations with the negative validation loss."""
    i_xt = history["I_XT"].to_numpy(dtype=float)
    top = int(np.argmax(i_xt))
    row: dict[str, float] = {
        "I_XT_max": float(i_xt[top]), "I_XT_max_epoch": int(history["epoch"].iloc[top]),
        "I_XT_final": float(i_xt[-1]), "compression": float(i_xt[top] - i_xt[-1]),
        "I_TY_final": float(history["I_TY"].iloc[-1])}
    learning = -history["validation_loss"].to_numpy(dtype=float)
    for name in ("I_TY", "I_XT", "H_unit"):
        rho, p = bottleneck_correlation(history[name].to_numpy(dtype=float), learning)
        row[f"rho_{name}_learning"], row[f"p_{name}_learning"] = rho, p
    return row


def training_summary(history: pd.DataFrame, *, layer: str = "all") -> dict[str, float]:
    """Questions 4 and 5 for one forecaster, from its per-epoch history.

    Returns
    -------
    dict
        ``phase_threshold`` / ``phase_changepoint``: first diffusion epoch by
        :func:`phase_boundary` (−1: none); ``snr_first`` (SNR of epoch 1), ``snr_drift`` /
        ``snr_diffusion`` (median SNR before / from the threshold boundary; ``nan`` without one);
        ``I_XT_max``, ``I_XT_max_epoch``, ``I_XT_final``, ``compression`` (= max − final, bits);
        ``I_TY_final``; Spearman correlations over epochs of ``I_TY``, ``I_XT`` and ``H_unit``
        with the negative validation loss (``rho_I_TY_learning`` … and their p-values ``p_…``);
        ``loss_final``, ``validation_loss_final``.
    """
    column = f"snr_{layer}"
    missing = {column, "epoch", "I_XT", "I_TY", "H_unit", "validation_loss", "loss"} - set(history)
    if missing:
        raise ValueError(f"history lacks column(s) {', '.join(sorted(missing))}")
    row = _phase_columns(history[history["epoch"] > 0], column)
    row.update(_information_columns(history))
    row["loss_final"] = float(history["loss"].iloc[-1])
    row["validation_loss_final"] = float(history["validation_loss"].iloc[-1])
    return row
