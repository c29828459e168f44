# Shared helpers: config validation, wildcard constraints, network and condition lists, paths,
# config slices and the library-code digest of every rule. The logic lives in inforelay.pipeline.
import os
from pathlib import Path

import inforelay.pipeline.config as experiment
from inforelay.pipeline.runner.provenance import script_digest
from inforelay.tasks import is_real_task
import snakemake.benchmark as snakemake_benchmark
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

# Snakemake samples the process tree of every running job for its `benchmark:` file twice a
# second during the job's first 15 s (psutil over /proc, a new thread per sample, all in its one
# scheduling process), then every 30 s. With 8 jobs in flight that sampling was about half of
# Snakemake's own CPU on a 72-network run (docs/performance.md). A job's step CPU is logged by
# the job itself (pipeline.runner.warm), so one sample every 5 s is enough here;
# INFORELAY_BENCHMARK_INTERVAL=0.5 restores Snakemake's default. It changes what the
# benchmark files sample, never a result.
_benchmark_interval = float(os.environ.get("INFORELAY_BENCHMARK_INTERVAL", "5"))
if hasattr(snakemake_benchmark, "BENCHMARK_INTERVAL_SHORT"):
    snakemake_benchmark.BENCHMARK_INTERVAL_SHORT = _benchmark_interval
try:
    experiment.check_config(config)
except experiment.ConfigError as error:
    raise WorkflowError(f"Invalid config: {error}")


wildcard_constraints:
    task="memory|block|italypower",
    model="rnn|gru|lstm",
    delay_regime="[0-9]|random",
    replicate="[0-9]{2}",
    split="train|validation|analysis|test",
    data_set="rep-[0-9]{2}|shared",


NETWORKS = experiment.network_keys(config)
CONDA_ENV = "../../envs/inforelay.yaml"
NETWORK = "{task}/{model}/delay-{delay_regime}/rep-{replicate}"
# a condition: one task, model and delay regime; its replicates share one job per analysis
CONDITION = "{task}/{model}/delay-{delay_regime}"
REPLICATES = experiment.replicate_labels(config)
DATA_SETS = [experiment.data_set_name(config, replicate) for replicate in REPLICATES]
TASK_DATA_KEY = "{task}/delay-{delay_regime}/{data_set}"
TASK_DATA = f"results/tasks/{TASK_DATA_KEY}"
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"


def library_code(script):
    """Digest of the inforelay modules `script` (in workflow/scripts) imports, transitively.

    Every rule has it as its `code` param. Snakemake's code trigger sees only the script;
    with the digest, an edit of the library reruns the jobs that run it
    (inforelay.pipeline.runner.provenance).
    """
    return script_digest(SCRIPTS / script)


def section(name):
    """One config section, as params (canonical order)."""
    return experiment.canonical(config[name])


def network_paths(pattern):
    """Format `pattern` ({task}, {model}, {delay_regime}, {replicate}) for every network."""
    return [pattern.format(**key.wildcards()) for key in NETWORKS]


def per_replicate(pattern):
    """The files of every replicate of a condition: `pattern` ({CONDITION} wildcards left in,
    NETWORK's {replicate} filled in), as one rule's input or output list."""
    return [
        pattern.format(
            task="{task}", model="{model}", delay_regime="{delay_regime}", replicate=r
        )
        for r in REPLICATES
    ]


def split_settings(wildcards):
    return experiment.split_settings(config, wildcards.task, wildcards.split)


def training_data(wildcards):
    """What a network's training and validation sets are made from (rule train)."""
    return {
        "train": experiment.split_settings(config, wildcards.task, "train"),
        "validation": experiment.split_settings(config, wildcards.task, "validation"),
        "data_set": experiment.data_set_name(config, wildcards.replicate),
    }


def analysis_settings(wildcards):
    """What a condition's analysis sets are made from (rules record, knockout)."""
    return experiment.split_settings(config, wildcards.task, "analysis")


def test_settings(wildcards):
    """What a condition's held-out test sets are made from (rules knockout, latent)."""
    return experiment.split_settings(config, wildcards.task, "test")


def knockout_splits(wildcards):
    """What a condition's held-out test sets (every knockout) and analysis sets (the same-data
    sensitivity run) are made from (rule knockout)."""
    return {
        "test": test_settings(wildcards),
        "analysis": analysis_settings(wildcards),
    }


def evaluation_settings(wildcards):
    return experiment.evaluation_settings(config, wildcards.task)


def network_settings(wildcards):
    return experiment.network_settings(config, wildcards.task)


def preregistration():
    """The claims' pre-registration file (config claims.preregistration; relative paths are
    the workflow directory's)."""
    path = Path(config["claims"]["preregistration"])
    return str(path if path.is_absolute() else Path(workflow.basedir) / path)


EXHAUSTIVE_REPLICATES = REPLICATES[: config["exhaustive"]["replicates"]]


def exhaustive_replicates(pattern):
    """`pattern`'s files of a condition's first `exhaustive.replicates` replicates."""
    return [
        pattern.format(
            task="{task}", model="{model}", delay_regime="{delay_regime}", replicate=r
        )
        for r in EXHAUSTIVE_REPLICATES
    ]


def condition_paths(pattern):
    """Format `pattern`'s {task}, {model} and {delay_regime} for every condition (any
    {replicate} is left in)."""
    return [
        pattern.format(**c, replicate="{replicate}")
        for c in experiment.conditions(config)
    ]


def log_path(rule_name, pattern=NETWORK):
    return f"logs/{rule_name}/{pattern}.log"


def benchmark_path(rule_name, pattern=NETWORK):
    return f"benchmarks/{rule_name}/{pattern}.tsv"


def final_targets():
    """Everything `snakemake` builds by default for the configured experiment."""
    # every network's model and recording are targets: deleting one rebuilds it (and what
    # depends on it), not only what happens to be missing further down
    targets = network_paths(f"results/networks/{NETWORK}.pt")
    targets += network_paths(f"results/activations/{NETWORK}.h5")
    targets += [
        "results/tables/generalization.csv",
        "results/tables/relay_null.csv",
        "results/figures/fig02_generalization.png",
    ]
    if config["exhaustive"]["enabled"]:
        targets += [
            "results/exhaustive_claims.csv",
            "results/figures/fig_exhaustive.png",
        ]
    return targets + task_figures() + analysis_targets()


def task_figures():
    """Fig. 1 of the experiment's tasks: the paper's (memory and block) when a synthetic task
    runs, and the real-world task's days (docs/realworld.md) when it runs."""
    tasks = config["experiment"]["tasks"]
    figures = []
    if any(not is_real_task(task) for task in tasks):
        figures.append("results/figures/fig01_tasks.png")
    if "italypower" in tasks:
        figures.append("results/figures/fig01_italypower.png")
    return figures


def example_network(model=None, task="memory", delay_regime="random"):
    """Wildcards of the network shown in single-network figures (paper: memory task).

    Falls back to the experiment's first task/model and last delay regime when the preferred
    ones are not part of the configured experiment.
    """
    experiment_ = config["experiment"]

    def pick(preferred, available, fallback):
        return preferred if preferred in available else available[fallback]

    return {
        "task": pick(task, experiment_["tasks"], 0),
        "model": pick(model, experiment_["models"], 0),
        "delay_regime": pick(delay_regime, experiment_["delays"], -1),
        "replicate": REPLICATES[0],
    }


def example_path(pattern, **preferences):
    return pattern.format(**example_network(**preferences))


# the real-world task has no figure of its own in the paper: it takes the memory task's numbers
FIGURE_NUMBERS = {
    "knockout": {"memory": "04", "block": "05", "italypower": "04"},
    "distribution": {"memory": "10", "block": "11", "italypower": "10"},
}


def analysis_targets():
    """Per-network analyses, tables, figures 3-13 and the claims."""
    tasks = config["experiment"]["tasks"]
    targets = network_paths(f"results/knockout/{NETWORK}.csv")
    targets += network_paths(f"results/noise/{NETWORK}.csv")
    targets += network_paths(f"results/latent/{NETWORK}.csv")
    targets += network_paths(f"results/attractors/{NETWORK}.csv")
    targets += [
        f"results/figures/{stem}.png"
        for stem in [
            "fig03_greedy",
            "fig06_relay_time",
            "fig07_relay_architectures",
            "fig08_correlation",
            "fig09_overlap",
            "fig12_pca",
            "fig13_pca_removal",
        ]
        + [f"fig{FIGURE_NUMBERS['knockout'][t]}_knockout_{t}" for t in tasks]
        + [f"fig{FIGURE_NUMBERS['distribution'][t]}_distribution_{t}" for t in tasks]
    ]
    return targets + ["results/claims.md"]
