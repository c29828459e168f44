"""Per-network analyses of trained networks and their relay: knockouts, noise, latent space,
attractors, stability.

May import only inforelay.core, tasks, nets (torch, inside knockout_experiment and noise_experiment only), info and relay.
"""

# knockout and latent re-export every name of knockout_sets and latent_scores
from inforelay.analyses import (
    attractors,
    checks,
    dynamics,
    knockout,
    latent,
    noise,
    stability,
    stability_files,
    summary,
)
from inforelay.analyses.attractors import *
from inforelay.analyses.checks import *
from inforelay.analyses.dynamics import *
from inforelay.analyses.knockout import *
from inforelay.analyses.latent import *
from inforelay.analyses.noise import *
from inforelay.analyses.stability import *
from inforelay.analyses.stability_files import *
from inforelay.analyses.summary import *

__all__ = [
    *attractors.__all__, *checks.__all__, *dynamics.__all__, *knockout.__all__, *latent.__all__, *noise.__all__, *stability.__all__,
    *stability_files.__all__, *summary.__all__,
]
