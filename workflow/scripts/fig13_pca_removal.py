"""Paper Fig. 13: PCA as units are removed in relay order vs at random (one network + all)."""

import pandas as pd

from inforelay.figures import save
from inforelay.figures.latent import plot_removal_pca, plot_removal_scores
from inforelay.nets.recording import read_activations
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import read_relay

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
recording = read_activations(snakemake.input.activations)  # noqa: F821
relay = read_relay(snakemake.input.relay)["hidden"]  # noqa: F821
t_k = relay.analysis_step
figure = plot_removal_pca(
    recording.hidden[:, t_k, :],
    recording.concepts,
    relay.order[t_k],
    pd.read_csv(snakemake.input.scores),  # noqa: F821
    recording.concept_names,
    curve=relay.curve[t_k],
)
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
table = pd.read_csv(snakemake.input.table, dtype={"delay_regime": str})  # noqa: F821
save(plot_removal_scores(table), snakemake.output.summary_png.removesuffix(".png"))  # noqa: F821
