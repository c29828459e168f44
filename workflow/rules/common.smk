# Shared helpers: config validation, wildcard constraints, network lists, paths.
import inforelay.experiment as experiment
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")
try:
    experiment.check_config(config)
except experiment.ConfigError as error:
    raise WorkflowError(f"Invalid config: {error}")


wildcard_constraints:
    task="memory|block",
    model="rnn|gru|lstm",
    delay="[0-9]|random",
    rep="[0-9]{2}",
    split="train|validation|analysis",


NETWORKS = experiment.network_keys(config)
CONDA_ENV = "../../envs/inforelay.yaml"
NETWORK = "{task}/{model}/delay-{delay}/rep-{rep}"
TASK_SETTINGS = ["delay_choices", "evaluation_delays", "random_analysis_delay"]


def network_paths(pattern, **filters):
    """Format `pattern` ({task}, {model}, {delay}, {rep}) for every network, optionally filtered."""
    return [
        pattern.format(**key.wildcards())
        for key in NETWORKS
        if all(getattr(key, name) in allowed for name, allowed in filters.items())
    ]


def task_config(wildcards):
    """The config that determines a task's data: its parameters and the data settings."""
    tasks = config["tasks"]
    return {"params": tasks[wildcards.task], **{k: tasks[k] for k in TASK_SETTINGS}}


def split_config(wildcards):
    return {**task_config(wildcards), "n": config["tasks"][f"n_{wildcards.split}"]}


def evaluation_config(wildcards):
    return {**task_config(wildcards), "n": config["tasks"]["n_evaluation"]}


def log_path(rule_name, pattern=NETWORK):
    return f"logs/{rule_name}/{pattern}.log"


def benchmark_path(rule_name, pattern=NETWORK):
    return f"benchmarks/{rule_name}/{pattern}.tsv"


def final_targets():
    """Everything `snakemake` builds by default for the configured experiment."""
    targets = network_paths(
        "results/activations/{task}/{model}/delay-{delay}/rep-{rep}.h5"
    )
    targets += [
        "results/tables/generalization.csv",
        "results/figures/fig01_tasks.png",
        "results/figures/fig02_generalization.png",
    ]
    return targets
