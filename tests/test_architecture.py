"""The package layering of ``docs/architecture.md``, checked on every import of ``src/inforelay``.

The doc's package table says which packages each package "may import". This test reads that
table, walks the ``ast`` of every module of every package (imports inside functions and
``if TYPE_CHECKING:`` blocks count too: a lazy import is still a dependency), and fails on each
import of another ``inforelay`` package that its row does not allow, naming the file, the line
and the import. Pure static analysis: nothing of the library is imported.

What counts as an import of package ``x``:

- ``import inforelay.x…`` and ``from inforelay.x… import …``;
- relative imports that resolve to ``inforelay.x…`` (``from ..x import y``);
- ``from inforelay import x`` (a subpackage), and ``from inforelay import record`` or
  ``inforelay.record`` (a name the top-level package loads from ``api``) as an import of ``api``;
- ``importlib.import_module("inforelay.x…")`` with a literal name.

``from inforelay import __version__`` (the top-level package itself) is allowed everywhere: any
import of an ``inforelay`` module runs ``inforelay/__init__.py`` anyway. That file itself may
import only ``api`` (the doc: the entry points are "re-exported by ``inforelay``").
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"
SRC = REPO / "src" / "inforelay"

#: the top-level package ``inforelay`` itself (``__version__``): allowed everywhere
TOP = "<inforelay>"
#: what ``src/inforelay/__init__.py`` may import
TOP_INIT_ALLOWED = frozenset({"api", "core"})
#: top-level modules (``src/inforelay/<name>.py``) that are rows of the table
TOP_LEVEL_MODULES = ("cli",)
_RANGE = re.compile(r"^(\w+)\s*(?:…|\.\.\.)\s*(\w+)$")


# --- the table ----------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _name(cell: str) -> str:
    return cell.strip().strip("`").strip()


def parse_import_table(markdown: str) -> dict[str, frozenset[str]]:
    """package -> the other packages it may import, from the first table with a ``package`` and a
    ``may import`` column (rows in the table's order).

    A ``may import`` cell is ``nothing else``; ``everything`` (every other package);
    ``everything above`` (the rows before it); or a comma-separated list of package names and
    ranges ``a … b`` (the rows from ``a`` to ``b``, both included). An unknown name or a malformed
    cell raises ``ValueError``.
    """
    lines = markdown.splitlines()
    for start, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            continue
        header = [cell.lower() for cell in _cells(line)]
        if "package" in header and "may import" in header:
            break
    else:
        raise ValueError("no table with a 'package' and a 'may import' column")
    package_col, import_col = header.index("package"), header.index("may import")
    rows: list[tuple[str, str]] = []
    for line in lines[start + 2 :]:  # header, then the |---| separator
        if not line.lstrip().startswith("|"):
            break
        cells = _cells(line)
        if len(cells) != len(header):
            raise ValueError(
                f"table row with {len(cells)} cells, header has {len(header)}: {line!r}"
            )
        rows.append((_name(cells[package_col]), cells[import_col]))
    order = [package for package, _ in rows]
    if len(set(order)) != len(order):
        raise ValueError(f"a package is listed twice: {order}")

    def known(name: str, row: str) -> str:
        if name not in order:
            raise ValueError(
                f"row {row!r}: {name!r} is not a package of the table {order}"
            )
        return name

    table: dict[str, frozenset[str]] = {}
    for index, (package, cell) in enumerate(rows):
        text = cell.strip().lower()
        if text == "nothing else":
            allowed: set[str] = set()
        elif text == "everything":
            allowed = set(order)
        elif text == "everything above":
            allowed = set(order[:index])
        else:
            allowed = set()
            for item in (part.strip() for part in cell.split(",")):
                match = _RANGE.match(_name(item))
                if match:
                    first, last = (
                        order.index(known(name, package)) for name in match.groups()
                    )
                    if first > last:
                        raise ValueError(f"row {package!r}: empty range {item!r}")
                    allowed.update(order[first : last + 1])
                elif re.fullmatch(r"\w+", _name(item)):
                    allowed.add(known(_name(item), package))
                else:
                    raise ValueError(
                        f"row {package!r}: cannot read {item!r} in {cell!r}"
                    )
        allowed.discard(package)
        table[package] = frozenset(allowed)
    return table


# --- the imports of one file --------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    line: int
    text: str
    package: str  # the top-level inforelay package it reaches, or TOP


def _api_names() -> frozenset[str]:
    """The names ``inforelay/__init__.py`` loads from ``api`` (its ``_API`` tuple)."""
    for node in ast.parse((SRC / "__init__.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "_API" for t in node.targets
        ):
            return frozenset(ast.literal_eval(node.value))
    raise AssertionError("src/inforelay/__init__.py defines no _API tuple")


def _target(module: str) -> str | None:
    """The top-level package of the dotted name ``module``, TOP for ``inforelay``, None outside."""
    parts = module.split(".")
    if parts[0] != "inforelay":
        return None
    return parts[1] if len(parts) > 1 else TOP


def imports_of(
    source: str,
    module: str,
    *,
    is_package: bool,
    packages: Sequence[str],
    api_names: frozenset[str],
) -> Iterator[Import]:
    """Every import of an ``inforelay`` module in ``source``, the code of module ``module``
    (dotted, e.g. ``inforelay.relay.files``; ``is_package`` for an ``__init__.py``)."""
    tree = ast.parse(source)

    def names_from_top(node: ast.ImportFrom, text: str) -> Iterator[Import]:
        for alias in node.names:
            if alias.name in packages:
                yield Import(node.lineno, text, alias.name)
            elif alias.name in api_names or alias.name == "*":
                yield Import(node.lineno, text, "api")
            else:
                yield Import(node.lineno, text, TOP)

    lines = source.splitlines()

    def source_of(node: ast.AST) -> str:
        """The node's source lines, joined (``ast.get_source_segment`` is slow on big files)."""
        return " ".join(
            line.strip() for line in lines[node.lineno - 1 : node.end_lineno]
        ) or ast.unparse(node)

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            text = source_of(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _target(alias.name)
                if target is not None:
                    yield Import(node.lineno, text, target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                if node.level - 1 >= len(base):
                    raise ValueError(
                        f"{module}:{node.lineno}: {text!r} goes above the top-level package"
                    )
                base = base[: len(base) - (node.level - 1)]
                absolute = ".".join([*base, *([node.module] if node.module else [])])
            else:
                absolute = node.module or ""
            target = _target(absolute)
            if target == TOP:
                yield from names_from_top(node, text)
            elif target is not None:
                yield Import(node.lineno, text, target)
        elif isinstance(node, ast.Call):
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", None)
            )
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    target = _target(first.value)
                    if target is not None:
                        yield Import(node.lineno, source_of(node), target)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "inforelay"
            and (node.attr in api_names or node.attr in packages)
        ):
            yield Import(
                node.lineno,
                source_of(node),
                "api" if node.attr in api_names else node.attr,
            )


def violations(
    source: str,
    path: str,
    module: str,
    own: str,
    allowed: frozenset[str],
    *,
    is_package: bool,
    packages: Sequence[str],
    api_names: frozenset[str],
) -> list[str]:
    """One message per import in ``source`` of a package that ``own`` may not import."""
    found = []
    for imp in imports_of(
        source, module, is_package=is_package, packages=packages, api_names=api_names
    ):
        if imp.package in (TOP, own) or imp.package in allowed:
            continue
        reason = (
            f"imports `{imp.package}`, which is not a package of the table"
            if imp.package not in packages
            else f"imports `{imp.package}`"
        )
        found.append(
            f"{path}:{imp.line}: `{imp.text}` {reason}; `{own}` may import: "
            f"{', '.join(sorted(allowed)) or 'nothing else'}"
        )
    return found


# --- the source tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    path: Path
    module: str
    package: str  # its row of the table; "" for src/inforelay/__init__.py
    is_package: bool


def source_files() -> list[SourceFile]:
    files = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if "__pycache__" in relative.parts:
            continue
        is_package = path.name == "__init__.py"
        parts = ["inforelay", *relative.with_suffix("").parts]
        if is_package:
            parts = parts[:-1]
        package = "" if len(parts) == 1 else parts[1]
        files.append(SourceFile(path, ".".join(parts), package, is_package))
    return files


def existing_packages() -> set[str]:
    packages = {
        p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").is_file()
    }
    modules = {p.stem for p in SRC.glob("*.py") if p.name != "__init__.py"}
    return packages | modules


@pytest.fixture(scope="module")
def table() -> dict[str, frozenset[str]]:
    return parse_import_table(DOC.read_text(encoding="utf-8"))


# --- the checks ---------------------------------------------------------------------------------


def test_table_lists_exactly_the_packages(table):
    listed, existing = set(table), existing_packages()
    assert listed == existing, (
        f"docs/architecture.md's package table lists {sorted(listed - existing)} that do not exist "
        f"and misses {sorted(existing - listed)}"
    )
    for name in TOP_LEVEL_MODULES:
        assert (SRC / f"{name}.py").is_file(), (
            f"src/inforelay/{name}.py is a row of the table"
        )


def test_every_import_follows_the_table(table):
    packages, api_names = list(table), _api_names()
    found: list[str] = []
    checked = 0
    for file in source_files():
        if file.package == "":
            own, allowed = "<inforelay>", TOP_INIT_ALLOWED
        elif file.package in table:
            own, allowed = file.package, table[file.package]
        else:
            found.append(
                f"{file.path.relative_to(REPO)}: package `{file.package}` has no row in the table"
            )
            continue
        source = file.path.read_text(encoding="utf-8")
        found += violations(
            source,
            str(file.path.relative_to(REPO)),
            file.module,
            own,
            allowed,
            is_package=file.is_package,
            packages=packages,
            api_names=api_names,
        )
        checked += 1
    assert checked >= len(table), f"only {checked} source files found under {SRC}"
    assert not found, (
        "imports that docs/architecture.md's package table does not allow "
        "(fix the import, or the table if the import is legitimate):\n  "
        + "\n  ".join(found)
    )


# --- the checker checks itself ------------------------------------------------------------------


def test_parser_reads_the_known_rows(table):
    assert list(table)[:2] == ["core", "tasks"]
    assert table["core"] == frozenset()
    assert table["tasks"] == {"core"}
    assert table["relay"] == {"core", "tasks", "info"}
    # "core … analyses": the rows from core to analyses, in the table's order
    assert table["flow"] == {"core", "tasks", "nets", "info", "relay", "analyses"}
    # "everything above" / "everything"
    order = list(table)
    assert table["api"] == set(order[: order.index("api")])
    assert table["pipeline"] == set(order) - {"pipeline"}


def test_parser_on_a_synthetic_table():
    markdown = """\
text before
| package | owns | may import | torch |
| --- | --- | --- | --- |
| `a` | x | nothing else | never |
| `b` | x | a | never |
| `c` | x | a … b | never |
| `d` | x | everything above | never |
| `e` | x | `a`, c ... d | never |
| `f` | x | everything | never |

| package | may import |
"""
    table = parse_import_table(markdown)
    assert table == {
        "a": frozenset(),
        "b": {"a"},
        "c": {"a", "b"},
        "d": {"a", "b", "c"},
        "e": {"a", "c", "d"},
        "f": {"a", "b", "c", "d", "e"},
    }
    with pytest.raises(ValueError, match="'z' is not a package"):
        parse_import_table(markdown.replace("| `b` | x | a |", "| `b` | x | z |"))
    with pytest.raises(ValueError, match="no table"):
        parse_import_table("| a | b |\n| - | - |")


SYNTHETIC = '''\
"""A relay module that breaks the layering."""
import numpy
import inforelay.info.codes
from inforelay import __version__
from inforelay.core.keys import NetworkKey
from . import files
from .files import read_relay


def lazy():
    from inforelay.nets.stepwise import run
    from ..figures import style
    from inforelay import record
    import importlib
    importlib.import_module("inforelay.claims.paper")
    return inforelay.find_relays
'''


def test_checker_flags_a_fabricated_forbidden_import(table):
    packages = list(table)
    found = violations(
        SYNTHETIC,
        "src/inforelay/relay/synthetic.py",
        "inforelay.relay.synthetic",
        "relay",
        table["relay"],
        is_package=False,
        packages=packages,
        api_names=_api_names(),
    )
    flagged = {
        (int(message.split(":")[1]), message.split("imports `")[1].split("`")[0])
        for message in found
    }
    assert flagged == {
        (11, "nets"),
        (12, "figures"),
        (13, "api"),
        (15, "claims"),
        (16, "api"),
    }, found
    assert any(
        "relay/synthetic.py:11: `from inforelay.nets.stepwise import run`" in m
        for m in found
    ), found
    # the same source in a package that may import everything passes
    assert not violations(
        SYNTHETIC,
        "x.py",
        "inforelay.pipeline.synthetic",
        "pipeline",
        table["pipeline"],
        is_package=False,
        packages=packages,
        api_names=_api_names(),
    )


def test_no_module_imports_the_version_from_the_top_package():
    """The version lives in ``inforelay.core.version``; ``from inforelay import __version__``
    inside the library would run back up to the top package (and its lazy API) from below."""
    offenders = [
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.ImportFrom) and node.module == "inforelay" and node.level == 0
        and any(alias.name == "__version__" for alias in node.names)
    ]
    assert offenders == [], offenders
    assert "__version__" in (SRC / "core" / "version.py").read_text()
