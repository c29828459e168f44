"""The experiment as configured: checks, network lists and the config slice of each rule.

The workflow validates ``config.yaml`` against ``workflow/schemas`` and then calls
:func:`check_config` for what a schema cannot express. Each rule gets only its slice of the
config as params (:func:`split_settings`, :func:`evaluation_settings`, :func:`network_settings`),
so a job's results depend on exactly the settings its rule names, and the data functions here
(:func:`make_split`, :func:`make_evaluation_set`) take such a slice, not the whole config.
Real-world tasks (``docs/realworld.md``) take their sequences from a data set: their slices
have no sequence count ``n``, since the data and ``split_fractions`` fix every split's size.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from inforelay.core.keys import NetworkKey
from inforelay.core.seeding import derive_rng
from inforelay.tasks import (
    TaskData,
    generate,
    is_real_task,
    parse_delay_regime,
    real_task_split,
    task_params,
)

__all__ = [
    "ConfigError",
    "SPLITS",
    "TASK_SETTINGS",
    "canonical",
    "check_config",
    "SHARED_DATA_SET",
    "data_set_name",
    "network_keys",
    "task_settings",
    "split_settings",
    "evaluation_settings",
    "network_settings",
    "analysis_delay",
    "make_split",
    "make_evaluation_set",
]

SPLITS = ("train", "validation", "analysis")
#: the ``tasks`` settings a data set depends on (besides the task's parameters), per kind of set:
#: only these reach a set's rule, so that e.g. a new evaluation delay never retrains a network
TASK_SETTINGS = {
    "train": ("delay_choices",),
    "validation": ("delay_choices",),
    "analysis": ("delay_choices", "random_analysis_delay"),
    "evaluation": ("delay_choices", "evaluation_delays"),
}
#: the data set every replicate shares with ``tasks.shared_data: true``
SHARED_DATA_SET = "shared"
_DATA_SET = re.compile(r"rep-[0-9]{2,}")


class ConfigError(ValueError):
    """A config value that the schema allows but the experiment cannot use."""


def _get(config: Mapping[str, Any], dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise ConfigError(f"config key '{dotted}' is missing")
        node = node[part]
    return node


def canonical(value: Any) -> Any:
    """``value`` with mapping keys sorted (recursively): params compare equal however the YAML
    is ordered, so reordering a config file reruns nothing."""
    if isinstance(value, Mapping):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def _check_delays(config: Mapping[str, Any]) -> None:
    for regime in _get(config, "experiment.delays"):
        try:
            parsed = parse_delay_regime(regime)
        except ValueError as error:
            raise ConfigError(f"config key 'experiment.delays': {error}") from None
        if parsed != "random" and int(parsed) < 1:
            raise ConfigError(
                f"config key 'experiment.delays': training delay {regime!r} must be >= 1 or 'random'"
            )
    choices = list(_get(config, "tasks.delay_choices"))
    random_delay = int(_get(config, "tasks.random_analysis_delay"))
    if random_delay not in choices:
        raise ConfigError(
            f"config key 'tasks.random_analysis_delay': {random_delay} is not one of "
            f"tasks.delay_choices {choices}"
        )


def check_config(config: Mapping[str, Any]) -> None:
    """Check what the JSON schema cannot express; raise :class:`ConfigError` naming the key.

    Parameters
    ----------
    config
        The config after schema validation (defaults filled in).
    """
    _check_delays(config)
    for task in _get(config, "experiment.tasks"):
        try:
            task_params(task, _get(config, f"tasks.{task}"))
        except (ValueError, TypeError) as error:
            raise ConfigError(f"config key 'tasks.{task}': {error}") from None
    training = _get(config, "training")
    synthetic = [task for task in _get(config, "experiment.tasks") if not is_real_task(task)]
    if synthetic and training["batch_size"] > _get(config, "tasks.n_train"):
        raise ConfigError(
            f"config key 'training.batch_size': {training['batch_size']} exceeds tasks.n_train"
        )


def network_keys(config: Mapping[str, Any]) -> list[NetworkKey]:
    """Every network of the experiment, in a stable order (task, model, delay, replicate)."""
    experiment = _get(config, "experiment")
    return [
        NetworkKey(task, model, str(delay), replicate)
        for task in experiment["tasks"]
        for model in experiment["models"]
        for delay in experiment["delays"]
        for replicate in range(int(experiment["replicates"]))
    ]


# ------------------------------------------------------------------------- config slices --


def task_settings(config: Mapping[str, Any], task: str, kind: str) -> dict[str, Any]:
    """What determines one kind of data set (a split or ``"evaluation"``) of a task: the task's
    parameters (``params``) and the kind's :data:`TASK_SETTINGS`."""
    tasks = _get(config, "tasks")
    return canonical({"params": tasks[task], **{name: tasks[name] for name in TASK_SETTINGS[kind]}})


def split_settings(config: Mapping[str, Any], task: str, split: str) -> dict[str, Any]:
    """:func:`task_settings` plus the split's size ``n`` (params of rule ``generate_task``);
    no ``n`` for a real-world task, whose splits the data set sizes."""
    if split not in SPLITS:
        raise ConfigError(f"unknown data split {split!r}; allowed: {', '.join(SPLITS)}")
    if is_real_task(task):
        return task_settings(config, task, split)
    return {**task_settings(config, task, split), "n": _get(config, f"tasks.n_{split}")}


def evaluation_settings(config: Mapping[str, Any], task: str) -> dict[str, Any]:
    """:func:`task_settings` plus ``n`` per evaluation delay (rule ``generate_evaluation``);
    no ``n`` for a real-world task (its held-out analysis split at every evaluation delay)."""
    if is_real_task(task):
        return task_settings(config, task, "evaluation")
    return {**task_settings(config, task, "evaluation"), "n": _get(config, "tasks.n_evaluation")}


# Settings that cannot change a trained network (only how fast it trains): changing them must
# not retrain 720 networks.
RUNTIME_ONLY_TRAINING_KEYS = ("threads",)
# The data settings a network's training data depend on.
TRAINING_DATA_KEYS = ("delay_choices", "n_train", "n_validation")


def training_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``training`` section without the keys that cannot change a result (``threads``)."""
    training = dict(_get(config, "training"))
    return canonical({k: v for k, v in training.items() if k not in RUNTIME_ONLY_TRAINING_KEYS})


def network_settings(config: Mapping[str, Any], task: str) -> dict[str, Any]:
    """The config slice stored in every network file and its descendants' provenance: what a
    trained network depends on — the task's parameters, the data settings of its training and
    validation sets, and the training settings (without ``threads``)."""
    tasks = _get(config, "tasks")
    data_keys = ("delay_choices",) if is_real_task(task) else TRAINING_DATA_KEYS
    return canonical(
        {
            "task": {task: dict(tasks[task])},
            "data": {k: tasks[k] for k in data_keys if k in tasks},
            "training": training_settings(config),
        }
    )


# --------------------------------------------------------------------------- data sets --


def analysis_delay(settings: Mapping[str, Any], delay_regime: str) -> int:
    """The delay of the analysis (recording) set of a training regime.

    Fixed-delay networks are recorded at their training delay. Random-delay networks are
    recorded at ``random_analysis_delay`` so that every sequence of a file shares one answer
    step.
    """
    regime = parse_delay_regime(delay_regime)
    return int(settings["random_analysis_delay"]) if regime == "random" else int(regime)


def data_set_name(config: Mapping[str, Any], replicate: int | str) -> str:
    """The data set a replicate trains on and is analysed with: ``"rep-NN"`` (its own, the
    default) or :data:`SHARED_DATA_SET` with ``tasks.shared_data: true``.

    The three architectures of one replicate share its data set, so architectures can be
    compared replicate by replicate; replicates never share data unless configured to.
    """
    if bool(_get(config, "tasks").get("shared_data", False)):
        return SHARED_DATA_SET
    return f"rep-{int(replicate):02d}"


def make_split(
    task: str,
    delay_regime: str,
    split: str,
    settings: Mapping[str, Any],
    data_set: str = SHARED_DATA_SET,
) -> TaskData:
    """Generate one data split of a task, training regime and data set, deterministically.

    ``data_set`` is ``"rep-NN"`` (a replicate's own data, seeded from the task, regime, split
    and replicate) or ``"shared"`` (seeded without a replicate: one set for all replicates).

    Train and validation sets follow the training regime (``random`` draws a delay per
    sequence); the analysis set uses :func:`analysis_delay`. ``settings`` is
    :func:`split_settings`. A real-world task's split holds the data set's days of that split
    (:func:`inforelay.tasks.real_task_split`); the generator then draws only ``random`` delays.
    """
    if split not in SPLITS:
        raise ConfigError(f"unknown data split {split!r}; allowed: {', '.join(SPLITS)}")
    params = task_params(task, settings["params"])
    if data_set != SHARED_DATA_SET and not _DATA_SET.fullmatch(data_set):
        raise ConfigError(f"data set must be 'shared' or 'rep-NN', got {data_set!r}")
    key = ("taskdata", task, delay_regime, split)
    rng = derive_rng(*key) if data_set == SHARED_DATA_SET else derive_rng(*key, data_set)
    choices = tuple(int(d) for d in settings["delay_choices"])
    delay: int | str
    if split == "analysis":
        delay = analysis_delay(settings, delay_regime)
    else:
        delay = parse_delay_regime(delay_regime)
    if is_real_task(task):
        return real_task_split(task, split, delay, rng, params, delay_choices=choices)
    return generate(task, int(settings["n"]), delay, rng, params, delay_choices=choices)


def _concatenate(parts: Sequence[TaskData]) -> TaskData:
    """Stack data sets of one task along the sample axis (same number of steps)."""
    stacked = {
        name: np.concatenate([getattr(part, name) for part in parts])
        for name in ("inputs", "targets", "concepts", "delay", "answer_step")
    }
    return dataclasses.replace(parts[0], **stacked)


def make_evaluation_set(task: str, settings: Mapping[str, Any]) -> TaskData:
    """Sequences at every evaluation delay (paper Fig. 2), padded to one length.

    ``settings`` is :func:`evaluation_settings` (``n`` sequences per delay). A real-world task
    uses its held-out analysis split at every delay, so its generalization is held-out accuracy.
    """
    params = task_params(task, settings["params"])
    delays = [int(d) for d in settings["evaluation_delays"]]
    if not delays:
        raise ConfigError("config key 'tasks.evaluation_delays' is empty")
    n_steps = params.info_length + max(max(delays), 1)
    if is_real_task(task):
        parts = [
            real_task_split(task, "analysis", d, derive_rng("taskdata", task, "evaluation", d), params,
                            n_steps=n_steps)
            for d in delays
        ]
    else:
        parts = [
            generate(task, int(settings["n"]), d, derive_rng("taskdata", task, "evaluation", d),
                     params, n_steps=n_steps)
            for d in delays
        ]
    return _concatenate(parts)
