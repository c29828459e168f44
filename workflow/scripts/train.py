"""Train one network to the accuracy bar (rule train)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.train import train

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, train, dict(sm.wildcards), sm.input.train, sm.input.validation, sm.output.network,
         sm.output.history, sm.params.training, sm.params.network_config, threads=sm.threads)
