"""Tidy tables over all networks from per-network CSV tables (rules ``aggregate_generalization``,
``aggregate_knockout`` and ``aggregate_latent``; pandas only).

Each file's keys come from its path (:func:`inforelay.core.keys.keys_from_path`), so a table's
key columns always name the file its rows came from.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from inforelay.core.atomic import write_table
from inforelay.core.keys import keys_from_path
from inforelay.pipeline.tables import concat_tables

__all__ = ["network_tables"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def network_tables(inputs: Sequence[PathLike], output: PathLike) -> None:
    """Concatenate per-network CSV tables (``results/<kind>/<network>.csv``) into ``output``."""
    table = concat_tables((keys_from_path(str(path)), path) for path in inputs)
    write_table(table, output)
    log.info("%s: %d rows from %d files", output, len(table), len(inputs))
