"""Paper Fig. 6: relay of every unit about every concept over time, one network."""

from inforelay.figures import save
from inforelay.figures.relay import plot_relay_over_time
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import read_relay, read_relay_attrs

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
relay = read_relay(snakemake.input[0])["hidden"]  # noqa: F821
attrs = read_relay_attrs(snakemake.input[0])  # noqa: F821
figure = plot_relay_over_time(
    relay.contribution,
    attrs["concept_names"],
    event_steps=attrs["event_steps"],
    analysis_step=relay.analysis_step,
)
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
