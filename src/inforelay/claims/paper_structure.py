"""The paper's claims about how concepts are laid out (Figs. 10–13): C6, C11, C7a–c, C12–C14.

C13b reads C13's "progressively" as a trend over the number of units removed.

Inputs: the ``distribution`` table (``concept``, ``unit``, ``carrier`` at ``t_k``) and the
``latent`` table (cluster scores of the 2-PC projection per concept under relay-ordered and
random removal, ``n_removed = 0..N−1``, plus one ``states`` row per network scoring all ``2**C``
concept states). Definitions: ``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace as dc_replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from inforelay.analyses.latent import HIGHER_IS_BETTER, STATES_LABEL
from inforelay.claims.engine import ClaimSpec, missing_row
from inforelay.claims.groups import KEYS, LATENT_SCORE_NAMES, load_table, per_model_rows
from inforelay.claims.preregistration import Preregistration
from inforelay.claims.statistics import signed_rank_evidence

__all__ = ["STRUCTURE_CLAIMS", "structure_claims"]

Row = dict[str, Any]

#: what the paper says, per claim; the statistic, test and numbers are registered
#: (:mod:`inforelay.claims.preregistration`)
STRUCTURE_CLAIMS = {
    "C6": "concepts are spread over more than one node (\"individual concepts are not confined to "
          "single nodes\")",
    "C7a": "relay-ordered removal keeps clusters better separated than random removal (silhouette; "
           "\"contrasting with the effects of random removal\")",
    "C7b": "relay-ordered removal keeps clusters better separated than random removal "
           "(davies_bouldin; \"contrasting with the effects of random removal\")",
    "C7c": "relay-ordered removal keeps clusters better separated than random removal "
           "(calinski_harabasz; \"contrasting with the effects of random removal\")",
    "C11": "nodes carry more than one concept (\"some nodes appear to store information about "
           "more than one concept\", smearing)",
    "C12": "the PCA of the hidden states resolves the 2^C concept states (\"the latent space "
           "effectively resolved these 8 states\")",
    "C13": "relay-ordered removal sharpens the clusters (\"removing less critical nodes "
           "progressively sharpens the focus on the clusters\")",
    "C13b": "the sharpening grows with every unit removed (\"removing less critical nodes "
            "progressively sharpens the focus on the clusters\", read as a trend)",
    "C14": "random removal has minimal or negative impact on the clusters (\"we anticipate "
           "minimal or even negative impacts on the PCA\")",
}
_C7 = dict(zip(LATENT_SCORE_NAMES, ("C7a", "C7b", "C7c"), strict=True))


def _signed_rank(reg: Preregistration, cid: str) -> Any:
    """The registered signed-rank test of ``cid`` (its null, needed size and, where the needed
    size is the null, the equivalence reading)."""
    null, needed = reg.number(cid, "null"), reg.number(cid, "needed")
    return partial(signed_rank_evidence, null=null, needed=needed,
                   equivalence=bool(np.isfinite(needed) and needed == null and null != 0))


def _carrier_values(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per network: mean carriers per concept − 1 (C6) and the number of multi-concept units (C11)."""
    carriers = df.assign(carrier=df["carrier"].astype(bool))
    per_concept = carriers.groupby([*KEYS, "concept"], sort=True)["carrier"].sum()
    spread = (per_concept.groupby(KEYS).mean() - 1.0).rename("value").reset_index()
    per_unit = carriers.groupby([*KEYS, "unit"], sort=True)["carrier"].sum()
    smear = (per_unit >= 2).groupby(KEYS).sum().astype(float).rename("value").reset_index()
    return spread, smear


def _distribution_rows(tables: Mapping[str, pd.DataFrame], spec: Mapping[str, ClaimSpec],
                       reg: Preregistration) -> list[Row]:
    C6, C11 = spec["C6"], spec["C11"]
    df = load_table(tables, "distribution")
    if isinstance(df, str):
        return [missing_row(C6, df), missing_row(C11, df)]
    spread, smear = _carrier_values(df)
    n_concepts = df.groupby(KEYS)["concept"].nunique().rename("n_concepts").reset_index()
    smear = smear.merge(n_concepts, on=KEYS)
    single = sorted(smear.loc[smear["n_concepts"] < 2, "task"].unique())
    rows = per_model_rows(C6, spread, _signed_rank(reg, "C6"))
    rows += [missing_row(C11, f"needs at least two concepts; task {t} has one", group=f"{t}/all")
             for t in single]
    multi = smear[smear["n_concepts"] >= 2]
    if multi.empty:
        return rows + [missing_row(C11, "needs at least two concepts; every task has one")]
    return rows + per_model_rows(C11, multi, _signed_rank(reg, "C11"), _smear_note)


def _smear_note(nets: pd.DataFrame) -> str:
    share = float((nets["value"] > 0).mean()) if len(nets) else float("nan")
    return f"mean {nets['value'].mean():.3g} units per network; {share:.0%} of networks have one"


def _oriented(df: pd.DataFrame, score: str) -> pd.Series:
    """The score per (network, concept, removal, n_removed), sign-flipped where lower is better."""
    key = [*KEYS, "concept", "removal", "n_removed"]
    s = df.groupby(key, sort=True)[score].mean()
    return s if HIGHER_IS_BETTER[score] else -s


def _per_network(diff: pd.Series) -> pd.DataFrame:
    return diff.dropna().groupby(KEYS).mean().rename("value").reset_index()


def _removal_values(df: pd.DataFrame, score: str) -> dict[str, pd.DataFrame]:
    """Per network, from the removal rows (no ``states`` rows): relay − random (C7), relay − none
    (C13) and none − random (C14) of the oriented ``score``."""
    s = _oriented(df, score).unstack("removal")
    s = s.reset_index(level="n_removed")
    none = s.loc[s["n_removed"] == 0, "relay"].rename("none")
    s = s[s["n_removed"] >= 1].join(none, on=[*KEYS, "concept"])
    return {
        "relay_vs_random": _per_network(s["relay"] - s["random"]),
        "relay_vs_none": _per_network(s["relay"] - s["none"]),
        "none_vs_random": _per_network(s["none"] - s["random"]),
    }


def _sharpening_trend(removal: pd.DataFrame) -> pd.DataFrame:
    """C13b per network: Spearman rho between ``n_removed`` (0..N−1) and the silhouette under
    relay-ordered removal, mean over concepts (``nan`` rhos of constant curves dropped)."""
    relay = removal[removal["removal"] == "relay"]
    curve = relay.groupby([*KEYS, "concept", "n_removed"], sort=True)["silhouette"].mean()
    curve = curve.reset_index()

    def rho(g: pd.DataFrame) -> float:
        x, y = g["n_removed"].to_numpy(float), g["silhouette"].to_numpy(float)
        if np.ptp(x) == 0 or np.ptp(y) == 0:
            return float("nan")
        return float(stats.spearmanr(x, y).statistic)

    per_concept = curve.groupby([*KEYS, "concept"], sort=True).apply(rho, include_groups=False)
    return _per_network(per_concept)


def _latent_rows(tables: Mapping[str, pd.DataFrame], spec: Mapping[str, ClaimSpec],
                 reg: Preregistration) -> list[Row]:
    df = load_table(tables, "latent")
    ids = ("C7a", "C7b", "C7c", "C12", "C13", "C13b", "C14")
    if isinstance(df, str):
        return [missing_row(spec[cid], df) for cid in ids]
    df["n_removed"] = df["n_removed"].astype(int)
    removal = df[df["concept"] != STATES_LABEL]
    values = {score: _removal_values(removal, score) for score in _C7}
    rows: list[Row] = []
    for score, cid in _C7.items():
        rows += per_model_rows(spec[cid], values[score]["relay_vs_random"], _signed_rank(reg, cid))
    states = df[df["concept"] == STATES_LABEL]
    if states.empty:
        rows.append(missing_row(spec["C12"], f"the latent table has no '{STATES_LABEL}' rows"))
    else:
        per_net = states.groupby(KEYS, sort=True)["silhouette"].mean().rename("value").reset_index()
        rows += per_model_rows(spec["C12"], per_net, _signed_rank(reg, "C12"))
    silhouette = values["silhouette"]
    rows += per_model_rows(spec["C13"], silhouette["relay_vs_none"], _signed_rank(reg, "C13"))
    rows += per_model_rows(spec["C13b"], _sharpening_trend(removal), _signed_rank(reg, "C13b"))
    return rows + per_model_rows(spec["C14"], silhouette["none_vs_random"], _signed_rank(reg, "C14"))


def structure_claims(tables: Mapping[str, pd.DataFrame], reg: Preregistration,
                     family: str | None = None) -> list[Row]:
    """Rows of C6, C11, C7a–c, C12, C13, C13b and C14 (``family``: of every row, for a
    sensitivity analysis on other tables)."""
    spec = {cid: reg.spec(cid, text) for cid, text in STRUCTURE_CLAIMS.items()}
    if family is not None:
        spec = {cid: dc_replace(s, family=family) for cid, s in spec.items()}
    return [*_distribution_rows(tables, spec, reg), *_latent_rows(tables, spec, reg)]
