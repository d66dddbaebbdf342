"""The build side of the preview: the first build, the rebuilds on every change, and what
they announce.

The first build is `build`'s own: the same build cache folder and record, so only what changed
since the last `build` (or preview) is done, spread over every core; if nothing changed, the site
is served as it is at once and the briefing is read back from the cache meanwhile. The state
kept for edits (the briefing, every output's bytes, what the outputs were made from, what was
loaded and parsed) is in memory.

An edit of actor or page bodies first takes a fast path on the watcher's thread: the open page is
rendered from the last briefing with the new bodies (`bodies.py`) and pushed. Then every content
or template edit rebuilds in memory (templates stay compiled, unchanged files are not read or
parsed again): the pages whose dependency key changed, by the keys `build` records (`plan.py`),
and the exports, re-encoding only the JSON records that changed; only the files whose bytes
changed are rewritten. A stylesheet edit copies just that file. A failed rebuild is reported to
the open pages; the previewer keeps the last good outputs.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click

from ..cache import BuildCache, BuildRecord, Stamp, build_inputs, cache_folder, input_stamps, save_record, up_to_date
from ..config import BuildConfig
from ..errors import BuildFailed
from ..kind import folders, page_ids
from ..markdown import make_parser
from ..pipeline import BuildReport, build_site, check_content, render_site
from ..render import make_environment
from ..resolve import Resolved
from ..search import SearchIndex, update_index
from ..splice import JsonFiles
from ..workers import worker_count
from ..write import Outputs, sync_changed
from .bodies import edited_bodies, with_new_bodies
from .files import read_outputs, read_static, search_files
from .plan import Made, RebuildPlan, plan_rebuild
from .record import output_digests, site_record
from .updates import EVERYTHING
from .watch import Changes

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


@dataclass(frozen=True)
class Done:
    """What the last whole rebuild made again: the pages it rendered, the JSON records it
    encoded, the exports it kept as they were."""

    rendered: frozenset[str] = frozenset()
    encoded: int = 0
    kept: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return f"{len(self.rendered)} page(s) rendered, {self.encoded} JSON record(s) encoded"


def _ignore(what: object) -> None:
    pass


def _never() -> bool:
    return False


class _Superseded(Exception):
    """A newer change is waiting: the rest of this rebuild would be thrown away."""


def _nothing_open() -> frozenset[str]:
    return frozenset()


LastSite = tuple[BuildRecord | None, dict[str, Stamp], bool]  # as `up_to_date` finds it: record, stamps, nothing changed
# What a full build leaves: the briefing, every output but the copied assets, the build's record,
# and whether the site was built (else it was read back as it was).
State = tuple[Resolved, Outputs, BuildRecord | None, bool]


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
        self.made = Made()  # what the outputs were made from: a rebuild makes again what changed since
        self.done = Done()  # what the last whole rebuild made again
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
            self.rebuild(superseded=superseded, recheck=changes.content)
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
        resolved, outputs, record, built = state
        with self.lock:
            self.resolved, self.outputs, self.failure, self.checked = resolved, outputs, None, True
            self.made = Made.of(record)
            self.search = SearchIndex(search_files(outputs), record.search if record else {})
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
        return resolved, outputs, record, False

    def _build(self, last: LastSite) -> State:
        record, stamps, _ = last
        report = build_site(self.config, self.env, self.cache, cache_dir=cache_folder(self.config.out_dir),
                            workers=worker_count(), keep_outputs=True, last=(record, stamps))
        assert report.resolved is not None
        return report.resolved, report.outputs, report.record, True

    def content_changed(self) -> None:
        self.rebuild()

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
            found = with_new_bodies(self.resolved, self.config.content_dir, edits,
                                    make_parser(page_ids(self.config.entity_kinds)))
            first = found[1] & self.open_pages() if found else frozenset()
            if not found or not first:
                return frozenset()
            try:
                pages = self._render(found[0], first.__contains__)
            except BuildFailed:  # a template problem: the rebuild reports it
                return frozenset()
            self.generation += 1
            self.resolved, self.checked, self.shown_at = found[0], False, time.monotonic()
            self._commit(self.outputs | pages, only=pages)
        click.echo(f"open page{'s' if len(pages) > 1 else ''} written in {_ms_since(started)} ms; checking the rest")
        return first

    def rebuild(self, superseded: Callable[[], bool] = _never, recheck: bool = True) -> None:
        """Rebuild in memory what changed since the outputs were made (`preview/plan.py`): the
        open pages among those first (written and announced at once), then the others and the
        exports; the search index follows in the background. The check runs without the lock,
        so pages are served (and `show_first` writes) meanwhile. If `superseded` turns true
        meanwhile (a newer save is waiting), or `show_first` wrote since this began, the rest is
        left to the next rebuild. Without `recheck` (only templates changed), the content as
        last checked is rendered again."""
        started = time.perf_counter()
        with self.lock:
            self.generation += 1
            mine, made = self.generation, self.made

        def overtaken() -> bool:  # asked under the lock, before each commit
            return self.generation != mine

        shown = ""
        try:
            self._wait_for_a_pause(superseded)
            # before the check, as `build` takes them: a file saved meanwhile differs next time
            stamps = input_stamps(build_inputs(self.config))
            resolved, warnings = self._content(recheck)
            plan = plan_rebuild(self.config, resolved, stamps, made, self.outputs)
            with self.lock:
                if overtaken():
                    raise _Superseded
                first = frozenset(p for p in self.open_pages() if p in plan.stale)
                pages = self._render(resolved, first.__contains__) if first else {}
                reloading = frozenset(self._commit(self.outputs | pages, only=pages)) if pages else frozenset()
            shown = f" (open page{'s' if len(pages) > 1 else ''} written in {_ms_since(started)} ms)" if pages else ""
            # Outside the lock, and once the browsers have fetched what they reload (or a moment
            # has passed): the rest of the rebuild would otherwise compete with serving them.
            if reloading:
                self.settle(reloading)
            json_files = JsonFiles(made.fragments, self.outputs.get)
            rest = self._render_rest(resolved, lambda p: p not in first and p in plan.stale, superseded,
                                     json_files, plan.kept)
            with self.lock:
                if overtaken():
                    raise _Superseded
                changed = self._commit(self._site(plan, pages | rest))
                # no input stamps for the record if the content was not checked again: the stamps
                # taken now may be of content files saved since the last check
                self.made = Made(plan.keys, plan.digests, json_files.spans, stamps if warnings is not None else {},
                                 made.warnings if warnings is None else warnings)
                self.resolved, self.checked = resolved, True
        except _Superseded:
            click.echo(f"rebuild cut short after {_ms_since(started)} ms for a newer save{shown}")
            return
        except BuildFailed as exc:
            self._failed(exc)
            return
        self.done = Done(frozenset(p for p in pages | rest if p in plan.stale), sum(json_files.encoded.values()),
                         plan.kept)
        click.echo(f"rebuild ok in {_ms_since(started)} ms: {self.done}{shown}")
        if any(path.endswith(".html") for path in changed):
            self._refresh_search_later(self.outputs, resolved.content.briefing.language)  # then the record
        else:
            self._save_record(mine)

    def _site(self, plan: RebuildPlan, made: Outputs) -> Outputs:
        """Every output after a rebuild that `made` these (the caller holds the lock): the pages
        in the site's order, the exports, the search index as it is."""
        pages = {path: made[path] if path in made else self.outputs[path] for path in plan.pages}
        kept = {path: self.outputs[path] for path in plan.kept}
        exports = {path: data for path, data in made.items() if path not in pages}
        return pages | kept | exports | search_files(self.outputs)

    def _content(self, recheck: bool) -> tuple[Resolved, tuple[str, ...] | None]:
        """The briefing on disk, checked again, and the check's warnings as the build record
        keeps them; or, if only templates changed, as last checked (and None)."""
        if self.checked and not recheck and self.resolved is not None:
            return self.resolved, None
        self.checked = False
        started = time.perf_counter()
        report = BuildReport()
        try:
            return check_content(self.config, report, self.cache), tuple(map(str, sorted(report.warnings)))
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

    def _render_rest(self, resolved: Resolved, wanted: Callable[[str], bool], superseded: Callable[[], bool],
                     json_files: JsonFiles, kept: frozenset[str]) -> Outputs:
        def only(path: str) -> bool:
            if superseded():
                raise _Superseded
            return wanted(path)
        pages = self._render(resolved, only)
        if superseded():
            raise _Superseded
        return pages | render_site(self.config, resolved, BuildReport(), env=self.env, search=False,
                                   only=lambda path: False, json_files=json_files, kept=kept)

    def _render(self, resolved: Resolved, only: Callable[[str], bool]) -> Outputs:
        """The pages `only` selects, without exports."""
        return render_site(self.config, resolved, BuildReport(), env=self.env, search=False, only=only, exports=False)

    def _commit(self, outputs: Outputs, only: Outputs | None = None) -> list[str]:
        """Write what changed, make it the current state, and tell (the caller holds the lock).
        `only`: the outputs that can have changed (the others are the current ones, unchecked)."""
        if only is not None:
            changed = sync_changed(only, self.config.out_dir, {p: self.outputs[p] for p in only if p in self.outputs})
            removed: set[str] = set()
            self.made = self.made.without(only)  # not from a whole rebuild's briefing: made again next time
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
            old_index = search_files(self.outputs)
            try:
                sync_changed(dict(index.files), self.config.out_dir, old_index)
            except BuildFailed as exc:  # a full disk, say: reported like any failed rebuild
                click.echo(exc.format_message(), err=True)
                return
            self.outputs = {p: d for p, d in self.outputs.items() if p not in old_index} | dict(index.files)
            self.search = index
        self._save_record(generation)

    def _save_record(self, generation: int) -> None:
        """Write the build record of the site as it is (`record.py`), unless a rebuild, the fast
        path or a copied static file has changed the site since `generation`'s rebuild. The files
        are hashed and their stamps taken outside the lock; every write is made under it, and
        changes the generation or the outputs kept, so the record holds if neither changed."""
        with self.lock:
            if generation != self.generation or self.search is None or not self.made.inputs:
                return
            outputs, static, search, made = self.outputs, self.static, self.search, self.made
        files = outputs | static
        record = site_record(self.config, made, files, output_digests(files), search.digests)
        with self.lock:
            if generation != self.generation or not (self.outputs is outputs and self.static is static
                                                     and self.search is search):
                return
        if record is not None:
            save_record(cache_folder(self.out_dir), record)


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
