"""Test the paper's claims on the aggregated tables (rule claims)."""

import pandas as pd

from inforelay.claims.paper import claims_markdown, evaluate_claims
from inforelay.core.atomic import atomic_path, write_table
from inforelay.core.provenance import package_versions
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
tables = {name: pd.read_csv(path) for name, path in snakemake.input.items()}  # noqa: F821
claims = evaluate_claims(tables, training_delays=snakemake.params.training_delays)  # noqa: F821
context = {
    "experiment": snakemake.params.experiment,  # noqa: F821
    "n_networks": int(tables["generalization"].groupby(["task", "model", "delay_regime", "replicate"]).ngroups),
    "versions": package_versions(),
}
write_table(claims, snakemake.output.csv)  # noqa: F821
with atomic_path(snakemake.output.md) as tmp:  # noqa: F821
    tmp.write_text(claims_markdown(claims, context))
log.info("\n%s", claims[["claim_id", "verdict", "p_value", "n_networks"]].to_string(index=False))
