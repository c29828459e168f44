"""Forecasters of the flow study: train one with per-epoch monitors, record its states
(rules ``flow_train_forecast`` and ``flow_record_forecast``; torch). See ``docs/flow.md``."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from inforelay.core.atomic import write_table
from inforelay.core.keys import normalize_keys
from inforelay.core.provenance import provenance_attrs
from inforelay.core.seeds import forecast_seed
from inforelay.flow import analysis_windows, prepare_from_config
from inforelay.flow.forecast import ForecastConfig, record_forecast, train_forecast
from inforelay.flow.series import write_series_recording
from inforelay.nets.files import load_network, save_network

__all__ = ["train_forecaster", "record_forecaster"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]
#: forecaster metadata copied into its recording
_RECORDED_METADATA = ("series", "model", "replicate", "seed", "epochs", "test_loss")


def train_forecaster(key: Mapping[str, Any], network_output: PathLike, history_output: PathLike,
                     forecast: Mapping[str, Any], threads: int = 1) -> None:
    """Train forecaster ``key`` (``series, model, replicate``); write it and its history.

    ``forecast`` is the ``flow.forecast`` config section; ``threads`` the job's CPU threads.
    """
    row = normalize_keys(key)
    data = prepare_from_config(row["series"], forecast)
    seed = forecast_seed(row)
    config = ForecastConfig.from_mapping({**forecast["training"], "threads": threads})
    result = train_forecast(row["model"], data, config, seed)
    metadata = {"series": row["series"], "model": row["model"], "replicate": row["replicate"],
                "seed": seed, "epochs": config.epochs, "test_loss": result.test_loss,
                "config": dict(forecast)}
    write_table(result.history, history_output, {"config": dict(forecast)})
    save_network(network_output, result.network, metadata)
    last = result.history.iloc[-1]
    log.info("%s: loss %.4f, validation %.4f, test %.4f after %d epochs", network_output,
             last["loss"], last["validation_loss"], result.test_loss, config.epochs)


def record_forecaster(network: PathLike, output: PathLike, forecast: Mapping[str, Any]) -> None:
    """Record every state of a forecaster on non-overlapping windows of its series."""
    model, metadata = load_network(network)
    data = prepare_from_config(metadata["series"], forecast)
    arrays = record_forecast(model, analysis_windows(data, forecast["record_part"]))
    mse = float(np.mean((arrays["outputs"] - arrays["targets"]) ** 2))
    attrs = {key: metadata[key] for key in _RECORDED_METADATA}
    attrs.update(part=forecast["record_part"], window=data.window, horizon=data.horizon,
                 series_mean=data.mean, series_std=data.std, recorded_mse=mse,
                 **provenance_attrs(forecast))
    write_series_recording(output, arrays, attrs)
    log.info("%s: %d windows x %d steps, MSE %.4f", output, *arrays["hidden"].shape[:2], mse)
