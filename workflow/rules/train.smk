# One job per network: train until the accuracy bar (or fail the job loudly).


rule train:
    input:
        train="results/tasks/{task}/delay-{delay}/train.h5",
        validation="results/tasks/{task}/delay-{delay}/validation.h5",
    output:
        network="results/networks/" + NETWORK + ".pt",
        history="results/networks/" + NETWORK + ".history.csv",
    params:
        training=config["training"],
    threads: config["training"]["threads"]
    resources:
        gpu=1 if config["training"]["device"] == "cuda" else 0,
    conda:
        CONDA_ENV
    log:
        log_path("train"),
    benchmark:
        benchmark_path("train")
    script:
        "../scripts/train.py"
