"""Paper Figs. 8/9: stability of the relay distribution over time (r, carrier overlap)."""

import pandas as pd

from inforelay.figures import save
from inforelay.figures.stability import plot_stability
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
measure = {"correlation": "r", "overlap": "overlap"}[snakemake.wildcards.measure]  # noqa: F821
table = pd.read_csv(snakemake.input[0], dtype={"delay_regime": str})  # noqa: F821
save(plot_stability(table, measure=measure), snakemake.output.png.removesuffix(".png"))  # noqa: F821
