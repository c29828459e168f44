# One job per network: relay information R[t, concept, unit] over every time step (numpy only).


rule relay:
    input:
        rules.record.output,
    output:
        f"results/relay/{NETWORK}.h5",
    log:
        log_path("relay"),
    benchmark:
        benchmark_path("relay")
    conda:
        CONDA_ENV
    params:
        relay=section("relay"),
        code=library_code("relay.py"),
    script:
        "../scripts/relay.py"
