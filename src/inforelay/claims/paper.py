"""The paper's claims (C1 … C17), tested on this run's tables (``results/claims.csv``).

:func:`evaluate_claims` takes tidy tables over all networks and returns one row per (claim,
family, group) in the schema of :mod:`inforelay.claims.engine`, Holm-corrected within each
family, every test as registered in the pre-registration (:mod:`inforelay.claims.preregistration`);
:func:`inforelay.claims.report.claims_markdown` renders them. Every claim, statistic, test, group
and verdict rule: ``docs/claims.md``.

Input tables (column contracts, :data:`~inforelay.claims.groups.TABLE_COLUMNS`)
-------------------------------------------------------------------------------
Every table starts with the network keys ``task`` (str), ``model`` (str: rnn | gru | lstm),
``delay_regime`` (str: "1".."5" | "random") and ``replicate`` (int), one group of rows per network.

``generalization``
    ``eval_delay`` (int), ``accuracy`` (float): one row per network and evaluation delay (Fig. 2).
``knockout``
    ``set_kind`` (baseline | relay | nonrelay | random), ``ranked_concept``, ``k``, ``draw``,
    ``evaluated_concept``, ``accuracy`` — :func:`inforelay.analyses.knockout.knockout_experiment`;
    the pipeline's table adds ``data`` (test | analysis) and ``ablation`` per run.
``noise``
    ``set_kind``, ``ranked_concept``, ``k``, ``level``, ``evaluated_concept``, ``accuracy`` —
    :func:`inforelay.analyses.noise.noise_experiment`.
``stability``
    ``concept``, ``measure`` (r | overlap), ``window`` (all | first), ``value``, ``n_defined`` —
    :func:`inforelay.pipeline.aggregate.stability_table`.
``distribution``
    ``concept``, ``unit``, ``relay``, ``carrier`` (bool) — :func:`~inforelay.pipeline.aggregate.distribution_table`.
``dynamics``
    ``state``, ``concept``, ``arrival``, ``onset``, ``r_first``, ``r_late``, ``max_rise``,
    ``order_rho`` — :func:`inforelay.analyses.relay_dynamics_from_relay_file`.
``attractors``
    ``step_role`` (start | end), ``dispersion``, ``silhouette`` —
    :func:`inforelay.analyses.attractor_scores`.
``latent``
    ``concept`` (or ``states``), ``removal`` (relay | random | none), ``draw``, ``n_removed``,
    ``silhouette``, ``davies_bouldin``, ``calinski_harabasz`` —
    :func:`inforelay.analyses.latent.removal_cluster_scores`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from inforelay.claims.engine import CLAIM_COLUMNS, VerdictRule, finalize
from inforelay.claims.groups import KEYS, NETWORKS_KEY, TABLE_COLUMNS
from inforelay.claims.paper_accuracy import ACCURACY_CLAIMS, accuracy_claims
from inforelay.claims.paper_dynamics import DYNAMICS_CLAIMS, dynamics_claims
from inforelay.claims.paper_knockout import (
    KNOCKOUT_CLAIMS,
    NOISE_CLAIMS,
    knockout_claims,
    noise_claims,
)
from inforelay.claims.paper_stability import STABILITY_CLAIMS, stability_claims
from inforelay.claims.paper_structure import STRUCTURE_CLAIMS, structure_claims
from inforelay.claims.preregistration import Preregistration, PreregistrationError

__all__ = ["CLAIM_COLUMNS", "PAPER_CLAIMS", "TABLE_COLUMNS", "claim_network_values", "evaluate_claims"]


def _claim_order(cid: str) -> tuple[int, str]:
    return (int("".join(ch for ch in cid[1:] if ch.isdigit())), cid)


#: every claim of the paper (id → what the paper says), in report order
PAPER_CLAIMS = dict(
    sorted(
        {**ACCURACY_CLAIMS, **DYNAMICS_CLAIMS, **KNOCKOUT_CLAIMS, **NOISE_CLAIMS, **STABILITY_CLAIMS,
         **STRUCTURE_CLAIMS}.items(),
        key=lambda item: _claim_order(item[0]),
    )
)


#: the family of the claims rerun on the shuffle-corrected relay
BIAS_CORRECTED = "sensitivity: bias-corrected relay"
#: the claims of the distribution table rerun on the corrected relay (the latent ones do not
#: depend on the relay's values, only on its removal order)
_CORRECTED_STRUCTURE = ("C6", "C11")


def _bias_corrected_rows(tables: Mapping[str, pd.DataFrame], reg: Preregistration) -> list:
    """The relay-valued claims (C4, C5, C15, C16 from the stability table; C6, C11 from the
    distribution table) on the shuffle-corrected relay, when its tables are given
    (``stability_corrected``, ``distribution_corrected``)."""
    rows = []
    if "stability_corrected" in tables:
        rows += stability_claims({"stability": tables["stability_corrected"]}, reg,
                                 family=BIAS_CORRECTED)
    if "distribution_corrected" in tables:
        rows += [r for r in structure_claims({"distribution": tables["distribution_corrected"]},
                                             reg, family=BIAS_CORRECTED)
                 if r["id"] in _CORRECTED_STRUCTURE]
    return rows


def evaluate_claims(
    tables: Mapping[str, pd.DataFrame],
    preregistration: Preregistration,
    *,
    training_delays: Sequence[int] = (1, 2, 3, 4, 5),
) -> pd.DataFrame:
    """Test each claim of the paper on tidy result tables, as pre-registered (``docs/claims.md``).

    Parameters
    ----------
    tables
        Any of ``generalization``, ``knockout``, ``noise``, ``stability``, ``distribution``,
        ``latent``, ``dynamics``, ``attractors`` (column contracts in the module docstring), and
        for the bias-corrected sensitivity analysis ``stability_corrected`` and
        ``distribution_corrected`` (the same columns as ``stability`` and ``distribution``). A missing table makes its claims
        ``inconclusive`` with the reason in ``details``; a table with missing columns raises.
    preregistration
        Every claim's statistic, test, null, needed size and family, the family-wise level and
        the knockout runs (:func:`inforelay.claims.preregistration.load_preregistration`). It
        must register every claim of :data:`PAPER_CLAIMS` and nothing else.
    training_delays
        Delays any training regime uses (config key ``tasks.delay_choices``): C1 averages the
        evaluation delays outside them, C9 those longer than all of them.

    Returns
    -------
    pandas.DataFrame
        One row per (claim, family, group), columns :data:`CLAIM_COLUMNS`, in the order of
        :data:`PAPER_CLAIMS` (the primary family first within a claim).
    """
    rows = _claim_rows(tables, preregistration, training_delays)
    order = {cid: i for i, cid in enumerate(PAPER_CLAIMS)}
    families = {"primary": 0, "pooled": 1}
    # stable: groups keep their order within a claim and family
    rows.sort(key=lambda r: (order[r["id"]], families.get(r["family"], 2)))
    return finalize(rows, VerdictRule(preregistration.alpha))


def claim_network_values(
    tables: Mapping[str, pd.DataFrame],
    preregistration: Preregistration,
    *,
    training_delays: Sequence[int] = (1, 2, 3, 4, 5),
) -> pd.DataFrame:
    """The per-network values each claim of the primary analysis tests, as :func:`evaluate_claims`
    computes them (the same arguments).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``task``, ``model``, ``delay_regime``, ``replicate``, ``value``: one row
        per (claim, network) for the claims tested per architecture or against the RNN (a
        claim tested on group contrasts or shares of networks, such as C5a–d or C8c, has no
        per-network value and no row). Values are those of the claim's statistic, before its
        test (e.g. C6: carriers per concept minus 1; C4a: the network's r).
    """
    frames = []
    seen: set[str] = set()
    for row in _claim_rows(tables, preregistration, training_delays):
        values = row.get(NETWORKS_KEY)
        if values is None or row["id"] in seen or str(row["family"]).startswith("sensitivity"):
            continue
        seen.add(row["id"])
        frames.append(values.assign(id=row["id"]))
    columns = ["id", *KEYS, "value"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _claim_rows(tables: Mapping[str, pd.DataFrame], reg: Preregistration,
                training_delays: Sequence[int]) -> list:
    stale = [cid for cid in reg.claims if cid not in PAPER_CLAIMS]
    if stale:
        raise PreregistrationError(f"{reg.source}: registers unknown claim(s) {', '.join(stale)}")
    return [
        *accuracy_claims(tables, training_delays, reg),
        *knockout_claims(tables, reg),
        *noise_claims(tables, reg),
        *stability_claims(tables, reg),
        *structure_claims(tables, reg),
        *dynamics_claims(tables, training_delays, reg),
        *_bias_corrected_rows(tables, reg),
    ]
