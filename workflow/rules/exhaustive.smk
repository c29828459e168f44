# Greedy vs exhaustive relay sets (config `exhaustive.enabled`): every k-set of a condition's
# first `exhaustive.replicates` networks scored at t_k, the best sets knocked out on the test
# set beside the greedy ones (docs/open-questions.md).


localrules:
    exhaustive_report,


rule exhaustive:
    input:
        networks=exhaustive_replicates(f"results/networks/{NETWORK}.pt"),
        recordings=exhaustive_replicates(f"results/activations/{NETWORK}.h5"),
        knockouts=exhaustive_replicates(f"results/knockout/{NETWORK}.csv"),
    output:
        exhaustive_replicates(f"results/exhaustive/{NETWORK}.csv"),
    log:
        log_path("exhaustive", CONDITION),
    benchmark:
        benchmark_path("exhaustive", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=EXHAUSTIVE_REPLICATES,
        data_sets=[experiment.data_set_name(config, r) for r in EXHAUSTIVE_REPLICATES],
        test=test_settings,
        relay=section("relay"),
        knockout=section("knockout"),
        code=library_code("exhaustive.py"),
    script:
        "../scripts/exhaustive.py"


rule aggregate_exhaustive:
    input:
        [
            path
            for pattern in condition_paths(f"results/exhaustive/{NETWORK}.csv")
            for path in exhaustive_replicates(pattern)
        ],
    output:
        "results/tables/exhaustive.csv",
    log:
        "logs/aggregate/exhaustive.log",
    benchmark:
        "benchmarks/aggregate/exhaustive.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"


rule exhaustive_report:
    input:
        rules.aggregate_exhaustive.output,
    output:
        **section_figure(
            "fig_exhaustive",
            "fig_exhaustive",
            "relay",
            "Greedy vs exhaustive relay sets",
            "greedy vs exhaustive",
        ),
        groups="results/exhaustive_groups.csv",
        claims="results/exhaustive_claims.csv",
    log:
        "logs/figures/fig_exhaustive.log",
    benchmark:
        "benchmarks/figures/fig_exhaustive.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("exhaustive_report.py"),
    script:
        "../scripts/exhaustive_report.py"
