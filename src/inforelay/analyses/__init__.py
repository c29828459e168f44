"""Per-network analyses of trained networks and their relay: knockouts, noise, latent space, stability.

May import only inforelay.core, tasks, nets (torch, inside knockout_experiment and noise_experiment only), info and relay.
"""

# knockout and latent re-export every name of knockout_sets and latent_scores
from inforelay.analyses import (
    checks,
    knockout,
    latent,
    noise,
    stability,
    stability_files,
    summary,
)
from inforelay.analyses.checks import *
from inforelay.analyses.knockout import *
from inforelay.analyses.latent import *
from inforelay.analyses.noise import *
from inforelay.analyses.stability import *
from inforelay.analyses.stability_files import *
from inforelay.analyses.summary import *

__all__ = [
    *checks.__all__, *knockout.__all__, *latent.__all__, *noise.__all__, *stability.__all__,
    *stability_files.__all__, *summary.__all__,
]
