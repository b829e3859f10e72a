"""The replay HTTP server: one ThreadingHTTPServer per site, on loopback only."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)


@dataclass
class ReplayRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    match: re.Match[str]
    base_url: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class ReplayResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, text: str | bytes, status: int = 200) -> ReplayResponse:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return cls(status, data, {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def html(cls, text: str | bytes, status: int = 200) -> ReplayResponse:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return cls(status, data, {"Content-Type": "text/html; charset=utf-8"})

    @classmethod
    def file(cls, path: Path, content_type: str) -> ReplayResponse:
        return cls(200, path.read_bytes(), {"Content-Type": content_type})


Handler = Callable[[ReplayRequest], ReplayResponse]


@dataclass
class Site:
    """One portal: its routes and its robots.txt."""

    name: str
    robots_txt: str = "User-agent: *\nAllow: /\n"
    routes: list[tuple[str, re.Pattern[str], Handler]] = field(default_factory=list)
    # Requests seen, for tests that assert politeness (path, time).
    log: list[tuple[str, float]] = field(default_factory=list)

    def route(self, pattern: str, methods: Iterable[str] = ("GET",)) -> Callable[[Handler], Handler]:
        compiled = re.compile(pattern + r"\Z")

        def register(handler: Handler) -> Handler:
            for method in methods:
                self.routes.append((method.upper(), compiled, handler))
            return handler

        return register

    def dispatch(self, method: str, raw_path: str, headers: dict[str, str], body: bytes, base_url: str) -> ReplayResponse:
        parts = urlsplit(raw_path)
        if parts.path == "/robots.txt":
            return ReplayResponse(200, self.robots_txt.encode(), {"Content-Type": "text/plain"})
        for route_method, pattern, handler in self.routes:
            match = pattern.match(parts.path)
            if match and route_method == method:
                request = ReplayRequest(method, parts.path, parse_qs(parts.query), headers, body, match, base_url)
                return handler(request)
        return ReplayResponse(404, b"not found", {"Content-Type": "text/plain"})


def _handler_class(site: Site) -> type[BaseHTTPRequestHandler]:
    import time

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            site.log.append((self.path, time.monotonic()))
            host, port = self.server.server_address[:2]
            try:
                response = site.dispatch(
                    self.command, self.path, dict(self.headers.items()), body, f"http://{host}:{port}"
                )
            except Exception:  # noqa: BLE001 - a broken fixture must not kill the server
                logger.exception("replay %s: handler failed for %s", site.name, self.path)
                response = ReplayResponse(500, b"replay handler error")
            self.send_response(response.status)
            headers = {"Content-Length": str(len(response.body)), **response.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            logger.debug("replay %s: " + format, site.name, *args)

    return Handler


class ReplayServer:
    """Start every site on its own loopback port; use as a context manager."""

    def __init__(self, sites: Iterable[Site]) -> None:
        self.sites = {site.name: site for site in sites}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> ReplayServer:
        for name, site in self.sites.items():
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(site))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name=f"replay-{name}", daemon=True)
            thread.start()
            self._servers[name] = server
            self._threads.append(thread)
        return self

    def url(self, site: str) -> str:
        host, port = self._servers[site].server_address[:2]
        return f"http://{host}:{port}"

    def urls(self) -> dict[str, str]:
        return {name: self.url(name) for name in self._servers}

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
