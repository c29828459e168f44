# The paper's claims, each tested per group on this run's tables: results/claims.{csv,md}
# (summary table, then details; docs/claims.md).


localrules:
    claims,


rule claims:
    input:
        generalization=rules.aggregate_generalization.output[0],
        knockout=rules.aggregate_knockout.output[0],
        noise=rules.aggregate_noise.output[0],
        stability=rules.aggregate_relay.output.stability,
        distribution=rules.aggregate_relay.output.distribution,
        dynamics=rules.aggregate_relay.output.dynamics,
        stability_corrected=rules.aggregate_relay_corrected.output.stability,
        distribution_corrected=rules.aggregate_relay_corrected.output.distribution,
        latent=rules.aggregate_latent.output[0],
        attractors=rules.aggregate_attractors.output[0],
        preregistration=preregistration(),
    output:
        csv=report(
            "results/claims.csv",
            caption="../report/claims.rst",
            category=SECTIONS["claims"],
            subcategory="Claims table",
            labels={"table": "claims", "file": "claims.csv"},
        ),
        md=report(
            "results/claims.md",
            caption="../report/claims.rst",
            category=SECTIONS["claims"],
            subcategory="Claims table",
            labels={"table": "claims", "file": "claims.md"},
        ),
    log:
        "logs/claims.log",
    benchmark:
        "benchmarks/claims.tsv"
    conda:
        CONDA_ENV
    params:
        training_delays=config["tasks"]["delay_choices"],
        experiment=section("experiment"),
        code=library_code("claims.py"),
    script:
        "../scripts/claims.py"
