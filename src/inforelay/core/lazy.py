"""Packages whose public names load on first use (PEP 562): one helper for ``nets``, ``flow``, ``api``.

A lazy package keeps ``import inforelay.nets.recording`` (or ``import inforelay.flow``) free of
torch: its ``__init__`` lists the modules that define its public names, and a name's module is
imported only when the name is first asked for. The names are each module's own ``__all__``, read
from its source with :mod:`ast`, so that listing them imports nothing and no name is typed twice.

The pipeline's code digest (:mod:`inforelay.pipeline.runner.provenance`) reads the module list of every
``lazy_exports(__name__, [...])`` call, so a job's digest covers the modules it may load.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["module_all", "lazy_exports"]

Getattr = Callable[[str], Any]
Dir = Callable[[], list[str]]

#: ``__all__ =`` (or ``__all__: list[str] =``) at the start of a line, before its list or tuple
_ALL_STATEMENT = re.compile(r"^__all__\s*(?::[^=\n]*)?=\s*(?=[\[(])", re.MULTILINE)


def module_all(module: str) -> tuple[str, ...]:
    """The literal top-level ``__all__`` of ``module``, read from its source without importing it.

    Only the ``__all__ = [...]`` statement is parsed (:func:`ast.literal_eval`), not the whole
    file: a lazy package reads several modules when it is imported.

    Raises
    ------
    ModuleNotFoundError
        If ``module`` cannot be found.
    ValueError
        If its source has no literal top-level ``__all__``.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"no module named {module!r}", name=module)
    with open(spec.origin, encoding="utf-8") as file:
        source = file.read()
    found = _ALL_STATEMENT.search(source)
    if found:
        start = found.end()
        for close in re.finditer(r"[\])]", source[start:]):
            try:
                return tuple(ast.literal_eval(source[start : start + close.end()]))
            except (SyntaxError, ValueError):
                continue  # a bracket inside the list: the literal ends further on
    raise ValueError(f"{spec.origin}: no literal top-level __all__")


def lazy_exports(
    package: str, modules: Sequence[str] | Mapping[str, Sequence[str]]
) -> tuple[Getattr, Dir, list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` of a package whose names load on first use.

    Parameters
    ----------
    package
        The package's ``__name__`` (it is being imported: it must be in ``sys.modules``).
    modules
        Module names relative to ``package``: their ``__all__`` (read by :func:`module_all`) are
        the package's names; or a mapping module → the names it exports through the package.

    Returns
    -------
    tuple
        The package's module-level ``__getattr__`` and ``__dir__`` and its ``__all__`` (in the
        order of ``modules``). A loaded name is cached in the package's namespace.
    """
    homes = modules if isinstance(modules, Mapping) else {m: module_all(f"{package}.{m}") for m in modules}
    module_of = {name: module for module, names in homes.items() for name in names}
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *module_of})

    return __getattr__, __dir__, list(module_of)
