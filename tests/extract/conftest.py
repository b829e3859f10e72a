"""Documents built by make_documents.py (once per test session) and the golden pairs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
sys.path.insert(0, str(HERE))

import make_documents  # noqa: E402


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("built-documents")
    make_documents.build(directory, bad=True)
    return directory
