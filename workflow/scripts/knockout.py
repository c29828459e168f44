"""Knock out each concept's relay units and random sets at t_k (rule knockout)."""

from inforelay.analyses.knockout import knockout_experiment, removal_rank
from inforelay.core.atomic import write_table
from inforelay.core.seeding import derive_seed
from inforelay.nets.training import load_network
from inforelay.pipeline.aggregate import with_keys
from inforelay.pipeline.config import network_keys_from_wildcards
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import read_relay
from inforelay.tasks.generate import load_task_data

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
settings = snakemake.params.knockout  # noqa: F821
keys = network_keys_from_wildcards(snakemake.wildcards)  # noqa: F821
network, _ = load_network(snakemake.input.network)  # noqa: F821
relay = read_relay(snakemake.input.relay)["hidden"]  # noqa: F821
t_k = relay.analysis_step
table = knockout_experiment(
    network,
    load_task_data(snakemake.input.data),  # noqa: F821
    removal_rank(relay.order[t_k]),
    knockout_step=t_k,
    mode=settings["mode"],
    n_random=settings["n_random"],
    seed=derive_seed("knockout", *keys.values()),
)
write_table(with_keys(table, keys), snakemake.output[0], {"config": settings})  # noqa: F821
log.info("%s: %d rows, %s", snakemake.output[0], len(table), table.attrs)  # noqa: F821
