# One job per network: train until the accuracy bar (or fail the job loudly).


rule train:
    input:
        train="results/tasks/{task}/delay-{delay}/train.h5",
        validation="results/tasks/{task}/delay-{delay}/validation.h5",
    output:
        network="results/networks/{task}/{model}/delay-{delay}/rep-{rep}.pt",
        history="results/networks/{task}/{model}/delay-{delay}/rep-{rep}.history.csv",
    log:
        log_path("train"),
    benchmark:
        benchmark_path("train")
    conda:
        CONDA_ENV
    threads: config["training"]["threads"]
    resources:
        gpu=1 if config["training"]["device"] == "cuda" else 0,
    params:
        training=section("training"),
    script:
        "../scripts/train.py"
