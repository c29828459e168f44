"""Stability over time and concept distribution of every network, from its relay file."""

from inforelay.core.atomic import write_table
from inforelay.pipeline.aggregate import distribution_table, stability_table
from inforelay.pipeline.config import keys_from_path
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import CONCEPT_NAMES

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
files = []
for path in snakemake.input:  # noqa: F821
    keys = keys_from_path(path)
    files.append(({**keys, "concept_names": CONCEPT_NAMES[keys["task"]]}, path))
method = snakemake.params.stability["carrier_method"]  # noqa: F821
tables = {
    "stability": stability_table(files, method=method),
    "distribution": distribution_table(files),
}
for name, table in tables.items():
    write_table(table, snakemake.output[name])  # noqa: F821
    log.info("%s: %d rows", snakemake.output[name], len(table))  # noqa: F821
