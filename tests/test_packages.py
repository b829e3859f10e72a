"""Every top-level package imports from this repository, the allowed import arrows between them hold
(README.md, "Architecture"), no module imports itself back through others, and no module is a giant."""

from __future__ import annotations

import ast
import importlib
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DECLARED = PYPROJECT["tool"]["setuptools"]["packages"]
# Code packages have an __init__.py; the others declared are data directories shipped with them.
PACKAGES = [p for p in DECLARED if (ROOT / p.replace(".", "/") / "__init__.py").is_file()]
DATA_DIRS = [p for p in DECLARED if p not in PACKAGES]
TOP_LEVEL = sorted({p.split(".")[0] for p in PACKAGES})

# package -> the packages of ours it may import (README.md, "Architecture"). The application sits on
# top and may import everything; nothing imports it. The kernel and the data layer import nothing.
ALLOWED = {
    "kernel": set(),
    "db": set(),
    "extract": {"kernel", "db"},
    "rules": {"kernel", "db"},
    "authorities": {"kernel", "db", "extract"},
    "crawlers": {"kernel", "db", "authorities", "accreditation", "legislation"},
    "alerts": {"kernel", "db", "rules", "authorities", "legislation"},
    "replay": {"kernel", "crawlers", "authorities"},
    # Issue 22: accreditation tariffs (domain, import, acts read by the extractor), the legislation watch
    # (sources, topics: R-ACC-6 for tariffs, the known Ministry tables) and the reports (figures, the rules'
    # Italian titles from alerts, the extractor's version).
    "accreditation": {"kernel", "db", "extract"},
    "legislation": {"kernel", "db", "rules"},
    "reports": {"kernel", "db", "rules", "alerts", "extract"},
    "observatory": set(TOP_LEVEL) - {"observatory"},
}
MAX_LINES = 500  # migrations and tests excepted
NOT_CODE = {"tests", ".venv", ".git", "versions"}


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_from_this_repository(package: str) -> None:
    module = importlib.import_module(package)
    assert Path(module.__file__).resolve().is_relative_to(ROOT), f"{package} imported from {module.__file__}"


def test_every_package_directory_is_listed() -> None:
    """A package left out of pyproject.toml would be missing from an installed copy."""
    listed = set(PACKAGES)
    for top in TOP_LEVEL:
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            name = ".".join(rel.parts)
            assert name in listed, f"package {name} is not listed in pyproject.toml [tool.setuptools] packages"


@pytest.mark.parametrize("data_dir", DATA_DIRS)
def test_declared_data_directories_exist(data_dir: str) -> None:
    assert (ROOT / data_dir.replace(".", "/")).is_dir(), f"{data_dir} is declared in pyproject.toml but missing"


def test_every_top_level_package_has_its_arrows() -> None:
    assert set(ALLOWED) == set(TOP_LEVEL), "a new top-level package needs its allowed arrows here and in README"


def _modules() -> Iterator[tuple[str, Path]]:
    for top in TOP_LEVEL:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if NOT_CODE & set(rel.parts):
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


MODULES = dict(_modules())


def _imports(name: str, path: Path) -> set[str]:
    """Every module of ours that `path` imports, at module level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            # `from a.b import c`: c is a module of ours, or a name defined in a.b
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target:
                found.add(target)
    return found - {name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layering(package: str) -> None:
    offenders = []
    for name, targets in sorted(GRAPH.items()):
        if name.split(".")[0] != package:
            continue
        bad = {t.split(".")[0] for t in targets} - ALLOWED[package] - {package}
        if bad:
            offenders.append(f"{name} imports {', '.join(sorted(bad))}")
    assert not offenders, "layering broken (allowed arrows in README.md):\n" + "\n".join(offenders)


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components over the module graph (function-level imports included:
    a cycle hidden in a function is still a cycle). A package's __init__ re-exporting its own
    submodules is not a cycle: edges from a package to its own submodules are left out."""
    graph = {
        name: {t for t in targets if not (t.startswith(name + ".") and MODULES[name].name == "__init__.py")}
        for name, targets in GRAPH.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_giant_modules() -> None:
    giants = []
    for name, path in MODULES.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            giants.append(f"{name}: {lines} lines")
    assert not giants, f"modules over {MAX_LINES} lines (split them by job):\n" + "\n".join(giants)
