"""Which library code a workflow job runs, and one digest of it: results follow the code.

Snakemake's ``code`` rerun trigger sees only the rule's script in ``workflow/scripts``; the
library modules that script imports are invisible to it. Each rule therefore carries a param
with :func:`script_digest` of its script: the SHA-256 of every ``inforelay`` module the script
imports, transitively. Editing a library module changes the digest of exactly the rules whose
scripts reach it, so ``snakemake -n`` plans those rules and what depends on their outputs.

The walk is static (the ``ast`` of each file, no import is executed). It follows
``import inforelay...``, ``from inforelay... import ...`` (``*`` too) and relative imports
anywhere in a file (also inside functions: a lazy import is code the job runs), the modules of a
lazy package (``lazy_exports(__name__, [...])``, :mod:`inforelay.core.lazy`), and every parent
package's ``__init__.py`` (importing ``inforelay.a.b`` runs ``inforelay/a/__init__.py`` first),
and step references (``"inforelay.pipeline.steps.train:train"``, the first argument of
:func:`inforelay.pipeline.runner.jobs.run_step`).

The job runner (:data:`RUNNER_MODULES`: logging, signals, thread limits, how a step is
started) is left out: like ``training.threads``, it decides how a job runs, never what it
computes, and editing it must not rerun 720 networks.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

__all__ = ["PACKAGE", "module_file", "module_closure", "code_digest", "script_modules", "script_digest"]

PACKAGE = "inforelay"
#: modules that start jobs and cannot change a result; outside every digest (see above)
RUNNER_MODULES = frozenset(
    {"inforelay.pipeline.runner", *(f"inforelay.pipeline.runner.{name}" for name in ("jobs", "setup", "warm"))}
)
_STEP_REFERENCE = re.compile(r"^(inforelay(?:\.\w+)+):\w+$")
#: the directory that holds the ``inforelay`` package (``src/`` of an editable install)
DEFAULT_ROOT = Path(__file__).resolve().parents[3]


def module_file(name: str, root: Path = DEFAULT_ROOT) -> Path | None:
    """The source file of module ``name`` under ``root`` (``None`` when it is not a module)."""
    base = Path(root, *name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _parents(name: str) -> list[str]:
    """``inforelay.a.b`` → ``["inforelay", "inforelay.a"]``: the packages imported before it."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _absolute(node: ast.ImportFrom, package: str) -> str | None:
    """The absolute module name of a ``from ... import`` (``None`` outside the package)."""
    if node.level == 0:
        return node.module
    if not package:
        return None  # a relative import in a file outside the package cannot reach it
    parts = package.split(".")
    if node.level - 1 > len(parts) - 1:
        return None
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _lazy_modules(node: ast.Call, package: str) -> list[str]:
    """The modules of a ``lazy_exports(__name__, modules)`` call (:mod:`inforelay.core.lazy`) in
    the ``__init__.py`` of ``package``: the lazy package loads them when its names are used."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name != "lazy_exports" or len(node.args) != 2:
        return []
    owner, listed = node.args
    if isinstance(owner, ast.Constant) and isinstance(owner.value, str):
        package = owner.value
    elif not (isinstance(owner, ast.Name) and owner.id == "__name__" and package):
        return []
    items = listed.keys if isinstance(listed, ast.Dict) else getattr(listed, "elts", [])
    return [
        f"{package}.{item.value}" for item in items
        if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]  # fmt: skip


def _step_reference(node: ast.AST) -> str | None:
    """The module of a ``"inforelay.x.y:function"`` step reference (:func:`inforelay.pipeline.runner.jobs.resolve_step`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        match = _STEP_REFERENCE.match(node.value)
        if match:
            return match.group(1)
    return None


def _imported_names(source: str, package: str) -> set[str]:
    """Every module name a source file imports (candidates; non-modules are dropped later)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        reference = _step_reference(node)
        if reference:
            names.add(reference)
        elif isinstance(node, ast.Call):
            names.update(_lazy_modules(node, package))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            if module:
                names.add(module)
                # `from inforelay.a import b` imports the submodule b when b is one
                names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return {
        name
        for name in names
        if (name == PACKAGE or name.startswith(PACKAGE + ".")) and name not in RUNNER_MODULES
    }


@lru_cache(maxsize=4096)
def _file_imports(path: str, package: str, _mtime_ns: int, _size: int) -> frozenset[str]:
    # keyed on the file's stat as well: a file edited between two calls is parsed again
    return frozenset(_imported_names(Path(path).read_text(encoding="utf-8"), package))


def _imports_of(path: Path, package: str) -> frozenset[str]:
    stat = path.stat()
    return _file_imports(str(path), package, stat.st_mtime_ns, stat.st_size)


def _package_of(name: str, path: Path) -> str:
    """The package relative imports in ``path`` (module ``name``) resolve against."""
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def module_closure(*modules: str, root: Path = DEFAULT_ROOT) -> tuple[str, ...]:
    """``modules``, every ``inforelay`` module they import (transitively) and their parent
    packages, sorted. Names that are not modules under ``root`` (imported functions or
    classes) are left out."""
    seen: set[str] = set()
    todo = [name for module in modules for name in (*_parents(module), module)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_file(name, root)
        if path is None:
            continue
        seen.add(name)
        for imported in _imports_of(path, _package_of(name, path)):
            todo.extend(n for n in (*_parents(imported), imported) if n not in seen)
    return tuple(sorted(seen))


def _digest(entries: Iterable[tuple[str, Path]]) -> str:
    sha = hashlib.sha256()
    for name, path in entries:
        sha.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def code_digest(*modules: str, root: Path = DEFAULT_ROOT) -> str:
    """SHA-256 (hex) of the source bytes of :func:`module_closure` of ``modules``.

    Changes when any module the given ones import, directly or through other modules,
    changes; not when an unrelated module does.
    """
    closure = module_closure(*modules, root=root)
    return _digest((name, module_file(name, root)) for name in closure)  # type: ignore[misc]


def script_modules(script: str | Path, root: Path = DEFAULT_ROOT) -> tuple[str, ...]:
    """The ``inforelay`` modules a file outside the package (a workflow script) imports."""
    names = _imports_of(Path(script), package="")
    return tuple(sorted(name for name in names if module_file(name, root) is not None))


def script_digest(script: str | Path, root: Path = DEFAULT_ROOT) -> str:
    """:func:`code_digest` of the modules a workflow script imports: the rule param that makes
    its results follow the library code."""
    return code_digest(*script_modules(script, root), root=root)
