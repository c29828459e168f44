"""Cluster quality of h at t_k under relay-ordered vs random unit removal (rule latent)."""

from inforelay.analyses.latent import removal_cluster_scores
from inforelay.core.atomic import write_table
from inforelay.core.seeding import derive_seed
from inforelay.nets.recording import read_activations
from inforelay.pipeline.aggregate import with_keys
from inforelay.pipeline.config import network_keys_from_wildcards
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import read_relay

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
settings = snakemake.params.latent  # noqa: F821
keys = network_keys_from_wildcards(snakemake.wildcards)  # noqa: F821
recording = read_activations(snakemake.input.activations)  # noqa: F821
relay = read_relay(snakemake.input.relay)["hidden"]  # noqa: F821
t_k = relay.analysis_step
table = removal_cluster_scores(
    recording.hidden[:, t_k, :],
    recording.concepts,
    relay.order[t_k],
    n_random=settings["n_random_orders"],
    max_samples=settings["max_samples"],
    seed=derive_seed("latent", *keys.values()),
    concept_names=recording.concept_names,
)
write_table(with_keys(table, keys), snakemake.output[0], {"config": settings})  # noqa: F821
log.info("%s: %d rows", snakemake.output[0], len(table))  # noqa: F821
