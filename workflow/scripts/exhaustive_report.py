"""Summary, C3 with greedy and best sets, and the figure of greedy vs exhaustive (rule exhaustive_report)."""

from pathlib import Path

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.exhaustive:exhaustive_report", sm.input[0],
         sm.output.groups, sm.output.claims, str(Path(sm.output.png).with_suffix("")))
