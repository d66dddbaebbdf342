"""The build, stage by stage: load, validate, resolve, render, write. Reads like a table of contents."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jinja2 import Environment, TemplateError

from .cache import BuildCache, uncached
from .config import BuildConfig
from .errors import BuildFailed, Diagnostic, errors_of
from .exports import render_exports
from .kind import list_files
from .load import load_content
from .markdown import make_parser
from .render import make_environment, page_plan, render_pages
from .resolve import Resolved, resolve_references
from .search import SearchIndexer
from .templating import template_problem
from .validate import validate_content
from .write import Outputs, check_output_paths, refuse_unsafe_out_dir, write_site


@dataclass
class BuildReport:
    outputs: Outputs = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    resolved: Resolved | None = None  # the briefing the outputs were made from


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report, self.start = report, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.timings.append((stage, now - self.start))
        self.start = now


def check_content(config: BuildConfig, report: BuildReport | None = None, cache: BuildCache | None = None) -> Resolved:
    """Load, validate and resolve; raise BuildFailed with every problem found.
    The preview server passes a `cache` so unchanged files and texts are not parsed again."""
    report = report or BuildReport()
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
        resolved, found = resolve_references(validated.content, validated.refs, make_parser(), known_broken,
                                             cache.markdown.get if cache else uncached)
        problems += found
    timer.lap("resolve")
    _fail_on(problems, config.strict)
    assert resolved is not None  # no errors means the briefing was complete
    report.warnings = [d for d in problems if d.severity == "warning"]
    return resolved


def render_site(config: BuildConfig, resolved: Resolved, report: BuildReport, env: Environment | None = None,
                only: Callable[[str], bool] | None = None, search: bool = True, exports: bool = True) -> Outputs:
    """Render every page (or those `only` selects), with `exports` the exports, and with `search`
    the search index. The preview server passes its own `env` to keep compiled templates, and
    renders the pages open in the browser first, without exports."""
    timer = _Timer(report)
    plan = page_plan(resolved)
    html_paths = [path for path, _, _ in plan]
    _fail_on(check_output_paths(html_paths), strict=False)
    # Each page is indexed as soon as it is rendered, in Pagefind's own process, while Python goes on.
    indexer = SearchIndexer(resolved.content.briefing.language) if search and only is None else None
    try:
        env = env or make_environment(config.templates_dir)
        md = make_parser()
        pages = render_pages(resolved, plan, env, md, only, on_page=indexer.add if indexer else None)
        outputs = {path: html.encode("utf-8") for path, html in pages.items()}
        timer.lap("render")
        if exports:
            outputs |= render_exports(resolved, md, html_paths)
            timer.lap("exports")
        if indexer:
            outputs |= indexer.finish()
            timer.lap("search")
    except TemplateError as exc:
        raise BuildFailed([template_problem(exc, config.templates_dir)]) from None
    finally:
        if indexer:
            indexer.close()
    return outputs


def build_site(config: BuildConfig, env: Environment | None = None, cache: BuildCache | None = None) -> BuildReport:
    """The whole build; the output folder changes only if every stage succeeded.
    The preview server passes its compiled templates (`env`) and parse `cache`."""
    report = BuildReport()
    resolved = report.resolved = check_content(config, report, cache)
    report.outputs = render_site(config, resolved, report, env)
    _fail_on(refuse_unsafe_out_dir(config.out_dir, [config.content_dir, config.templates_dir]), strict=False)
    timer = _Timer(report)
    write_site(report.outputs, config.static_dir, config.out_dir)
    timer.lap("write")
    return report


def _fail_on(problems: list[Diagnostic], strict: bool) -> None:
    if errors_of(problems) or (strict and problems):
        raise BuildFailed(problems)
