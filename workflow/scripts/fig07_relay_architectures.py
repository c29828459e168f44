"""Paper Fig. 7: relay over time for one network per architecture (rule fig07_relay_architectures)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.figures import fig_relay_architectures

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
fig_relay_architectures(list(sm.input), sm.params.models, sm.output.png)
