"""Templates: every one compiles under autoescape, subjects are one line, HTML escapes scraped text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from alerts.formatting import FILTERS, plural
from alerts.render import TEMPLATES_DIR, environment, render_alert, template_names

TEMPLATE_FILES = sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_template_compiles_with_autoescape(name: str) -> None:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
    env.filters.update(FILTERS)
    env.get_template(name)


def test_every_alert_has_the_three_templates_extending_base() -> None:
    assert template_names() == ["finding-digest", "legislation-watch", "source-broken"]
    for alert in template_names():
        for part in ("subject.txt", "body.txt", "body.html"):
            source = (TEMPLATES_DIR / alert / part).read_text(encoding="utf-8")
            assert source.startswith(f'{{% extends "_base/{part}" %}}'), f"{alert}/{part}"


def test_html_autoescaped_text_not() -> None:
    env = environment()
    assert env.get_template("finding-digest/body.html").environment.autoescape("x.html") is True
    assert env.autoescape("x.txt") is False


def _notice(title: str, authority: str) -> dict:  # type: ignore[type-arg]
    return {
        "id": 1,
        "title": title,
        "authority": authority,
        "authority_fiscal_code": None,
        "cig": None,
        "amount": None,
        "published_on": None,
        "deadline_at": None,
        "url": "https://x.example/a?b=1&c=2",
        "documents_url": None,
        "route_basis": "",
        "route_resolved": True,
        "late_payment": None,
    }


def _digest_context(title: str, authority: str) -> dict:  # type: ignore[type-arg]
    finding = {
        "id": 1,
        "rule_code": "R-CCNL-1",
        "rule_name": "CCNL",
        "legal_basis": "art. 11",
        "severity": "warning",
        "message": "m",
        "summary": None,
        "figures": [],
        "evidence": [],
        "uses_estimate": False,
        "updated": False,
        "copy_of": None,
    }
    return {
        "observatory": {"code": "LOM", "name": "Osservatorio regionale Lombardia", "is_national": False},
        "today": dt.date(2026, 11, 23),
        "groups": [
            {
                "severity": "warning",
                "label": "Anomalie",
                "count": 1,
                "notices": [{"notice": _notice(title, authority), "findings": [finding]}],
            }
        ],
        "unverified": [],
        "counts": {
            "violations": 1,
            "violation_notices": 1,
            "unverified_notices": 0,
            "notices": 1,
            "by_severity": {},
        },
        "single_authority": authority,
        "unplaced": [],
        "sources": {"total": 0, "working": 0, "down": []},
    }


def test_subject_is_one_line_even_with_newlines_in_scraped_names() -> None:
    rendered = render_alert("finding-digest", _digest_context("t", "Comune di\nSopra\r\nSotto"))
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert rendered.subject.endswith("Comune di Sopra Sotto — 23/11/2026")

    broken = render_alert(
        "source-broken",
        {
            "today": dt.date(2026, 11, 23),
            "still_broken": 0,
            "sources": [
                {
                    "code": "x",
                    "name": "Portale\nregionale",
                    "health_reason": "0 items",
                    "last_success_at": None,
                    "base_url": None,
                }
            ],
        },
    )
    assert broken.subject == "[Osservatorio appalti] fonte non funzionante: Portale regionale — 23/11/2026"


def test_scraped_markup_is_escaped_in_html_and_left_alone_in_text() -> None:
    title = '<script>alert("x")</script> Servizi & <b>assistenza</b>'
    rendered = render_alert("finding-digest", _digest_context(title, "Comune <i>di</i> Prova"))
    assert "<script>" not in rendered.html and "<b>assistenza</b>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html and "Servizi &amp; " in rendered.html
    assert "Comune &lt;i&gt;di&lt;/i&gt; Prova" in rendered.html
    assert 'href="https://x.example/a?b=1&amp;c=2"' in rendered.html
    assert title in rendered.text  # plain text is not HTML: no entities there


def test_plural() -> None:
    assert plural(1, "gara", "gare") == "1 gara"
    assert plural(0, "gara", "gare") == "0 gare"


def test_template_dir_is_packaged() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'alerts = ["templates/**/*"' in pyproject
