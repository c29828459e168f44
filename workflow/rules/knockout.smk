# One job per network: knock out each concept's relay units (and random sets) at t_k.


rule knockout:
    input:
        network=rules.train.output.network,
        data=task_data("analysis"),
        relay=rules.relay.output[0],
    output:
        f"results/knockout/{NETWORK}.csv",
    log:
        log_path("knockout"),
    benchmark:
        benchmark_path("knockout")
    conda:
        CONDA_ENV
    params:
        knockout=section("knockout"),
        code=library_code("knockout.py"),
    script:
        "../scripts/knockout.py"
