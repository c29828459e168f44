"""One function per workflow rule, on plain paths, params and network keys (no Snakemake object).

May import every inforelay package. Each ``workflow/scripts/<rule>.py`` is a few-line adapter over
one function of one module here (one module per stage). This package re-exports nothing: a
rule's code digest follows its script's imports, and a step module imported here would tie every
rule to it (:mod:`inforelay.pipeline.runner.provenance`).
"""

__all__: list[str] = []
