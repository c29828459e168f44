"""Test the paper's claims on the aggregated tables (rule claims)."""

from inforelay.pipeline.runner.jobs import run_step

sm = snakemake  # noqa: F821  (the job, injected by Snakemake's script: directive)
run_step(sm, "inforelay.pipeline.steps.claims:paper_claims",
         {k: v for k, v in sm.input.items() if k != "preregistration"}, sm.input.preregistration,
         sm.output.csv, sm.output.md, sm.params.training_delays,
         sm.params.experiment)
