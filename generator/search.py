"""Stage 4b, search: a Pagefind index of the rendered pages, returned as outputs under pagefind/.

Pagefind (the `pagefind[bin]` package ships its binary) indexes HTML in memory through its
service mode: base64 JSON messages, each followed by a comma, on stdin and stdout. The package's
own async client reads one reply per 100 ms, which makes a 60-page site take six seconds, so we
speak the same protocol synchronously: send every page, read every reply, then ask for the files.
Nothing touches the disk; the index is byte-identical for identical pages.
"""
from __future__ import annotations

import base64
import json
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


def index_pages(pages: dict[str, bytes], language: str) -> dict[str, bytes]:
    """{path under pagefind/: bytes} of a search index over every HTML page but 404 and search."""
    config = {"root_selector": "main", "exclude_selectors": [".backlinks", ".visually-hidden"],
              "force_language": language.split("-")[0].lower() or "en"}
    requests: list[dict[str, Any]] = [{"type": "NewIndex", "config": config}]
    requests += [{"type": "AddFile", "index_id": 0, "file_path": path, "url": None,
                  "file_contents": html.decode("utf-8")}
                 for path, html in sorted(pages.items()) if path.endswith(".html") and path not in NOT_INDEXED]
    requests.append({"type": "GetFiles", "index_id": 0})
    replies = _exchange(requests)
    files = replies[-1]["files"]
    return {f"{SEARCH_DIR}/{f['path']}": base64.b64decode(f["content"])
            for f in sorted(files, key=lambda f: f["path"]) if not f["path"].startswith(_UNUSED_PREFIXES)}


def _exchange(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send every request to `pagefind --service`; return the replies' payloads in request order."""
    from pagefind.service import get_executable  # imported here so a build without search needs no pagefind

    binary = get_executable()
    if binary is None:
        raise _search_failed("the pagefind binary is not installed", "pip install -r requirements.txt")
    message = b"".join(base64.b64encode(json.dumps({"message_id": i, "payload": r}).encode()) + b","
                       for i, r in enumerate(requests))
    with subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        writer = threading.Thread(target=_send, args=(proc.stdin, message), daemon=True)
        writer.start()
        replies = _read_replies(proc.stdout, len(requests))
        writer.join(_TIMEOUT_SECONDS)
        proc.stdin.close()
        proc.wait(_TIMEOUT_SECONDS)
    return [replies[i] for i in range(len(requests))]


def _send(stdin: Any, message: bytes) -> None:
    try:
        stdin.write(message)
        stdin.flush()
    except BrokenPipeError:  # the service died; _read_replies reports it
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
