# Shared helpers: config validation, wildcard constraints, network lists, paths.
import inforelay.pipeline.config as experiment
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


def canonical(value):
    """A config value with sorted mapping keys: params compare equal however the YAML is ordered."""
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def section(name):
    """One config section as rule params (canonical order)."""
    return canonical(config[name])


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
    return canonical(
        {"params": tasks[wildcards.task], **{k: tasks[k] for k in TASK_SETTINGS}}
    )


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
    return targets + analysis_targets()


def example_network(model=None, task="memory", delay="random"):
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
        "delay": pick(delay, experiment_["delays"], -1),
        "rep": "00",
    }


def example_path(pattern, **preferences):
    return pattern.format(**example_network(**preferences))


def figure_outputs(stem, caption, category):
    """The png (in the report) and pdf outputs of one figure."""
    return {
        "png": report(
            f"results/figures/{stem}.png",
            caption=f"../report/{caption}.rst",
            category=category,
        ),
        "pdf": f"results/figures/{stem}.pdf",
    }


FIGURE_NUMBERS = {
    "knockout": {"memory": "04", "block": "05"},
    "distribution": {"memory": "10", "block": "11"},
}


def analysis_targets():
    """Per-network analyses, tables, figures 3-13 and the claims."""
    tasks = config["experiment"]["tasks"]
    targets = network_paths(
        "results/knockout/{task}/{model}/delay-{delay}/rep-{rep}.csv"
    )
    targets += network_paths(
        "results/latent/{task}/{model}/delay-{delay}/rep-{rep}.csv"
    )
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
