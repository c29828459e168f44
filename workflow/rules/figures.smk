# Figures of the paper, each wrapped in report() with a caption in workflow/report/.


rule fig01_tasks:
    output:
        png=report(
            "results/figures/fig01_tasks.png",
            caption="../report/fig01_tasks.rst",
            category="Tasks",
        ),
        pdf="results/figures/fig01_tasks.pdf",
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
        **figure_outputs("fig01_italypower", "fig01_italypower", "Tasks"),
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
        png=report(
            "results/figures/fig02_generalization.png",
            caption="../report/fig02_generalization.rst",
            category="Generalization",
        ),
        pdf="results/figures/fig02_generalization.pdf",
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
