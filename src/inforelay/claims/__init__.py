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
from inforelay.claims.paper import PAPER_CLAIMS, evaluate_claims
from inforelay.claims.report import claims_markdown, summary_table

__all__ = [
    "CLAIM_COLUMNS",
    "TABLE_COLUMNS",
    "FLOW_CLAIMS",
    "PAPER_CLAIMS",
    "HELD",
    "NOT_HELD",
    "INCONCLUSIVE",
    "ClaimSpec",
    "Evidence",
    "VerdictRule",
    "claim_row",
    "finalize",
    "missing_row",
    "verdict",
    "evaluate_claims",
    "evaluate_flow_claims",
    "claims_markdown",
    "summary_table",
]
