"""Paper Fig. 12: PCA of the hidden state at t_k, coloured by the 8 concept states."""

from inforelay.figures import save
from inforelay.figures.latent import plot_pca_states
from inforelay.nets.recording import read_activations
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
recording = read_activations(snakemake.input[0])  # noqa: F821
t_k = recording.info_length - 1
figure = plot_pca_states(
    recording.hidden[:, t_k, :],
    recording.concepts,
    recording.concept_names,
    title=f"{recording.attrs['model'].upper()}, {recording.attrs['task']} task, t_k = {t_k}",
)
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
