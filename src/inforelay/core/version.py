"""The package's version: one home, in the package every other may import.

``pyproject.toml`` reads it from here (``[tool.setuptools.dynamic]``), and every output's
provenance records it, without an import running back up to the top package.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
