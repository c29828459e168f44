"""Generate a task's evaluation set at every evaluation delay (rule generate_evaluation)."""

from inforelay.core.provenance import provenance_attrs
from inforelay.pipeline.config import make_evaluation_set
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import save_task_data

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
data = make_evaluation_set(snakemake.config, snakemake.wildcards.task)  # noqa: F821
attrs = {"split": "evaluation", **provenance_attrs(snakemake.params.settings)}  # noqa: F821
save_task_data(snakemake.output[0], data, attrs)  # noqa: F821
log.info("%s: %d sequences", snakemake.output[0], len(data.targets))  # noqa: F821
