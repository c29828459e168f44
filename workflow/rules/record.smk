# One job per network: run it step by step on the analysis set and dump every state.


rule record:
    input:
        network=rules.train.output.network,
        data="results/tasks/{task}/delay-{delay}/analysis.h5",
    output:
        "results/activations/{task}/{model}/delay-{delay}/rep-{rep}.h5",
    log:
        log_path("record"),
    benchmark:
        benchmark_path("record")
    conda:
        CONDA_ENV
    script:
        "../scripts/record.py"
