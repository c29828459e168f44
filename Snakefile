# inforelay: information relays of recurrent neural networks.
# Reproduces Hintze, Najam & Schossau end to end; see README.md and docs/.
#   snakemake --cores 8                                  # the paper (config.yaml)
#   snakemake --cores 2 --configfile config/quick.yaml   # a few-minute demo
#   snakemake --profile profiles/slurm                   # on a SLURM cluster
import os

from snakemake.utils import min_version

min_version("9.0")

# HDF5's file locking fails on many shared (NFS/Lustre) file systems; jobs inherit this.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/tasks.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/record.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/relay.smk"
include: "workflow/rules/knockout.smk"
include: "workflow/rules/latent.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/figures_analysis.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/flow.smk"


localrules:
    all,
    aggregate_generalization,
    aggregate_knockout,
    aggregate_latent,
    aggregate_relay,
    claims,
    fig01_tasks,
    fig01_italypower,
    fig02_generalization,
    fig03_greedy,
    fig04_05_knockout,
    fig06_relay_time,
    fig07_relay_architectures,
    fig08_09_stability,
    fig10_11_distribution,
    fig12_pca,
    fig13_pca_removal,
    flow_aggregate,
    flow_claims,
    flow_fig_graph,
    flow_fig_progression,
    flow_fig_infoplane,
    flow_fig_gradients,
    flow_fig_relay,


rule all:
    default_target: True
    input:
        final_targets() + (flow_targets() if config["flow"]["enabled"] else []),
