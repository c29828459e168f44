"""Paper Figs. 10/11: how many concepts each unit carries, how many units carry a concept."""

import pandas as pd

from inforelay.figures import save
from inforelay.figures.stability import plot_concept_distribution
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import CONCEPT_NAMES

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
task = snakemake.wildcards.task  # noqa: F821
table = pd.read_csv(snakemake.input[0], dtype={"delay_regime": str})  # noqa: F821
figure = plot_concept_distribution(table, task=task, concept_names=CONCEPT_NAMES[task])
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
