# One job per network: PCA of h at t_k and cluster quality under relay-ordered vs random removal.


rule latent:
    input:
        activations=rules.record.output[0],
        relay=rules.relay.output[0],
    output:
        f"results/latent/{NETWORK}.csv",
    log:
        log_path("latent"),
    benchmark:
        benchmark_path("latent")
    conda:
        CONDA_ENV
    params:
        latent=section("latent"),
        code=library_code("latent.py"),
    script:
        "../scripts/latent.py"
