"""Concatenate per-network CSV tables into one tidy table (aggregation rules)."""

import pandas as pd

from inforelay.core.atomic import write_table
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
table = pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True)  # noqa: F821
write_table(table, snakemake.output[0])  # noqa: F821
log.info("%s: %d rows from %d files", snakemake.output[0], len(table), len(snakemake.input))  # noqa: F821
