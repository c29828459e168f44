"""Paper Figs. 8/9: stability of the relay distribution over time (rule fig08_09_stability)."""

from inforelay.pipeline.jobs import setup_job
from inforelay.pipeline.steps.figures import fig_stability

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
setup_job(sm.log, sm.threads, sm.rule)
fig_stability(sm.input[0], sm.wildcards.measure, sm.output.png)
