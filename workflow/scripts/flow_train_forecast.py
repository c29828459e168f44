"""Train one forecaster with per-epoch monitors (rule flow_train_forecast)."""

from inforelay.core.atomic import write_table
from inforelay.core.seeding import derive_seed
from inforelay.flow.forecast import ForecastConfig, train_forecast
from inforelay.flow.series import prepare_from_config
from inforelay.nets.training import save_network
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
wc = snakemake.wildcards  # noqa: F821
forecast = snakemake.params.forecast  # noqa: F821
data = prepare_from_config(wc.series, forecast)
seed = derive_seed("forecast", wc.series, wc.model, int(wc.rep))
config = ForecastConfig.from_mapping({**forecast["training"], "threads": snakemake.threads})  # noqa: F821
result = train_forecast(wc.model, data, config, seed)
metadata = {
    "series": wc.series,
    "model": wc.model,
    "replicate": int(wc.rep),
    "seed": seed,
    "epochs": config.epochs,
    "test_loss": result.test_loss,
    "config": dict(forecast),
}
write_table(result.history, snakemake.output.history, {"config": dict(forecast)})  # noqa: F821
save_network(snakemake.output.network, result.network, metadata)  # noqa: F821
last = result.history.iloc[-1]
log.info("%s/%s/rep-%s: loss %.4f, validation %.4f, test %.4f after %d epochs", wc.series, wc.model,
         wc.rep, last["loss"], last["validation_loss"], result.test_loss, config.epochs)
