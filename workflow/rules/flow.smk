# Information flow between neurons (second source document, docs/flow.md): forecasters trained
# on a temperature series and a synthetic series with per-epoch monitors, and the flow analysis
# of those forecasters and of the paper's classification networks. Active when
# config["flow"]["enabled"]; the Snakefile adds flow_targets() to rule all.
from inforelay.core.keys import wildcard_keys
from inforelay.flow import select_networks

# Validate the section here (fills the defaults of workflow/schemas/flow.schema.yaml): JSON-schema
# defaults are not applied through a $ref from config.schema.yaml.
validate(config.setdefault("flow", {}), schema="../schemas/flow.schema.yaml")
# canonical: params compare equal however the YAML is ordered
FLOW = experiment.canonical(config["flow"])
FLOW_FORECAST = FLOW["forecast"]
# One forecaster's settings: the section without the keys that only choose which forecasters
# exist (another series, model or replicate reruns none of the existing forecasters) and
# without training.threads (the rule's threads: it cannot change a forecaster).
FORECASTER_SETTINGS = experiment.forecaster_settings(FLOW_FORECAST)
FLOW_NETWORKS = FLOW["networks"]
FORECAST = "{series}/{model}/rep-{replicate}"
FLOW_FORECAST_KEYS = [
    wildcard_keys({"series": series, "model": model, "replicate": replicate})
    for series in FLOW_FORECAST["series"]
    for model in FLOW_FORECAST["models"]
    for replicate in range(FLOW_FORECAST["replicates"])
]
try:
    FLOW_NETWORK_KEYS = select_networks(
        [key.wildcards() for key in NETWORKS], config["experiment"], FLOW_NETWORKS
    )
except ValueError as error:
    raise WorkflowError(f"Invalid config: {error}")
if FLOW["enabled"] and not (FLOW_FORECAST_KEYS or FLOW_NETWORK_KEYS):
    raise WorkflowError(
        "Invalid config: config key 'flow' is enabled, but flow.forecast.series and "
        "flow.networks select no network"
    )
FLOW_FORECAST_FILES = {
    kind: [
        f"results/flow/forecast/{FORECAST}{kind}".format(**key)
        for key in FLOW_FORECAST_KEYS
    ]
    for kind in (".flow.h5", ".flow.csv", ".history.csv")
}
FLOW_NETWORK_FILES = {
    kind: [
        f"results/flow/networks/{NETWORK}{kind}".format(**key)
        for key in FLOW_NETWORK_KEYS
    ]
    for kind in (".flow.h5", ".csv")
}
# figures the configured branches can draw
FLOW_FIGURES = ["flow_graph", "flow_progression"]
FLOW_FIGURES += ["flow_infoplane", "flow_gradients"] if FLOW_FORECAST_KEYS else []
FLOW_FIGURES += ["flow_relay"] if FLOW_NETWORK_KEYS and FLOW_NETWORKS["relay"] else []
FLOW_TABLES = ["flow_neurons", "flow_networks", "flow_claims"]
FLOW_TABLES += ["flow_training", "flow_phases"] if FLOW_FORECAST_KEYS else []

# Final outputs of the flow branch (tables, claims, figures), for rule all. A lambda: a `def` in
# a file with rules is what `snakemake --lint` flags as mixed rules and functions.
flow_targets = lambda: [f"results/tables/{name}.csv" for name in FLOW_TABLES] + [
    f"results/figures/{stem}.png" for stem in FLOW_FIGURES
]


wildcard_constraints:
    series="temperature|synthetic",


rule flow_train_forecast:
    output:
        network="results/flow/forecast/{series}/{model}/rep-{replicate}.pt",
        history="results/flow/forecast/{series}/{model}/rep-{replicate}.history.csv",
    log:
        log_path("flow_train_forecast", FORECAST),
    benchmark:
        benchmark_path("flow_train_forecast", FORECAST)
    conda:
        CONDA_ENV
    threads: FLOW_FORECAST["training"]["threads"]
    params:
        forecast=FORECASTER_SETTINGS,
        code=library_code("flow_train_forecast.py"),
    script:
        "../scripts/flow_train_forecast.py"


rule flow_record_forecast:
    input:
        network=rules.flow_train_forecast.output.network,
    output:
        "results/flow/forecast/{series}/{model}/rep-{replicate}.h5",
    log:
        log_path("flow_record_forecast", FORECAST),
    benchmark:
        benchmark_path("flow_record_forecast", FORECAST)
    conda:
        CONDA_ENV
    params:
        forecast=FORECASTER_SETTINGS,
        code=library_code("flow_record_forecast.py"),
    script:
        "../scripts/flow_record_forecast.py"


rule flow_forecast:
    input:
        rules.flow_record_forecast.output,
    output:
        flow="results/flow/forecast/{series}/{model}/rep-{replicate}.flow.h5",
        table="results/flow/forecast/{series}/{model}/rep-{replicate}.flow.csv",
    log:
        log_path("flow_forecast", FORECAST),
    benchmark:
        benchmark_path("flow_forecast", FORECAST)
    conda:
        CONDA_ENV
    params:
        analysis=FLOW_FORECAST["analysis"],
        include_cell=FLOW_FORECAST["include_cell"],
        code=library_code("flow_forecast.py"),
    script:
        "../scripts/flow_forecast.py"


rule flow_network:
    input:
        activations=f"results/activations/{NETWORK}.h5",
        relay=branch(
            FLOW_NETWORKS["relay"],
            then=f"results/relay/{NETWORK}.h5",
        ),
    output:
        flow=f"results/flow/networks/{NETWORK}.flow.h5",
        table=f"results/flow/networks/{NETWORK}.csv",
    log:
        log_path("flow_network"),
    benchmark:
        benchmark_path("flow_network")
    conda:
        CONDA_ENV
    params:
        analysis=FLOW_NETWORKS["analysis"],
        include_cell=FLOW_NETWORKS["include_cell"],
        code=library_code("flow_network.py"),
    script:
        "../scripts/flow_network.py"


rule flow_aggregate:
    input:
        forecast_flows=FLOW_FORECAST_FILES[".flow.h5"],
        forecast_tables=FLOW_FORECAST_FILES[".flow.csv"],
        histories=FLOW_FORECAST_FILES[".history.csv"],
        network_flows=FLOW_NETWORK_FILES[".flow.h5"],
        network_tables=FLOW_NETWORK_FILES[".csv"],
    output:
        neurons="results/tables/flow_neurons.csv",
        networks="results/tables/flow_networks.csv",
        training="results/tables/flow_training.csv",
        phases="results/tables/flow_phases.csv",
    log:
        "logs/flow_aggregate/flow.log",
    benchmark:
        "benchmarks/flow_aggregate/flow.tsv"
    conda:
        CONDA_ENV
    params:
        forecast_keys=FLOW_FORECAST_KEYS,
        network_keys=FLOW_NETWORK_KEYS,
        layers=FLOW["layers"],
        phase_layer=FLOW["phase_layer"],
        code=library_code("flow_aggregate.py"),
    script:
        "../scripts/flow_aggregate.py"


rule flow_claims:
    input:
        neurons=rules.flow_aggregate.output.neurons,
        networks=rules.flow_aggregate.output.networks,
        phases=rules.flow_aggregate.output.phases,
    output:
        "results/tables/flow_claims.csv",
    log:
        "logs/flow_claims/flow.log",
    benchmark:
        "benchmarks/flow_claims/flow.tsv"
    conda:
        CONDA_ENV
    params:
        alpha=FLOW["claims_alpha"],
        code=library_code("flow_claims.py"),
    script:
        "../scripts/flow_claims.py"


rule flow_fig_graph:
    input:
        # one flow file per branch: the first network of each
        FLOW_FORECAST_FILES[".flow.h5"][:1] + FLOW_NETWORK_FILES[".flow.h5"][:1],
    output:
        **section_figure("flow_graph", "flow_graph", "flow", "Flow graph", "flow graph"),
    log:
        "logs/flow_figures/flow_graph.log",
    benchmark:
        "benchmarks/flow_figures/flow_graph.tsv"
    conda:
        CONDA_ENV
    params:
        max_edges=FLOW["figure_edges"],
        code=library_code("flow_fig_graph.py"),
    script:
        "../scripts/flow_fig_graph.py"


rule flow_fig_progression:
    input:
        neurons=rules.flow_aggregate.output.neurons,
    output:
        **section_figure(
            "flow_progression",
            "flow_progression",
            "flow",
            "Progression",
            "progression",
        ),
    log:
        "logs/flow_figures/flow_progression.log",
    benchmark:
        "benchmarks/flow_figures/flow_progression.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("flow_fig_progression.py"),
    script:
        "../scripts/flow_fig_progression.py"


rule flow_fig_infoplane:
    input:
        training=rules.flow_aggregate.output.training,
    output:
        **section_figure(
            "flow_infoplane",
            "flow_infoplane",
            "flow",
            "Information plane",
            "information plane",
        ),
    log:
        "logs/flow_figures/flow_infoplane.log",
    benchmark:
        "benchmarks/flow_figures/flow_infoplane.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("flow_fig_infoplane.py"),
    script:
        "../scripts/flow_fig_infoplane.py"


rule flow_fig_gradients:
    input:
        training=rules.flow_aggregate.output.training,
        phases=rules.flow_aggregate.output.phases,
    output:
        **section_figure(
            "flow_gradients",
            "flow_gradients",
            "flow",
            "Gradient phases",
            "gradient phases",
        ),
    log:
        "logs/flow_figures/flow_gradients.log",
    benchmark:
        "benchmarks/flow_figures/flow_gradients.tsv"
    conda:
        CONDA_ENV
    params:
        phase_layer=FLOW["phase_layer"],
        code=library_code("flow_fig_gradients.py"),
    script:
        "../scripts/flow_fig_gradients.py"


rule flow_fig_relay:
    input:
        neurons=rules.flow_aggregate.output.neurons,
    output:
        **section_figure(
            "flow_relay",
            "flow_relay",
            "flow",
            "Relay vs progression",
            "relay vs progression",
        ),
    log:
        "logs/flow_figures/flow_relay.log",
    benchmark:
        "benchmarks/flow_figures/flow_relay.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("flow_fig_relay.py"),
    script:
        "../scripts/flow_fig_relay.py"


localrules:
    flow_aggregate,
    flow_claims,
