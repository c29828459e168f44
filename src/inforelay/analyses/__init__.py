"""Per-network analyses of trained networks and their relay: knockouts, latent space, stability.

May import only inforelay.core, tasks, nets (torch, inside knockout_experiment only), info and relay.
"""

from inforelay.analyses.checks import finite_array, permutation_rows
from inforelay.analyses.knockout import (
    KNOCKOUT_COLUMNS,
    knockout_effects,
    knockout_experiment,
    knockout_summary,
    set_accuracy,
)
from inforelay.analyses.knockout_sets import (
    SET_KINDS,
    knockout_sets,
    rank_units,
    removal_rank,
)
from inforelay.analyses.latent import (
    concept_state_codes,
    pca_projection,
    random_orders,
    removal_cluster_scores,
    stratified_subsample,
)
from inforelay.analyses.latent_scores import HIGHER_IS_BETTER, SCORES, cluster_scores
from inforelay.analyses.stability import (
    CARRIER_METHODS,
    ZERO_TOLERANCE,
    carrier_overlap,
    carrier_sets,
    concept_distribution,
    concepts_per_node,
    consecutive_correlation,
    distribution_table,
    jaccard,
    kmeans_split_1d,
    network_stability_table,
    nodes_per_concept,
)
from inforelay.analyses.stability_files import (
    RELAY_VALUES,
    distribution_from_relay_file,
    relay_values,
    stability_from_relay_file,
)
from inforelay.analyses.summary import check_columns, group_mean_ci, network_key_columns

__all__ = [
    # checks
    "finite_array",
    "permutation_rows",
    # knockouts
    "SET_KINDS",
    "KNOCKOUT_COLUMNS",
    "rank_units",
    "removal_rank",
    "knockout_sets",
    "set_accuracy",
    "knockout_experiment",
    "knockout_summary",
    "knockout_effects",
    # latent space
    "SCORES",
    "HIGHER_IS_BETTER",
    "cluster_scores",
    "pca_projection",
    "concept_state_codes",
    "stratified_subsample",
    "random_orders",
    "removal_cluster_scores",
    # stability and concept distribution
    "CARRIER_METHODS",
    "ZERO_TOLERANCE",
    "kmeans_split_1d",
    "consecutive_correlation",
    "carrier_sets",
    "jaccard",
    "carrier_overlap",
    "concept_distribution",
    "concepts_per_node",
    "nodes_per_concept",
    "network_stability_table",
    "distribution_table",
    "RELAY_VALUES",
    "relay_values",
    "stability_from_relay_file",
    "distribution_from_relay_file",
    # tables over networks
    "network_key_columns",
    "check_columns",
    "group_mean_ci",
]
