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
# MKL's and ATen's kernels follow the processor unless told otherwise: the same numbers on
# every machine (inforelay.nets.portable; jobs and the warm job server inherit these).
os.environ.setdefault("MKL_CBWR", "COMPATIBLE")
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/tasks.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/analyses.smk"
include: "workflow/rules/bias.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/figures_analysis.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/exhaustive.smk"
include: "workflow/rules/flow.smk"


localrules:
    all,


rule all:
    default_target: True
    input:
        final_targets() + (flow_targets() if config["flow"]["enabled"] else []),
