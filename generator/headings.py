"""Heading ids: from each heading's title (as mdit-py-plugins' anchors plugin makes them, so links
keep working), unique in linear time, and never an id the page already gives another element.

The anchors plugin finds a free id by trying `notes-1`, `notes-2`... from 1 for every heading, so
30,000 "## Notes" took minutes; here each title remembers where its search stopped.
"""
from __future__ import annotations

from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors.index import slugify

from .errors import Diagnostic, Location, warning
from .model import Markdown

HEADING_LEVELS = (2, 3, 4)  # the headings that get ids (h1 is the page's own title)
# Ids that base.html, actor.html and page.html (with _macros.html) give elements of the pages
# whose body keeps plain heading ids; a heading that would take one gets the next free id
# instead, with a warning. The sections kinds add to those pages declare their own ids
# (ActorPart.ids, TrackerPart.ids; kind.page_ids joins them). tests/test_hostile_markdown.py
# checks these against the templates.
BODY_TEMPLATES = ("base.html", "_nav.html", "actor.html", "page.html", "_macros.html")
TEMPLATE_IDS = frozenset({
    "endnotes-title", "main", "site-search-q", "site-nav", "site-nav-list",  # base.html, _nav.html
    "members"})  # actor.html
PAGE_IDS_OPTION = "page_ids"  # the parser's option holding the ids a page gives its own elements (make_parser)


def heading_ids_rule(state: StateCore) -> None:
    """Heading ids from their titles (as mdit-py-plugins' anchors plugin makes them), but unique
    in linear time, never one of the page's own ids, and prefixed on pages many texts share."""
    prefix, key = state.env.get("headingPrefix", ""), state.env.get("docId", "")
    page_ids: frozenset[str] = state.md.options[PAGE_IDS_OPTION]
    taken: set[str] = set() if prefix else set(page_ids)
    next_suffix: dict[str, int] = {}
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open" or int(token.tag[1]) not in HEADING_LEVELS:
            continue
        children = state.tokens[i + 1].children or []
        slug = slugify("".join(c.content for c in children if c.type in ("text", "code_inline")))
        wanted = slug
        reserved = not prefix and slug in page_ids
        if _is_generated_id(f"{prefix}-{slug}" if prefix else slug, key):
            slug, reserved = f"h-{slug}", True
        if slug in taken:
            n = next_suffix.get(slug, 1)
            while f"{slug}-{n}" in taken:
                n += 1
            next_suffix[slug] = n + 1
            slug = f"{slug}-{n}"
        taken.add(slug)
        token.attrSet("id", f"{prefix}-{slug}" if prefix else slug)
        if reserved:
            token.meta["reserved_id"] = wanted


def _is_generated_id(element_id: str, key: str) -> bool:
    """An id the renderer gives footnotes (`fn-KEY-1`) or references (`KEY-r1`) of this text.
    (No pattern built from the key: compiling one per text cost more than parsing its headings.)"""
    number = element_id[len(key) + 2:] if element_id.startswith(f"{key}-r") else ""
    return element_id.startswith(("fn-", "fnref-")) or number.isascii() and number.isdigit()


def reserved_heading_warning(heading: Token, doc: Markdown) -> Diagnostic | None:
    """A warning if the heading could not have the id its title gives."""
    wanted, given = heading.meta.get("reserved_id"), heading.attrs.get("id")
    if not wanted:
        return None
    line = doc.location.line + (heading.map[0] if heading.map else 0)
    return warning(Location(doc.location.path, line), f"heading id '{wanted}' is taken by the page itself; the heading gets '{given}'",
                   f"rename the heading, or link to it as [[...#{given}]]")
