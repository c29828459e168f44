"""The public API for users' own networks: record a torch model, find its relays, knock units out.

May import every inforelay package (it sits at the end of the layering, like cli); torch only inside calls.

``inforelay.record``, ``inforelay.knock_out`` (:mod:`inforelay.api.model`), ``inforelay.find_relays``,
``inforelay.Relays`` (:mod:`inforelay.api.relays`), ``inforelay.load_recording`` and
``inforelay.Recording`` (:mod:`inforelay.api.recording`) are these names; tutorial:
``docs/own-model.md``. Names load on first use, so recording a model never imports the relay
package and reading a recording never imports torch.
"""

from __future__ import annotations

import importlib
from typing import Any

HOMES = {
    "record": "model",
    "knock_out": "model",
    "find_relays": "relays",
    "Relays": "relays",
    "load_recording": "recording",
    "Recording": "recording",
}
"""Public name → module of this package that defines it."""

__all__ = ["Recording", "Relays", "find_relays", "knock_out", "load_recording", "record"]


def __getattr__(name: str) -> Any:
    module = HOMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
