"""Generate one data split of a task (thin adapter for rule generate_task)."""

from inforelay.core.provenance import provenance_attrs
from inforelay.pipeline.config import make_split
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import save_task_data

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
wc = snakemake.wildcards  # noqa: F821
data = make_split(snakemake.config, wc.task, wc.delay, wc.split)  # noqa: F821
attrs = {"split": wc.split, "delay_regime": wc.delay, **provenance_attrs(snakemake.params.settings)}  # noqa: F821
save_task_data(snakemake.output[0], data, attrs)  # noqa: F821
log.info("%s: %d sequences of %d steps", snakemake.output[0], len(data.targets), data.inputs.shape[1])  # noqa: F821
