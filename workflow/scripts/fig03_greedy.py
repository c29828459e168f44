"""Paper Fig. 3: the greedy search and per-unit relay of one network at t_k."""

from inforelay.figures import save
from inforelay.figures.relay import plot_greedy_relay
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import read_relay, read_relay_attrs

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
relay = read_relay(snakemake.input[0])["hidden"]  # noqa: F821
attrs = read_relay_attrs(snakemake.input[0])  # noqa: F821
t_k = relay.analysis_step
figure = plot_greedy_relay(
    relay.curve[t_k], relay.order[t_k], relay.node_relay[t_k], attrs["concept_names"]
)
save(figure, snakemake.output.png.removesuffix(".png"))  # noqa: F821
