"""Render an alert from its template directory: `templates/<alert>/{subject.txt, body.txt, body.html}`.

Every alert extends `templates/_base/`, whose footer says why the recipient gets the message. The HTML
body is autoescaped (titles and authority names come from portals we do not control) and its CSS is
inlined with css-inline, keeping only the `@media` rules in a `<style>` block for clients that honour them. The text body is
rendered with autoescape off: it is a separate template, never the HTML with tags stripped. The
subject is collapsed to one line here; `alerts.message` still treats it as untrusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape

from alerts import formatting

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class RenderedAlert:
    subject: str
    text: str
    html: str | None


@lru_cache(maxsize=4)
def environment(timezone: str = formatting.DEFAULT_TZ) -> Environment:
    """`.html` templates autoescaped, `.txt` templates not; undefined names are errors, not blanks."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(formatting.FILTERS)
    for name in ("it_date", "it_datetime", "it_date_long"):
        env.filters[name] = partial(formatting.FILTERS[name], tz=timezone)
    env.globals["plural"] = formatting.plural
    return env


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def render_alert(
    name: str, context: dict[str, Any], *, timezone: str = formatting.DEFAULT_TZ
) -> RenderedAlert:
    env = environment(timezone)
    subject = one_line(env.get_template(f"{name}/subject.txt").render(context))
    text = env.get_template(f"{name}/body.txt").render(context)
    try:
        html_template = env.get_template(f"{name}/body.html")
    except TemplateNotFound:
        html = None
    else:
        html = _inliner().inline(html_template.render(context))
    return RenderedAlert(subject=subject, text=_tidy_text(text), html=html)


def _tidy_text(text: str) -> str:
    """No trailing spaces, at most one blank line in a row: templates stay readable, mail stays tidy."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def template_names() -> list[str]:
    """Every alert (a directory with a subject.txt), `_base` excluded."""
    return sorted(p.parent.name for p in TEMPLATES_DIR.glob("*/subject.txt") if p.parent.name != "_base")
