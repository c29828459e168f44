# Helpers of the figure rules (figures.smk, figures_analysis.smk): report sections, example
# networks of the single-network figures.
RELAY_FILE = f"results/relay/{NETWORK}.h5"
CORRECTED_FILE = f"results/relay_corrected/{NETWORK}.csv"
ACTIVATION_FILE = f"results/activations/{NETWORK}.h5"
LATENT_FILE = f"results/latent/{NETWORK}.csv"

SECTIONS = {
    "tasks": "1 Tasks and training",
    "relay": "2 Relay",
    "knockout": "3 Knockouts",
    "stability": "4 Stability",
    "distribution": "5 Concept distribution",
    "latent": "6 Latent space",
    "claims": "7 Claims",  # claims.smk
    "flow": "Flow",  # flow.smk
}


def section_figure(stem, caption, section, subcategory, figure):
    """The png (in the report, under its paper section and figure) and pdf of one figure;
    stem, subcategory and figure may hold the rule's wildcards."""
    return {
        "png": report(
            f"results/figures/{stem}.png",
            caption=f"../report/{caption}.rst",
            category=SECTIONS[section],
            subcategory=subcategory,
            labels={"figure": figure, "file": f"{stem}.png"},
        ),
        "pdf": f"results/figures/{stem}.pdf",
    }


def fig07_fixed_delay():
    """Fig. 7's fixed training delay: the paper's 5 (as many steps as the random networks'
    analysis set), else the run's largest fixed delay (the figure says so); None without any.
    """
    fixed = sorted(
        (str(d) for d in config["experiment"]["delays"] if str(d).isdigit()), key=int
    )
    return "5" if "5" in fixed else (fixed[-1] if fixed else None)


def fig07_relay_files(delay_regime, pattern=RELAY_FILE):
    """Every replicate's relay file (or `pattern` file) of each architecture trained on
    `delay_regime` for the example task (none if not run): Fig. 7 shows their mean."""
    if delay_regime is None or delay_regime not in map(
        str, config["experiment"]["delays"]
    ):
        return []
    task = example_network()["task"]
    return [
        pattern.format(task=task, model=m, delay_regime=delay_regime, replicate=r)
        for m in config["experiment"]["models"]
        for r in REPLICATES
    ]
