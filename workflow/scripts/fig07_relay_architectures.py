"""Paper Fig. 7: relay over time for one network per architecture (rule fig07_relay_architectures)."""

from inforelay.pipeline.jobs import run_step
from inforelay.pipeline.steps.figures import fig_relay_architectures

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, fig_relay_architectures, list(sm.input), sm.params.models, sm.output.png)
