"""The Snakemake workflow's side of the library: config slices, one step function per rule, tables.

May import every inforelay package. Re-exports nothing on purpose: every workflow job imports
this package, and each rule's code digest (:mod:`inforelay.pipeline.runner.provenance`) follows
imports, so a name re-exported here would tie every rule to its module. Import from the
modules: ``inforelay.pipeline.config``, ``.aggregate``, ``.tables``, ``.workdir``,
``.flow_tables``, ``.conditions``, ``inforelay.pipeline.steps.<stage>`` and the job machinery in
``inforelay.pipeline.runner`` (``.jobs``, ``.setup``, ``.warm``, ``.provenance``).
"""

__all__: list[str] = []
