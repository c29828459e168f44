# Generalization over the temporal domain (paper Fig. 2): accuracy at every evaluation delay.


rule evaluate:
    input:
        network=rules.train.output.network,
        data="results/tasks/{task}/evaluation.h5",
    output:
        "results/evaluation/{task}/{model}/delay-{delay}/rep-{rep}.csv",
    log:
        log_path("evaluate"),
    benchmark:
        benchmark_path("evaluate")
    conda:
        CONDA_ENV
    script:
        "../scripts/evaluate.py"


rule aggregate_generalization:
    input:
        network_paths("results/evaluation/{task}/{model}/delay-{delay}/rep-{rep}.csv"),
    output:
        "results/tables/generalization.csv",
    log:
        "logs/aggregate_generalization.log",
    benchmark:
        "benchmarks/aggregate_generalization.tsv"
    conda:
        CONDA_ENV
    script:
        "../scripts/aggregate_tables.py"
