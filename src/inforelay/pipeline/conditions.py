"""The networks of one condition (task, model, delay regime), as the per-condition rules see them.

A condition's replicates share one job per analysis stage: the job walks its networks one after
another and writes each network's own file, computed exactly as it would be alone (every
network's seed and data come from its own key), so a file never depends on which networks shared
its job (``tests/test_workflow.py`` checks the bytes).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from inforelay.core.keys import NetworkKey

__all__ = ["condition_networks"]

log = logging.getLogger(__name__)


def condition_networks(
    condition: Mapping[str, Any], replicates: Sequence[str | int], *per_network: Sequence[Any]
) -> Iterator[tuple[Any, ...]]:
    """``(key, *files)`` for each replicate of ``condition``, in order.

    Parameters
    ----------
    condition
        The job's wildcards: ``task``, ``model``, ``delay_regime``.
    replicates
        The condition's replicates (``"00"`` or ``0``).
    per_network
        Sequences with one entry per replicate (input and output files, data set names).

    Raises
    ------
    ValueError
        When a sequence has another length than ``replicates`` (a rule that lists its files in
        another order or number than its networks).
    """
    for position, column in enumerate(per_network):
        if len(column) != len(replicates):
            raise ValueError(
                f"{condition}: argument {position + 1} lists {len(column)} entries for "
                f"{len(replicates)} replicates"
            )
    base = {name: condition[name] for name in ("task", "model", "delay_regime")}
    for index, replicate in enumerate(replicates):
        key = NetworkKey.from_mapping({**base, "replicate": replicate})
        log.info("%s", key.label())
        yield (key, *(column[index] for column in per_network))
