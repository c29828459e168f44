# The upward bias of the plug-in relay: the same greedy search on label-permuted recordings
# (concepts and answers permuted together, the units kept), per network, and the relay with
# that null level subtracted unit by unit (docs/relay.md, "Bias and the shuffle null"):
# results/relay_corrected/ every step, results/relay_null/ the analysis step (aggregated).


localrules:
    aggregate_relay_corrected,
    aggregate_relay_null,


rule relay_null:
    input:
        recordings=rules.record.output,
        relays=rules.relay.output,
    output:
        null=per_replicate(f"results/relay_null/{NETWORK}.csv"),
        steps=per_replicate(f"results/relay_corrected/{NETWORK}.csv"),
    log:
        log_path("relay_null", CONDITION),
    benchmark:
        benchmark_path("relay_null", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=REPLICATES,
        relay_null=section("relay_null"),
        relay=section("relay"),
        code=library_code("relay_null.py"),
    script:
        "../scripts/relay_null.py"


rule aggregate_relay_null:
    input:
        network_paths(f"results/relay_null/{NETWORK}.csv"),
    output:
        "results/tables/relay_null.csv",
    log:
        "logs/aggregate/relay_null.log",
    benchmark:
        "benchmarks/aggregate/relay_null.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule aggregate_relay_corrected:
    input:
        network_paths(f"results/relay_corrected/{NETWORK}.csv"),
    output:
        stability="results/tables/stability_corrected.csv",
        distribution="results/tables/distribution_corrected.csv",
    log:
        "logs/aggregate/relay_corrected.log",
    benchmark:
        "benchmarks/aggregate/relay_corrected.tsv"
    conda:
        CONDA_ENV
    params:
        stability=section("stability"),
        code=library_code("aggregate_relay_corrected.py"),
    script:
        "../scripts/aggregate_relay_corrected.py"
