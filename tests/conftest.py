"""Shared builders of synthetic result tables (the tidy per-network tables of
``docs/file-formats.md``), used by the claims and the figure tests.

Import them as ``from conftest import ...`` (pytest puts tests/ on ``sys.path``).
Each builder returns plain row dicts for one network, so that a test decides what the values
mean (built to hold, to fail, or random) and draws its random numbers in its own order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest

from inforelay.core.keys import NETWORK_KEYS

MODELS = ("rnn", "gru", "lstm")
REGIMES = ("1", "2", "3", "4", "5", "random")
CONCEPTS = ("A", "B", "C")
MEASURES = ("r", "overlap")
Row = dict[str, Any]


def network_grid(
    n_rep: int,
    tasks: Sequence[str] = ("memory",),
    models: Sequence[str] = MODELS,
    regimes: Sequence[str] = REGIMES,
) -> list[Row]:
    """Network keys of every (task, model, regime, replicate), in that nesting order."""
    return [
        dict(zip(NETWORK_KEYS, net)) for net in itertools.product(tasks, models, regimes, range(n_rep))
    ]


def knockout_rows(
    key: Row,
    relay_accuracy: Callable[[str, str, int], float],
    random_accuracy: Callable[[str, str, int, int], float],
    *,
    concepts: Sequence[str] = CONCEPTS,
    n_units: int = 12,
    n_draws: int = 3,
) -> list[Row]:
    """Knockout rows of one network: a baseline (accuracy 1), then for k = 1 … n_units one relay
    set and ``n_draws`` random sets per (ranked, evaluated) concept pair.

    ``relay_accuracy(ranked, evaluated, k)`` and ``random_accuracy(ranked, evaluated, k, draw)``
    are called in row order.
    """
    rows = []

    def row(set_kind: str, ranked: str, k: int, draw: int, evaluated: str, accuracy: float) -> Row:
        return {
            **key,
            "set_kind": set_kind,
            "ranked_concept": ranked,
            "k": k,
            "draw": draw,
            "evaluated_concept": evaluated,
            "accuracy": accuracy,
        }

    for ranked, evaluated in itertools.product(concepts, concepts):
        rows.append(row("baseline", ranked, 0, 0, evaluated, 1.0))
        for k in range(1, n_units + 1):
            rows.append(row("relay", ranked, k, 0, evaluated, relay_accuracy(ranked, evaluated, k)))
            for draw in range(n_draws):
                accuracy = random_accuracy(ranked, evaluated, k, draw)
                rows.append(row("random", ranked, k, draw, evaluated, accuracy))
    return rows


def stability_rows(
    key: Row, value: Callable[[str, str], float], concepts: Sequence[str] = CONCEPTS
) -> list[Row]:
    """Stability rows of one network: ``value(concept, measure)`` for every concept and measure."""
    return [
        {**key, "concept": c, "measure": m, "value": value(c, m)}
        for c, m in itertools.product(concepts, MEASURES)
    ]


def distribution_rows(
    key: Row,
    carrier: Callable[[int, int], bool],
    relay: Callable[[bool], float] = float,
    *,
    concepts: Sequence[str] = CONCEPTS,
    n_units: int = 12,
) -> list[Row]:
    """Distribution rows of one network: ``carrier(concept_index, unit)`` and ``relay(carrier)``."""
    rows = []
    for (ci, c), u in itertools.product(enumerate(concepts), range(n_units)):
        is_carrier = carrier(ci, u)
        rows.append(
            {**key, "concept": c, "unit": u, "relay": relay(is_carrier), "carrier": is_carrier}
        )
    return rows


def latent_row(
    key: Row, concept: str, removal: str, draw: int, n_removed: int, scores: Iterable[float]
) -> Row:
    """One latent-removal row; ``scores`` = (silhouette, davies_bouldin, calinski_harabasz)."""
    silhouette, davies_bouldin, calinski_harabasz = scores
    return {
        **key,
        "concept": concept,
        "removal": removal,
        "draw": draw,
        "n_removed": n_removed,
        "silhouette": silhouette,
        "davies_bouldin": davies_bouldin,
        "calinski_harabasz": calinski_harabasz,
    }


@pytest.fixture(scope="module")
def tiny_config() -> dict:
    """tests/data/tiny.yaml with the schema's defaults, as Snakemake's validate() fills them in."""
    from pathlib import Path

    import yaml
    from snakemake.utils import validate

    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / "tests" / "data" / "tiny.yaml").read_text())
    validate(config, str(root / "workflow" / "schemas" / "config.schema.yaml"))
    return config
