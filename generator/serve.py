"""Preview server: build, serve the output folder on 127.0.0.1, rebuild on every change, and
tell the open pages at once.

The first build is `build`'s own: the same build cache folder and record, so only what changed
since the last `build` (or preview) is done, spread over every core; if nothing changed, the site
is served as it is at once and the briefing is read back from the cache meanwhile. The state
kept for edits (the briefing, every output's bytes, what was loaded and parsed) is in memory.

An edit of actor or page bodies first takes a fast path on the watcher's thread: the open page is
rendered from the last briefing with the new bodies (`preview/bodies.py`) and pushed. Then every
content edit rebuilds in memory (templates stay compiled, unchanged files are not read or parsed again)
and rewrites only the files whose bytes changed; a template edit renders every page again; a
stylesheet edit copies just that file, and the browser swaps it in place. A failed rebuild is
printed and shown in the open pages; the server keeps running. The HTTP side, the file watcher
and the browser's script live in `generator/preview/`.
"""
from __future__ import annotations

import sys
import threading
import time
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable

import click

from .cache import BuildCache, BuildRecord, Stamp, build_inputs, cache_folder, input_stamps, up_to_date
from .config import BuildConfig
from .errors import BuildFailed, Location
from .kind import folders, page_ids
from .markdown import make_parser
from .model import Content, Markdown
from .pipeline import BuildReport, build_site, check_content, render_site
from .preview.bodies import edited_bodies, with_new_bodies
from .preview.server import PortUnavailable, PreviewServer
from .preview.updates import EVERYTHING, UpdateLog
from .preview.watch import ChangeQueue, Changes, rebuild_changes, watch_changes
from .render import make_environment
from .resolve import Resolved
from .search import SEARCH_DIR, SearchIndex, update_index
from .workers import worker_count
from .write import Outputs, sync_changed

# The preview's threads share the interpreter: a rebuild busy in Python holds every other thread
# back up to the switch interval at each file or socket operation they make (the "convoy
# effect"). At Python's default of 5 ms, a save's open page at 10,000 pages took up to 0.8 s to
# show while a rebuild ran; at 1 ms, 0.16 s (benchmarks/preview_latency.py).
SWITCH_INTERVAL_SECONDS = 0.001
SETTLE_SECONDS = 0.2  # at most this long, the rest of a rebuild waits for the browsers to fetch the open pages
SEARCH_QUIET_SECONDS = 1.0  # the search index is refreshed once saves pause this long, not after each one
# After the fast path has shown a save, the full rebuild waits until saves pause this long, or
# twice as long as its last check of the whole briefing took if that is longer: in a burst, the
# next save's fast path and its page's reload then do not compete with a check that save would
# throw away (at 10,000 pages a check takes seconds, and a check once begun runs to its end).
SHOWN_QUIET_SECONDS = 0.3
QUIET_CHECKS = 2.0


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did: the output files whose bytes changed, or the build's error report."""

    changed: frozenset[str]
    error: str | None = None


def _ignore(what: object) -> None:
    pass


def _never() -> bool:
    return False


class _Superseded(Exception):
    """A newer change is waiting: the rest of this rebuild would be thrown away."""


def _nothing_open() -> frozenset[str]:
    return frozenset()


LastSite = tuple[BuildRecord | None, dict[str, Stamp], bool]  # as `up_to_date` finds it: record, stamps, nothing changed
# What a full build leaves: the briefing, every output but the copied assets, each indexed
# page's search digest, and whether the site was built (else it was read back as it was).
State = tuple[Resolved, Outputs, dict[str, str], bool]


def last_site(config: BuildConfig) -> LastSite:
    """The last build's record in the build cache folder `build` uses, and whether the site
    is still as it left it (no input edited, no output touched)."""
    return up_to_date(config, cache_folder(config.out_dir))


@dataclass
class Previewer:
    """The build side of the preview: keeps the last good outputs and rebuilds on demand.

    `on_update` hears every outcome, called with `lock` held right after the files are written,
    so a page served after the write always carries the build that told about it. `open_pages`
    says which output pages are open in a browser: those are rendered and announced first, and
    `settle` waits (briefly) for the browsers to fetch them before the rest of the site renders.
    """

    config: BuildConfig
    on_update: Callable[[Outcome], object] = _ignore
    open_pages: Callable[[], frozenset[str]] = _nothing_open
    settle: Callable[[frozenset[str]], object] = _ignore  # returns once those pages have been fetched
    outputs: Outputs = field(default_factory=dict)
    failure: str | None = None

    def __post_init__(self) -> None:
        self.env = make_environment(self.config.templates_dir, auto_reload=True)
        self.cache = BuildCache()
        self.resolved: Resolved | None = None
        self.static: Outputs = {}  # templates/static/ as last copied, by output path ("static/style.css")
        self.render_all_next = False  # a rebuild of every page failed or stopped early: render every page next time
        self.checked = False  # `resolved` is the content on disk as last checked in full (a template edit need not check it again)
        # Held while files are written (by rebuilds, the search refresh and every request), so a
        # request sees one whole state. Reentrant: the update callback runs under it.
        self.lock = threading.RLock()
        self.generation = 0  # bumped by every rebuild; a stale search refresh is dropped
        self.shown_at = -SHOWN_QUIET_SECONDS  # time.monotonic() of the last fast path
        self.check_seconds = 0.0  # how long the last check of the whole briefing took
        self.search: SearchIndex | None = None  # the index on disk: a refresh re-indexes only its stale shards

    @property
    def out_dir(self) -> Path:
        return self.config.out_dir

    def apply(self, changes: Changes, superseded: Callable[[], bool] = _never) -> None:
        """One rebuild for one batch of file events."""
        if not self.outputs:  # no build has succeeded yet: there is nothing to update in place
            self.full_build()
            return
        if changes.content or changes.templates:
            self.rebuild(everything=changes.templates, superseded=superseded, recheck=changes.content)
        if changes.static:
            self._copy_static()

    def full_build(self, last: LastSite | None = None) -> None:
        """The first build (and the first after a failed one): `build`'s own, cached in the same
        folder and spread over every core. If nothing changed since the last build (`last`:
        what `last_site` found, if the caller has just asked), there is none: the briefing is
        checked from the cache folder and the outputs are read back from the site, without the
        lock (nothing is written), so the site is served meanwhile."""
        started = time.perf_counter()
        with self.lock:
            self.generation += 1
            self.resolved = None
        last = last or last_site(self.config)
        try:
            state = self._read_back(last)
            if state is None:
                with self.lock:  # the stamps taken again if a file was saved during the read-back
                    state = self._build(last_site(self.config) if last[2] else last)
        except BuildFailed as exc:
            self._failed(exc)
            return
        resolved, outputs, digests, built = state
        with self.lock:
            self.resolved, self.outputs, self.failure, self.checked = resolved, outputs, None, True
            self.search = SearchIndex(_search_files(outputs), digests)
            self.static = read_static(self.config.static_dir)
            self.on_update(Outcome(frozenset({EVERYTHING}) if built else frozenset()))
        click.echo(f"full build ok in {_ms_since(started)} ms" if built else
                   f"nothing changed since the last build: checked and read back in {_ms_since(started)} ms")

    def _read_back(self, last: LastSite) -> State | None:
        """The state of a site that nothing changed since its build: the briefing checked from
        the cache, the outputs from the site. None if it has changed (or changes meanwhile)."""
        record, stamps, current = last
        if record is None or not current:
            return None
        # every core, in case the cache lost the parsed texts (then they are parsed again, not kept)
        resolved = check_content(self.config, BuildReport(), self.cache, cache_folder(self.config.out_dir),
                                 worker_count(), save_facts=False)
        outputs = read_outputs(self.config.out_dir, record)
        # a file saved since the stamps were taken may be in the briefing, but is not in the site
        if outputs is None or input_stamps(build_inputs(self.config)) != stamps:
            return None
        return resolved, outputs, record.search, False

    def _build(self, last: LastSite) -> State:
        record, stamps, _ = last
        report = build_site(self.config, self.env, self.cache, cache_dir=cache_folder(self.config.out_dir),
                            workers=worker_count(), keep_outputs=True, last=(record, stamps))
        assert report.resolved is not None
        return report.resolved, report.outputs, report.search, True

    def content_changed(self) -> None:
        self.rebuild(everything=False)

    def show_first(self, paths: frozenset[Path]) -> frozenset[str]:
        """The fast path, taken for each batch of file events before the rebuild: if only bodies of
        actor or page files changed, keeping their references, render the open pages among theirs
        from the last briefing, write and announce them (and say which). The rebuild still
        checks everything; it stops rather than write over these pages with older text."""
        started = time.perf_counter()
        edits = edited_bodies(paths, self.config.content_dir, folders(self.config.entity_kinds))
        if not edits:
            return frozenset()
        with self.lock:
            if self.resolved is None or self.failure is not None:
                return frozenset()
            found = with_new_bodies(self.resolved, self.config.content_dir, edits, make_parser(page_ids(self.config.entity_kinds)))
            first = found[1] & self.open_pages() if found else frozenset()
            if not found or not first:
                return frozenset()
            try:
                pages = self._render(found[0], first.__contains__, exports=False)
            except BuildFailed:  # a template problem: the rebuild reports it
                return frozenset()
            self.generation += 1
            self.resolved, self.checked, self.shown_at = found[0], False, time.monotonic()
            self._commit(self.outputs | pages, only=pages)
        click.echo(f"open page{'s' if len(pages) > 1 else ''} written in {_ms_since(started)} ms; checking the rest")
        return first

    def rebuild(self, everything: bool, superseded: Callable[[], bool] = _never, recheck: bool = True) -> None:
        """Rebuild in memory: the open pages first (written and announced at once), then the other
        pages that can have changed and the exports; the search index follows in the background.
        The check runs without the lock, so pages are served (and `show_first` writes) meanwhile.
        If `superseded` turns true meanwhile (a newer save is waiting), or `show_first` wrote
        since this began, the rest is left to the next rebuild. Without `recheck` (only templates
        changed), the content as last checked is rendered again."""
        started = time.perf_counter()
        everything = everything or self.render_all_next
        with self.lock:
            self.generation += 1
            mine = self.generation

        def overtaken() -> bool:  # asked under the lock, before each commit
            return self.generation != mine

        shown = ""
        try:
            self._wait_for_a_pause(superseded)
            resolved = self._content(recheck)
            with self.lock:
                if overtaken():
                    raise _Superseded
                dirty = None if everything else pages_to_rerender(self.resolved, resolved)
                first = frozenset(p for p in self.open_pages() if dirty is None or p in dirty)
                pages = self._render(resolved, first.__contains__, exports=False) if first else {}
                reloading = frozenset(self._commit(self.outputs | pages, only=pages)) if pages else frozenset()
            shown = f" (open page{'s' if len(pages) > 1 else ''} written in {_ms_since(started)} ms)" if pages else ""
            # Outside the lock, and once the browsers have fetched what they reload (or a moment
            # has passed): the rest of the rebuild would otherwise compete with serving them.
            if reloading:
                self.settle(reloading)
            rest = self._render_rest(resolved, lambda p: p not in first and (dirty is None or p in dirty), superseded)
            with self.lock:
                if overtaken():
                    raise _Superseded
                kept = self.outputs if dirty is not None else _search_files(self.outputs)
                changed = self._commit(kept | pages | rest)
                self.resolved, self.render_all_next, self.checked = resolved, False, True
        except _Superseded:
            self.render_all_next = everything  # a rebuild of everything still owes the other pages
            click.echo(f"rebuild cut short after {_ms_since(started)} ms for a newer save{shown}")
            return
        except BuildFailed as exc:
            self.render_all_next = everything
            self._failed(exc)
            return
        click.echo(f"rebuild ok in {_ms_since(started)} ms{shown}")
        if any(path.endswith(".html") for path in changed):
            self._refresh_search_later(self.outputs, resolved.content.briefing.language)

    def _content(self, recheck: bool) -> Resolved:
        """The briefing on disk, checked again; or, if only templates changed, as last checked."""
        if self.checked and not recheck and self.resolved is not None:
            return self.resolved
        self.checked = False
        started = time.perf_counter()
        try:
            return check_content(self.config, BuildReport(), self.cache)
        finally:
            self.check_seconds = time.perf_counter() - started

    def _wait_for_a_pause(self, superseded: Callable[[], bool]) -> None:
        """Until saves have paused since the fast path last showed one (SHOWN_QUIET_SECONDS, or
        QUIET_CHECKS times the last check of the whole briefing); a newer save meanwhile ends
        this rebuild (the next one takes both)."""
        quiet = max(SHOWN_QUIET_SECONDS, QUIET_CHECKS * self.check_seconds)
        while (left := self.shown_at + quiet - time.monotonic()) > 0:
            if superseded():
                raise _Superseded
            time.sleep(min(left, 0.02))

    def _render_rest(self, resolved: Resolved, wanted: Callable[[str], bool], superseded: Callable[[], bool]) -> Outputs:
        def only(path: str) -> bool:
            if superseded():
                raise _Superseded
            return wanted(path)
        pages = self._render(resolved, only, exports=False)
        if superseded():
            raise _Superseded
        return pages | self._render(resolved, lambda path: False, exports=True)

    def _render(self, resolved: Resolved, only: Callable[[str], bool], exports: bool) -> Outputs:
        return render_site(self.config, resolved, BuildReport(), env=self.env, search=False, only=only, exports=exports)

    def _commit(self, outputs: Outputs, only: Outputs | None = None) -> list[str]:
        """Write what changed, make it the current state, and tell (the caller holds the lock).
        `only`: the outputs that can have changed (the others are the current ones, unchecked)."""
        if only is not None:
            changed = sync_changed(only, self.config.out_dir, {p: self.outputs[p] for p in only if p in self.outputs})
            removed: set[str] = set()
        else:
            changed = sync_changed(outputs, self.config.out_dir, self.outputs)
            removed = self.outputs.keys() - outputs.keys()
        self.outputs, self.failure = outputs, None
        if changed or removed:
            click.echo(f"rewrote {len(changed)} file(s): {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}")
        self.on_update(Outcome(frozenset(changed) | removed))
        return changed

    def _failed(self, exc: BuildFailed) -> None:
        with self.lock:
            self.failure = exc.format_message()
            self.on_update(Outcome(frozenset(), self.failure))
        click.echo(self.failure, err=True)

    def _copy_static(self) -> None:
        with self.lock:
            static = read_static(self.config.static_dir)
            changed = sync_changed(static, self.config.out_dir, self.static)
            removed = self.static.keys() - static.keys()
            self.static = static
            self.on_update(Outcome(frozenset(changed) | removed, self.failure))
        if changed or removed:
            click.echo(f"copied {', '.join(changed) or 'nothing'}{'; removed ' + ', '.join(sorted(removed)) if removed else ''}")

    def _refresh_search_later(self, outputs: Outputs, language: str) -> threading.Thread:
        pages = {path: data for path, data in outputs.items() if path.endswith(".html")}
        worker = threading.Thread(target=self._refresh_search, args=(self.generation, pages, language), daemon=True)
        worker.start()
        return worker

    def _refresh_search(self, generation: int, pages: Outputs, language: str) -> None:
        time.sleep(SEARCH_QUIET_SECONDS)
        if generation != self.generation:  # saved again meanwhile: that rebuild refreshes it
            return
        try:
            index = update_index(pages, language, self.search)
        except BuildFailed as exc:
            click.echo(exc.format_message(), err=True)
            return
        with self.lock:
            if generation != self.generation:  # a newer rebuild has started its own refresh
                return
            old_index = _search_files(self.outputs)
            try:
                sync_changed(dict(index.files), self.config.out_dir, old_index)
            except BuildFailed as exc:  # a full disk, say: reported like any failed rebuild
                click.echo(exc.format_message(), err=True)
                return
            self.outputs = {p: d for p, d in self.outputs.items() if p not in old_index} | dict(index.files)
            self.search = index


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def read_outputs(out_dir: Path, record: BuildRecord) -> Outputs | None:
    """The files a build wrote (but the copied assets) as they are in the output folder, or
    None if one cannot be read."""
    try:
        return {path: (out_dir / path).read_bytes() for path in record.outputs if not path.startswith("static/")}
    except OSError:
        return None


def read_static(static_dir: Path) -> Outputs:
    """templates/static/ by output path, skipping what `StagedSite.copy_static` skips (dot files, __pycache__)."""
    if not static_dir.is_dir():
        return {}
    files: Outputs = {}
    for path in sorted(static_dir.rglob("*")):
        rel = path.relative_to(static_dir)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts) or not path.is_file():
            continue
        try:
            files[f"static/{rel.as_posix()}"] = path.read_bytes()
        except FileNotFoundError:  # deleted while we looked: its own event follows
            continue
    return files


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
    return replace(content, declared=tuple((kind, tuple(replace(r, body=blank) for r in records) if kind.folder else records)
                                           for kind, records in content.declared))


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
