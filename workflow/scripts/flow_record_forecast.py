"""Record every state of one forecaster on non-overlapping windows (rule flow_record_forecast)."""

import numpy as np

from inforelay.core.provenance import provenance_attrs
from inforelay.flow.forecast import record_forecast
from inforelay.flow.series import (
             analysis_windows,
             prepare_from_config,
             write_series_recording,
)
from inforelay.nets.training import load_network
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
forecast = snakemake.params.forecast  # noqa: F821
network, metadata = load_network(snakemake.input.network)  # noqa: F821
data = prepare_from_config(metadata["series"], forecast)
windows = analysis_windows(data, forecast["record_part"])
arrays = record_forecast(network, windows)
mse = float(np.mean((arrays["outputs"] - arrays["targets"]) ** 2))
attrs = {key: metadata[key] for key in ("series", "model", "replicate", "seed", "epochs", "test_loss")}
attrs.update(part=forecast["record_part"], window=data.window, horizon=data.horizon,
             series_mean=data.mean, series_std=data.std, recorded_mse=mse,
             **provenance_attrs(forecast))
write_series_recording(snakemake.output[0], arrays, attrs)  # noqa: F821
log.info("%s: %d windows x %d steps, MSE %.4f", snakemake.output[0], *arrays["hidden"].shape[:2], mse)  # noqa: F821
