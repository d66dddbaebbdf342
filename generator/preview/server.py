"""The preview's HTTP server: the output folder as `build` wrote it, plus the reload channel.

Standard library only (`ThreadingHTTPServer`): one thread a request, so each open page's event
stream simply waits on the update log. HTML pages get one external script tag before `</head>`;
every other file is served byte for byte. While the last build failed, pages are replaced by an
error page (which carries the same script, so it goes away by itself on the fix).
"""
from __future__ import annotations

import errno
import hashlib
import json
import mimetypes
import re
import socket
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

import click

from .guards import Redirect, Refusal, Target, host_allowed, locate, output_name, parse_target
from .updates import UpdateLog

RELOAD_JS = "/__preview__/reload.js"
EVENTS = "/__preview__/events"
HEARTBEAT_SECONDS = 15.0  # an idle stream writes a comment this often, so a closed tab frees its thread
_SCRIPT = (Path(__file__).parent / "reload.js").read_bytes()
_ERROR_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'"


class Site(Protocol):
    """What the server needs of the previewer: the output folder, whether the last build failed,
    and the lock a rebuild holds while it writes, so a request never sees a half-written state."""

    @property
    def out_dir(self) -> Path: ...

    @property
    def failure(self) -> str | None: ...

    @property
    def lock(self) -> AbstractContextManager[Any]: ...


@dataclass(frozen=True)
class Reply:
    status: int
    kind: str
    body: bytes
    location: str = ""
    etag: str = ""  # set: the browser may keep the file and ask again with If-None-Match (304 if unchanged)


class PortUnavailable(Exception):
    """The address cannot be listened on; the message says why in one line."""


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive after Ctrl+C

    def __init__(self, host: str, port: int, site: Site, log: UpdateLog) -> None:
        self.site, self.updates, self.host = site, log, host
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), PreviewHandler)
        except socket.gaierror:
            raise PortUnavailable(f"{host}: no such address to listen on") from None
        except OSError as exc:
            raise PortUnavailable(_bind_problem(host, port, exc)) from None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        """One line instead of socketserver's traceback; a browser hanging up is not news."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            click.echo(f"preview: internal error answering {client_address}: {exc!r}", err=True)


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"{host}:{port}: that port is already in use -> stop the other server, or pick another "
                f"port with --port (--port 0 picks a free one)")
    if exc.errno == errno.EACCES:
        return f"{host}:{port}: not allowed to listen on that port -> use a port above 1023, e.g. --port 8000"
    return f"{host}:{port}: cannot listen there ({exc.strerror}) -> check --host and --port"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        target = parse_target(self.path)
        if not host_allowed(self.headers.get("Host"), self.server.host):
            target = Refusal(421, "Host header names another host")
        if isinstance(target, Refusal):
            self._log_refusal(target.status, target.reason)
            self._send(Reply(target.status, "text/plain", f"{target.status}: {target.reason}\n".encode()), send_body)
        elif target.path == EVENTS and send_body:
            self._stream(target)
        elif target.path == RELOAD_JS:
            self._send(Reply(200, "text/javascript", _SCRIPT), send_body)
        else:
            self._send(self._file(target), send_body)

    def _file(self, target: Target) -> Reply:
        site, updates = self.server.site, self.server.updates
        with site.lock:
            found = locate(site.out_dir, target.path)
            if isinstance(found, Redirect):
                query = self.path.partition("?")[2]
                return Reply(301, "text/plain", b"", found.location + (f"?{query}" if query else ""))
            wanted = output_name(target.path)
            is_page = wanted.endswith(".html") or "." not in wanted.rsplit("/", 1)[-1]
            build = updates.serving(wanted) if is_page else updates.build
            if site.failure and is_page:
                return Reply(500, "text/html", error_page(site.failure, build))
            if found is None:
                not_found = site.out_dir / "404.html"
                body = not_found.read_bytes() if not_found.is_file() else b"<!doctype html><title>Not found</title>"
                return Reply(404, "text/html", with_reload_script(body, [wanted, "404.html"], build, at_root=True))
            data = found.file.read_bytes()
        kind = mimetypes.guess_type(found.file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = with_reload_script(data, [found.output], build, at_root=found.output == "404.html")
            return Reply(200, kind, data)
        # Not a page: a reload revalidates the stylesheet, scripts and fonts instead of fetching them again.
        etag = f'"{hashlib.blake2b(data, digest_size=12).hexdigest()}"'
        if etag in (self.headers.get("If-None-Match") or "").replace("W/", "").split(", "):
            return Reply(304, kind, b"", etag=etag)
        return Reply(200, kind, data, etag=etag)

    def _stream(self, target: Target) -> None:
        """Server-sent events: one `update` event per rebuild, newer than the page's own build."""
        since = (target.query.get("since") or [""])[0]
        pages = (target.query.get("pages") or [""])[0].split()[:8]
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            with self.server.updates.listening(pages):
                self._send_updates(since)
        except (ConnectionError, TimeoutError, ValueError):  # the tab closed or reloaded
            return

    def _send_updates(self, since: str) -> None:
        self.wfile.write(b"retry: 500\n\n")
        self.wfile.flush()
        while True:
            update = self.server.updates.newer_than(since, HEARTBEAT_SECONDS)
            if update is None:
                self.wfile.write(b": still here\n\n")
            else:
                since = update.build
                data = json.dumps(update.as_event(), ensure_ascii=True)
                self.wfile.write(f"event: update\ndata: {data}\n\n".encode("ascii"))
            self.wfile.flush()

    def _send(self, reply: Reply, send_body: bool) -> None:
        self.send_response(reply.status)
        charset = "; charset=utf-8" if reply.kind.startswith("text/") or reply.kind.endswith(("json", "xml")) else ""
        if reply.status != 304:  # a 304 has no body, so no length or type of one
            self.send_header("Content-Type", reply.kind + charset)
            self.send_header("Content-Length", str(len(reply.body)))
        if reply.etag:
            self.send_header("ETag", reply.etag)
        self.send_header("Cache-Control", "no-cache" if reply.etag else "no-store")  # no-cache: keep, but always ask
        self.send_header("X-Content-Type-Options", "nosniff")
        if reply.location:
            self.send_header("Location", reply.location)
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def _log_refusal(self, status: int, reason: str) -> None:
        click.echo(f"preview: refused {self.command} {_shown(self.path)}: {status} {reason}", err=True)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # a preview that prints every request buries the rebuild messages

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Malformed requests the base class refuses itself (bad request line, headers too long)."""
        click.echo(f"preview: refused {_shown(self.requestline or '')}: {format % args}", err=True)


def _shown(text: str, limit: int = 120) -> str:
    """A request target fit for one console line: escaped, and cut if long."""
    shown = text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[:limit] + f"... ({len(text)} characters)"


def with_reload_script(html: bytes, pages: list[str], build: str, at_root: bool = False) -> bytes:
    """The page with our script before `</head>`; `at_root` also resolves its links from the site root
    (the 404 page is served at any depth, and its own <base> names the deployed path, not ours)."""
    tag = (f'<script src="{RELOAD_JS}" data-pages="{escape(" ".join(pages))}" '
           f'data-build="{escape(build)}" defer></script>').encode("utf-8")
    head_end = html.find(b"</head>")
    html = html + tag if head_end < 0 else html[:head_end] + tag + html[head_end:]
    if at_root:
        html = _base_at_root(html)
    return html


def _base_at_root(html: bytes) -> bytes:
    if re.search(rb"<base\s", html):
        return re.sub(rb'<base\s+href="[^"]*"', b'<base href="/"', html, count=1)
    return html.replace(b"<head>", b'<head>\n<base href="/">', 1)


def error_page(message: str, build: str) -> bytes:
    page = (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f'<meta http-equiv="Content-Security-Policy" content="{_ERROR_CSP}">'
            f"<title>Build failed</title></head><body><h1>Build failed</h1>"
            f"<p>Fix the problems below and save; this page reloads by itself.</p>"
            f"<pre>{escape(message)}</pre></body></html>")
    return with_reload_script(page.encode("utf-8"), [], build)
