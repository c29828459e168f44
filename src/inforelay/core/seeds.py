"""Every seed of the experiment, in one table: which random stream it drives and its key.

Each seed is ``derive_seed(stream, *key)`` and each generator ``derive_rng(stream, *key)``
(:mod:`inforelay.core.seeding`: SHA-256 of the key, the same on every machine). A stream's key is its network's or forecaster's keys, in the *form* the
table names: the table form (``replicate`` an int, ``3``) or the wildcard form (two digits,
``"03"``) — the form is part of the key and gives another seed, so each stream keeps the one it
has always used (``tests/test_pipeline.py`` pins the values).

===================  ==========================================  ================================
stream               drives                                      key
===================  ==========================================  ================================
``network``          a network's initial weights                 task, model, delay, replicate (int)
``restart``          attempt *a* > 0 of a training               network seed, *a*
``batches``          a training attempt's minibatch order        the attempt's seed
``dropout``          a training attempt's dropout masks          the attempt's seed
``taskdata``         a data split (``inforelay.tasks.splits``)   task, delay regime, split[, data set]
``relay``            a relay search's shuffle null               task, model, delay, replicate ("NN")
``knockout``         random knockout sets                        task, model, delay, replicate (int)
``latent``           random removal orders (Fig. 13)             task, model, delay, replicate (int)
``forecast``         a forecaster's weights (flow study)         series, model, replicate (int)
``flow_network``     a flow analysis of a network                task, model, delay, replicate ("NN")
``flow_forecast``    a flow analysis of a forecaster             series, model, replicate ("NN")
``relay-null``       one search's shuffled concepts (generator)  relay seed, state, step, concept
``forecast-batches`` a forecaster's minibatch order (generator)  forecaster seed, epoch
``realworld-split``  a real-world data set's splits              split, seed
``figure``           example sequences drawn in Fig. 1           task
``series``, ``flow`` the flow study's synthetic series and       their own parameters
                     estimator jitter (generators)
===================  ==========================================  ================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inforelay.core.keys import NETWORK_KEYS, normalize_keys, wildcard_keys
from inforelay.core.seeding import derive_seed

__all__ = [
    "SEED_STREAMS",
    "experiment_seed",
    "network_seed",
    "relay_seed",
    "knockout_seed",
    "latent_seed",
    "forecast_seed",
    "flow_seed",
]

#: stream -> the form of the key it is derived from ("table": replicate an int; "wildcards":
#: two-digit replicate; "raw": the values as given)
SEED_STREAMS: dict[str, str] = {
    "network": "table",
    "restart": "raw",
    "batches": "raw",
    "dropout": "raw",
    "taskdata": "raw",
    "relay": "wildcards",
    "knockout": "table",
    "latent": "table",
    "forecast": "table",
    "flow_network": "wildcards",
    "flow_forecast": "wildcards",
    "relay-null": "raw",
    "forecast-batches": "raw",
    "realworld-split": "raw",
    "figure": "raw",
    "series": "raw",
    "flow": "raw",
}


def experiment_seed(stream: str, *key: object) -> int:
    """``derive_seed(stream, *key)`` for a stream of :data:`SEED_STREAMS` (a ValueError otherwise)."""
    if stream not in SEED_STREAMS:
        raise ValueError(f"unknown seed stream {stream!r}; the experiment's: {', '.join(SEED_STREAMS)}")
    return derive_seed(stream, *key)


def _network_key(key: Mapping[str, Any], form: str) -> tuple[Any, ...]:
    row = normalize_keys(key)
    values = {name: row[name] for name in NETWORK_KEYS}
    return tuple((wildcard_keys(values) if form == "wildcards" else values).values())


def network_seed(task: str, model: str, delay: int | str, replicate: int | str) -> int:
    """A network's seed; ``delay`` ``3`` or ``"3"`` and ``replicate`` ``3`` or ``"03"`` give the same."""
    return experiment_seed("network", task, model, str(delay), int(replicate))


def relay_seed(key: Mapping[str, Any]) -> int:
    """Seed of a network's relay shuffle null (wildcard form of its key)."""
    return experiment_seed("relay", *_network_key(key, "wildcards"))


def knockout_seed(key: Mapping[str, Any]) -> int:
    """Seed of a network's random knockout sets (table form of its key)."""
    return experiment_seed("knockout", *_network_key(key, "table"))


def latent_seed(key: Mapping[str, Any]) -> int:
    """Seed of a network's random removal orders (table form of its key)."""
    return experiment_seed("latent", *_network_key(key, "table"))


def forecast_seed(key: Mapping[str, Any]) -> int:
    """Seed of a forecaster of the flow study (table form: ``series, model, replicate`` int)."""
    row = normalize_keys(key)
    return experiment_seed("forecast", row["series"], row["model"], row["replicate"])


def flow_seed(stream: str, key: Mapping[str, Any]) -> int:
    """Seed of a flow analysis (``flow_network`` or ``flow_forecast``; wildcard form of the key)."""
    if stream not in ("flow_network", "flow_forecast"):
        raise ValueError(f"a flow seed stream is 'flow_network' or 'flow_forecast', got {stream!r}")
    return experiment_seed(stream, *wildcard_keys(key).values())
