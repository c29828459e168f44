"""The classification tasks: parameters, sequence generation, real-world data, task files, scoring.

May import only inforelay.core (plus numpy, h5py, scikit-learn; sktime lazily); never torch or nets.
"""

from inforelay.tasks.files import (
    TASK_FORMAT,
    TASK_FORMAT_VERSION,
    TaskFileError,
    load_task_data,
    save_task_data,
    validate_task_arrays,
)
from inforelay.tasks.generate import TaskData, balanced_concepts, generate
from inforelay.tasks.params import (
    CONCEPT_NAMES,
    REAL_TASKS,
    SPLIT_COUNT_KEYS,
    TASKS,
    BlockParams,
    DelayRegime,
    ItalyPowerParams,
    MemoryParams,
    TaskParams,
    check_task,
    concept_labels,
    is_real_task,
    params_class,
    parse_delay_regime,
    task_params,
)
from inforelay.tasks.realworld import (
    REALWORLD_INSTALL,
    RealDataUnavailable,
    italy_power_split,
    load_italy_power,
    real_task_split,
    split_indices,
    znormalize,
)
from inforelay.tasks.scoring import answer_accuracy, correct_answers

__all__ = [
    "TASKS",
    "REAL_TASKS",
    "CONCEPT_NAMES",
    "SPLIT_COUNT_KEYS",
    "DelayRegime",
    "MemoryParams",
    "BlockParams",
    "ItalyPowerParams",
    "TaskParams",
    "is_real_task",
    "task_params",
    "params_class",
    "check_task",
    "parse_delay_regime",
    "concept_labels",
    "TaskData",
    "balanced_concepts",
    "generate",
    "TASK_FORMAT",
    "TASK_FORMAT_VERSION",
    "TaskFileError",
    "validate_task_arrays",
    "save_task_data",
    "load_task_data",
    "REALWORLD_INSTALL",
    "RealDataUnavailable",
    "load_italy_power",
    "znormalize",
    "split_indices",
    "italy_power_split",
    "real_task_split",
    "correct_answers",
    "answer_accuracy",
]
