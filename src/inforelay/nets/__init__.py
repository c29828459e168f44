"""Recurrent networks: models, step-wise runs with knockouts, training, network and activation files.

May import only inforelay.core and inforelay.tasks (plus numpy, h5py, pandas, torch).
"""

from __future__ import annotations

from inforelay.core.lazy import lazy_exports

# Names load on first use (PEP 562): activation files are read with numpy/h5py only, and
# ``import inforelay.nets.recording`` must not pull torch in through this package.
__getattr__, __dir__, __all__ = lazy_exports(
    __name__, ["portable", "models", "adapters", "stepwise", "training", "files", "evaluation", "record", "recording"]
)
