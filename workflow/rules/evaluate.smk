# Generalization over the temporal domain (paper Fig. 2): accuracy at every evaluation delay.


rule evaluate:
    input:
        network=rules.train.output.network,
        data="results/tasks/{task}/evaluation.h5",
    output:
        f"results/evaluation/{NETWORK}.csv",
    log:
        log_path("evaluate"),
    benchmark:
        benchmark_path("evaluate")
    conda:
        CONDA_ENV
    params:
        code=library_code("evaluate.py"),
    script:
        "../scripts/evaluate.py"


rule aggregate_generalization:
    input:
        network_paths(f"results/evaluation/{NETWORK}.csv"),
    output:
        "results/tables/generalization.csv",
    log:
        "logs/aggregate_generalization.log",
    benchmark:
        "benchmarks/aggregate_generalization.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("aggregate_tables.py"),
    script:
        "../scripts/aggregate_tables.py"
