"""Paper Fig. 6: relay of every unit about every concept over time, one network (rule fig06_relay_time)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.figures:fig_relay_time", sm.input.relay, sm.input.corrected, sm.output.png)
