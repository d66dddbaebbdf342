"""Stage 4b, search: a Pagefind index of the rendered pages, returned as outputs under pagefind/.

Pagefind (the `pagefind[bin]` package ships its binary) indexes HTML in memory through its
service mode: base64 JSON messages, each followed by a comma, on stdin and stdout. The package's
own async client reads one reply per 100 ms, which makes a 60-page site take six seconds, so we
speak the same protocol ourselves: each page is sent as soon as it is rendered, and the replies
are read at the end. Nothing touches the disk; the index is byte-identical for identical pages.
"""
from __future__ import annotations

import base64
import json
import queue
import subprocess
import threading
from typing import Any

from .errors import BuildFailed, Location, error
from .urls import NOT_FOUND, SEARCH

SEARCH_DIR = "pagefind"
NOT_INDEXED = (NOT_FOUND, SEARCH)
# The search page loads pagefind.js (and its worker, WebAssembly and index); not the stock UIs.
_UNUSED_PREFIXES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
_TIMEOUT_SECONDS = 120


class SearchIndexer:
    """A running `pagefind --service`: pages go in as they are rendered, so Pagefind indexes on
    the second core while Python renders the rest; `finish()` returns the index files.

    Replies are read only at the end; a writer thread feeds stdin meanwhile, so a full stdout
    pipe can stall Pagefind but never deadlock us.
    """

    def __init__(self, language: str) -> None:
        from pagefind.service import get_executable  # imported here so a build without search needs no pagefind

        binary = get_executable()
        if binary is None:
            raise _search_failed("the pagefind binary is not installed", "pip install -r requirements.txt")
        self.proc = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.writer = threading.Thread(target=_send, args=(self.proc.stdin, self.queue), daemon=True)
        self.writer.start()
        self.sent = 0
        config = {"root_selector": "main", "exclude_selectors": [".backlinks", ".visually-hidden"],
                  "force_language": language.split("-")[0].lower() or "en"}
        self._request({"type": "NewIndex", "config": config})

    def _request(self, payload: dict[str, Any]) -> None:
        message = json.dumps({"message_id": self.sent, "payload": payload}).encode()
        self.queue.put(base64.b64encode(message) + b",")
        self.sent += 1

    def add(self, path: str, html: str) -> None:
        if path.endswith(".html") and path not in NOT_INDEXED:
            self._request({"type": "AddFile", "index_id": 0, "file_path": path, "url": None, "file_contents": html})

    def finish(self) -> dict[str, bytes]:
        """{path under pagefind/: bytes} of the index over every page added."""
        self._request({"type": "GetFiles", "index_id": 0})
        self.queue.put(None)
        assert self.proc.stdout is not None
        try:
            replies = _read_replies(self.proc.stdout, self.sent)
        finally:
            self.close()
        files = replies[self.sent - 1]["files"]
        return {f"{SEARCH_DIR}/{f['path']}": base64.b64decode(f["content"])
                for f in sorted(files, key=lambda f: f["path"]) if not f["path"].startswith(_UNUSED_PREFIXES)}

    def close(self) -> None:
        """Stop the service; safe to call more than once."""
        self.queue.put(None)
        self.writer.join(_TIMEOUT_SECONDS)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe:
                pipe.close()  # end of input: Pagefind exits
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def index_pages(pages: dict[str, bytes], language: str) -> dict[str, bytes]:
    """The index of finished pages in one go (the preview server refreshes it this way)."""
    indexer = SearchIndexer(language)
    try:
        for path, html in sorted(pages.items()):
            indexer.add(path, html.decode("utf-8"))
        return indexer.finish()
    finally:
        indexer.close()


def _send(stdin: Any, messages: queue.SimpleQueue[bytes | None]) -> None:
    try:
        while (message := messages.get()) is not None:
            stdin.write(message)
            stdin.flush()
    except (BrokenPipeError, ValueError):  # the service died or was closed; _read_replies reports it
        pass


def _read_replies(stdout: Any, expected: int) -> dict[int, dict[str, Any]]:
    replies: dict[int, dict[str, Any]] = {}
    pending = b""
    while len(replies) < expected:
        chunk = stdout.read1(1 << 16)
        if not chunk:
            raise _search_failed(f"pagefind stopped after {len(replies)} of {expected} replies",
                                 "check that `python -m pagefind_bin --version` runs")
        *complete, pending = (pending + chunk).split(b",")
        for raw in complete:
            reply = json.loads(base64.b64decode(raw))
            payload = reply["payload"]
            if payload.get("type") == "Error":
                raise _search_failed(f"pagefind: {payload.get('message')}", "report this with the page that failed")
            replies[reply["message_id"]] = payload
    return replies


def _search_failed(message: str, hint: str) -> BuildFailed:
    return BuildFailed([error(Location("search index", 0), message, hint)])
