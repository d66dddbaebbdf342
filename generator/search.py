"""Stage 4b, search: a sharded Pagefind index of the rendered pages, as outputs under pagefind/.

Pagefind (the `pagefind[bin]` package ships its binary) indexes HTML in memory through its
service mode: base64 JSON messages, each followed by a comma, on stdin and stdout. The package's
own async client reads one reply per 100 ms, so we speak the protocol ourselves: a writer thread
feeds stdin and a reader thread takes the replies in time linear in their size.

Pagefind holds a whole index in memory (~1.2 GB at 10,000 pages) and cannot update one, so
the pages are split into shards by a hash of their path: `pagefind/0/`, `pagefind/1/`...,
each its own index, built by at most two Pagefind processes at a time, and merged in the
browser (`mergeIndex`, see static/search.js, which reads `pagefind/shards.json`). A page keeps
its shard while the number of shards stays (it doubles as the site grows), so an edit
re-indexes one shard and adding a page touches only the shard it falls in. Only the first
shard carries Pagefind's script, worker and WebAssembly; merged indexes use the first one's.
The same pages give byte-identical files.
"""
from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO

from .cache import digest
from .errors import BuildFailed, Location, error
from .urls import NOT_FOUND, SEARCH

SEARCH_DIR = "pagefind"
MANIFEST = "shards.json"
FIRST_SHARD = "0"
SHARD_PAGES = 600  # at most per shard: two Pagefinds at once then need ~200 MB; 32 shards at 10,000 pages
NOT_INDEXED = (NOT_FOUND, SEARCH)
# The search page loads pagefind.js (and its worker, WebAssembly and index); not the stock UIs.
_UNUSED_PREFIXES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
_RUNTIME_PREFIXES = ("pagefind.js", "pagefind-worker.js", "wasm.")
# Pagefind indexes ~1,000 pages a second here; it may take this long after the last page is sent.
TIMEOUT_SECONDS = float(os.environ.get("BRIEFING_SEARCH_TIMEOUT", "300"))
_TIMEOUT_HINT = "set BRIEFING_SEARCH_TIMEOUT to allow longer, or check that `python -m pagefind_bin --version` runs"


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
        try:
            self.queue.put(base64.b64encode(message) + b",", timeout=self.timeout)
        except queue.Full:
            raise _search_failed(f"pagefind took no page for {self.timeout:g} s", _TIMEOUT_HINT) from None
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
        """{path in the index's folder: bytes} of the index over every page added."""
        try:
            self._request({"type": "GetFiles", "index_id": 0})
            if not self.done.wait(self.timeout):
                raise _search_failed(f"pagefind did not finish the index within {self.timeout:g} s", _TIMEOUT_HINT)
            if self.failure or self.files is None:
                raise _search_failed(self.failure or f"pagefind stopped after {self.received} of {self.sent} replies",
                                     "check that `python -m pagefind_bin --version` runs")
        finally:
            self.close()
        return {f["path"]: base64.b64decode(f["content"])
                for f in sorted(self.files, key=lambda f: f["path"]) if not f["path"].startswith(_UNUSED_PREFIXES)}

    def close(self) -> None:
        """Stop the service; safe to call more than once, from any thread."""
        if self.proc.poll() is None and not self.done.is_set():
            self.proc.kill()  # failed or abandoned: do not wait for a busy or hung indexer
        try:
            self.queue.put(None, timeout=5)  # the writer drains the queue once the pipe is broken
        except queue.Full:
            pass
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


def page_digest(html: bytes) -> str:
    """The digest of what Pagefind reads of a page: equal digests give an equal index."""
    return digest(indexed_part(html.decode("utf-8")).encode("utf-8"))


def shard_size() -> int:
    """Pages per shard at most (before the count doubles); BRIEFING_SEARCH_SHARD_PAGES overrides
    it, e.g. to exercise several shards in a small test site."""
    try:
        return max(1, int(os.environ.get("BRIEFING_SEARCH_SHARD_PAGES", "")))
    except ValueError:
        return SHARD_PAGES


def shard_count(pages: int, per_shard: int) -> int:
    """1 up to `per_shard` pages, then the least power of two that keeps shards at most that
    full: the count (and so every page's shard) changes only when the site doubles or halves."""
    count = 1
    while count * per_shard < pages:
        count *= 2
    return count


def assign_shards(digests: Mapping[str, str], per_shard: int | None = None) -> dict[str, dict[str, str]]:
    """{shard name: {page path: digest}} for the indexed pages, in the order given (Pagefind's
    files depend on the order pages are added: the build gives the page plan's order)."""
    count = shard_count(len(digests), per_shard or shard_size())
    shards: dict[str, dict[str, str]] = {str(n): {} for n in range(count)}
    for path in digests:
        number = int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "big") % count
        shards[str(number)][path] = digests[path]
    return shards


def shard_digests(digests: Mapping[str, str], per_shard: int | None = None) -> dict[str, str]:
    """{shard name: digest of its pages' paths and texts, and of the Pagefind version}."""
    version = _pagefind_version()
    return {name: digest("\n".join([version, *(f"{path} {d}" for path, d in pages.items())]).encode("utf-8"))
            for name, pages in assign_shards(digests, per_shard).items()}


def stale_shards(digests: Mapping[str, str], previous: Mapping[str, str]) -> list[str]:
    """The shards whose pages, or those pages' text, differ from the previous index's."""
    old = shard_digests(previous) if previous else {}
    return [name for name, key in shard_digests(digests).items() if old.get(name) != key]


def manifest(digests: Mapping[str, str]) -> tuple[str, bytes]:
    """(path, bytes) of `pagefind/shards.json`: the shard folders search.js loads and merges."""
    names = list(assign_shards(digests))
    return f"{SEARCH_DIR}/{MANIFEST}", json.dumps({"shards": names}, separators=(",", ":")).encode("utf-8")


def index_shards(names: list[str], digests: Mapping[str, str], read: Callable[[str], bytes], language: str,
                 parallel: int = 2) -> dict[str, bytes]:
    """The index files of the named shards, {path under pagefind/: bytes}, at most `parallel`
    Pagefind processes at a time; pages are read with `read(path)` when their shard is indexed,
    so they need not all be in memory at once."""
    return ShardIndexing(names, digests, read, language, parallel).result()


class ShardIndexing:
    """Shards being indexed on a background thread (Pagefind works in its own processes) while
    the build goes on; `result()` waits for the files, `cancel()` stops every Pagefind. At most
    `parallel` Pagefind processes run at once, or `now` of them until `widen()` is called (a
    cold build starts one beside the exports, which keep the other core busy)."""

    def __init__(self, names: list[str], digests: Mapping[str, str], read: Callable[[str], bytes], language: str,
                 parallel: int = 2, now: int | None = None) -> None:
        self.shards = assign_shards(digests)
        self.read, self.language = read, language
        self.running: set[SearchIndexer] = set()
        self.gate = threading.Condition()  # guards running, allowed and cancelled
        self.allowed = parallel if now is None else min(now, parallel)
        self.cancelled = False
        self.pool = ThreadPoolExecutor(max_workers=max(1, min(parallel, len(names))))
        self.futures = [self.pool.submit(self._index, name) for name in names]
        self.pool.shutdown(wait=False)

    def widen(self, parallel: int = 2) -> None:
        """Let up to `parallel` Pagefind processes run at once from now on."""
        with self.gate:
            self.allowed = max(self.allowed, parallel)
            self.gate.notify_all()

    def _index(self, name: str) -> dict[str, bytes]:
        with self.gate:
            self.gate.wait_for(lambda: self.cancelled or len(self.running) < self.allowed)
            if self.cancelled:
                return {}
            indexer = SearchIndexer(self.language)
            self.running.add(indexer)
        try:
            for path in self.shards[name]:
                if self.cancelled:
                    return {}
                indexer.add(path, self.read(path).decode("utf-8"))
            return shard_files(name, indexer.finish())
        finally:
            indexer.close()
            with self.gate:
                self.running.discard(indexer)
                self.gate.notify_all()

    def result(self) -> dict[str, bytes]:
        return dict(self.files())

    def files(self) -> Iterator[tuple[str, bytes]]:
        """(path, bytes) of every index file, shard by shard in order, each shard's as soon as
        it is done (and then let go of, so a large site's index is never all in memory)."""
        try:
            while self.futures:
                yield from self.futures.pop(0).result().items()
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        with self.gate:
            self.cancelled = True
            running = list(self.running)
            self.gate.notify_all()
        for future in self.futures:
            future.cancel()
        for indexer in running:
            indexer.close()  # its finish() then fails at once instead of waiting


def shard_files(name: str, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """A shard's index files under pagefind/<name>/; merged indexes use the first shard's
    script, worker and WebAssembly, so the others leave theirs out."""
    runtime = name == FIRST_SHARD
    return {f"{SEARCH_DIR}/{name}/{path}": data for path, data in files.items()
            if runtime or not path.startswith(_RUNTIME_PREFIXES)}


def live_indexer(pages: int, language: str) -> SearchIndexer | None:
    """For a cold build of a one-shard site: an indexer to add pages to as they are rendered,
    so Pagefind works on the second core meanwhile. Larger sites are indexed after rendering,
    shard by shard, since a page's shard is known but shards fill up only at the end."""
    return SearchIndexer(language) if shard_count(pages, shard_size()) == 1 else None


@dataclass(frozen=True)
class SearchIndex:
    """An index held in memory (the preview's): its files and the page digests it was made from."""

    files: Mapping[str, bytes]
    digests: Mapping[str, str]


def update_index(pages: Mapping[str, bytes], language: str, previous: SearchIndex | None = None) -> SearchIndex:
    """The index of `pages` (indexed paths only are read), re-indexing only the shards whose
    pages or text changed since `previous` and reusing the others' files."""
    digests = {path: page_digest(html) for path, html in pages.items() if is_indexed(path)}
    stale = stale_shards(digests, previous.digests if previous else {})
    files = index_shards(stale, digests, pages.__getitem__, language)
    kept = set(assign_shards(digests)) - set(stale)
    if previous:
        files |= {path: data for path, data in previous.files.items()
                  if path.count("/") >= 2 and path.split("/")[1] in kept}
    path, data = manifest(digests)
    return SearchIndex(dict(sorted((files | {path: data}).items())), digests)


def index_pages(pages: dict[str, bytes], language: str) -> dict[str, bytes]:
    """The whole index of finished pages in one go."""
    return dict(update_index(pages, language).files)


def _pagefind_version() -> str:
    """Names the Pagefind binary that indexes (a shard is reused only from the same one): its
    path, size and modification time, which any upgrade changes. Asking the package metadata
    instead costs ~10 ms of a 0.5 s build, and names a package that may not be the binary run."""
    binary = _pagefind_binary()
    try:
        stat = os.stat(binary) if binary else None
    except OSError:
        stat = None
    return f"pagefind {binary} {stat.st_size} {stat.st_mtime_ns}" if stat else f"pagefind {binary}"


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
    broken = False
    while (message := messages.get()) is not None:
        if broken:
            continue  # keep taking messages, so whoever adds pages never blocks on a dead service
        try:
            stdin.write(message)
            stdin.flush()
        except (BrokenPipeError, ValueError, OSError):  # the service died or was closed; the reader reports it
            broken = True


def _search_failed(message: str, hint: str) -> BuildFailed:
    return BuildFailed([error(Location("search index", 0), message, hint)])
