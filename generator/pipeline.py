"""The build, stage by stage: load, validate, resolve, render, write. Reads like a table of contents."""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, TemplateError

from .cache import (ENGINE_DIR, BuildCache, BuildRecord, build_inputs, build_options, forget_record, save_record,
                    uncached, up_to_date)
from .config import BuildConfig
from .depends import page_keys, shared_key
from .docs import FactsParser, engine_digest, load_facts, save_facts
from .errors import BuildFailed, Diagnostic, errors_of
from .exports import render_exports
from .kind import list_files
from .load import load_content
from .markdown import make_parser
from .output import OutputSink
from .render import make_environment, page_paths, page_plan, render_pages
from .resolve import Resolved, resolve_references
from .search import (FIRST_SHARD, SEARCH_DIR, SearchIndexer, ShardIndexing, assign_shards, index_pages, is_indexed,
                     live_indexer, manifest, page_digest, shard_files, stale_shards)
from .templating import template_problem
from .validate import validate_content
from .write import Outputs, StagedSite, check_output_paths, refuse_unsafe_out_dir, terminate_gracefully

Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass
class BuildReport:
    outputs: Outputs = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    resolved: Resolved | None = None  # the briefing the outputs were made from
    files: list[str] = field(default_factory=list)  # every output path, also when `outputs` keeps no bytes
    unchanged: bool = False  # nothing was edited since the last build: nothing was done


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report, self.start = report, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.timings.append((stage, now - self.start))
        self.start = now


def check_content(config: BuildConfig, report: BuildReport | None = None, cache: BuildCache | None = None,
                  cache_dir: Path | None = None, workers: int = 1, save_facts: bool = True) -> Resolved:
    """Load, validate and resolve; raise BuildFailed with every problem found.
    The preview server passes a `cache` so unchanged files and texts are not parsed again;
    with a `cache_dir` or `workers` > 1, Markdown is parsed in workers, and its facts are
    taken from (and, with `save_facts`, kept in) the cache folder."""
    with cyclic_gc_paused():
        return _check_content(config, report or BuildReport(), cache, cache_dir, workers, save_facts)


def _check_content(config: BuildConfig, report: BuildReport, cache: BuildCache | None,
                   cache_dir: Path | None = None, workers: int = 1, keep: bool = True) -> Resolved:
    timer = _Timer(report)
    raw, problems = load_content(config.content_dir, config.sources_dir, cache.files.get if cache else uncached,
                                 tuple(list_files(config.entity_kinds)))
    timer.lap("load")
    validated = validate_content(raw, config.entity_kinds)
    problems += validated.problems
    timer.lap("validate")
    resolved = None
    if validated.content is not None:
        # A file the loader could not read may define any id: then "unknown id" would be noise.
        known_broken = None if raw.unreadable else validated.broken_ids
        facts = FactsParser(make_parser(), workers, engine_digest(ENGINE_DIR), load_facts(cache_dir) if cache_dir else {}) \
            if cache_dir or workers > 1 else None
        resolved, found = resolve_references(validated.content, validated.refs, make_parser(), known_broken,
                                             cache.markdown.get if cache else uncached, facts)
        problems += found
        if facts and cache_dir and keep and facts.changed:
            save_facts(cache_dir, facts.used)
    timer.lap("resolve")
    _fail_on(problems, config.strict)
    assert resolved is not None  # no errors means the briefing was complete
    report.warnings = [d for d in problems if d.severity == "warning"]
    return resolved


def render_site(config: BuildConfig, resolved: Resolved, report: BuildReport, env: Environment | None = None,
                only: Callable[[str], bool] | None = None, search: bool = True, exports: bool = True) -> Outputs:
    """Render every page (or those `only` selects), with `exports` the exports, and with `search`
    the search index, in memory. The preview server uses this, with its own `env` to keep
    compiled templates, and renders the pages open in the browser first, without exports."""
    timer = _Timer(report)
    plan = page_plan(resolved, only)
    html_paths = page_paths(resolved) if exports else [path for path, _, _ in plan]  # the exports list every page
    _fail_on(check_output_paths(html_paths), strict=False)
    md = make_parser()
    with _template_errors(config):
        outputs = dict(render_pages(resolved, plan, env or make_environment(config.templates_dir), only))
        timer.lap("render")
        if exports:
            outputs |= render_exports(resolved, md, html_paths)
            timer.lap("exports")
        if search and only is None:
            outputs |= index_pages({p: d for p, d in outputs.items() if is_indexed(p)}, resolved.content.briefing.language)
            timer.lap("search")
    return outputs


def build_site(config: BuildConfig, env: Environment | None = None, cache: BuildCache | None = None,
               cache_dir: Path | None = None, workers: int = 1, keep_outputs: bool = True,
               progress: Progress | None = None) -> BuildReport:
    """The whole build; the output folder changes only if every stage succeeded.
    The preview server passes its compiled templates (`env`) and parse `cache`. With a
    `cache_dir`, the last build's record there lets this one skip what did not change; with
    `workers` > 1 pages render in that many processes; `keep_outputs` keeps every output's
    bytes in the report (else only their paths)."""
    return _build_site(config, env, cache, cache_dir, workers, keep_outputs, progress or _no_progress)


def _build_site(config: BuildConfig, env: Environment | None, cache: BuildCache | None, cache_dir: Path | None,
                workers: int, keep_outputs: bool, progress: Progress) -> BuildReport:
    report = BuildReport()
    options, inputs = build_options(config), build_inputs(config)
    record, stamps, unchanged = up_to_date(config, cache_dir) if cache_dir else (None, {}, False)
    if record and unchanged:
        return BuildReport(files=list(record.outputs), unchanged=True)
    resolved = report.resolved = check_content(config, report, cache, cache_dir, workers)
    _fail_on(refuse_unsafe_out_dir(config.out_dir, [config.content_dir, config.templates_dir]), strict=False)
    keys = page_keys(resolved, page_plan(resolved), shared_key(inputs, config.content_dir, resolved, options)) \
        if cache_dir else {}
    with terminate_gracefully():  # SIGTERM unwinds through `discard` below
        site = StagedSite(config.out_dir)
        try:
            sink = OutputSink(site, record, keep_outputs)
            with heap_frozen():
                searched = _render_into(sink, config, resolved, keys, env, workers, report, progress)
            timer = _Timer(report)
            site.commit()
            timer.lap("write")
        except BaseException:
            site.discard()
            if cache_dir:
                forget_record(cache_dir)  # the site may be gone or half-swapped: never trust the old record
            raise
    report.outputs, report.files = sink.kept, sorted(sink.stored)
    if cache_dir:
        save_record(cache_dir, BuildRecord(options, stamps, keys, sink.stored, tuple(map(str, sorted(report.warnings))),
                                           searched))
    return report


def _render_into(sink: OutputSink, config: BuildConfig, resolved: Resolved, keys: dict[str, str],
                 env: Environment | None, workers: int, report: BuildReport, progress: Progress) -> dict[str, str]:
    """Render what changed into the sink: pages, exports, static assets and the search index.
    Returns the digest of each indexed page's text, for the next build's record."""
    timer = _Timer(report)
    plan = page_plan(resolved)
    html_paths = [path for path, _, _ in plan]
    _fail_on(check_output_paths(html_paths), strict=False)
    previous = sink.previous
    reused = {path for path in keys if previous and previous.keys.get(path) == keys[path]
              and path in previous.outputs and sink.reuse(path)}
    md = make_parser()
    language = resolved.content.briefing.language
    live: SearchIndexer | None = None
    indexing: ShardIndexing | None = None
    try:
        with _template_errors(config):
            pages = render_pages(resolved, plan, env or make_environment(config.templates_dir),
                                 (lambda path: path not in reused) if reused else None, workers)
            # started after the render workers were forked: they must not inherit its threads
            live = live_indexer(sum(map(is_indexed, html_paths)), language) if previous is None else None
            rendered = _add_pages(sink, pages, live, len(reused), len(plan), progress)
            timer.lap("render")
            searched = _search_digests(sink, html_paths, rendered)
            indexing = _start_search(sink, searched, language, live is not None)
            for path, data in render_exports(resolved, md, html_paths).items():
                sink.add(path, data)
            for path, data in sink.site.copy_static(config.static_dir).items():
                sink.add(path, data, keep_bytes=False)  # copied assets, not outputs the preview tracks
            timer.lap("exports")
        if live:
            for path, data in shard_files(FIRST_SHARD, live.finish()).items():
                sink.add(path, data)
        for path, data in indexing.files():
            sink.add(path, data)
        sink.add(*manifest(searched))
        timer.lap("search")
    finally:
        if live:
            live.close()
        if indexing:
            indexing.cancel()
    return searched


def _add_pages(sink: OutputSink, pages: Iterator[tuple[str, bytes]], live: SearchIndexer | None, done: int,
               total: int, progress: Progress) -> dict[str, str]:
    """Store the rendered pages (and feed them to the `live` indexer); returns their search digests."""
    searched: dict[str, str] = {}
    for done, (path, html) in enumerate(pages, done + 1):
        sink.add(path, html)
        if is_indexed(path):
            searched[path] = page_digest(html)
            if live:
                live.add(path, html.decode("utf-8"))
        progress(done, total)
    return searched


def _search_digests(sink: OutputSink, html_paths: list[str], rendered: dict[str, str]) -> dict[str, str]:
    """Every indexed page's search digest, in plan order: rendered now, or from the last record."""
    known = sink.previous.search if sink.previous else {}
    return {path: rendered.get(path) or known.get(path) or page_digest(sink.page_bytes(path))
            for path in html_paths if is_indexed(path)}


def _start_search(sink: OutputSink, searched: dict[str, str], language: str, live: bool) -> ShardIndexing:
    """The search index, shard by shard: the last build's files where a shard's pages and their
    text are unchanged; the others are indexed on a background thread (two Pagefind processes
    at a time, reading the pages back from the new site) while the exports are made. With
    `live`, the first shard is being indexed as its pages render (a one-shard cold build)."""
    previous = sink.previous
    stale = stale_shards(searched, previous.search if previous else {})
    for name in assign_shards(searched):
        if name not in stale and not (previous and _reuse_shard(sink, previous.outputs, name)):
            stale.append(name)
    if live:
        stale.remove(FIRST_SHARD)
    return ShardIndexing(sorted(stale, key=int), searched, sink.page_bytes, language)


def _reuse_shard(sink: OutputSink, outputs: dict[str, tuple[str, int, int]], name: str) -> bool:
    """Link the last build's files of shard `name` into the new site, if all are intact."""
    files = [path for path in outputs if path.startswith(f"{SEARCH_DIR}/{name}/")]
    if files and all(sink.reuse(path) for path in files):
        return True
    for path in files:  # some file was edited or lost: the shard is indexed afresh
        sink.forget(path)
    return False


@contextmanager
def _template_errors(config: BuildConfig) -> Iterator[None]:
    try:
        yield
    except TemplateError as exc:
        raise BuildFailed([template_problem(exc, config.templates_dir)]) from None


def _no_progress(done: int, total: int) -> None:
    pass


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A build makes millions of objects (Markdown tokens) that live until it ends and form no
    garbage cycles worth finding; the cyclic collector would walk them again and again.
    Reference counting still frees everything else; the collector is back on afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _fail_on(problems: list[Diagnostic], strict: bool) -> None:
    if errors_of(problems) or (strict and problems):
        raise BuildFailed(problems)
