"""The classification tasks: parameters, sequence generation, real-world data, task files, scoring.

May import only inforelay.core (plus numpy, h5py, scikit-learn; sktime lazily); never torch or nets.
"""

# the module tasks.generate as `generate_module`: the package's `generate` is the function
from inforelay.tasks import files, params, realworld, scoring, splits
from inforelay.tasks import generate as generate_module
from inforelay.tasks.files import *
from inforelay.tasks.generate import *
from inforelay.tasks.params import *
from inforelay.tasks.realworld import *
from inforelay.tasks.scoring import *
from inforelay.tasks.splits import *

__all__ = [*params.__all__, *generate_module.__all__, *files.__all__, *realworld.__all__, *scoring.__all__, *splits.__all__]
