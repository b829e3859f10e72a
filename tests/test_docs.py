"""The documentation stays true: every environment variable the settings read is documented, the README
stays a front door, and the generated rules reference matches the rules."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from observatory.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SETTINGS = ROOT / "kernel" / "settings.py"
# How kernel/settings.py reads a variable: os.getenv("X"), _int("X", ...), ..., or a prefix ("X_<CODE>").
READ = re.compile(r'(?:getenv|_int|_bool|_csv|_path)\(\s*"([A-Z][A-Z0-9_]+)"|startswith\("([A-Z][A-Z0-9_]+_)"\)')


def _documented() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in DOCS.glob("*.md"))


def test_every_environment_variable_the_settings_read_is_documented() -> None:
    read = {a or b for a, b in READ.findall(SETTINGS.read_text(encoding="utf-8"))}
    assert "DATABASE_URL" in read and "SOURCE_BASE_URL_" in read  # the pattern still sees what it must
    docs = _documented()
    missing = sorted(name for name in read if f"`{name}" not in docs)
    assert not missing, f"documented nowhere in docs/: {', '.join(missing)}"


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) < 8000, f"README.md is {len(readme)} characters: move detail into docs/"
    assert "make demo" in readme and "make test" in readme
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", readme))
    pages = {f"docs/{p.name}" for p in DOCS.glob("*.md")}
    assert pages <= linked, f"pages not linked from the README: {sorted(pages - linked)}"
    for link in re.findall(r"\]\(([\w/.-]+\.md)\)", readme):
        assert (ROOT / link).is_file(), f"README links a missing page: {link}"


def test_the_rules_reference_is_generated_from_the_rules() -> None:
    result = CliRunner().invoke(cli, ["rules", "docs"])
    assert result.exit_code == 0, result.output
    committed = (DOCS / "rules-reference.md").read_text(encoding="utf-8")
    assert committed.strip() == result.output.strip(), (
        "docs/rules-reference.md is stale: run `observatory rules docs --output docs/rules-reference.md`"
    )
