"""Stage 4, render: the resolved briefing to HTML strings, one per output path.

Jinja2 with autoescape and StrictUndefined. Each page gets a `PageLinks`, which turns ids into
links relative to that page and renders Markdown with anchors only on the text's home page.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError, select_autoescape
from jinja2.loaders import split_template_path
from markupsafe import Markup

from .dates import describe
from .model import SUMMARY_HEADINGS, Content
from .kind import Kind
from .markdown import render_markdown
from .marks import citation_mark, quotation
from .resolve import Resolved
from .template_cache import compiled_templates
from .views import NavItem, home_view
from .urls import (ACTORS, GENERATED_PAGES, HOME, NOT_FOUND, QUOTES, SEARCH, SOURCES, TIMELINE, VIEWS, entity_url, page_of,
                   passage_url, relative, root_prefix)
from .workers import ordered_map

if TYPE_CHECKING:
    from .kinds.quote import Quote
    from .kinds.source import Source


@dataclass
class PageLinks:
    """The LinkContext for one output page."""

    page: str
    resolved: Resolved
    anchors: bool = True
    cited: dict[str, None] = field(default_factory=dict)  # sources cited so far on this page, in order
    glossed: set[str] = field(default_factory=set)  # glossary terms already linked on this page

    def href(self, target: str) -> str:
        return relative(self.page, self.resolved.urls[target])

    def url(self, path: str) -> str:
        return relative(self.page, path)

    def label(self, target: str) -> str:
        return self.resolved.labels[target].label

    def preview(self, target: str) -> str:
        return self.resolved.labels[target].preview

    def kind_label(self, target: str) -> str:
        """What a link preview calls a record: its kind's noun (`data-kind`)."""
        return self.resolved.labels[target].kind

    def verified(self, source_id: str) -> bool:
        return source_id in self.resolved.checked_sources

    def cite(self, *source_ids: str) -> Markup:
        """A citation mark for sources named in a structured field (roles, commitments...)."""
        return Markup(citation_mark([(s, "", "") for s in source_ids], self))

    def quotation(self, quote_id: str, with_speaker: bool = True) -> Markup:
        return Markup(quotation(self.quote(quote_id), self, block=True, with_speaker=with_speaker))

    def evidence_link(self, source_id: str, passage: str) -> str | None:
        """The cited passage in the original article, where the source has a URL."""
        source: Source = self.resolved.index[source_id]  # type: ignore[assignment]
        return passage_url(source.url, passage) if source.url else None

    def gloss(self, text: str) -> str:
        """Prose text as HTML, with the first use on this page of each glossary term linked to it."""
        pattern = self.resolved.glossary_pattern
        if not pattern:
            return escape(text)
        out, position = [], 0
        for m in re.finditer(pattern, text, re.IGNORECASE):
            term_id = self.resolved.glossary_terms[m[0].lower()]
            if term_id in self.glossed or page_of(self.resolved.urls[term_id]) == self.page:
                continue  # (the glossary page itself links no term)
            self.glossed.add(term_id)
            kind = self.kind_label(term_id)
            out += [escape(text[position:m.start()]), f'<a class="gloss" href="{escape(self.href(term_id))}" '
                    f'data-preview="{escape(self.preview(term_id))}"' + (f' data-kind="{escape(kind)}"' if kind else "")
                    + f'>{escape(m[0])}</a>']
            position = m.end()
        return "".join([*out, escape(text[position:])])

    def citation_number(self, source_id: str) -> int:
        self.cited.setdefault(source_id, None)
        return self.resolved.citation_numbers[source_id]

    def cited_sources(self) -> list[Source]:
        """The sources cited above this point of the page (for the printed endnotes)."""
        return sorted((self.resolved.index[s] for s in self.cited), key=lambda s: self.resolved.citation_numbers[s.id])  # type: ignore[misc]

    def passage(self, quote_id: str) -> str | None:
        """A deep link to the quotation in the original article, where its source has a URL."""
        quote = self.quote(quote_id)
        source: Source = self.resolved.index[quote.source]  # type: ignore[assignment]
        return passage_url(source.url, quote.text) if source.url else None

    def quote(self, quote_id: str) -> Quote:
        return self.resolved.index[quote_id]  # type: ignore[return-value]

    def markdown(self, key: str) -> Markup:
        info = self.resolved.docs[key]
        links = self if self.page == info.home.split("#")[0] else PageLinks(self.page, self.resolved, False, self.cited, self.glossed)
        return Markup(render_markdown(info.parsed, links))


class TemplateLoader(FileSystemLoader):
    """Jinja's loader, with a template that is not UTF-8 reported at its file and line."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line = exc.object[:exc.start].count(b"\n") + 1
            path = os.path.join(self.searchpath[0], *split_template_path(template))
            raise TemplateSyntaxError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", line, template, path) from None


_TEMPLATE_OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}
_FILTERS = {"date": describe}
# What decides a compiled template besides its source: kept templates compiled otherwise are not loaded.
_COMPILED_WITH = f"autoescape=all {sorted(_TEMPLATE_OPTIONS.items())} filters={sorted(_FILTERS)}"


def make_environment(templates_dir: Path, auto_reload: bool = False) -> Environment:
    """A build reads each template once (`auto_reload` would stat it for every page rendered);
    the preview server, which keeps one environment across template edits, passes True.
    Compiled templates are kept between builds (template_cache.py)."""
    env = Environment(loader=TemplateLoader(templates_dir), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, auto_reload=auto_reload,
                      bytecode_cache=compiled_templates(_COMPILED_WITH), **_TEMPLATE_OPTIONS)
    env.filters.update(_FILTERS)
    return env


PagePlan = list[tuple[str, str, dict[str, Any]]]  # (output path, template, page-specific context)


def page_plan(resolved: Resolved, only: Callable[[str], bool] | None = None) -> PagePlan:
    """(output path, template, page-specific context) for every HTML page of the site, or for
    those `only` selects (the views are the costly part: the preview makes just the open page's)."""
    wanted = only or _every_page
    c = resolved.content
    fixed: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
        (HOME, "home.html", lambda: {"title": c.briefing.title, "crumbs": [],
                                     "view": home_view(resolved, HOME)}),
        (NOT_FOUND, "404.html", lambda: {"title": "Page not found", "crumbs": []}),
        (SEARCH, "search.html", lambda: {"title": "Search", "crumbs": [],
                                         "example": c.actors[0].name if c.actors else ""}),
    ]
    fixed += [(kind.page, kind.template, _kind_context(resolved, kind, records)) for kind, records in c.fixed_kinds()
              if kind.template]
    plan: PagePlan = [(path, template, context()) for path, template, context in _site_order(fixed) if wanted(path)]
    plan += [(kind.page, kind.template, _kind_context(resolved, kind, records)())
             for kind, records in c.other_kinds() if records and kind.template and wanted(kind.page)]
    for kind, records in c.declared:
        if kind.record_template:
            plan += _record_pages(resolved, kind, [r for r in records if wanted(kind.url(r))])
    return plan


def page_paths(resolved: Resolved) -> list[str]:
    """Every HTML page's output path in `page_plan`'s order, without making any view (the exports
    list the pages; the preview renders them apart)."""
    c = resolved.content
    fixed = [HOME, NOT_FOUND, SEARCH,
             *(kind.page for kind, _ in c.fixed_kinds() if kind.template)]
    return [*sorted(fixed, key=GENERATED_PAGES.index),
            *(kind.page for kind, records in c.other_kinds() if records and kind.template),
            *(kind.url(r) for kind, records in c.declared if kind.record_template for r in records)]


def _kind_context(resolved: Resolved, kind: Kind, records: tuple[Any, ...]) -> Callable[[], dict[str, Any]]:
    assert kind.view is not None, f"{kind.name}: a kind with a template needs a view"
    return lambda: {"title": kind.title, "crumbs": [], "view": kind.view(resolved, records, kind.page)}  # type: ignore[misc]


def _record_pages(resolved: Resolved, kind: Kind, records: list[Any]) -> PagePlan:
    """The page of each record of a folder kind (an actor, a free page), under its list page if it has one."""
    if not records:
        return []
    assert kind.record_view is not None, f"{kind.name}: a kind with a record_template needs a record_view"
    prepared = kind.prepare(resolved) if kind.prepare else None
    crumbs = [NavItem(kind.title, kind.page)] if kind.template else []
    return [(kind.url(r), kind.record_template, {"title": r.title, "crumbs": crumbs,
                                                 "view": kind.record_view(resolved, r, kind.url(r), prepared)})
            for r in records]


def _site_order(fixed: list[tuple[str, str, Callable[[], dict[str, Any]]]]) -> list[tuple[str, str, Callable[[], dict[str, Any]]]]:
    """The site's own pages in their fixed order (urls.GENERATED_PAGES), whether the engine or a
    declared kind makes them."""
    return sorted(fixed, key=lambda entry: GENERATED_PAGES.index(entry[0]))


def _every_page(path: str) -> bool:
    return True


P = TypeVar("P")


def _as_is(path: str, html: bytes) -> bytes:
    return html


PAGES_PER_CHUNK = 64
PARALLEL_FROM_PAGES = 400  # below this, forking costs more than it saves
PAGES_PER_PROCESS = 1024  # then a fresh worker: one that lived on would copy what it read (workers.py)


def render_pages(resolved: Resolved, plan: PagePlan, env: Environment, only: Callable[[str], bool] | None = None,
                 workers: int = 1) -> Iterator[tuple[str, bytes]]:
    """(output path, UTF-8 HTML) of every page (or those `only` selects), in plan order."""
    return render_each(resolved, plan, env, _as_is, only, workers)


def render_each(resolved: Resolved, plan: PagePlan, env: Environment, finish: Callable[[str, bytes], P],
                only: Callable[[str], bool] | None = None, workers: int = 1) -> Iterator[tuple[str, P]]:
    """(output path, finish(path, UTF-8 HTML)) of every page (or those `only` selects), in plan
    order. With `workers` > 1 and a large site, chunks of pages render in forked processes,
    which start at once (before the caller starts any thread) and `finish` each page there
    (the build stores it, so the pages need not travel back); the output is byte-identical
    either way. Close the iterator to stop the workers early."""
    shared = _shared_context(resolved)
    selected = [entry for entry in plan if only is None or only(entry[0])]
    for template in sorted({NAV_TEMPLATE, *(template for _, template, _ in selected)}):
        env.get_template(template)  # compiled once here, not once per worker
    nav_html = _navigation_html(env, shared["nav"], resolved)

    def render_chunk(chunk: PagePlan) -> list[tuple[str, P]]:
        return [(path, finish(path, env.get_template(template).render(
                    **shared, **context, page=path, root=root_prefix(path), nav_html=nav_html(path),
                    links=PageLinks(path, resolved)).encode("utf-8")))
                for path, template, context in chunk]

    chunks = [selected[i:i + PAGES_PER_CHUNK] for i in range(0, len(selected), PAGES_PER_CHUNK)]
    parallel = workers if len(selected) >= PARALLEL_FROM_PAGES else 1
    return (page for chunk in ordered_map(render_chunk, chunks, parallel, PAGES_PER_PROCESS // PAGES_PER_CHUNK)
            for page in chunk)


NAV_TEMPLATE = "_nav.html"


def _navigation_html(env: Environment, nav: list[NavItem], resolved: Resolved) -> Callable[[str], Markup]:
    """The navigation's HTML for a page. It differs only by folder (its links are relative) and
    on the pages it names (marked current), so it is rendered once for each of those, not for
    every page: the same bytes, at a fraction of the cost of rendering the loop per page."""
    named = {page_of(item.url) for item in nav}
    made: dict[tuple[str, str], Markup] = {}

    def html(page: str) -> Markup:
        key = (page.rpartition("/")[0], page if page in named else "")
        if key not in made:
            made[key] = Markup(env.get_template(NAV_TEMPLATE).render(nav=nav, page=page, links=PageLinks(page, resolved)))
        return made[key]
    return html


def _shared_context(resolved: Resolved) -> dict[str, Any]:
    """What every page may read: the briefing's own fields, the navigation and small lookups.
    Everything else a page shows is in its `view`."""
    c = resolved.content
    return {
        "briefing": c.briefing, "nav": navigation(c), "summary_headings": SUMMARY_HEADINGS,
        "stances": {s.id: (i, s) for i, s in enumerate(c.briefing.stance_scale, 1)}, **kind_lookups(c),
    }


def kind_lookups(c: Content) -> dict[str, Any]:
    """The names the kinds give every template (`Kind.lookups`: deadline statuses, basis words...)."""
    return {name: value for kind, records in c.declared if kind.lookups
            for name, value in kind.lookups(c, records).items()}


NAV_PAGES = 14  # free pages named in the menu; past that, "All pages" leads to the home page's full list
ALL_PAGES = NavItem("All pages", f"{HOME}#contents")
MENU_FIRST = (ACTORS, TIMELINE, VIEWS)  # the site's own pages named before the free pages after the first two
MENU_LAST = (QUOTES, SOURCES)  # and those named last, after the other kinds' pages


def navigation(c: Content) -> list[NavItem]:
    """Every free page is reachable from the navigation: the two with the lowest `order` after Home,
    the others (by order, then title) after Views; then the other kinds' pages (glossary,
    commitments) when they have records; each page named by its kind's `menu`. A briefing with more than NAV_PAGES free pages names the first NAV_PAGES and ends the
    list with "All pages" (the home page lists every one), so the menu, which every page carries,
    does not grow with the briefing: 10,000 pages would otherwise carry 10,000 links each."""
    ordered = sorted(c.pages, key=lambda p: (p.order, p.title))
    pages = [NavItem(p.title, entity_url(p)) for p in ordered[:NAV_PAGES]]
    if len(ordered) > NAV_PAGES:
        pages.append(ALL_PAGES)
    generated = [NavItem(kind.menu or kind.title, kind.page) for kind, records in c.other_kinds() if records and kind.template]
    site = {kind.page: NavItem(kind.menu or kind.title, kind.page) for kind, _ in c.fixed_kinds() if kind.template}
    return [NavItem("Home", HOME), *pages[:2], *(site[p] for p in MENU_FIRST if p in site), *pages[2:], *generated,
            *(site[p] for p in MENU_LAST if p in site)]
