"""Experiment files: one open question as a list of pipeline configs (``docs/open-questions.md``).

An experiment file (``config/experiments/<name>.yaml``) names a base config, the settings every
level shares, the levels of the question's axis (each a few dotted config keys and a number to
plot and test it at), the paper's claims to follow across the levels, and the trends it
pre-registers: for a claim, the direction in which its per-network value moves with the level.
Each level is an ordinary run of the workflow (the same rules, its own directory); nothing in
this module runs anything. Reading the file happens in :func:`load_experiment`; everything else
takes the :class:`Experiment`.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DIRECTIONS",
    "Experiment",
    "ExperimentError",
    "Level",
    "Trend",
    "deep_merge",
    "experiment_from_mapping",
    "level_config",
    "load_experiment",
    "set_dotted",
]

#: how a trend's per-network value moves as the level grows
DIRECTIONS = ("increase", "decrease", "either")
_TOP_KEYS = {"question", "base", "set", "axis", "levels", "claims", "trends", "targets"}
#: what a level builds unless the file says otherwise: the claims and the tables behind them
DEFAULT_TARGETS = ("results/claims.csv",)
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ExperimentError(ValueError):
    """An experiment file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Level:
    """One point of the axis: its directory name, the number it is plotted and tested at, and the
    dotted config keys it sets (on top of the experiment's shared settings)."""

    label: str
    value: float
    settings: Mapping[str, Any]


@dataclass(frozen=True)
class Trend:
    """A pre-registered trend: the per-network value of ``claim`` moves in ``direction`` as the
    level grows, tested per task and architecture (Spearman's rho over the networks of every
    level; ``either``: a two-sided test of any monotone change)."""

    claim: str
    direction: str
    why: str = ""


@dataclass(frozen=True)
class Experiment:
    """A parsed experiment file (:func:`load_experiment`).

    Attributes
    ----------
    name
        The file's stem; runs go to ``<runs>/<name>/<level label>/``.
    question
        The open question, in one or two sentences.
    base
        The config the levels start from (a path, relative to the repository root).
    settings
        Dotted config keys every level sets.
    axis
        What the levels' values are (the figures' x label).
    levels
        The axis, in order.
    claims
        The paper's claims whose per-group effects are drawn against the level.
    trends
        The pre-registered across-level tests.
    targets
        What Snakemake builds in each level (default: ``results/claims.csv`` and what it needs;
        ``[all]`` for every figure too).
    source
        The file it was read from.
    """

    name: str
    question: str
    base: str
    settings: Mapping[str, Any]
    axis: str
    levels: tuple[Level, ...]
    claims: tuple[str, ...]
    trends: tuple[Trend, ...] = ()
    source: str = "<mapping>"
    targets: tuple[str, ...] = DEFAULT_TARGETS


def _fail(source: str, key: str, problem: str) -> ExperimentError:
    return ExperimentError(f"{source}: key '{key}': {problem}")


def _settings(value: Any, source: str, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and k for k in value):
        raise _fail(source, key, "must map dotted config keys (e.g. training.n_hidden) to values")
    return dict(value)


def _level(entry: Any, index: int, source: str) -> Level:
    key = f"levels[{index}]"
    if not isinstance(entry, Mapping) or set(entry) - {"label", "value", "set"} or "label" not in entry:
        raise _fail(source, key, "must be a mapping with 'label', 'value' and 'set'")
    label = str(entry["label"])
    if not _LABEL.match(label):
        raise _fail(source, f"{key}.label", f"{label!r} is not a directory name (letters, digits, . _ -)")
    try:
        value = float(entry.get("value", index))
    except (TypeError, ValueError):
        raise _fail(source, f"{key}.value", f"{entry.get('value')!r} is not a number") from None
    return Level(label, value, _settings(entry.get("set"), source, f"{key}.set"))


def _trend(entry: Any, index: int, source: str) -> Trend:
    key = f"trends[{index}]"
    if not isinstance(entry, Mapping) or "claim" not in entry or "direction" not in entry:
        raise _fail(source, key, "must be a mapping with 'claim' and 'direction'")
    if entry["direction"] not in DIRECTIONS:
        raise _fail(source, f"{key}.direction", f"{entry['direction']!r} is not one of {', '.join(DIRECTIONS)}")
    return Trend(str(entry["claim"]), str(entry["direction"]), str(entry.get("why", "")))


def experiment_from_mapping(mapping: Mapping[str, Any], *, name: str, source: str = "<mapping>") -> Experiment:
    """An :class:`Experiment` from a parsed file (see the module docstring for the keys).

    Raises
    ------
    ExperimentError
        Naming ``source`` and the key, for unknown keys, levels without a label or value, repeated
        labels, and trends with an unknown direction.
    """
    if not isinstance(mapping, Mapping):
        raise ExperimentError(f"{source}: an experiment file must be a mapping")
    unknown = sorted(set(mapping) - _TOP_KEYS)
    if unknown:
        raise _fail(source, unknown[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    for required in ("question", "levels", "axis"):
        if required not in mapping:
            raise _fail(source, required, "is required")
    entries = mapping["levels"]
    if not isinstance(entries, Sequence) or isinstance(entries, str) or not entries:
        raise _fail(source, "levels", "must be a non-empty list")
    levels = tuple(_level(entry, i, source) for i, entry in enumerate(entries))
    labels = [level.label for level in levels]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise _fail(source, "levels", f"label(s) {', '.join(repeated)} appear more than once")
    trends = tuple(_trend(entry, i, source) for i, entry in enumerate(mapping.get("trends") or ()))
    return Experiment(
        name=name,
        question=str(mapping["question"]).strip(),
        base=str(mapping.get("base", "config.yaml")),
        settings=_settings(mapping.get("set"), source, "set"),
        axis=str(mapping["axis"]),
        levels=levels,
        claims=tuple(str(c) for c in mapping.get("claims") or ()),
        trends=trends,
        source=source,
        targets=tuple(str(t) for t in mapping.get("targets") or DEFAULT_TARGETS),
    )


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """Read an experiment file; errors name the file (missing, not YAML, bad keys)."""
    path = Path(path)
    if not path.is_file():
        raise ExperimentError(f"{path}: no such experiment file")
    try:
        mapping = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ExperimentError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    return experiment_from_mapping(mapping, name=path.stem, source=str(path))


def set_dotted(config: dict[str, Any], key: str, value: Any, *, source: str = "<experiment>") -> None:
    """Set ``config["a"]["b"]`` for ``key = "a.b"`` in place; every section on the way must exist
    in the base config (a typo names the key instead of creating a section the schema refuses)."""
    parts = key.split(".")
    node: Any = config
    for depth, part in enumerate(parts[:-1]):
        if not isinstance(node, dict) or part not in node:
            raise ExperimentError(f"{source}: config key '{'.'.join(parts[: depth + 1])}' is not in the base config")
        node = node[part]
    if not isinstance(node, dict):
        raise ExperimentError(f"{source}: config key '{'.'.join(parts[:-1])}' is not a section")
    node[parts[-1]] = copy.deepcopy(value)


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overlay``'s keys (nested sections merged, anything else replaced), as
    Snakemake merges a ``--configfile`` over the config."""
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def level_config(experiment: Experiment, level: Level, base: Mapping[str, Any],
                 overlay: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The full config of one level: ``base`` with the experiment's shared settings, then the
    level's own (later keys win), then ``overlay`` (a nested config section mapping: e.g. a
    small version of every level for a test)."""
    config = copy.deepcopy(dict(base))
    for key, value in {**experiment.settings, **level.settings}.items():
        set_dotted(config, key, value, source=experiment.source)
    return deep_merge(config, overlay or {})
