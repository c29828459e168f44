# Generalization over the temporal domain (paper Fig. 2): accuracy at every evaluation delay.


rule evaluate:
    input:
        network=rules.train.output.network,
        data="results/tasks/{task}/evaluation.h5",
    output:
        "results/evaluation/" + NETWORK + ".csv",
    conda:
        CONDA_ENV
    log:
        log_path("evaluate"),
    benchmark:
        benchmark_path("evaluate")
    script:
        "../scripts/evaluate.py"


rule aggregate_generalization:
    input:
        network_paths("results/evaluation/" + NETWORK + ".csv"),
    output:
        "results/tables/generalization.csv",
    conda:
        CONDA_ENV
    log:
        "logs/aggregate_generalization.log",
    benchmark:
        "benchmarks/aggregate_generalization.tsv"
    script:
        "../scripts/aggregate_tables.py"
