"""Where every page and entity lives in the site, and relative links between them.

Links are relative (`../actors/x.html`), so the site works from Netlify and from file:// alike.
"""
from __future__ import annotations

from urllib.parse import quote as percent_encode

from .model import Actor, Page

HOME = "index.html"
ACTORS = "actors/index.html"
TIMELINE = "timeline.html"
VIEWS = "views.html"
QUOTES = "quotes.html"
SOURCES = "sources.html"
NOT_FOUND = "404.html"
SEARCH = "search.html"
GENERATED_PAGES = (HOME, ACTORS, TIMELINE, VIEWS, QUOTES, SOURCES, NOT_FOUND, SEARCH)
"""The site's own pages, in their fixed order. A declared kind whose page is one of them makes it
(Kind.fixed: actors, timeline, views, quotations, sources); the engine makes the others."""


def actor_url(actor_id: str) -> str:
    """An actor's own page (kinds/actor.py: `record_url`)."""
    return f"actors/{actor_id}.html"


def free_page_url(page_id: str) -> str:
    """A free page's own page (kinds/page.py: `record_url`)."""
    return f"{page_id}.html"


def entity_url(entity: Actor | Page) -> str:
    """The page of an actor or a free page (any record: its kind's `url`)."""
    return actor_url(entity.id) if entity.entity == "actor" else free_page_url(entity.id)


def page_of(url: str) -> str:
    return url.split("#", 1)[0]


def relative(from_page: str, to_url: str) -> str:
    """A link from one page to a URL, relative to the page's folder. Both are site paths with no
    `..` in them, so plain string work does (posixpath.relpath costs 45% of a large build)."""
    path, _, fragment = to_url.partition("#")
    if path == from_page and fragment:
        return f"#{fragment}"
    here, there = from_page.split("/")[:-1], path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    return f"{rel}#{fragment}" if fragment else rel


def root_prefix(page: str) -> str:
    depth = page.count("/")
    return "../" * depth


def passage_url(url: str, text: str, words: int = 4) -> str:
    """`url#:~:text=start,end`: a text fragment that scrolls to and highlights the quoted words.
    Long quotations (and those with a `...` cut) are matched by their first and last few words."""
    parts = [p.split() for p in text.replace("\u2026", "...").split("...") if p.split()]
    if not parts:
        return url
    first, last = parts[0], parts[-1]
    if len(parts) == 1 and len(first) <= 2 * words:
        directive = _fragment_text(first)
    else:
        directive = f"{_fragment_text(first[:words])},{_fragment_text(last[-words:])}"
    return f"{url.split('#')[0]}#:~:text={directive}"


def _fragment_text(words: list[str]) -> str:
    return percent_encode(" ".join(words).strip(" ,;:"), safe="").replace("-", "%2D")
