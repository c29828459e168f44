"""Paper Fig. 7: relay over time for one network per architecture (rule fig07_relay_architectures)."""

from inforelay.pipeline.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_relay_architectures",
         list(sm.input), sm.params.models, sm.output.png)
