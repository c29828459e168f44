"""Open questions as experiments: an experiment file's levels run as ordinary workflow runs,
then their claims are collected, tested for pre-registered trends and drawn against the level
(``docs/open-questions.md``)."""

from inforelay.experiments.collect import collect_claims, collect_values, trend_table
from inforelay.experiments.run import level_directory, read_cost, run_experiment
from inforelay.experiments.spec import (
    Experiment,
    ExperimentError,
    Level,
    Trend,
    experiment_from_mapping,
    level_config,
    load_experiment,
)

__all__ = [
    "Experiment",
    "ExperimentError",
    "Level",
    "Trend",
    "collect_claims",
    "collect_values",
    "experiment_from_mapping",
    "level_config",
    "level_directory",
    "load_experiment",
    "read_cost",
    "run_experiment",
    "trend_table",
]
