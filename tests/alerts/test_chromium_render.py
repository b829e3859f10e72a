"""The HTML digest, as queued in the outbox, rendered by headless Chromium: the findings are on the page.

Needs Debian's `chromium` (`make system-deps` installs it); a missing browser fails the test with that
instruction rather than skipping it silently.
"""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import subprocess
import zlib
from email import message_from_string, policy
from pathlib import Path

from sqlalchemy import select

from alerts.service import queue_digests
from db.models import AlertDelivery, Observatory
from tests.alerts import factories

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)
WIDTH, HEIGHT = 900, 1400


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not installed: run `make system-deps` (apt-get install chromium)"
    return path


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def _png_pixels(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def _html_page(delivery: AlertDelivery, tmp_path: Path) -> Path:
    """The HTML part of the message as stored in the outbox (what recipients get), as a file."""
    message = message_from_string(delivery.message, policy=policy.default)
    page = tmp_path / "digest.html"
    page.write_text(message.get_body(preferencelist=("html",)).get_content(), encoding="utf-8")
    return page


def test_digest_renders_in_chromium(session, directory, file_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    factories.digest_world(session)
    queue_digests(session, directory, file_settings, now=NOW)
    session.flush()
    delivery = session.scalars(select(AlertDelivery).join(Observatory).where(Observatory.code == "PIE")).one()
    page = _html_page(delivery, tmp_path)

    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    for text in (
        "Osservatorio regionale Piemonte",
        "Servizio di assistenza domiciliare anziani 2026-2028",
        "Comune di Torino",
        "B123456789",
        "€ 19,89/h contro € 23,65/h del CCNL (livello D2, ottobre 2025): -15,9 %",
        "Il costo orario posto a base di gara è pari a euro 19,89.",
        "Criticità gravi (1)",
        "Anomalie da verificare (1)",
    ):
        assert text in dom, text

    shot = tmp_path / "digest.png"
    _run_chromium(tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri())
    width, height, raw = _png_pixels(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    # A blank or failed page is one or two colours; the digest has a header band, coloured section
    # headings, tables and text.
    assert len(set(raw)) > 100
    assert shot.stat().st_size > 20_000


def test_scraped_markup_stays_text_in_the_browser(session, directory, file_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = factories.source(session)
    auth = factories.authority(session, "Comune di <b>Prova</b>", istat_region="09")
    title = 'Servizio <img src="x" onerror="document.title=1"> & <script>document.title=2</script> mensa'
    factories.finding(session, factories.notice(session, src, auth, title))
    queue_digests(session, directory, file_settings, now=NOW)
    session.flush()
    page = _html_page(session.scalars(select(AlertDelivery)).one(), tmp_path)
    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<img" not in dom and "<script>document" not in dom and "<b>Prova</b>" not in dom
    assert 'Servizio &lt;img src="x" onerror="document.title=1"&gt; &amp; &lt;script&gt;' in dom
    assert "Comune di &lt;b&gt;Prova&lt;/b&gt;" in dom
