# One job per network: relay information R[t, concept, unit] over every time step (numpy only).


rule relay:
    input:
        rules.record.output,
    output:
        "results/relay/{task}/{model}/delay-{delay}/rep-{rep}.h5",
    log:
        log_path("relay"),
    benchmark:
        benchmark_path("relay")
    conda:
        CONDA_ENV
    params:
        relay=section("relay"),
    script:
        "../scripts/relay.py"
