"""The first three stages, load, validate and resolve: what `check` runs, and every build first.

Kept apart from the pipeline so that `check` imports none of rendering (Jinja, the exports,
the search index, the writer).
"""
from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import ENGINE_DIR, BuildCache, BuildRecord, digest, load_shards, save_shards
from .config import BuildConfig
from .docs import FACTS_DIR, FactsParser, engine_digest, save_facts
from .errors import BuildFailed, Diagnostic, errors_of
from .kind import folders, list_files, page_ids
from .load import LoadedFiles, load_content
from .markdown import make_parser
from .resolve import Resolved, resolve_references
from .validate import validate_content

if TYPE_CHECKING:
    from .write import Outputs


@dataclass
class BuildReport:
    outputs: Outputs = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    cpu_timings: list[tuple[str, float]] = field(default_factory=list)  # this process's CPU time (all threads)
    resolved: Resolved | None = None  # the briefing the outputs were made from
    files: list[str] = field(default_factory=list)  # every output path, also when `outputs` keeps no bytes
    unchanged: bool = False  # nothing was edited since the last build: nothing was done
    counts: dict[str, int] = field(default_factory=dict)  # what was done anew ("pages rendered": 3, ...)
    search: dict[str, str] = field(default_factory=dict)  # indexed page -> digest of the text the search index read
    record: BuildRecord | None = None  # what a cached build kept for the next (the preview keeps it in memory)


class Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report, self.start, self.cpu = report, time.perf_counter(), time.process_time()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.report.timings.append((stage, now - self.start))
        self.report.cpu_timings.append((stage, cpu - self.cpu))
        self.start, self.cpu = now, cpu


LOADED_DIR = "loaded"  # the Markdown files of earlier builds, by stamp (load.LoadedFiles)


def check_content(config: BuildConfig, report: BuildReport | None = None, cache: BuildCache | None = None,
                  cache_dir: Path | None = None, workers: int = 1, save_facts: bool = True) -> Resolved:
    """Load, validate and resolve; raise BuildFailed with every problem found.
    Files loaded and texts parsed by an earlier build are taken from the `cache` (the
    preview's, in memory) or else from the `cache_dir`, and the cache is left holding this
    check's; with `workers` > 1 Markdown is parsed in workers, and with `save_facts` what was
    loaded and parsed anew is kept in the cache folder."""
    with cyclic_gc_paused():
        return _check_content(config, report or BuildReport(), cache, cache_dir, workers, save_facts)


def _check_content(config: BuildConfig, report: BuildReport, cache: BuildCache | None,
                   cache_dir: Path | None = None, workers: int = 1, keep: bool = True) -> Resolved:
    timer = Timer(report)
    cached = cache is not None or cache_dir is not None
    ids = page_ids(config.entity_kinds)
    # the ids the kinds reserve on pages change how a heading parses, as the engine's code does
    engine = digest(" ".join((engine_digest(ENGINE_DIR), *sorted(ids))).encode()) if cached or workers > 1 else ""
    in_memory = cache or BuildCache()
    loaded = LoadedFiles(_known(in_memory.loaded, cache_dir, LOADED_DIR, engine), engine) if cached else None
    raw, problems = load_content(config.content_dir, config.sources_dir,
                                 tuple(list_files(config.entity_kinds)), folders(config.entity_kinds), loaded)
    if loaded is not None and cache_dir and keep and (changed := loaded.changed_shards()):
        save_shards(cache_dir / LOADED_DIR, loaded.used, changed, engine)
    if loaded is not None:
        report.counts["files read"] = loaded.read
        in_memory.loaded = loaded.used
    timer.lap("load")
    validated = validate_content(raw, config.entity_kinds)
    problems += validated.problems
    timer.lap("validate")
    resolved = None
    if validated.content is not None:
        # A file the loader could not read may define any id: then "unknown id" would be noise.
        known_broken = None if raw.unreadable else validated.broken_ids
        facts = FactsParser(make_parser(ids), workers, engine, _known(in_memory.parsed, cache_dir, FACTS_DIR, engine)) \
            if cached or workers > 1 else None
        resolved, found = resolve_references(validated.content, validated.refs, make_parser(ids), known_broken,
                                             facts)
        problems += found
        if facts and cache_dir and keep and facts.changed:
            save_facts(cache_dir, facts.used, facts.changed, engine)
        if facts:
            report.counts["texts parsed"] = facts.parsed
            in_memory.parsed = facts.used
    timer.lap("resolve")
    fail_on(problems, config.strict)
    assert resolved is not None  # no errors means the briefing was complete
    report.warnings = [d for d in problems if d.severity == "warning"]
    return resolved


def _known(in_memory: dict[str, Any] | None, cache_dir: Path | None, folder: str, engine: str) -> dict[str, Any]:
    """The entries an earlier build kept: the preview's in memory, else the cache folder's if
    this engine wrote it (a copy: the parser adds to it, and the preview keeps only what this
    check used)."""
    if in_memory is not None:
        return dict(in_memory)
    return load_shards(cache_dir / folder, engine) if cache_dir else {}


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A build makes millions of objects (Markdown tokens) that live until it ends and form no
    garbage cycles worth finding; the cyclic collector would walk them again and again.
    Reference counting still frees everything else; the collector is back on afterwards."""
    was_enabled, was_frozen = gc.isenabled(), gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        if was_enabled and not was_frozen:
            # What was made is kept (the briefing): moved straight to the oldest generation, or
            # the first young collection would walk all of it (0.17 s at 10,000 pages, to find
            # some 50 objects that are garbage).
            gc.freeze()
            gc.enable()
            gc.unfreeze()
        elif was_enabled:
            gc.enable()


def fail_on(problems: list[Diagnostic], strict: bool) -> None:
    if errors_of(problems) or (strict and problems):
        raise BuildFailed(problems)
