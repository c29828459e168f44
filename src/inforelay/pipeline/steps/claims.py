"""The paper's claims, each tested per group on this run's tables (rule ``claims``):
``claims.csv`` (every row) and the readable ``claims.md`` (summary table, then details).
See ``docs/claims.md``."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from inforelay.claims import claims_markdown, evaluate_claims
from inforelay.claims.preregistration import load_preregistration
from inforelay.core.atomic import atomic_path, write_table
from inforelay.core.keys import NETWORK_KEYS
from inforelay.core.provenance import package_versions

__all__ = ["paper_claims"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def paper_claims(tables: Mapping[str, PathLike], preregistration: PathLike, csv_output: PathLike,
                 md_output: PathLike, training_delays: Sequence[int],
                 experiment: Mapping[str, Any]) -> None:
    """Evaluate the claims on ``tables`` (name → CSV: generalization, knockout, noise, stability,
    distribution, latent) as the ``preregistration`` file registers them, and write the claims
    table and its markdown report.

    ``experiment`` (the config section), the package versions and the pre-registration's
    digest head the report; the digest also goes into the table's metadata.
    """
    reg = load_preregistration(preregistration)
    frames = {name: pd.read_csv(path) for name, path in tables.items()}
    claims = evaluate_claims(frames, reg, training_delays=training_delays)
    networks = frames.get("generalization", pd.DataFrame(columns=list(NETWORK_KEYS)))
    shown = os.path.relpath(preregistration) if not os.path.relpath(preregistration).startswith("..") \
        else str(preregistration)
    registered = {"file": shown, "sha256": reg.digest}
    context = {
        "experiment": experiment,
        "n_networks": int(networks.groupby(list(NETWORK_KEYS)).ngroups),
        "versions": package_versions(),
        "alpha": reg.alpha,
        "untested": list(reg.untested),
        "Pre-registration": f"`{shown}` (sha256 `{reg.digest}`)",
    }
    write_table(claims, csv_output, {"preregistration": registered})
    with atomic_path(md_output) as tmp:
        tmp.write_text(claims_markdown(claims, context))
    shown = ["id", "group", "effect", "p_holm", "n", "verdict"]
    log.info("%s:\n%s", csv_output, claims[shown].to_string(index=False))
