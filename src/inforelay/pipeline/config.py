"""The experiment as configured: from ``config.yaml`` to library calls.

The workflow scripts stay thin by calling these functions: they turn the
validated config (a plain mapping) into task parameters, data sets, training
settings and network keys. Nothing here imports torch at module level.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from inforelay.core.seeding import derive_rng
from inforelay.tasks.generate import TaskData, generate, parse_delay_regime, task_params

__all__ = [
    "ConfigError",
    "NetworkKey",
    "SPLITS",
    "check_config",
    "network_keys",
    "analysis_delay",
    "make_split",
    "make_evaluation_set",
    "training_config",
    "config_slice",
    "concatenate_task_data",
    "evaluate_by_delay",
    "iter_wildcards",
    "network_keys_from_wildcards",
    "keys_from_path",
]

SPLITS = ("train", "validation", "analysis")


class ConfigError(ValueError):
    """A config value that the schema allows but the experiment cannot use."""


@dataclasses.dataclass(frozen=True, order=True)
class NetworkKey:
    """One trained network of the experiment."""

    task: str
    model: str
    delay: str  # "1".."5" or "random"
    replicate: int

    @property
    def rep(self) -> str:
        """Two-digit replicate label used in file names (``rep-03``)."""
        return f"{self.replicate:02d}"

    def wildcards(self) -> dict[str, str]:
        """The workflow's wildcard values for this network."""
        return {"task": self.task, "model": self.model, "delay": self.delay, "rep": self.rep}

    def label(self) -> str:
        return f"{self.task}/{self.model}/delay-{self.delay}/rep-{self.rep}"


def _get(config: Mapping[str, Any], dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise ConfigError(f"config key '{dotted}' is missing")
        node = node[part]
    return node


def check_config(config: Mapping[str, Any]) -> None:
    """Check what the JSON schema cannot express; raise :class:`ConfigError` naming the key.

    Parameters
    ----------
    config
        The config after schema validation (defaults filled in).
    """
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
    for task in _get(config, "experiment.tasks"):
        try:
            task_params(task, _get(config, f"tasks.{task}"))
        except (ValueError, TypeError) as error:
            raise ConfigError(f"config key 'tasks.{task}': {error}") from None
    training = _get(config, "training")
    if training["batch_size"] > _get(config, "tasks.n_train"):
        raise ConfigError(
            f"config key 'training.batch_size': {training['batch_size']} exceeds tasks.n_train"
        )


def network_keys(config: Mapping[str, Any]) -> list[NetworkKey]:
    """Every network of the experiment, in a stable order."""
    experiment = _get(config, "experiment")
    return [
        NetworkKey(task, model, str(delay), replicate)
        for task in experiment["tasks"]
        for model in experiment["models"]
        for delay in experiment["delays"]
        for replicate in range(int(experiment["replicates"]))
    ]


def iter_wildcards(config: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Wildcard dicts of every network (for ``expand``-like path lists)."""
    for key in network_keys(config):
        yield key.wildcards()


def analysis_delay(config: Mapping[str, Any], delay_regime: str) -> int:
    """The delay of the analysis (recording) set for a training regime.

    Fixed-delay networks are recorded at their training delay. Random-delay
    networks are recorded at ``tasks.random_analysis_delay`` so that every
    sequence of a file shares one answer step.
    """
    regime = parse_delay_regime(delay_regime)
    return int(_get(config, "tasks.random_analysis_delay")) if regime == "random" else int(regime)


def _split_size(config: Mapping[str, Any], split: str) -> int:
    if split not in SPLITS:
        raise ConfigError(f"unknown data split {split!r}; allowed: {', '.join(SPLITS)}")
    return int(_get(config, f"tasks.n_{split}"))


def make_split(config: Mapping[str, Any], task: str, delay_regime: str, split: str) -> TaskData:
    """Generate one data split for a task and training regime, deterministically.

    Train and validation sets follow the training regime (``random`` draws a
    delay per sequence); the analysis set uses :func:`analysis_delay`.
    """
    params = task_params(task, _get(config, f"tasks.{task}"))
    rng = derive_rng("taskdata", task, delay_regime, split)
    choices = tuple(int(d) for d in _get(config, "tasks.delay_choices"))
    delay: int | str
    delay = analysis_delay(config, delay_regime) if split == "analysis" else parse_delay_regime(delay_regime)
    return generate(task, _split_size(config, split), delay, rng, params, delay_choices=choices)


def concatenate_task_data(parts: Sequence[TaskData]) -> TaskData:
    """Stack task data sets of one task along the sample axis (same number of steps)."""
    if not parts:
        raise ValueError("nothing to concatenate")
    first = parts[0]
    stacked = {
        name: np.concatenate([getattr(part, name) for part in parts])
        for name in ("inputs", "targets", "concepts", "delay", "answer_step")
    }
    return dataclasses.replace(first, **stacked)


def make_evaluation_set(config: Mapping[str, Any], task: str) -> TaskData:
    """Sequences at every evaluation delay (paper Fig. 2), padded to one length."""
    params = task_params(task, _get(config, f"tasks.{task}"))
    delays = [int(d) for d in _get(config, "tasks.evaluation_delays")]
    n = int(_get(config, "tasks.n_evaluation"))
    n_steps = params.info_length + max(max(delays), 1)
    parts = [
        generate(task, n, d, derive_rng("taskdata", task, "evaluation", d), params, n_steps=n_steps)
        for d in delays
    ]
    return concatenate_task_data(parts)


def training_config(config: Mapping[str, Any]):  # -> inforelay.nets.training.TrainingConfig
    """The :class:`inforelay.nets.training.TrainingConfig` of the config's ``training`` section."""
    from inforelay.nets.training import TrainingConfig

    return TrainingConfig(**dict(_get(config, "training")))


def config_slice(config: Mapping[str, Any], task: str) -> dict[str, Any]:
    """The part of the config that determines one network (stored in its files)."""
    tasks = _get(config, "tasks")
    return {
        "task": {task: dict(tasks[task])},
        "data": {k: v for k, v in tasks.items() if k not in ("memory", "block")},
        "training": dict(_get(config, "training")),
    }


def evaluate_by_delay(network, data: TaskData):  # -> pandas.DataFrame
    """Sign accuracy of a network at each evaluation delay of a data set.

    Returns a table with one row per delay: ``eval_delay``, ``accuracy`` (over
    all sequence × concept pairs) and ``accuracy_<concept>`` per concept.
    """
    import pandas as pd
    import torch

    from inforelay.nets.models import answers

    with torch.no_grad():
        device = next(network.parameters()).device
        outputs = network(torch.as_tensor(data.inputs, device=device)).cpu().numpy()
    correct = np.sign(answers(outputs, data.answer_step)) == np.sign(data.targets)
    rows = []
    for delay in np.unique(data.delay):
        selected = correct[data.delay == delay]
        row = {"eval_delay": int(delay), "accuracy": float(selected.mean())}
        row.update(
            {f"accuracy_{name}": float(selected[:, c].mean()) for c, name in enumerate(data.concept_names)}
        )
        rows.append(row)
    return pd.DataFrame(rows)


def network_keys_from_wildcards(wildcards: Mapping[str, str]) -> dict[str, Any]:
    """The table keys of one network (``task, model, delay_regime, replicate``)."""
    return {
        "task": wildcards["task"],
        "model": wildcards["model"],
        "delay_regime": str(wildcards["delay"]),
        "replicate": int(wildcards["rep"]),
    }


def keys_from_path(path: str) -> dict[str, Any]:
    """Network keys parsed from a result path ``.../{task}/{model}/delay-{d}/rep-{rep}.ext``."""
    parts = str(path).replace("\\", "/").split("/")
    try:
        task, model, delay, rep = parts[-4], parts[-3], parts[-2], parts[-1]
        if not delay.startswith("delay-") or not rep.startswith("rep-"):
            raise ValueError
        replicate = int(rep.removeprefix("rep-").split(".")[0])
    except (IndexError, ValueError):
        raise ValueError(f"{path}: not a per-network result path (.../task/model/delay-D/rep-NN.ext)") from None
    return {"task": task, "model": model, "delay_regime": delay.removeprefix("delay-"), "replicate": replicate}
