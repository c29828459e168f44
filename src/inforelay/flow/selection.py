"""Which of the experiment's networks the flow analysis covers (the ``flow.networks`` section).

Networks are identified by the keys of :data:`inforelay.core.keys.NETWORK_KEYS`
(``task, model, delay_regime, replicate``); see ``docs/flow.md`` (data and networks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inforelay.core.keys import normalize_keys, wildcard_keys

__all__ = ["select_networks"]

# config list of the experiment / flow.networks section → the network key it selects
_SELECTED_KEYS = (("tasks", "task"), ("models", "model"), ("delays", "delay_regime"))


def _allowed_values(experiment: Mapping[str, Any], selection: Mapping[str, Any]) -> dict[str, set[str]]:
    """The selected values of every key (``None`` in ``selection``: all of the experiment's)."""
    chosen = {}
    for config_key, key in _SELECTED_KEYS:
        allowed = [str(value) for value in experiment[config_key]]
        wanted = allowed if selection.get(config_key) is None else [str(v) for v in selection[config_key]]
        extra = sorted(set(wanted) - set(allowed))
        if extra:
            raise ValueError(f"config key 'flow.networks.{config_key}': {extra} not in experiment.{config_key}")
        chosen[key] = set(wanted)
    return chosen


def _replicate_count(experiment: Mapping[str, Any], selection: Mapping[str, Any]) -> int:
    """How many replicates (the first ones) the selection covers."""
    available = int(experiment["replicates"])
    replicates = selection.get("replicates")
    replicates = available if replicates is None else int(replicates)
    if replicates > available:
        raise ValueError(
            f"config key 'flow.networks.replicates': {replicates} exceeds experiment.replicates"
        )
    return replicates


def select_networks(
    keys: Sequence[Mapping[str, Any]], experiment: Mapping[str, Any], selection: Mapping[str, Any]
) -> list[dict[str, str]]:
    """The networks of the experiment that the flow analysis covers.

    Parameters
    ----------
    keys
        Keys (``task, model, delay_regime, replicate``) of every network of the experiment, as
        wildcards (``replicate="03"``) or table rows (``replicate=3``).
    experiment
        The ``experiment`` config section (``tasks, models, delays, replicates``).
    selection
        The ``flow.networks`` section: ``tasks``, ``models``, ``delays`` (lists, or ``None`` for
        all of the experiment's) and ``replicates`` (the first ones; ``None``: all).

    Returns
    -------
    list of dict
        The selected keys in wildcard form (:func:`inforelay.core.keys.wildcard_keys`), in the
        order of ``keys``.

    Raises
    ------
    ValueError
        Naming the ``flow.networks`` key when it asks for networks the experiment does not have.
    """
    chosen = _allowed_values(experiment, selection)
    replicates = _replicate_count(experiment, selection)
    rows = [normalize_keys(key) for key in keys]
    return [wildcard_keys(row) for row in rows
            if all(row[name] in allowed for name, allowed in chosen.items())
            and row["replicate"] < replicates]
