"""Stability over time (Figs. 8/9), concept distribution (Figs. 10/11) and relay at t_k (plug-in and
bias-corrected) of every network, from its relay file (rule ``aggregate_relay``; numpy / pandas / h5py)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from inforelay.core.atomic import write_table
from inforelay.core.keys import keys_from_path
from inforelay.pipeline.aggregate import (
    corrected_relay_tables,
    distribution_table,
    dynamics_table,
    relay_table,
    stability_table,
)

__all__ = ["corrected_tables", "relay_tables"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def relay_tables(
    inputs: Sequence[PathLike],
    stability: PathLike,
    distribution: PathLike,
    carrier_method: str,
    relay: PathLike | None = None,
    dynamics: PathLike | None = None,
) -> None:
    """The stability table (Figs. 8/9), the concept-distribution table (Figs. 10/11) and, given
    ``relay``, the relay table (plug-in and bias-corrected relay at t_k) and, given ``dynamics``,
    the relay-dynamics table of every network."""
    files = [(keys_from_path(str(path)), path) for path in inputs]
    tables = {
        stability: stability_table(files, method=carrier_method),
        distribution: distribution_table(files),
    }
    if relay is not None:
        tables[relay] = relay_table(files)
    if dynamics is not None:
        tables[dynamics] = dynamics_table(files)
    for output, table in tables.items():
        write_table(table, output)
        log.info("%s: %d rows", output, len(table))


def corrected_tables(
    inputs: Sequence[PathLike], stability: PathLike, distribution: PathLike, carrier_method: str
) -> None:
    """The stability and concept-distribution tables of every network from its
    shuffle-corrected relay (the bias-corrected sensitivity analysis of the claims)."""
    files = [(keys_from_path(str(path)), path) for path in inputs]
    stab, dist = corrected_relay_tables(files, method=carrier_method)
    for output, table in ((stability, stab), (distribution, dist)):
        write_table(table, output, {"relay": "shuffle-corrected contribution"})
        log.info("%s: %d rows", output, len(table))
