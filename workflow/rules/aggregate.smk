# Tidy tables over all networks (one row per network x condition x measure), read by figures
# and claims. numpy/pandas/h5py only; they run in Snakemake's own machine (localrules).


localrules:
    aggregate_attractors,
    aggregate_generalization,
    aggregate_knockout,
    aggregate_latent,
    aggregate_noise,
    aggregate_relay,


rule aggregate_attractors:
    input:
        network_paths(f"results/attractors/{NETWORK}.csv"),
    output:
        "results/tables/attractors.csv",
    log:
        "logs/aggregate/attractors.log",
    benchmark:
        "benchmarks/aggregate/attractors.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule aggregate_generalization:
    input:
        network_paths(f"results/evaluation/{NETWORK}.csv"),
    output:
        "results/tables/generalization.csv",
    log:
        "logs/aggregate/generalization.log",
    benchmark:
        "benchmarks/aggregate/generalization.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule aggregate_knockout:
    input:
        network_paths(f"results/knockout/{NETWORK}.csv"),
    output:
        "results/tables/knockout.csv",
    log:
        "logs/aggregate/knockout.log",
    benchmark:
        "benchmarks/aggregate/knockout.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule aggregate_latent:
    input:
        network_paths(f"results/latent/{NETWORK}.csv"),
    output:
        "results/tables/latent.csv",
    log:
        "logs/aggregate/latent.log",
    benchmark:
        "benchmarks/aggregate/latent.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule aggregate_noise:
    input:
        network_paths(f"results/noise/{NETWORK}.csv"),
    output:
        "results/tables/noise.csv",
    log:
        "logs/aggregate/noise.log",
    benchmark:
        "benchmarks/aggregate/noise.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule aggregate_relay:
    input:
        network_paths(f"results/relay/{NETWORK}.h5"),
    output:
        stability="results/tables/stability.csv",
        distribution="results/tables/distribution.csv",
        relay="results/tables/relay.csv",
        dynamics="results/tables/relay_dynamics.csv",
    log:
        "logs/aggregate/relay.log",
    benchmark:
        "benchmarks/aggregate/relay.tsv"
    conda:
        CONDA_ENV
    params:
        stability=section("stability"),
        code=library_code("aggregate_relay.py"),
    script:
        "../scripts/aggregate_relay.py"
