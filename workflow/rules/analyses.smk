# Per-condition analyses: one job per condition (task, model, delay regime) and stage walks the
# condition's replicates and writes each network's own file, computed as it would be alone.
# A stage's parameters reach only its own rule: a knockout or latent setting re-records nothing,
# a relay setting retrains nothing.


rule record:
    input:
        networks=per_replicate(f"results/networks/{NETWORK}.pt"),
    output:
        per_replicate(f"results/activations/{NETWORK}.h5"),
    log:
        log_path("record", CONDITION),
    benchmark:
        benchmark_path("record", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=REPLICATES,
        data_sets=DATA_SETS,
        analysis=analysis_settings,
        code=library_code("record.py"),
    script:
        "../scripts/record.py"


rule evaluate:
    input:
        networks=per_replicate(f"results/networks/{NETWORK}.pt"),
    output:
        per_replicate(f"results/evaluation/{NETWORK}.csv"),
    log:
        log_path("evaluate", CONDITION),
    benchmark:
        benchmark_path("evaluate", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=REPLICATES,
        evaluation=evaluation_settings,
        code=library_code("evaluate.py"),
    script:
        "../scripts/evaluate.py"


rule relay:
    input:
        recordings=rules.record.output,
    output:
        per_replicate(f"results/relay/{NETWORK}.h5"),
    log:
        log_path("relay", CONDITION),
    benchmark:
        benchmark_path("relay", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=REPLICATES,
        relay=section("relay"),
        code=library_code("relay.py"),
    script:
        "../scripts/relay.py"


rule knockout:
    input:
        networks=rules.record.input.networks,
        relays=rules.relay.output,
    output:
        knockout=per_replicate(f"results/knockout/{NETWORK}.csv"),
        noise=per_replicate(f"results/noise/{NETWORK}.csv"),
    log:
        log_path("knockout", CONDITION),
    benchmark:
        benchmark_path("knockout", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=REPLICATES,
        data_sets=DATA_SETS,
        splits=knockout_splits,
        knockout=section("knockout"),
        code=library_code("knockout.py"),
    script:
        "../scripts/knockout.py"


rule latent:
    input:
        networks=rules.record.input.networks,
        relays=rules.relay.output,
    output:
        latent=per_replicate(f"results/latent/{NETWORK}.csv"),
        attractors=per_replicate(f"results/attractors/{NETWORK}.csv"),
    log:
        log_path("latent", CONDITION),
    benchmark:
        benchmark_path("latent", CONDITION)
    conda:
        CONDA_ENV
    params:
        replicates=REPLICATES,
        data_sets=DATA_SETS,
        test=test_settings,
        latent=section("latent"),
        code=library_code("latent.py"),
    script:
        "../scripts/latent.py"
