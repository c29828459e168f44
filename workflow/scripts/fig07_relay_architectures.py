"""Paper Fig. 7: relay over time for one network per architecture."""

from inforelay.figures import save
from inforelay.figures.relay import plot_relay_architectures
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import read_relay, read_relay_attrs

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
relays = {
    model: read_relay(path)["hidden"]
    for model, path in zip(snakemake.params.models, snakemake.input)  # noqa: F821
}
first = next(iter(relays.values()))
attrs = read_relay_attrs(snakemake.input[0])  # noqa: F821
figure = plot_relay_architectures(
    {model: relay.contribution for model, relay in relays.items()},
    attrs["concept_names"],
    event_steps=attrs["event_steps"],
    analysis_step=first.analysis_step,
)
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
