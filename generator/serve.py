"""Preview server: build, serve site/ on 127.0.0.1 with live reload, rebuild on every change.

A content edit rebuilds in memory (templates stay compiled) and rewrites only the files whose
bytes changed; a template or static edit does a full build. A failed rebuild is printed to the
console and shown in the browser in place of the page; the server keeps running.
"""
from __future__ import annotations

import mimetypes
import threading
import time
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Callable, Iterable

import click

from .cache import BuildCache
from .config import BuildConfig
from .errors import BuildFailed, Location
from .model import Content, Markdown
from .pipeline import BuildReport, build_site, check_content, render_site
from .render import make_environment
from .resolve import Resolved
from .search import SEARCH_DIR, index_pages
from .write import Outputs, sync_changed

StartResponse = Callable[[str, list[tuple[str, str]]], object]


@dataclass
class Previewer:
    config: BuildConfig
    outputs: Outputs = field(default_factory=dict)
    failure: str | None = None

    def __post_init__(self) -> None:
        self.env = make_environment(self.config.templates_dir, auto_reload=True)
        self.cache = BuildCache()
        self.resolved: Resolved | None = None
        self.lock = threading.Lock()  # the search refresh thread also writes outputs
        self.generation = 0  # bumped by every rebuild; a stale search refresh is dropped

    def full_build(self) -> None:
        self._run(self._build_and_swap, full=True)

    def _build_and_swap(self) -> Outputs:
        self.resolved = None
        self.cache.next_build()
        report = build_site(self.config, self.env, self.cache)
        self.resolved = report.resolved
        return report.outputs

    def content_changed(self) -> None:
        self._run(self._rebuild_in_memory, full=False)

    def _rebuild_in_memory(self) -> Outputs:
        """Pages first (the browser reloads as soon as we return); the search index follows in
        the background, so a content edit never waits for Pagefind."""
        report = BuildReport()
        self.cache.next_build()
        resolved = check_content(self.config, report, self.cache)
        dirty = pages_to_rerender(self.resolved, resolved) if self.outputs else None
        kept = self.outputs if dirty is not None else _search_files(self.outputs)
        outputs = kept | render_site(self.config, resolved, report, env=self.env, search=False,
                                     only=None if dirty is None else dirty.__contains__)
        self.resolved = resolved
        changed = sync_changed(outputs, self.config.out_dir, self.outputs)
        click.echo(f"rewrote {len(changed)} file(s): {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}")
        if any(path.endswith(".html") for path in changed):
            self._refresh_search_later(outputs, resolved.content.briefing.language)
        return outputs

    def _refresh_search_later(self, outputs: Outputs, language: str) -> threading.Thread:
        pages = {path: data for path, data in outputs.items() if path.endswith(".html")}
        worker = threading.Thread(target=self._refresh_search, args=(self.generation, pages, language), daemon=True)
        worker.start()
        return worker

    def _refresh_search(self, generation: int, pages: Outputs, language: str) -> None:
        try:
            index = index_pages(pages, language)
        except BuildFailed as exc:
            click.echo(exc.format_message(), err=True)
            return
        with self.lock:
            if generation != self.generation:  # a newer rebuild has started its own refresh
                return
            old_index = _search_files(self.outputs)
            sync_changed(index, self.config.out_dir, old_index)
            self.outputs = {p: d for p, d in self.outputs.items() if p not in old_index} | index

    def _run(self, step: Callable[[], Outputs], full: bool) -> None:
        started = time.perf_counter()
        try:
            with self.lock:
                self.generation += 1
                self.outputs, self.failure = step(), None
            kind = "full build" if full else "rebuild"
            click.echo(f"{kind} ok in {(time.perf_counter() - started) * 1000:.0f} ms")
        except BuildFailed as exc:
            self.failure = exc.format_message()
            click.echo(self.failure, err=True)

    def wsgi(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        """Serve files from the output folder; while the last build failed, serve its errors."""
        path = environ.get("PATH_INFO", "/")
        target = resolve_request(self.config.out_dir, path)
        is_page = Path(path).suffix in ("", ".html")
        if self.failure and is_page:
            return _respond(start_response, "500 Build failed", "text/html", error_page(self.failure))
        if target is None:
            missing = self.config.out_dir / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<h1>Not found</h1>"
            return _respond(start_response, "404 Not Found", "text/html", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return _respond(start_response, "200 OK", kind, target.read_bytes())


def _search_files(outputs: Outputs) -> Outputs:
    return {path: data for path, data in outputs.items() if path.startswith(f"{SEARCH_DIR}/")}


def pages_to_rerender(old: Resolved | None, new: Resolved) -> set[str] | None:
    """The pages an edit can have changed, or None for all of them.

    The cheap, common case: only actor or page bodies changed, and each still refers to the same
    targets in the same order. Then nothing shown elsewhere (names, backlinks, citations) moved,
    and only those texts' own pages need rendering again.
    """
    if old is None or old.docs.keys() != new.docs.keys() or _without_bodies(old.content) != _without_bodies(new.content):
        return None
    dirty = set()
    for key, info in new.docs.items():
        before = old.docs[key]
        if info.parsed is before.parsed:
            continue
        same_refs = [(r.kind, r.target, r.fragment) for r in info.parsed.refs] == \
                    [(r.kind, r.target, r.fragment) for r in before.parsed.refs]
        if not same_refs or not key.endswith("-body"):
            return None
        dirty.add(info.home.split("#")[0])
    return dirty


def _without_bodies(content: Content) -> Content:
    blank = Markdown("", Location("", 0))
    return replace(content, actors=tuple(replace(a, body=blank) for a in content.actors),
                   pages=tuple(replace(p, body=blank) for p in content.pages))


def resolve_request(root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file inside root, refusing anything that would leave it."""
    root = root.resolve()
    candidate = (root / url_path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def error_page(message: str) -> bytes:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Build failed</title></head>"
            f"<body><h1>Build failed</h1><p>Fix the problems below and save; this page reloads by itself.</p>"
            f"<pre>{escape(message)}</pre></body></html>").encode("utf-8")


def _respond(start_response: StartResponse, status: str, kind: str, body: bytes) -> list[bytes]:
    charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript") else ""
    start_response(status, [("Content-Type", kind + charset), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store")])
    return [body]


def serve_site(config: BuildConfig, host: str, port: int, open_browser: bool = True) -> None:
    from livereload import Server

    previewer = Previewer(config)
    previewer.full_build()
    server = Server(app=previewer.wsgi)
    server.watch(str(config.content_dir), previewer.content_changed, delay=0.05)
    server.watch(str(config.templates_dir), previewer.full_build, delay=0.05)
    if config.sources_dir:
        server.watch(str(config.sources_dir), previewer.content_changed)
    click.echo(f"serving {config.out_dir} at http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host=host, port=port, debug=False, open_url_delay=1 if open_browser else None)
