"""Paper Figs. 4/5: accuracy per concept after knocking out relay vs random sets."""

import pandas as pd

from inforelay.figures import save
from inforelay.figures.knockout import plot_knockout
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import CONCEPT_NAMES

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
task = snakemake.wildcards.task  # noqa: F821
table = pd.read_csv(snakemake.input[0], dtype={"delay_regime": str})  # noqa: F821
regimes = set(table.loc[table["task"] == task, "delay_regime"])
figure = plot_knockout(
    table,
    task=task,
    delay_regime="random" if "random" in regimes else None,
    concept_names=CONCEPT_NAMES[task],
)
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
