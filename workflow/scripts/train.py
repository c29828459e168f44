"""Train one network to the accuracy bar (rule train)."""

from inforelay.core.atomic import write_table
from inforelay.nets.training import network_seed, save_network, train_network
from inforelay.pipeline.config import config_slice, training_config
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import load_task_data

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
wc = snakemake.wildcards  # noqa: F821
label = f"{wc.task}/{wc.model}/delay-{wc.delay}/rep-{wc.rep}"
seed = network_seed(wc.task, wc.model, wc.delay, int(wc.rep))
result = train_network(
    wc.model,
    load_task_data(snakemake.input.train),  # noqa: F821
    load_task_data(snakemake.input.validation),  # noqa: F821
    training_config(snakemake.config),  # noqa: F821
    seed,
    label=label,
)
metadata = {
    "task": wc.task,
    "model": wc.model,
    "delay_regime": wc.delay,
    "replicate": int(wc.rep),
    "seed": result.seed,
    "accuracy": result.accuracy,
    "epochs": result.epochs,
    "restarts": result.restarts,
    "config": config_slice(snakemake.config, wc.task),  # noqa: F821
}
write_table(result.history, snakemake.output.history, {"config": metadata["config"]})  # noqa: F821
save_network(snakemake.output.network, result, metadata)  # noqa: F821
log.info("%s: accuracy %.4f after %d epochs, %d restarts", label, result.accuracy, result.epochs, result.restarts)
