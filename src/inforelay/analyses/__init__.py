"""Per-network analyses of trained networks and their relay: knockouts, latent space, stability.

May import only inforelay.core, tasks, nets (torch, inside knockout_experiment only), info and relay.
"""

# the module analyses.knockout_sets as `knockout_sets_module`: the package's `knockout_sets` is
# the function
from inforelay.analyses import (
    checks,
    knockout,
    latent,
    latent_scores,
    stability,
    stability_files,
    summary,
)
from inforelay.analyses import knockout_sets as knockout_sets_module
from inforelay.analyses.checks import *
from inforelay.analyses.knockout import *
from inforelay.analyses.knockout_sets import *
from inforelay.analyses.latent import *
from inforelay.analyses.latent_scores import *
from inforelay.analyses.stability import *
from inforelay.analyses.stability_files import *
from inforelay.analyses.summary import *

__all__ = [
    *checks.__all__, *knockout_sets_module.__all__, *knockout.__all__, *latent_scores.__all__, *latent.__all__,
    *stability.__all__, *stability_files.__all__, *summary.__all__,
]
