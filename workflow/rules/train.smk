# One job per network: make its training and validation sets, train until the accuracy bar (or
# fail the job loudly). Its own job, so that adding replicates or deleting one network's model
# trains exactly the networks that are missing.


rule train:
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
        data=training_data,
        training=experiment.training_settings(config),
        network_config=network_settings,
        code=library_code("train.py"),
    script:
        "../scripts/train.py"
