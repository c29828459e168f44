"""Paper Fig. 1: real generated sequences of both tasks (rule fig01_tasks)."""

from inforelay.core.seeding import derive_rng
from inforelay.figures import save
from inforelay.figures.tasks import plot_tasks
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import generate, task_params

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
examples = {
    task: generate(task, 8, snakemake.params.delay, derive_rng("figure", task), task_params(task, settings))  # noqa: F821
    for task, settings in snakemake.params.tasks.items()  # noqa: F821
}
save(plot_tasks(examples["memory"], examples["block"]), snakemake.output.png.removesuffix(".png"))  # noqa: F821
