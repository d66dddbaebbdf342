"""Change detection: file-system events (inotify, through watchfiles), sorted by what they touch.

Events come in batches: watchfiles yields once no new event has arrived for `STEP_MS`, so an
editor's write-then-rename is one batch, while saves 150 ms apart are separate batches. The
watcher thread only sorts batches into a `ChangeQueue`; the rebuild thread takes whatever has
gathered there, so changes saved during a rebuild are merged into the next one, and the last
save is always rebuilt: bursts coalesce, nothing is dropped. A rebuild may also stop early
when it sees a newer change waiting (the open pages are always rebuilt first).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import click

from ..config import BuildConfig

STEP_MS = 5  # quiet time that ends a batch; measured: a save is seen 6-11 ms after it is written
MAX_BATCH_MS = 300  # a steady stream of events is still rebuilt at least this often


@dataclass(frozen=True)
class Changes:
    content: bool = False  # content/ or the sources' full texts: rebuild in memory
    templates: bool = False  # a Jinja template: render every page again
    static: bool = False  # templates/static/: copy the changed files (a stylesheet swaps in place)
    paths: frozenset[Path] = frozenset()  # the changed files of `content` (absolute), for the open page's fast path

    def __bool__(self) -> bool:
        return self.content or self.templates or self.static

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.content or other.content, self.templates or other.templates, self.static or other.static,
                       self.paths | other.paths)


class ChangeQueue:
    """Changes from the watcher, merged until the rebuild thread takes them (thread-safe)."""

    def __init__(self) -> None:
        self._pending = Changes()
        self._ready = threading.Condition()

    def put(self, changes: Changes) -> None:
        with self._ready:
            self._pending = self._pending | changes
            self._ready.notify_all()

    def take(self, stop: threading.Event) -> Changes | None:
        """Everything gathered since the last take, waiting for something; None once `stop` is set."""
        with self._ready:
            while not self._pending:
                if stop.is_set():
                    return None
                self._ready.wait(0.25)
            taken, self._pending = self._pending, Changes()
            return taken

    def waiting(self) -> bool:
        """Whether a change has come in that the running rebuild has not taken yet."""
        with self._ready:
            return bool(self._pending)


def classify(paths: Iterable[str], config: BuildConfig) -> Changes:
    """What a batch of changed paths touches; files in the output folder itself are ignored."""
    content_roots = [config.content_dir] + ([config.sources_dir] if config.sources_dir else [])
    templates = static = False
    content: set[Path] = set()
    for raw in paths:
        path = Path(raw).absolute()
        if _inside(path, [config.out_dir]):
            continue
        if _inside(path, [config.static_dir]):
            static = True
        elif _inside(path, [config.templates_dir]):
            templates = True
        elif _inside(path, content_roots):
            content.add(path)
    return Changes(bool(content), templates, static, frozenset(content))


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path.is_relative_to(root.absolute()) for root in roots)


def rebuild_changes(queue: ChangeQueue, rebuild: Callable[[Changes], None], stop: threading.Event) -> None:
    """The rebuild thread: one rebuild for everything gathered in the queue, until `stop`."""
    while (changes := queue.take(stop)) is not None:
        try:
            rebuild(changes)
        except Exception as exc:  # noqa: BLE001 - the preview must outlive any one rebuild
            click.echo(f"preview: rebuild stopped by {exc!r}; save again to retry", err=True)


def watch_changes(config: BuildConfig, found: Callable[[Changes], None], stop: threading.Event) -> None:
    """The watcher thread: hand every batch of relevant changes to `found` until `stop` is set."""
    roots = [d for d in (config.content_dir, config.templates_dir, config.sources_dir) if d and d.is_dir()]
    polling = False
    while roots and not stop.is_set():
        try:
            _watch(roots, config, found, stop, polling)
            return
        except OSError as exc:  # e.g. the system's limit on inotify watches is reached
            if polling:
                raise
            click.echo(f"preview: no file-system events ({exc}); checking for changes every 300 ms instead", err=True)
            polling = True
        except RuntimeError:  # watchfiles cannot name a changed file (its name is not UTF-8): the
            # watcher would be gone, and every later save unseen. Rebuild everything (the check
            # reports a content file by its name) and watch on.
            found(Changes(content=True, templates=True, static=True))
            stop.wait(0.1)


def _watch(roots: list[Path], config: BuildConfig, found: Callable[[Changes], None], stop: threading.Event,
           polling: bool) -> None:
    from watchfiles import watch

    for batch in watch(*roots, debounce=MAX_BATCH_MS, step=STEP_MS, stop_event=stop, rust_timeout=1000,
                       raise_interrupt=False, force_polling=polling):
        changes = classify((path for _, path in batch), config)
        if changes:
            found(changes)
