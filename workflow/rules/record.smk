# One job per network: run it step by step on the analysis set and dump every state.


rule record:
    input:
        network=rules.train.output.network,
        data=task_data("analysis"),
    output:
        f"results/activations/{NETWORK}.h5",
    log:
        log_path("record"),
    benchmark:
        benchmark_path("record")
    conda:
        CONDA_ENV
    params:
        code=library_code("record.py"),
    script:
        "../scripts/record.py"
