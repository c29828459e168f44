# One job per network: knock out each concept's relay units (and random sets) at t_k.


rule knockout:
    input:
        network=rules.train.output.network,
        data="results/tasks/{task}/delay-{delay}/analysis.h5",
        relay=rules.relay.output[0],
    output:
        "results/knockout/{task}/{model}/delay-{delay}/rep-{rep}.csv",
    log:
        log_path("knockout"),
    benchmark:
        benchmark_path("knockout")
    conda:
        CONDA_ENV
    params:
        knockout=section("knockout"),
    script:
        "../scripts/knockout.py"
