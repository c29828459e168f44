"""The five questions of the flow branch as tested claims (rule flow_claims)."""

import pandas as pd
from pandas.errors import EmptyDataError

from inforelay.claims.flow import evaluate_flow_claims
from inforelay.core.atomic import write_table
from inforelay.pipeline.jobs import setup_job

log = setup_job(snakemake.log, snakemake.threads, snakemake.rule)  # noqa: F821
inputs = snakemake.input  # noqa: F821
try:
    phases = pd.read_csv(inputs.phases)
except EmptyDataError:  # no forecasters configured
    phases = None
claims = evaluate_flow_claims(pd.read_csv(inputs.networks), pd.read_csv(inputs.neurons), phases,
                              alpha=snakemake.params.alpha)  # noqa: F821
write_table(claims, snakemake.output[0], {"alpha": snakemake.params.alpha})  # noqa: F821
for row in claims.itertuples():
    log.info("[%s] %s: %s (value %.3g, p %.3g)", row.branch, row.claim, row.verdict, row.value, row.p_value)
