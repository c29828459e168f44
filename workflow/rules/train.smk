# One job per network: train until the accuracy bar (or fail the job loudly).


rule train:
    input:
        train=task_data("train"),
        validation=task_data("validation"),
    output:
        network=f"results/networks/{NETWORK}.pt",
        history=f"results/networks/{NETWORK}.history.csv",
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
        training=experiment.training_settings(config),
        network_config=network_settings,
        code=library_code("train.py"),
    script:
        "../scripts/train.py"
