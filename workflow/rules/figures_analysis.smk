# Figures 3-13 of the paper from the relay files and the aggregated tables.
localrules:
    fig03_greedy,
    fig04_05_knockout,
    fig06_relay_time,
    fig07_relay_architectures,
    fig08_09_stability,
    fig10_11_distribution,
    fig12_pca,
    fig13_pca_removal,


rule fig03_greedy:
    input:
        example_path(RELAY_FILE, model="lstm"),
    output:
        **section_figure(
            "fig03_greedy", "fig03_greedy", "relay", "Fig. 3 greedy search", "Fig. 3"
        ),
    log:
        "logs/figures/fig03_greedy.log",
    benchmark:
        "benchmarks/figures/fig03_greedy.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("fig03_greedy.py"),
    script:
        "../scripts/fig03_greedy.py"


rule fig04_05_knockout:
    input:
        rules.aggregate_knockout.output,
    output:
        **section_figure(
            "fig{number}_knockout_{task}",
            "fig04_05_knockout",
            "knockout",
            "Figs. 4/5 knockouts, {task} task",
            "Fig. {number}",
        ),
    log:
        "logs/figures/fig{number}_knockout_{task}.log",
    benchmark:
        "benchmarks/figures/fig{number}_knockout_{task}.tsv"
    wildcard_constraints:
        number="04|05",
    conda:
        CONDA_ENV
    params:
        ablation=config["knockout"]["ablation"],
        code=library_code("fig_knockout.py"),
    script:
        "../scripts/fig_knockout.py"


rule fig06_relay_time:
    input:
        relay=example_path(RELAY_FILE, model="lstm"),
        corrected=example_path(CORRECTED_FILE, model="lstm"),
    output:
        **section_figure(
            "fig06_relay_time",
            "fig06_relay_time",
            "relay",
            "Fig. 6 relay over time",
            "Fig. 6",
        ),
    log:
        "logs/figures/fig06_relay_time.log",
    benchmark:
        "benchmarks/figures/fig06_relay_time.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("fig06_relay_time.py"),
    script:
        "../scripts/fig06_relay_time.py"


rule fig07_relay_architectures:
    input:
        fixed=fig07_relay_files(fig07_fixed_delay()),
        random=fig07_relay_files("random"),
        fixed_corrected=fig07_relay_files(fig07_fixed_delay(), CORRECTED_FILE),
        random_corrected=fig07_relay_files("random", CORRECTED_FILE),
    output:
        **section_figure(
            "fig07_relay_architectures",
            "fig07_relay_architectures",
            "relay",
            "Fig. 7 relay of the architectures",
            "Fig. 7",
        ),
    log:
        "logs/figures/fig07_relay_architectures.log",
    benchmark:
        "benchmarks/figures/fig07_relay_architectures.tsv"
    conda:
        CONDA_ENV
    params:
        models=config["experiment"]["models"],
        fixed_delay=fig07_fixed_delay(),
        analysis_delay=config["tasks"]["random_analysis_delay"],
        code=library_code("fig07_relay_architectures.py"),
    script:
        "../scripts/fig07_relay_architectures.py"


rule fig08_09_stability:
    input:
        rules.aggregate_relay.output.stability,
    output:
        **section_figure(
            "fig{number}_{measure}",
            "fig08_09_stability",
            "stability",
            "Figs. 8/9 stability, {measure}",
            "Fig. {number}",
        ),
    log:
        "logs/figures/fig{number}_{measure}.log",
    benchmark:
        "benchmarks/figures/fig{number}_{measure}.tsv"
    wildcard_constraints:
        number="08|09",
        measure="correlation|overlap",
    conda:
        CONDA_ENV
    params:
        code=library_code("fig_stability.py"),
    script:
        "../scripts/fig_stability.py"


rule fig10_11_distribution:
    input:
        rules.aggregate_relay.output.distribution,
    output:
        **section_figure(
            "fig{number}_distribution_{task}",
            "fig10_11_distribution",
            "distribution",
            "Figs. 10/11 concept distribution, {task} task",
            "Fig. {number}",
        ),
    log:
        "logs/figures/fig{number}_distribution_{task}.log",
    benchmark:
        "benchmarks/figures/fig{number}_distribution_{task}.tsv"
    wildcard_constraints:
        number="10|11",
    conda:
        CONDA_ENV
    params:
        code=library_code("fig_distribution.py"),
    script:
        "../scripts/fig_distribution.py"


rule fig12_pca:
    input:
        example_path(ACTIVATION_FILE, model="rnn"),
    output:
        **section_figure(
            "fig12_pca", "fig12_pca", "latent", "Fig. 12 PCA of the states", "Fig. 12"
        ),
    log:
        "logs/figures/fig12_pca.log",
    benchmark:
        "benchmarks/figures/fig12_pca.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("fig12_pca.py"),
    script:
        "../scripts/fig12_pca.py"


rule fig13_pca_removal:
    input:
        activations=example_path(ACTIVATION_FILE, model="rnn"),
        relay=example_path(RELAY_FILE, model="rnn"),
        scores=example_path(LATENT_FILE, model="rnn"),
        table=rules.aggregate_latent.output[0],
    output:
        **section_figure(
            "fig13_pca_removal",
            "fig13_pca_removal",
            "latent",
            "Fig. 13 unit removal",
            "Fig. 13 (one network)",
        ),
        summary_png=report(
            "results/figures/fig13_pca_removal_summary.png",
            caption="../report/fig13_pca_removal_summary.rst",
            category=SECTIONS["latent"],
            subcategory="Fig. 13 unit removal",
            labels={
                "figure": "Fig. 13 (all networks)",
                "file": "fig13_pca_removal_summary.png",
            },
        ),
        summary_pdf="results/figures/fig13_pca_removal_summary.pdf",
    log:
        "logs/figures/fig13_pca_removal.log",
    benchmark:
        "benchmarks/figures/fig13_pca_removal.tsv"
    conda:
        CONDA_ENV
    params:
        code=library_code("fig13_pca_removal.py"),
    script:
        "../scripts/fig13_pca_removal.py"
