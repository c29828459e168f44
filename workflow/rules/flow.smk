# Information flow between neurons (second source document, docs/flow.md): forecasters trained
# on a temperature series and a synthetic series with per-epoch monitors, and the flow analysis
# of those forecasters and of the paper's classification networks. Active when
# config["flow"]["enabled"]; the Snakefile adds flow_targets() to rule all.

# Validate the section here (fills the defaults of workflow/schemas/flow.schema.yaml): JSON-schema
# defaults are not applied through a $ref from config.schema.yaml.
validate(config.setdefault("flow", {}), schema="../schemas/flow.schema.yaml")
FLOW = config["flow"]
FLOW_FORECAST = FLOW["forecast"]
FLOW_NETWORKS = FLOW["networks"]
FORECAST = "{series}/{model}/rep-{rep}"
FORECAST_DIR = "results/flow/forecast/" + FORECAST
FLOW_NETWORK_DIR = "results/flow/networks/" + NETWORK


wildcard_constraints:
    series="temperature|synthetic",


def flow_forecast_keys():
    """Wildcards of every forecaster (series x model x replicate)."""
    return [
        {"series": series, "model": model, "rep": f"{rep:02d}"}
        for series in FLOW_FORECAST["series"]
        for model in FLOW_FORECAST["models"]
        for rep in range(FLOW_FORECAST["replicates"])
    ]


def flow_network_keys():
    """Wildcards of the paper's networks the flow analysis covers (a subset of the experiment;
    null settings mean all of the experiment's)."""
    experiment_ = config["experiment"]
    chosen = {}
    for key in ("tasks", "models", "delays"):
        allowed = [str(value) for value in experiment_[key]]
        wanted = FLOW_NETWORKS[key]
        wanted = allowed if wanted is None else [str(value) for value in wanted]
        extra = sorted(set(wanted) - set(allowed))
        if extra:
            raise WorkflowError(
                f"config key 'flow.networks.{key}': {extra} not in experiment.{key}"
            )
        chosen[key] = wanted
    replicates = FLOW_NETWORKS["replicates"]
    replicates = experiment_["replicates"] if replicates is None else replicates
    if replicates > experiment_["replicates"]:
        raise WorkflowError(
            "config key 'flow.networks.replicates': exceeds experiment.replicates"
        )
    return [
        key.wildcards()
        for key in NETWORKS
        if key.task in chosen["tasks"]
        and key.model in chosen["models"]
        and key.delay in chosen["delays"]
        and key.replicate < replicates
    ]


if FLOW["enabled"] and not (flow_forecast_keys() or flow_network_keys()):
    raise WorkflowError(
        "config key 'flow': enabled, but flow.forecast.series and flow.networks select nothing"
    )


def flow_forecast_paths(pattern):
    return [pattern.format(**key) for key in flow_forecast_keys()]


def flow_network_paths(pattern):
    return [pattern.format(**key) for key in flow_network_keys()]


def flow_figure_stems():
    """Figures that the configured branches can draw."""
    stems = ["flow_graph", "flow_progression"]
    if flow_forecast_keys():
        stems += ["flow_infoplane", "flow_gradients"]
    if flow_network_keys() and FLOW_NETWORKS["relay"]:
        stems += ["flow_relay"]
    return stems


def flow_targets():
    """Final outputs of the flow branch (tables, claims, figures)."""
    tables = ["flow_neurons", "flow_networks", "flow_claims"]
    if flow_forecast_keys():
        tables += ["flow_training", "flow_phases"]
    return [f"results/tables/{name}.csv" for name in tables] + [
        f"results/figures/{stem}.png" for stem in flow_figure_stems()
    ]


def flow_network_inputs(wildcards):
    inputs = {"activations": f"results/activations/{NETWORK}.h5".format(**wildcards)}
    if FLOW_NETWORKS["relay"]:
        inputs["relay"] = f"results/relay/{NETWORK}.h5".format(**wildcards)
    return inputs


def flow_example_inputs(wildcards):
    """One flow file per branch for the flow-graph figure: the first network of each."""
    examples = flow_forecast_paths(FORECAST_DIR + ".flow.h5")[:1]
    examples += flow_network_paths(FLOW_NETWORK_DIR + ".flow.h5")[:1]
    return examples


rule flow_train_forecast:
    output:
        network=FORECAST_DIR + ".pt",
        history=FORECAST_DIR + ".history.csv",
    params:
        forecast=FLOW_FORECAST,
    threads: FLOW_FORECAST["training"]["threads"]
    conda:
        CONDA_ENV
    log:
        log_path("flow_train_forecast", FORECAST),
    benchmark:
        benchmark_path("flow_train_forecast", FORECAST)
    script:
        "../scripts/flow_train_forecast.py"


rule flow_record_forecast:
    input:
        network=rules.flow_train_forecast.output.network,
    output:
        FORECAST_DIR + ".h5",
    params:
        forecast=FLOW_FORECAST,
    conda:
        CONDA_ENV
    log:
        log_path("flow_record_forecast", FORECAST),
    benchmark:
        benchmark_path("flow_record_forecast", FORECAST)
    script:
        "../scripts/flow_record_forecast.py"


rule flow_forecast:
    input:
        rules.flow_record_forecast.output,
    output:
        flow=FORECAST_DIR + ".flow.h5",
        table=FORECAST_DIR + ".flow.csv",
    params:
        analysis=FLOW_FORECAST["analysis"],
        include_cell=FLOW_FORECAST["include_cell"],
    conda:
        CONDA_ENV
    log:
        log_path("flow_forecast", FORECAST),
    benchmark:
        benchmark_path("flow_forecast", FORECAST)
    script:
        "../scripts/flow_analyze.py"


rule flow_network:
    input:
        unpack(flow_network_inputs),
    output:
        flow=FLOW_NETWORK_DIR + ".flow.h5",
        table=FLOW_NETWORK_DIR + ".csv",
    params:
        analysis=FLOW_NETWORKS["analysis"],
        include_cell=FLOW_NETWORKS["include_cell"],
    conda:
        CONDA_ENV
    log:
        log_path("flow_network"),
    benchmark:
        benchmark_path("flow_network")
    script:
        "../scripts/flow_analyze.py"


rule flow_aggregate:
    input:
        forecast_flows=flow_forecast_paths(FORECAST_DIR + ".flow.h5"),
        forecast_tables=flow_forecast_paths(FORECAST_DIR + ".flow.csv"),
        histories=flow_forecast_paths(FORECAST_DIR + ".history.csv"),
        network_flows=flow_network_paths(FLOW_NETWORK_DIR + ".flow.h5"),
        network_tables=flow_network_paths(FLOW_NETWORK_DIR + ".csv"),
    output:
        neurons="results/tables/flow_neurons.csv",
        networks="results/tables/flow_networks.csv",
        training="results/tables/flow_training.csv",
        phases="results/tables/flow_phases.csv",
    params:
        forecast_keys=flow_forecast_keys(),
        network_keys=flow_network_keys(),
        layers=FLOW["layers"],
        phase_layer=FLOW["phase_layer"],
    conda:
        CONDA_ENV
    log:
        "logs/flow_aggregate/flow.log",
    benchmark:
        "benchmarks/flow_aggregate/flow.tsv"
    script:
        "../scripts/flow_aggregate.py"


rule flow_claims:
    input:
        neurons=rules.flow_aggregate.output.neurons,
        networks=rules.flow_aggregate.output.networks,
        phases=rules.flow_aggregate.output.phases,
    output:
        "results/tables/flow_claims.csv",
    params:
        alpha=FLOW["claims_alpha"],
    conda:
        CONDA_ENV
    log:
        "logs/flow_claims/flow.log",
    benchmark:
        "benchmarks/flow_claims/flow.tsv"
    script:
        "../scripts/flow_claims.py"


rule flow_fig_graph:
    input:
        flow_example_inputs,
    output:
        **figure_outputs("flow_graph", "flow_graph", "Information flow"),
    params:
        max_edges=FLOW["figure_edges"],
    conda:
        CONDA_ENV
    log:
        "logs/flow_figures/flow_graph.log",
    benchmark:
        "benchmarks/flow_figures/flow_graph.tsv"
    script:
        "../scripts/flow_figures.py"


rule flow_fig_progression:
    input:
        neurons=rules.flow_aggregate.output.neurons,
    output:
        **figure_outputs("flow_progression", "flow_progression", "Information flow"),
    conda:
        CONDA_ENV
    log:
        "logs/flow_figures/flow_progression.log",
    benchmark:
        "benchmarks/flow_figures/flow_progression.tsv"
    script:
        "../scripts/flow_figures.py"


rule flow_fig_infoplane:
    input:
        training=rules.flow_aggregate.output.training,
    output:
        **figure_outputs("flow_infoplane", "flow_infoplane", "Information flow"),
    conda:
        CONDA_ENV
    log:
        "logs/flow_figures/flow_infoplane.log",
    benchmark:
        "benchmarks/flow_figures/flow_infoplane.tsv"
    script:
        "../scripts/flow_figures.py"


rule flow_fig_gradients:
    input:
        training=rules.flow_aggregate.output.training,
        phases=rules.flow_aggregate.output.phases,
    output:
        **figure_outputs("flow_gradients", "flow_gradients", "Information flow"),
    params:
        phase_layer=FLOW["phase_layer"],
    conda:
        CONDA_ENV
    log:
        "logs/flow_figures/flow_gradients.log",
    benchmark:
        "benchmarks/flow_figures/flow_gradients.tsv"
    script:
        "../scripts/flow_figures.py"


rule flow_fig_relay:
    input:
        neurons=rules.flow_aggregate.output.neurons,
    output:
        **figure_outputs("flow_relay", "flow_relay", "Information flow"),
    conda:
        CONDA_ENV
    log:
        "logs/flow_figures/flow_relay.log",
    benchmark:
        "benchmarks/flow_figures/flow_relay.tsv"
    script:
        "../scripts/flow_figures.py"


localrules:
    flow_aggregate,
    flow_claims,
