"""inforelay: information relays of recurrent neural networks.

Packages follow the data (each imports only from packages listed before it, see
``docs/architecture.md``): ``core`` → ``tasks`` → ``nets`` → ``info`` → ``relay`` →
``analyses`` → ``flow`` → ``claims`` → ``figures`` → ``pipeline`` → ``cli``/``api``.

The API for your own network (``docs/own-model.md``)::

    rec = inforelay.record(model, inputs, readout=head)        # torch.nn.RNN/GRU/LSTM or a Cell
    rel = inforelay.find_relays(rec, concepts, answer_step=a)  # rel.to_frame(), rel.plot()
    ko = inforelay.knock_out(model, inputs, units=[3, 7], step=t, readout=head, ablation="mean")
    pa = inforelay.patch(model, inputs, other_inputs, units=[3], step=t, readout=head)
    fx = inforelay.knockout_effects(model, inputs, rel, concepts=c, answer_step=a, readout=head)
    rec.save("my.h5"); inforelay.load_recording("my.h5")

Importing the package is cheap: these names (and torch) load only when used.
"""

from __future__ import annotations

import importlib
from typing import Any

from inforelay.core.version import __version__

_API = ("Recording", "Relays", "find_relays", "knock_out", "knockout_effects", "patch", "plot_knockout_effects", "load_recording", "record", "unit_redundancy")  # from inforelay.api

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """Load the API names on first use (PEP 562), so ``import inforelay`` stays torch-free."""
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("inforelay.api"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
