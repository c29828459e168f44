"""Accuracy of one network at every evaluation delay (rule evaluate)."""

from inforelay.core.atomic import write_table
from inforelay.nets.training import load_network
from inforelay.pipeline.config import evaluate_by_delay
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import load_task_data

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
wc = snakemake.wildcards  # noqa: F821
network, _ = load_network(snakemake.input.network)  # noqa: F821
table = evaluate_by_delay(network, load_task_data(snakemake.input.data))  # noqa: F821
table.insert(0, "replicate", int(wc.rep))
table.insert(0, "delay_regime", wc.delay)
table.insert(0, "model", wc.model)
table.insert(0, "task", wc.task)
write_table(table, snakemake.output[0])  # noqa: F821
log.info("%s:\n%s", snakemake.output[0], table.to_string(index=False))  # noqa: F821
