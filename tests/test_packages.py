"""Every top-level package imports from this repository, and the layering between them holds."""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGES = PYPROJECT["tool"]["setuptools"]["packages"]
TOP_LEVEL = sorted({p.split(".")[0] for p in PACKAGES})

# package -> packages of ours it must never import
FORBIDDEN = {
    "db": {p for p in TOP_LEVEL if p != "db"},
    "crawlers": {"rules", "alerts"},
    "extract": {"crawlers", "alerts"},
    "rules": {"crawlers", "alerts"},
}


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


def _imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _imported_top_levels(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert not offenders, "layering broken:\n" + "\n".join(offenders)
