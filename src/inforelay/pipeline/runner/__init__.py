"""The job machinery of the workflow: how a job runs (set-up, the warm job server) and the code
digest that makes results follow the library. None of it decides what a step computes.

At import, only the standard library (the warm server imports the steps it preloads when it
starts). Re-exports nothing: import from the
modules ``inforelay.pipeline.runner.jobs`` (``run_step``), ``.setup``, ``.warm`` and
``.provenance``.
"""

__all__: list[str] = []
