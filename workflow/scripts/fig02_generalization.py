"""Paper Fig. 2: accuracy vs evaluation delay (rule fig02_generalization)."""

import pandas as pd

from inforelay.figures import save
from inforelay.figures.generalization import plot_generalization
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
table = pd.read_csv(snakemake.input[0])  # noqa: F821
save(plot_generalization(table), snakemake.output.png.removesuffix(".png"))  # noqa: F821
