"""The experiment as configured: checks, network lists and the config slice of each rule.

The workflow validates ``config.yaml`` against ``workflow/schemas`` and then calls
:func:`check_config` for what a schema cannot express. Each rule gets only its slice of the
config as params (:func:`split_settings`, :func:`evaluation_settings`, :func:`network_settings`),
so a job's results depend on exactly the settings its rule names, and the data functions here
(:func:`inforelay.tasks.make_split`, :func:`~inforelay.tasks.make_evaluation_set`) take such a slice, not the whole config.
Real-world tasks (``docs/realworld.md``) take their sequences from a data set: their slices
have no sequence count ``n``, since the data and ``split_fractions`` fix every split's size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inforelay.core.keys import NetworkKey
from inforelay.tasks import SHARED_DATA_SET, SPLITS, is_real_task, parse_delay_regime, task_params

__all__ = [
    "ConfigError",
    "TASK_SETTINGS",
    "canonical",
    "check_config",
    "data_set_name",
    "forecaster_settings",
    "network_keys",
    "conditions",
    "replicate_labels",
    "task_settings",
    "split_settings",
    "evaluation_settings",
    "network_settings",
]

#: the ``tasks`` settings a data set depends on (besides the task's parameters), per kind of set:
#: only these reach a set's rule, so that e.g. a new evaluation delay never retrains a network
TASK_SETTINGS = {
    "train": ("delay_choices",),
    "validation": ("delay_choices",),
    "analysis": ("delay_choices", "random_analysis_delay"),
    "test": ("delay_choices", "random_analysis_delay"),
    "evaluation": ("delay_choices", "evaluation_delays"),
}


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
    experiment = _get(config, "experiment")
    last = int(experiment.get("first_replicate", 0)) + int(experiment["replicates"]) - 1
    if last > 99:
        raise ConfigError(
            f"config key 'experiment.first_replicate': replicates up to {last} asked for; "
            "replicate numbers have two digits (at most 99)"
        )
    if experiment.get("first_replicate", 0) and _get(config, "flow").get("enabled", False):
        raise ConfigError(
            "config key 'experiment.first_replicate': the flow analysis selects the first "
            "replicates from 0; run it with first_replicate 0"
        )
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
        for replicate in replicate_indices(config)
    ]


def conditions(config: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every condition (task, model, delay regime) as wildcards, in :func:`network_keys` order.

    A condition's replicates share one job per analysis stage (``docs/architecture.md``).
    """
    experiment = _get(config, "experiment")
    return [
        {"task": task, "model": model, "delay_regime": str(delay)}
        for task in experiment["tasks"]
        for model in experiment["models"]
        for delay in experiment["delays"]
    ]


def replicate_indices(config: Mapping[str, Any]) -> range:
    """The replicate numbers of every condition: ``experiment.replicates`` of them from
    ``experiment.first_replicate`` (default 0). A later first replicate gives networks (seeds and,
    unless ``tasks.shared_data``, data) that no run from replicate 0 has seen: fresh networks
    for a confirmatory run."""
    experiment = _get(config, "experiment")
    first = int(experiment.get("first_replicate", 0))
    return range(first, first + int(experiment["replicates"]))


def replicate_labels(config: Mapping[str, Any]) -> list[str]:
    """The replicates of every condition as two-digit labels (``"00"``, ``"01"``, ...)."""
    return [f"{replicate:02d}" for replicate in replicate_indices(config)]


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


#: keys of ``flow.forecast`` that only choose which forecasters exist
FORECASTER_SELECTION_KEYS = ("series", "models", "replicates")


def forecaster_settings(forecast: Mapping[str, Any]) -> dict[str, Any]:
    """One forecaster's settings (params of the forecaster rules): the ``flow.forecast`` section
    without the keys that choose which forecasters exist (:data:`FORECASTER_SELECTION_KEYS`: another
    series, model or replicate reruns none of the existing ones) and without
    ``training.threads`` (the rules' ``threads:``; it cannot change a forecaster)."""
    settings = {k: v for k, v in forecast.items() if k not in FORECASTER_SELECTION_KEYS}
    if isinstance(settings.get("training"), Mapping):
        settings["training"] = {
            k: v for k, v in settings["training"].items() if k not in RUNTIME_ONLY_TRAINING_KEYS
        }
    return canonical(settings)


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


def data_set_name(config: Mapping[str, Any], replicate: int | str) -> str:
    """The data set a replicate trains on and is analysed with: ``"rep-NN"`` (its own, the
    default) or :data:`SHARED_DATA_SET` with ``tasks.shared_data: true``.

    The three architectures of one replicate share its data set, so architectures can be
    compared replicate by replicate; replicates never share data unless configured to.
    """
    if bool(_get(config, "tasks").get("shared_data", False)):
        return SHARED_DATA_SET
    return f"rep-{int(replicate):02d}"
