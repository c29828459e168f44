# inforelay: information relays of recurrent neural networks.
# Reproduces Hintze, Najam & Schossau end to end; see README.md and docs/.
#   snakemake --cores 8                                  # the paper (config.yaml)
#   snakemake --cores 2 --configfile config/quick.yaml   # a few-minute demo
#   snakemake --profile profiles/slurm                   # on a SLURM cluster
from snakemake.utils import min_version

min_version("9.0")


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


rule all:
    default_target: True
    input:
        final_targets() + (flow_targets() if config["flow"]["enabled"] else []),
