"""The paper's claims (C1 … C16), tested on this run's tables (``results/claims.csv``).

:func:`evaluate_claims` takes tidy tables over all networks and returns one row per (claim,
group) in the schema of :mod:`inforelay.claims.engine`, Holm-corrected over the whole family;
:func:`inforelay.claims.report.claims_markdown` renders them. Every claim, statistic, test, group
and verdict rule: ``docs/claims.md``.

Input tables (column contracts, :data:`~inforelay.claims.groups.TABLE_COLUMNS`)
-------------------------------------------------------------------------------
Every table starts with the network keys ``task`` (str), ``model`` (str: rnn | gru | lstm),
``delay_regime`` (str: "1".."5" | "random") and ``replicate`` (int), one group of rows per network.

``generalization``
    ``eval_delay`` (int), ``accuracy`` (float): one row per network and evaluation delay (Fig. 2).
``knockout``
    ``set_kind`` (baseline | relay | random), ``ranked_concept``, ``k``, ``draw``,
    ``evaluated_concept``, ``accuracy`` — :func:`inforelay.analyses.knockout.knockout_experiment`.
``stability``
    ``concept``, ``measure`` (r | overlap), ``window`` (all | first), ``value``, ``n_defined`` —
    :func:`inforelay.pipeline.aggregate.stability_table`.
``distribution``
    ``concept``, ``unit``, ``relay``, ``carrier`` (bool) — :func:`~inforelay.pipeline.aggregate.distribution_table`.
``latent``
    ``concept`` (or ``states``), ``removal`` (relay | random | none), ``draw``, ``n_removed``,
    ``silhouette``, ``davies_bouldin``, ``calinski_harabasz`` —
    :func:`inforelay.analyses.latent.removal_cluster_scores`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from inforelay.claims.engine import CLAIM_COLUMNS, VerdictRule, finalize
from inforelay.claims.groups import TABLE_COLUMNS
from inforelay.claims.paper_accuracy import ACCURACY_CLAIMS, accuracy_claims
from inforelay.claims.paper_knockout import KNOCKOUT_CLAIMS, knockout_claims
from inforelay.claims.paper_stability import STABILITY_CLAIMS, stability_claims
from inforelay.claims.paper_structure import STRUCTURE_CLAIMS, structure_claims

__all__ = ["CLAIM_COLUMNS", "PAPER_CLAIMS", "TABLE_COLUMNS", "evaluate_claims"]

#: every claim of the paper, in report order
PAPER_CLAIMS = {
    spec.id: spec
    for spec in sorted(
        (*ACCURACY_CLAIMS, *KNOCKOUT_CLAIMS, *STABILITY_CLAIMS, *STRUCTURE_CLAIMS),
        key=lambda s: (int("".join(ch for ch in s.id[1:] if ch.isdigit())), s.id),
    )
}


def evaluate_claims(
    tables: Mapping[str, pd.DataFrame],
    *,
    alpha: float = 0.05,
    training_delays: Sequence[int] = (1, 2, 3, 4, 5),
) -> pd.DataFrame:
    """Test each claim of the paper on tidy result tables (``docs/claims.md``).

    Parameters
    ----------
    tables
        Any of ``generalization``, ``knockout``, ``stability``, ``distribution``, ``latent``
        (column contracts in the module docstring). A missing table makes its claims
        ``inconclusive`` with the reason in ``details``; a table with missing columns raises.
    alpha
        Family-wise significance level (Holm over every row of the family).
    training_delays
        Delays any training regime uses (config key ``tasks.delay_choices``): C1 averages the
        evaluation delays outside them, C9 those longer than all of them.

    Returns
    -------
    pandas.DataFrame
        One row per (claim, group), columns :data:`CLAIM_COLUMNS`, in the order of
        :data:`PAPER_CLAIMS`.
    """
    rule = VerdictRule(alpha)
    rows = [
        *accuracy_claims(tables, training_delays),
        *knockout_claims(tables),
        *stability_claims(tables),
        *structure_claims(tables),
    ]
    order = {cid: i for i, cid in enumerate(PAPER_CLAIMS)}
    rows.sort(key=lambda r: order[r["id"]])  # stable: groups keep their order within a claim
    return finalize(rows, rule)
