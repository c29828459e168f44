"""Paper Fig. 6: relay of every unit about every concept over time, one network (rule fig06_relay_time)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.figures import fig_relay_time

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
fig_relay_time(sm.input[0], sm.output.png)
