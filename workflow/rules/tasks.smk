# Task data: one training, validation and analysis set per task and delay regime,
# one evaluation set per task (every evaluation delay). numpy only, no torch.


rule generate_task:
    output:
        "results/tasks/{task}/delay-{delay_regime}/{split}.h5",
    log:
        log_path("generate_task", "{task}/delay-{delay_regime}/{split}"),
    benchmark:
        benchmark_path("generate_task", "{task}/delay-{delay_regime}/{split}")
    conda:
        CONDA_ENV
    params:
        settings=split_settings,
        code=library_code("generate_task.py"),
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
        settings=evaluation_settings,
        code=library_code("generate_evaluation.py"),
    script:
        "../scripts/generate_evaluation.py"
