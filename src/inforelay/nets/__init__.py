"""Recurrent networks: models, step-wise runs with knockouts, training, network and activation files.

May import only inforelay.core and inforelay.tasks (plus numpy, h5py, pandas, torch).
"""

# Names load on first use (PEP 562): activation files are read with numpy/h5py only, and
# ``import inforelay.nets.recording`` must not pull torch in through this package.
from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "models": ("ARCHITECTURES", "OUTPUT_ACTIVATIONS", "RecurrentNetwork", "build_network"),
    "adapters": ("CellAdapter", "RNNAdapter", "GRUAdapter", "LSTMAdapter", "adapter_for", "layer_inputs"),
    "stepwise": (
        "KnockoutMode",
        "StepwiseRun",
        "Readout",
        "NetworkReadout",
        "CallableReadout",
        "answers",
        "run_recurrent",
        "run_stepwise",
    ),
    "training": (
        "TrainingConfig",
        "TrainingFailed",
        "TrainResult",
        "attempt_seed",
        "network_seed",
        "resolve_device",
        "train_network",
    ),
    "files": ("NETWORK_FORMAT", "NETWORK_FORMAT_VERSION", "NetworkFileError", "network_bytes", "save_network", "load_network"),
    "evaluation": ("network_outputs", "accuracy_by_delay", "evaluate_by_delay"),
    "record": ("record_activations", "run_module"),
    "recording": ("ACTIVATIONS", "ActivationFileError", "Activations", "DATASETS", "REQUIRED_ATTRS", "read_activations", "write_activations"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [name for names in _HOMES.values() for name in names]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
