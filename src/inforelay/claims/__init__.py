"""Claims: the paper's and the flow study's claims, tested on result tables, and their report.
May import core, tasks, nets, info, relay, analyses and flow (never figures, pipeline or cli).
Every claim, statistic, group and verdict rule: ``docs/claims.md``.
"""

from inforelay.claims.engine import (
    CLAIM_COLUMNS,
    HELD,
    INCONCLUSIVE,
    NOT_HELD,
    ClaimSpec,
    Evidence,
    VerdictRule,
    claim_row,
    finalize,
    missing_row,
    verdict,
)
from inforelay.claims.flow import FLOW_CLAIMS, evaluate_flow_claims
from inforelay.claims.groups import TABLE_COLUMNS
from inforelay.claims.paper import PAPER_CLAIMS, claim_network_values, evaluate_claims
from inforelay.claims.report import claims_markdown, summary_table

__all__ = [
    "CLAIM_COLUMNS",
    "FLOW_CLAIMS",
    "HELD",
    "INCONCLUSIVE",
    "NOT_HELD",
    "PAPER_CLAIMS",
    "TABLE_COLUMNS",
    "ClaimSpec",
    "Evidence",
    "VerdictRule",
    "claim_row",
    "claims_markdown",
    "claim_network_values",
    "evaluate_claims",
    "evaluate_flow_claims",
    "finalize",
    "missing_row",
    "summary_table",
    "verdict",
]
