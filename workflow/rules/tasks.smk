# Task data: one training, validation and analysis set per task and delay regime,
# one evaluation set per task (every evaluation delay). numpy only, no torch.


rule generate_task:
    output:
        "results/tasks/{task}/delay-{delay}/{split}.h5",
    log:
        log_path("generate_task", "{task}/delay-{delay}/{split}"),
    benchmark:
        benchmark_path("generate_task", "{task}/delay-{delay}/{split}")
    conda:
        CONDA_ENV
    params:
        settings=split_config,
    script:
        "../scripts/generate_task.py"


rule generate_evaluation:
    output:
        "results/tasks/{task}/evaluation.h5",
    log:
        log_path("generate_evaluation", "{task}"),
    benchmark:
        benchmark_path("generate_evaluation", "{task}")
    conda:
        CONDA_ENV
    params:
        settings=evaluation_config,
    script:
        "../scripts/generate_evaluation.py"
