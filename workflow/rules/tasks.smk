# Task data files, on request (`snakemake results/tasks/memory/delay-3/rep-00/train.h5`): a
# training, validation and analysis set per task, delay regime and data set (rep-NN: each
# replicate its own; shared: one for all, tasks.shared_data), one evaluation set per task (every
# evaluation delay). The main DAG does not need them: each job makes the data it uses from the
# same settings and seeds (inforelay.tasks.make_split), with the same bytes. numpy only.


rule generate_task:
    output:
        f"{TASK_DATA}/{{split}}.h5",
    log:
        log_path("generate_task", f"{TASK_DATA_KEY}/{{split}}"),
    benchmark:
        benchmark_path("generate_task", f"{TASK_DATA_KEY}/{{split}}")
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
