"""The build, stage by stage: load, validate, resolve, render, write. Reads like a table of contents."""
from __future__ import annotations

import gc
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from .cache import (BuildCache, BuildRecord, Stamp, build_inputs, build_options, forget_record, input_stamps,
                    save_record, stamp, up_to_date)
from .check import BuildReport, Timer, check_content, fail_on
from .config import BuildConfig
from .depends import output_keys
from .errors import BuildFailed
from .exports import BODY_FREE, render_exports
from .kind import page_ids
from .markdown import make_parser
from .output import OutputSink, Stored
from .render import make_environment, page_paths, page_plan, render_each, render_pages
from .resolve import Resolved
from .splice import JsonFiles
from .search import (FIRST_SHARD, SEARCH_DIR, SearchIndexer, ShardIndexing, assign_shards, index_pages, is_indexed,
                     live_indexer, manifest, page_digest, shard_count, shard_files, shard_size,
                     stale_shards)
from .templating import template_fault
from .write import Outputs, StagedSite, check_output_paths, refuse_unsafe_out_dir, terminate_gracefully

__all__ = ["BuildReport", "build_site", "check_content", "render_site"]

Progress = Callable[[int, int], None]  # (pages done, pages in all)


def render_site(config: BuildConfig, resolved: Resolved, report: BuildReport, env: Environment | None = None,
                only: Callable[[str], bool] | None = None, search: bool = True, exports: bool = True,
                json_files: JsonFiles | None = None, kept: Container[str] = ()) -> Outputs:
    """Render every page (or those `only` selects), with `exports` the exports (but those `kept`;
    `json_files` copies unchanged JSON records from the last files), and with `search` the search
    index, in memory. The preview server uses this, with its own `env` to keep compiled
    templates, and renders the pages open in the browser first, without exports."""
    timer = Timer(report)
    plan = page_plan(resolved, only)
    html_paths = page_paths(resolved) if exports else [path for path, _, _ in plan]  # the exports list every page
    fail_on(check_output_paths(html_paths), strict=False)
    md = make_parser(page_ids(config.entity_kinds))
    with _template_errors(config):
        outputs = dict(render_pages(resolved, plan, env or make_environment(config.templates_dir), only)) if plan else {}
        timer.lap("render")
        if exports:
            outputs |= render_exports(resolved, md, html_paths, json_files, kept)
            timer.lap("exports")
        if search and only is None:
            outputs |= index_pages({p: d for p, d in outputs.items() if is_indexed(p)}, resolved.content.briefing.language)
            timer.lap("search")
    return outputs


def build_site(config: BuildConfig, env: Environment | None = None, cache: BuildCache | None = None,
               cache_dir: Path | None = None, workers: int = 1, keep_outputs: bool = True,
               progress: Progress | None = None, last: LastBuild | None = None) -> BuildReport:
    """The whole build; the output folder changes only if every stage succeeded.
    The preview server passes its compiled templates (`env`) and parse `cache`. With a
    `cache_dir`, the last build's record there lets this one skip what did not change (`last`:
    that record and the inputs' stamps, if the caller has just read them with `up_to_date`); with
    `workers` > 1 pages render in that many processes; `keep_outputs` keeps every output's
    bytes in the report (else only their paths)."""
    return _build_site(config, env, cache, cache_dir, workers, keep_outputs, progress or _no_progress, last)


LastBuild = tuple[BuildRecord | None, dict[str, Stamp]]  # the last build's record (if usable), the inputs' stamps now


def _build_site(config: BuildConfig, env: Environment | None, cache: BuildCache | None, cache_dir: Path | None,
                workers: int, keep_outputs: bool, progress: Progress, last: LastBuild | None) -> BuildReport:
    report = BuildReport()
    if cache_dir and last is None:
        record, stamps, unchanged = up_to_date(config, cache_dir)
        if record and unchanged:
            return BuildReport(files=list(record.outputs), unchanged=True)
    else:
        record, stamps = last or (None, {})
    with terminate_gracefully():  # SIGTERM unwinds through `discard` below
        site = _site_linked_ahead(config, record, workers)
        try:
            resolved = report.resolved = check_content(config, report, cache, cache_dir, workers)
            fail_on(refuse_unsafe_out_dir(config.out_dir, [config.content_dir, config.templates_dir]), strict=False)
        except BaseException:
            if site:
                site.discard()
            raise
        with heap_frozen():  # the briefing stays out of the collector's sight until the build ends
            return _write_site(config, resolved, report, record, stamps, env, cache_dir, workers, keep_outputs,
                               progress, site)


SEARCH_PROCESSES = 2  # Pagefind processes at once (~70-95 MB each)
OVERLAPPED_SHARDS = 2  # stale shards up to which all are indexed while the exports are made


def _indexers_beside_exports(stale: int) -> int:
    """How many Pagefind processes index while the exports are made (on one core), before the
    others may start. An edit's shard or two: all of them, so its rebuild waits for Pagefind
    less. More (a cold build): one, on the core the exports leave idle; a second would only
    share a core with the exports and add its memory to theirs (~170 MB at 30,000 pages)."""
    return SEARCH_PROCESSES if stale <= OVERLAPPED_SHARDS else 1


LINK_AHEAD_FROM = 2000  # files in the last build: below this, forking a process costs more than it saves


def _site_linked_ahead(config: BuildConfig, record: BuildRecord | None, workers: int) -> StagedSite | None:
    """For a rebuild of a large site: the new site, already being linked from the current one
    on another core while the content is checked (StagedSite.link_ahead)."""
    if (record is None or len(record.outputs) < LINK_AHEAD_FROM or workers < 2
            or refuse_unsafe_out_dir(config.out_dir, [config.content_dir, config.templates_dir])):
        return None
    try:
        site = StagedSite(config.out_dir)
    except BuildFailed:
        return None  # reported in its turn, after the content's problems
    site.link_ahead({path: (size, mtime) for path, (_, size, mtime) in record.outputs.items()})
    return site


def _write_site(config: BuildConfig, resolved: Resolved, report: BuildReport, record: BuildRecord | None,
                stamps: dict[str, Stamp], env: Environment | None, cache_dir: Path | None, workers: int,
                keep_outputs: bool, progress: Progress, site: StagedSite | None) -> BuildReport:
    """Render and write the site (the caller turns SIGTERM into an exception meanwhile)."""
    site = site or StagedSite(config.out_dir)
    try:
        timer = Timer(report)
        keys, digests = _page_keys(config, resolved, stamps, record) if cache_dir else ({}, {})
        timer.lap("keys")
        sink = OutputSink(site, record, keep_outputs)
        json_files = JsonFiles(record.fragments if record else {}, lambda path: _previous_file(sink, path))
        searched = _render_into(sink, config, resolved, keys, env, workers, report, progress, json_files)
        timer = Timer(report)
        site.commit()
        timer.lap("write")
    except BaseException:
        site.discard()
        if cache_dir:
            forget_record(cache_dir)  # the site may be gone or half-swapped: never trust the old record
        raise
    report.outputs, report.files, report.search = sink.kept, sorted(sink.stored), searched
    if cache_dir:
        report.record = BuildRecord(build_options(config), stamps, keys, sink.stored,
                                    tuple(map(str, sorted(report.warnings))), searched, json_files.spans, digests)
        save_record(cache_dir, report.record)
        timer.lap("record")
    return report


def _page_keys(config: BuildConfig, resolved: Resolved, stamps: dict[str, Stamp],
               record: BuildRecord | None) -> tuple[dict[str, str], dict[str, tuple[Stamp, str]]]:
    """Each actor's and free page's dependency key, and the input files' digests they cover."""
    return output_keys(config, resolved, stamps or input_stamps(build_inputs(config)), record.digests if record else {})


def _render_into(sink: OutputSink, config: BuildConfig, resolved: Resolved, keys: dict[str, str],
                 env: Environment | None, workers: int, report: BuildReport, progress: Progress,
                 json_files: JsonFiles) -> dict[str, str]:
    """Render what changed into the sink: pages, exports, static assets and the search index.
    Returns the digest of each indexed page's text, for the next build's record."""
    timer = Timer(report)
    html_paths = page_paths(resolved)
    fail_on(check_output_paths(html_paths), strict=False)
    previous = sink.previous
    reused = sink.reuse_all([path for path in keys if previous.keys.get(path) == keys[path]
                             and path in previous.outputs]) if previous else set()
    # the views of the pages reused are not made: at 10,000 pages they take most of a second
    plan = page_plan(resolved, (lambda path: path not in reused) if reused else None)
    gc.freeze()  # the views too: render workers then share them untouched (heap_frozen thaws all at the end)
    report.counts["pages rendered"] = len(plan)
    report.counts["exports kept"] = len(reused.intersection(BODY_FREE))
    timer.lap("plan")
    md = make_parser(page_ids(config.entity_kinds))
    language = resolved.content.briefing.language
    live: SearchIndexer | None = None
    indexing: ShardIndexing | None = None
    pages: Iterator[tuple[str, StoredPage]] | None = None
    try:
        with _template_errors(config):
            indexed = sum(map(is_indexed, html_paths))
            one_shard = previous is None and shard_count(indexed, shard_size()) == 1
            sink.site.unlink_ahead([path for path, _, _ in plan])  # the workers store them
            pages = render_each(resolved, plan, env or make_environment(config.templates_dir),
                                _page_store(sink, keep_html=one_shard), None, workers)
            # started after the render workers were forked: they must not inherit its threads
            live = live_indexer(indexed, language) if one_shard else None
            rendered = _add_pages(sink, pages, live, len(html_paths) - len(plan), len(html_paths), progress)
            timer.lap("render")
            searched = _search_digests(sink, html_paths, rendered)
            stale = _stale_shards(sink, searched, live is not None)
            indexing = ShardIndexing(stale, searched, sink.page_bytes, language, SEARCH_PROCESSES,
                                     now=_indexers_beside_exports(len(stale)))
            for path, data in render_exports(resolved, md, html_paths, json_files, reused).items():
                sink.add(path, data)
            report.counts["JSON records encoded"] = sum(json_files.encoded.values())
            for path, data in sink.site.copy_static(config.static_dir).items():
                sink.add(path, data, keep_bytes=False)  # copied assets, not outputs the preview tracks
            timer.lap("exports")
            return_freed_memory()
            indexing.widen(SEARCH_PROCESSES)
            report.counts["search shards indexed"] = len(stale) + (live is not None)
        if live:
            for path, data in shard_files(FIRST_SHARD, live.finish()).items():
                sink.add(path, data)
        for path, data in indexing.files():
            sink.add(path, data)
        sink.add(*manifest(searched))
        timer.lap("search")
    finally:
        if pages is not None:
            pages.close()  # type: ignore[attr-defined]  # a generator: stops any worker still running
        if live:
            live.close()
        if indexing:
            indexing.cancel()
    return searched


def _previous_file(sink: OutputSink, path: str) -> Path | None:
    """The current site's file at `path` as the last build wrote it, or None if it is gone or
    was edited since (its size or modification time is not the record's)."""
    old = sink.previous.outputs.get(path) if sink.previous else None
    if old is None or stamp(sink.site.out_dir / path) != (old[1], old[2]):
        return None
    return sink.site.out_dir / path


@dataclass(frozen=True)
class StoredPage:
    """A page as a render worker stored it, for this process to record."""

    stored: Stored
    search: str | None  # the digest of its text as the search index reads it, if indexed
    html: bytes | None  # its bytes, for the preview (which keeps every output) or the live indexer


def _page_store(sink: OutputSink, keep_html: bool) -> Callable[[str, bytes], StoredPage]:
    def store(path: str, html: bytes) -> StoredPage:
        return StoredPage(sink.store(path, html, again=True), page_digest(html) if is_indexed(path) else None,
                          html if keep_html or sink.keep_bytes else None)
    return store


def _add_pages(sink: OutputSink, pages: Iterator[tuple[str, StoredPage]], live: SearchIndexer | None, done: int,
               total: int, progress: Progress) -> dict[str, str]:
    """Record the stored pages (and feed them to the `live` indexer); returns their search digests."""
    searched: dict[str, str] = {}
    for done, (path, page) in enumerate(pages, done + 1):
        sink.record(path, page.stored, page.html)
        if page.search is not None:
            searched[path] = page.search
            if live and page.html is not None:
                live.add(path, page.html.decode("utf-8"))
        progress(done, total)
    return searched


def _search_digests(sink: OutputSink, html_paths: list[str], rendered: dict[str, str]) -> dict[str, str]:
    """Every indexed page's search digest, in plan order: rendered now, or from the last record."""
    known = sink.previous.search if sink.previous else {}
    return {path: rendered.get(path) or known.get(path) or page_digest(sink.page_bytes(path))
            for path in html_paths if is_indexed(path)}


def _stale_shards(sink: OutputSink, searched: dict[str, str], live: bool) -> list[str]:
    """The search index, shard by shard: the last build's files are linked where a shard's pages
    and their text are unchanged; the others, returned, are to be indexed (on a background
    thread, two Pagefind processes at a time, reading the pages back from the new site). With
    `live`, the first shard is being indexed as its pages render (a one-shard cold build)."""
    previous = sink.previous
    stale = stale_shards(searched, previous.search if previous else {})
    old_files = _files_by_shard(previous.outputs if previous else {})
    for name in assign_shards(searched):
        if name not in stale and not _reuse_shard(sink, old_files.get(name, [])):
            stale.append(name)
    if live:
        stale.remove(FIRST_SHARD)
    return sorted(stale, key=int)


def _files_by_shard(outputs: dict[str, tuple[str, int, int]]) -> dict[str, list[str]]:
    """{shard name: its files} among a build's outputs (`pagefind/<shard>/...`)."""
    shards: dict[str, list[str]] = {}
    for path in outputs:
        folder, _, rest = path.partition("/")
        if folder == SEARCH_DIR and "/" in rest:
            shards.setdefault(rest.partition("/")[0], []).append(path)
    return shards


def _reuse_shard(sink: OutputSink, files: list[str]) -> bool:
    """Link the last build's files of a shard into the new site, if all are intact."""
    if files and len(sink.reuse_all(files)) == len(files):
        return True
    for path in files:  # some file was edited or lost: the shard is indexed afresh
        sink.forget(path)
    return False


@contextmanager
def _template_errors(config: BuildConfig) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        if (problem := template_fault(exc, config.templates_dir)) is None:
            raise
        raise BuildFailed([problem]) from None


def _no_progress(done: int, total: int) -> None:
    pass


def return_freed_memory() -> None:
    """Hand the memory the exports freed back to the system before the search index starts:
    glibc keeps freed blocks for reuse (~170 MB at 30,000 pages), and two Pagefind processes
    would add to it. A C library without `malloc_trim` has nothing to do here."""
    import ctypes  # only now: a small build does not pay for importing it

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


@contextmanager
def heap_frozen() -> Iterator[None]:
    """While pages render: the resolved briefing is moved out of the collector's sight (and
    forked workers share its memory pages untouched), while the collector still frees the
    short-lived garbage cycles of rendering."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
