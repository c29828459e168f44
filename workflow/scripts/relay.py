"""Relay information over time for one network's recording (rule relay)."""

from inforelay.core.provenance import provenance_attrs
from inforelay.core.seeding import derive_seed
from inforelay.nets.recording import read_activations
from inforelay.pipeline.jobs import setup_job
from inforelay.relay.search import relay_over_time, write_relay

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
settings = snakemake.params.relay  # noqa: F821
recording = read_activations(snakemake.input[0])  # noqa: F821
states = ["hidden"] + (["cell"] if recording.cell is not None else [])
seed = derive_seed("relay", *snakemake.wildcards)  # noqa: F821
results = {
    state: relay_over_time(
        recording,
        state=state,
        method=settings["binarization"],
        n_shuffles=settings["n_shuffles"],
        seed=seed,
    )
    for state in states
}
attrs = {
    key: recording.attrs[key]
    for key in ("task", "model", "delay_regime", "replicate", "info_length", "event_steps", "concept_names")
}
attrs.update(source=snakemake.input[0], **provenance_attrs(settings))  # noqa: F821
write_relay(snakemake.output[0], results, attrs)  # noqa: F821
log.info("%s: states %s, %d samples", snakemake.output[0], states, recording.n_samples)  # noqa: F821
