# Figures of the paper, each wrapped in report() with a caption in workflow/report/. The report
# groups them by the paper's sections (category) and figure (subcategory).


include: "figures_common.smk"


localrules:
    fig01_tasks,
    fig01_italypower,
    fig02_generalization,


rule fig01_tasks:
    output:
        **section_figure(
            "fig01_tasks", "fig01_tasks", "tasks", "Fig. 1 tasks", "Fig. 1"
        ),
    log:
        "logs/figures/fig01_tasks.log",
    benchmark:
        "benchmarks/figures/fig01_tasks.tsv"
    conda:
        CONDA_ENV
    params:
        tasks=experiment.canonical({t: config["tasks"][t] for t in ("memory", "block")}),
        delay=3,
        code=library_code("fig01_tasks.py"),
    script:
        "../scripts/fig01_tasks.py"


rule fig01_italypower:
    output:
        **section_figure(
            "fig01_italypower",
            "fig01_italypower",
            "tasks",
            "Fig. 1 real-world task",
            "Fig. 1 (power demand)",
        ),
    log:
        "logs/figures/fig01_italypower.log",
    benchmark:
        "benchmarks/figures/fig01_italypower.tsv"
    conda:
        CONDA_ENV
    params:
        settings=experiment.split_settings(config, "italypower", "analysis"),
        delay=3,
        code=library_code("fig01_italypower.py"),
    script:
        "../scripts/fig01_italypower.py"


rule fig02_generalization:
    input:
        rules.aggregate_generalization.output,
    output:
        **section_figure(
            "fig02_generalization",
            "fig02_generalization",
            "tasks",
            "Fig. 2 generalization over delays",
            "Fig. 2",
        ),
    log:
        "logs/figures/fig02_generalization.log",
    benchmark:
        "benchmarks/figures/fig02_generalization.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("fig02_generalization.py"),
    script:
        "../scripts/fig02_generalization.py"
