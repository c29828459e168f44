"""Train one network to the accuracy bar (rule train)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.train:train",
         dict(sm.wildcards), sm.output.network, sm.output.history, sm.params.data,
         sm.params.training, sm.params.network_config, threads=sm.threads)
