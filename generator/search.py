"""Stage 4b, search: a Pagefind index of the rendered pages, returned as outputs under pagefind/.

Pagefind (the `pagefind[bin]` package ships its binary) indexes HTML in memory through its
service mode: base64 JSON messages, each followed by a comma, on stdin and stdout. The package's
own async client reads one reply per 100 ms, which makes a 60-page site take six seconds, so we
speak the same protocol ourselves: each page is sent as soon as it is rendered (a writer thread
feeds stdin) and a reader thread takes the replies as they come, in time linear in their size,
so Pagefind indexes on the second core while Python renders. Nothing touches the disk; the
index is byte-identical for identical pages.
"""
from __future__ import annotations

import base64
import importlib
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from .errors import BuildFailed, Location, error
from .urls import NOT_FOUND, SEARCH

SEARCH_DIR = "pagefind"
NOT_INDEXED = (NOT_FOUND, SEARCH)
# The search page loads pagefind.js (and its worker, WebAssembly and index); not the stock UIs.
_UNUSED_PREFIXES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
# Pagefind indexes ~1,000 pages a second here; it may take this long after the last page is sent.
TIMEOUT_SECONDS = float(os.environ.get("BRIEFING_SEARCH_TIMEOUT", "300"))


def is_indexed(path: str) -> bool:
    return path.endswith(".html") and path not in NOT_INDEXED


class SearchIndexer:
    """A running `pagefind --service`: pages go in as they are rendered, replies come back on
    a reader thread; `finish()` returns the index files, or raises BuildFailed if Pagefind
    reported an error, died, or did not answer within `timeout` seconds."""

    def __init__(self, language: str, command: list[str] | None = None, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self.proc = subprocess.Popen(command or _pagefind_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        # Bounded: when Pagefind lags, rendering waits instead of queueing every page in memory.
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=256)
        self.writer = threading.Thread(target=_send, args=(self.proc.stdin, self.queue), daemon=True)
        self.writer.start()
        self.sent = 0
        self.received = 0
        self.failure: str | None = None
        self.files: list[dict[str, Any]] | None = None
        self.done = threading.Event()
        assert self.proc.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self.reader.start()
        config = {"root_selector": "main", "exclude_selectors": [".backlinks", ".visually-hidden"],
                  "force_language": language.split("-")[0].lower() or "en"}
        self._request({"type": "NewIndex", "config": config})

    def _request(self, payload: dict[str, Any]) -> None:
        message = json.dumps({"message_id": self.sent, "payload": payload}).encode()
        self.queue.put(base64.b64encode(message) + b",")
        self.sent += 1

    def add(self, path: str, html: str) -> None:
        if is_indexed(path):
            self._request({"type": "AddFile", "index_id": 0, "file_path": path, "url": None,
                           "file_contents": indexed_part(html)})

    def _read(self, stdout: BinaryIO) -> None:
        try:
            read_messages(stdout, self._on_reply)
        except (OSError, ValueError) as exc:  # a closed pipe or a garbled reply
            self.failure = self.failure or f"pagefind's reply could not be read ({exc})"
        self.done.set()  # if no index came, finish() says how far Pagefind got

    def _on_reply(self, raw: bytes) -> None:
        payload = json.loads(base64.b64decode(raw))["payload"]
        self.received += 1
        if payload.get("type") == "Error" and self.failure is None:
            self.failure = f"pagefind: {payload.get('message')}"
            self.done.set()
        elif payload.get("type") == "GetFiles":
            self.files = payload["files"]
            self.done.set()

    def finish(self) -> dict[str, bytes]:
        """{path under pagefind/: bytes} of the index over every page added."""
        self._request({"type": "GetFiles", "index_id": 0})
        self.queue.put(None)
        try:
            if not self.done.wait(self.timeout):
                raise _search_failed(f"pagefind did not finish the index within {self.timeout:g} s",
                                     "set BRIEFING_SEARCH_TIMEOUT to allow longer, or check that "
                                     "`python -m pagefind_bin --version` runs")
            if self.failure or self.files is None:
                raise _search_failed(self.failure or f"pagefind stopped after {self.received} of {self.sent} replies",
                                     "check that `python -m pagefind_bin --version` runs")
        finally:
            self.close()
        return {f"{SEARCH_DIR}/{f['path']}": base64.b64decode(f["content"])
                for f in sorted(self.files, key=lambda f: f["path"]) if not f["path"].startswith(_UNUSED_PREFIXES)}

    def close(self) -> None:
        """Stop the service; safe to call more than once."""
        self.queue.put(None)
        if self.proc.poll() is None and not self.done.is_set():
            self.proc.kill()  # failed or abandoned: do not wait for a busy or hung indexer
        self.writer.join(5)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe:
                try:
                    pipe.close()  # end of input: Pagefind exits
                except OSError:
                    pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def indexed_part(html: str) -> str:
    """The page cut down to what Pagefind reads (`<html>` and the root `<main>`), which halves
    its parsing work and yields the same index; the whole page if it has Pagefind attributes
    outside `<main>` (those are read anywhere) or no `<main>`."""
    start, end = html.find("<main"), html.rfind("</main>")
    html_tag = html.find("<html")
    if start < 0 or end < 0 or html_tag < 0 or "data-pagefind" in html[:start] or "data-pagefind" in html[end:]:
        return html
    return f"{html[:html.index('>', html_tag) + 1]}<body>{html[start:end + 7]}</body></html>"


def index_pages(pages: dict[str, bytes], language: str) -> dict[str, bytes]:
    """The index of finished pages in one go (the preview server refreshes it this way)."""
    indexer = SearchIndexer(language)
    try:
        for path, html in sorted(pages.items()):
            indexer.add(path, html.decode("utf-8"))
        return indexer.finish()
    finally:
        indexer.close()


def read_messages(stream: BinaryIO, on_message: Callable[[bytes], None], chunk_size: int = 1 << 16) -> None:
    """Call `on_message` with each comma-terminated message, until the stream ends. Linear in
    the bytes read: a long message is kept as a list of chunks and joined once, when complete."""
    pending: list[bytes] = []
    while chunk := stream.read1(chunk_size):  # type: ignore[attr-defined]
        start = 0
        while (comma := chunk.find(b",", start)) >= 0:
            pending.append(chunk[start:comma])
            on_message(b"".join(pending))
            pending.clear()
            start = comma + 1
        if start < len(chunk):
            pending.append(chunk[start:])


def _pagefind_command() -> list[str]:
    binary = _pagefind_binary()
    if binary is None:
        raise _search_failed("the pagefind binary is not installed", "pip install -r requirements.txt")
    return [str(binary), "--service"]


def _pagefind_binary() -> str | None:
    """Where `pagefind.service.get_executable` looks, in its order, without importing that module,
    which imports asyncio (30 ms of a 0.5 s build) for a client we do not use."""
    if configured := os.environ.get("PAGEFIND_BINARY_PATH"):
        return configured
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return str(importlib.import_module(package).get_executable())
        except ImportError:
            continue
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def _send(stdin: Any, messages: queue.Queue[bytes | None]) -> None:
    try:
        while (message := messages.get()) is not None:
            stdin.write(message)
            stdin.flush()
    except (BrokenPipeError, ValueError, OSError):  # the service died or was closed; the reader reports it
        pass


def _search_failed(message: str, hint: str) -> BuildFailed:
    return BuildFailed([error(Location("search index", 0), message, hint)])
