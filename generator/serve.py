"""`python build.py serve`: listen, build, then serve the output folder on 127.0.0.1, rebuild on
every change, and tell the open pages at once.

This module wires the preview's parts (`generator/preview/`) together: the HTTP server
(`server.py`), the file watcher and its queue (`watch.py`), the update log the open pages
listen to (`updates.py`), and the build side (`previewer.py`: the first build, the fast path
for an edited body, and the rebuilds by `build`'s dependency keys). The watcher's thread takes
the fast path and queues each batch of changes; the rebuild thread applies them.
"""
from __future__ import annotations

import sys
import threading
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import click

from .config import BuildConfig
from .preview.previewer import Previewer, last_site
from .preview.server import PortUnavailable, PreviewServer
from .preview.updates import UpdateLog
from .preview.watch import ChangeQueue, Changes, rebuild_changes, watch_changes

# The preview's threads share the interpreter: a rebuild busy in Python holds every other thread
# back up to the switch interval at each file or socket operation they make (the "convoy
# effect"). At Python's default of 5 ms, a save's open page at 10,000 pages took up to 0.8 s to
# show while a rebuild ran; at 1 ms, 0.16 s (benchmarks/preview_latency.py).
SWITCH_INTERVAL_SECONDS = 0.001
SETTLE_SECONDS = 0.2  # at most this long, the rest of a rebuild waits for the browsers to fetch the open pages


def _apply(previewer: Previewer, queue: ChangeQueue, changes: Changes) -> None:
    previewer.apply(changes, superseded=queue.waiting)


def _found(previewer: Previewer, queue: ChangeQueue, changes: Changes) -> None:
    """On the watcher's thread, for each batch: the open page's fast path (which can run while a
    rebuild is checking), then, once the browsers have fetched what it wrote, the rebuild."""
    try:
        shown = previewer.show_first(changes.paths) if changes.content else frozenset()
        if shown:
            previewer.settle(shown)
    except Exception as exc:  # noqa: BLE001 - the rebuild below still shows the change
        click.echo(f"preview: fast path stopped by {exc!r}", err=True)
    finally:
        queue.put(changes)


def serve_site(config: BuildConfig, host: str, port: int, open_browser: bool = True) -> None:
    """Listen first (a busy port fails fast), build (unless nothing changed since the last
    build), then serve and watch until Ctrl+C."""
    with _threads_taking_turns_quickly():
        _serve(config, host, port, open_browser)


@contextmanager
def _threads_taking_turns_quickly() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _serve(config: BuildConfig, host: str, port: int, open_browser: bool) -> None:
    updates = UpdateLog()
    previewer = Previewer(config, on_update=lambda o: updates.publish(o.changed, o.error),
                          open_pages=updates.open_pages, settle=lambda pages: updates.wait_until_fetched(pages, SETTLE_SECONDS))
    try:
        server = PreviewServer(host, port, previewer, updates)
    except PortUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    stop, queue = threading.Event(), ChangeQueue()
    watcher = threading.Thread(target=watch_changes, args=(config, partial(_found, previewer, queue), stop), daemon=True)
    rebuilder = threading.Thread(target=rebuild_changes, daemon=True,
                                 args=(queue, partial(_apply, previewer, queue), stop))
    try:
        watcher.start()  # before the first build, so an edit saved during it is not missed
        last = last_site(config)
        if last[0] is not None and last[2]:
            # Nothing changed since the last build: the site is served as it is at once, while
            # the rebuild thread reads it back (its first "change" finds no state yet).
            queue.put(Changes(content=True))
        else:
            previewer.full_build(last)
        rebuilder.start()
        url = f"http://{'[' + host + ']' if ':' in host else host}:{server.port}/"
        click.echo(f"serving {config.out_dir} at {url} (Ctrl+C to stop)")
        if open_browser:  # in its own thread: a text-mode browser must not hold up the server
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        stop.set()
        server.server_close()
