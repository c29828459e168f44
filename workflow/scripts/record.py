"""Record every state of one network on its analysis set (rule record)."""

from inforelay.core.provenance import provenance_attrs
from inforelay.nets.recording import record_activations, write_activations
from inforelay.nets.training import load_network
from inforelay.pipeline.jobs import setup_job
from inforelay.tasks.generate import load_task_data

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
network, metadata = load_network(snakemake.input.network)  # noqa: F821
data = load_task_data(snakemake.input.data)  # noqa: F821
arrays = record_activations(network, data)
attrs = {
    key: metadata[key]
    for key in ("task", "model", "delay_regime", "replicate", "seed", "accuracy", "epochs", "restarts")
}
attrs.update(
    info_length=data.info_length,
    event_steps=list(data.event_steps),
    concept_names=list(data.concept_names),
    **provenance_attrs(metadata["config"]),
)
write_activations(snakemake.output[0], arrays, attrs)  # noqa: F821
log.info("%s: %s", snakemake.output[0], {k: v.shape for k, v in arrays.items()})  # noqa: F821
