"""The paper's claims about how concepts are laid out (Figs. 10–13): C6, C11, C7a–c, C12–C14.

Inputs: the ``distribution`` table (``concept``, ``unit``, ``carrier`` at ``t_k``) and the
``latent`` table (cluster scores of the 2-PC projection per concept under relay-ordered and
random removal, ``n_removed = 0..N−1``, plus one ``states`` row per network scoring all ``2**C``
concept states). Definitions: ``docs/claims.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pandas as pd

from inforelay.analyses.latent import HIGHER_IS_BETTER, STATES_LABEL
from inforelay.claims.engine import ClaimSpec, missing_row
from inforelay.claims.groups import KEYS, LATENT_SCORE_NAMES, load_table, per_model_rows
from inforelay.claims.statistics import signed_rank_evidence

__all__ = [
    "RANDOM_MARGIN",
    "SMEAR_NEEDED",
    "STATES_NEEDED",
    "STRUCTURE_CLAIMS",
    "structure_claims",
]

Row = dict[str, Any]
_WILCOXON = "one-sided Wilcoxon signed-rank over networks"
#: Kaufman & Rousseeuw: a silhouette below 0.25 means no substantial cluster structure
STATES_NEEDED = 0.25
#: "nodes frequently participate in relaying ... multiple concepts": at least one per network
SMEAR_NEEDED = 1.0
#: "minimal" change of the silhouette under random removal
RANDOM_MARGIN = 0.05

C6 = ClaimSpec(
    "C6",
    "concepts are spread over more than one node (\"individual concepts are not confined to "
    "single nodes\")",
    "per network: mean number of carrier units per concept at t_k (k-means on the C×N relay "
    "matrix) minus 1",
    _WILCOXON,
)
C11 = ClaimSpec(
    "C11",
    "nodes carry more than one concept (\"some nodes appear to store information about more than "
    "one concept\", smearing)",
    "per network: number of units carrying at least two concepts at t_k (k-means on the C×N relay "
    f"matrix); null 0, needed {SMEAR_NEEDED} (\"frequently\": at least one such unit per network)",
    _WILCOXON + " (against 0)",
)
C12 = ClaimSpec(
    "C12",
    "the PCA of the hidden states resolves the 2^C concept states (\"the latent space effectively "
    "resolved these 8 states\")",
    "per network: silhouette of the 2-PC projection of h at t_k labelled by the 2^C concept states; "
    f"null 0 (labels unrelated to the points score ≤ 0), needed {STATES_NEEDED}",
    _WILCOXON + " (against 0)",
)
C13 = ClaimSpec(
    "C13",
    "relay-ordered removal sharpens the clusters (\"removing less critical nodes progressively "
    "sharpens the focus on the clusters\")",
    "per network: silhouette after relay-ordered removal minus with no removal (n_removed 0), "
    "mean over n_removed = 1..N−1 and concepts",
    _WILCOXON,
)
C14 = ClaimSpec(
    "C14",
    "random removal has minimal or negative impact on the clusters (\"we anticipate minimal or "
    "even negative impacts on the PCA\")",
    "per network: silhouette with no removal minus after random removal (mean over random orders, "
    f"n_removed = 1..N−1 and concepts); claim: above −{RANDOM_MARGIN} (equivalence margin)",
    f"one-sided Wilcoxon signed-rank of (effect + {RANDOM_MARGIN}); held also needs the CI above "
    f"−{RANDOM_MARGIN}",
)


def _c7(suffix: str, score: str) -> ClaimSpec:
    better = "higher" if HIGHER_IS_BETTER[score] else "lower"
    return ClaimSpec(
        f"C7{suffix}",
        f"relay-ordered removal keeps clusters better separated than random removal ({score}; "
        "\"contrasting with the effects of random removal\")",
        f"per network: {score} ({better} = better) after relay-ordered minus after random removal "
        "(mean over orders), oriented positive = relay better; mean over n_removed = 1..N−1 and "
        "concepts",
        _WILCOXON,
    )


C7 = {score: _c7(s, score) for s, score in zip("abc", LATENT_SCORE_NAMES)}
STRUCTURE_CLAIMS = (C6, C11, *C7.values(), C12, C13, C14)


def _carrier_values(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per network: mean carriers per concept − 1 (C6) and the number of multi-concept units (C11)."""
    carriers = df.assign(carrier=df["carrier"].astype(bool))
    per_concept = carriers.groupby([*KEYS, "concept"], sort=True)["carrier"].sum()
    spread = (per_concept.groupby(KEYS).mean() - 1.0).rename("value").reset_index()
    per_unit = carriers.groupby([*KEYS, "unit"], sort=True)["carrier"].sum()
    smear = (per_unit >= 2).groupby(KEYS).sum().astype(float).rename("value").reset_index()
    return spread, smear


def _distribution_rows(tables: Mapping[str, pd.DataFrame]) -> list[Row]:
    df = load_table(tables, "distribution")
    if isinstance(df, str):
        return [missing_row(C6, df), missing_row(C11, df)]
    spread, smear = _carrier_values(df)
    n_concepts = df.groupby(KEYS)["concept"].nunique().rename("n_concepts").reset_index()
    smear = smear.merge(n_concepts, on=KEYS)
    single = sorted(smear.loc[smear["n_concepts"] < 2, "task"].unique())
    rows = per_model_rows(C6, spread, signed_rank_evidence)
    rows += [missing_row(C11, f"needs at least two concepts; task {t} has one", group=f"{t}/all")
             for t in single]
    multi = smear[smear["n_concepts"] >= 2]
    if multi.empty:
        return rows + [missing_row(C11, "needs at least two concepts; every task has one")]
    smeared = partial(signed_rank_evidence, needed=SMEAR_NEEDED)
    return rows + per_model_rows(C11, multi, smeared, _smear_note)


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


def _latent_rows(tables: Mapping[str, pd.DataFrame]) -> list[Row]:
    df = load_table(tables, "latent")
    specs = (*C7.values(), C12, C13, C14)
    if isinstance(df, str):
        return [missing_row(spec, df) for spec in specs]
    df["n_removed"] = df["n_removed"].astype(int)
    removal = df[df["concept"] != STATES_LABEL]
    values = {score: _removal_values(removal, score) for score in C7}
    rows: list[Row] = []
    for score, spec in C7.items():
        rows += per_model_rows(spec, values[score]["relay_vs_random"], signed_rank_evidence)
    states = df[df["concept"] == STATES_LABEL]
    if states.empty:
        rows.append(missing_row(C12, f"the latent table has no '{STATES_LABEL}' rows"))
    else:
        per_net = states.groupby(KEYS, sort=True)["silhouette"].mean().rename("value").reset_index()
        rows += per_model_rows(C12, per_net, partial(signed_rank_evidence, needed=STATES_NEEDED))
    silhouette = values["silhouette"]
    rows += per_model_rows(C13, silhouette["relay_vs_none"], signed_rank_evidence)
    margin = partial(signed_rank_evidence, null=-RANDOM_MARGIN, needed=-RANDOM_MARGIN,
                     equivalence=True)
    return rows + per_model_rows(C14, silhouette["none_vs_random"], margin)


def structure_claims(tables: Mapping[str, pd.DataFrame]) -> list[Row]:
    """Rows of C6, C11, C7a–c, C12, C13 and C14."""
    return [*_distribution_rows(tables), *_latent_rows(tables)]
