"""Bad configuration gives one line naming the problem, a non-zero exit, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "OBSERVATORY_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "observatory", *args], capture_output=True, text=True, env=full_env, cwd=ROOT,
        timeout=120,
    )


def test_malformed_database_url(tmp_path: Path) -> None:
    result = _run(["db", "upgrade"], {"DATABASE_URL": "not a url", "OBSERVATORY_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: DATABASE_URL is not a database URL: 'not a url'"]


def test_unreachable_database(tmp_path: Path) -> None:
    result = _run(["db", "check"], {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot connect to") and "Connection refused" in lines[0]


def test_missing_directory_file_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    result = _run(
        ["db", "upgrade"],
        {"DATABASE_URL": f"sqlite:///{db}", "OBSERVATORY_DIRECTORY": str(tmp_path / "missing.yaml")},
    )
    assert result.returncode != 0
    assert result.stderr.strip() == f"error: directory file not found: {tmp_path / 'missing.yaml'}"
    assert not db.exists()


def test_malformed_directory_file(tmp_path: Path) -> None:
    bad = tmp_path / "dir.yaml"
    bad.write_text("observatories:\n  - {code: NAZ, name: x, national: true, recipients: [a@b.it]\n")
    result = _run(["db", "upgrade"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'o.sqlite3'}",
                                      "OBSERVATORY_DIRECTORY": str(bad)})
    assert result.returncode != 0
    assert result.stderr.strip().startswith(f"error: directory file {bad} is not valid YAML at line")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("observatories:\n  - {code: LOM, name: x, istat_region: '03', recipients: [not-an-address]}\n")
    result = _run(["db", "upgrade"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'o2.sqlite3'}",
                                      "OBSERVATORY_DIRECTORY": str(wrong)})
    assert result.returncode != 0
    assert "not an e-mail address: not-an-address" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
