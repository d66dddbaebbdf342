"""Plain page views: what a template reads, made once per page before it renders.

Views hold strings, numbers, tuples and small frozen dataclasses (never the resolved briefing),
so they pickle into worker processes and say what a page shows. Markdown stays a doc key, which
the template renders through `links.markdown(key)`, and structured citations stay source ids
(`links.cite(*ids)`): the markup of both is written once, in marks.py.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import Actor, Content, NativeName, Page
from .resolve import Mention, Resolved
from .urls import GENERATED_PAGES, page_of, relative

if TYPE_CHECKING:
    from .kind import ActorPart


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


@dataclass(frozen=True)
class LinkView:
    href: str  # relative to the page that shows it
    label: str


def link_view(resolved: Resolved, page: str, target: str, label: str) -> LinkView:
    return LinkView(relative(page, resolved.urls[target]), label)


def mentions_of(resolved: Resolved, target: str) -> tuple[Mention, ...]:
    return resolved.backlinks.get(target, ())


def cited_by(resolved: Resolved, doc_keys: Iterable[str], source_ids: Iterable[str] = ()) -> tuple[str, ...]:
    """The sources a page cites, in citation-number order, from the refs of the Markdown texts it
    renders and the source ids of its structured fields (an embedded quotation cites its source)."""
    cited = set(source_ids)
    for key in doc_keys:
        for ref in resolved.docs[key].parsed.refs:
            if ref.kind == "cite":
                cited.add(ref.target)
            elif ref.kind == "embed" and ref.target in resolved.index:
                cited.add(getattr(resolved.index[ref.target], "source"))
    return tuple(sorted(cited, key=lambda s: resolved.citation_numbers[s]))


@dataclass(frozen=True)
class FreePageView:
    id: str
    title: str
    summary: str
    body: str  # doc key
    tracker: tuple[str, Any] | None  # (template, view) of a declared kind's table (Kind.tracker), or None
    mentions: tuple[Mention, ...]
    cites: tuple[str, ...]


def free_page_view(resolved: Resolved, page: Page, tracker: tuple[str, Any] | None) -> FreePageView:
    body = f"{page.id}-body"
    return FreePageView(page.id, page.title, page.summary, body, tracker, mentions_of(resolved, page.id),
                        cited_by(resolved, [body], tracker[1].cites if tracker else ()))


@dataclass(frozen=True)
class RoleView:
    title: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MemberView:
    href: str
    name: str
    role: str  # the first role's title, or ""


@dataclass(frozen=True)
class ActorView:
    id: str
    name: str
    native_name: NativeName | None
    summary: str
    kind: str
    side: str
    affiliation: LinkView | None
    roles: tuple[RoleView, ...]
    body: str  # doc key
    members: tuple[MemberView, ...]
    parts: tuple[tuple[str, Any], ...]  # (template, view) of each kind's section about the actor (Kind.on_actor_page)
    mentions: tuple[Mention, ...]
    cites: tuple[str, ...]


def actor_view(resolved: Resolved, actor: Actor, page: str, groups: ActorGroups) -> ActorView:
    parts = tuple((part.template, shown) for part, records_of in groups.parts if actor.id in records_of
                  if (shown := part.view(resolved, actor, records_of[actor.id], page)) is not None)
    affiliation = link_view(resolved, page, actor.affiliation, getattr(resolved.index[actor.affiliation], "name")) \
        if actor.affiliation else None
    own = cited_by(resolved, [f"{actor.id}-body"], (s for r in actor.roles for s in r.sources))
    return ActorView(
        actor.id, actor.name, actor.native_name, actor.summary, actor.kind, actor.side, affiliation,
        tuple(RoleView(r.title, r.sources) for r in actor.roles), f"{actor.id}-body",
        tuple(MemberView(relative(page, resolved.urls[m.id]), m.name, m.roles[0].title if m.roles else "")
              for m in groups.members_of.get(actor.id, ())),
        parts, mentions_of(resolved, actor.id),
        cited_by(resolved, (), (*own, *(s for _, view in parts for s in view.cites))))


@dataclass(frozen=True)
class ActorGroups:
    """One pass over the records, so an actor page never scans the whole briefing."""

    members_of: dict[str, tuple[Actor, ...]]
    parts: tuple[tuple[ActorPart, dict[str, tuple[Any, ...]]], ...]  # each kind's section, its records by actor id; by place


def group_by_actor(c: Content) -> ActorGroups:
    members: dict[str, list[Actor]] = {}
    for a in c.actors:
        if a.affiliation:
            members.setdefault(a.affiliation, []).append(a)
    parts = sorted(((kind.on_actor_page, records) for kind, records in c.declared if kind.on_actor_page),
                   key=lambda pair: pair[0].place)
    return ActorGroups({k: tuple(v) for k, v in members.items()},
                       tuple((part, _by_actor(part, records)) for part, records in parts))


def _by_actor(part: ActorPart, records: tuple[Any, ...]) -> dict[str, tuple[Any, ...]]:
    """A kind's records by each actor they name, in file order."""
    found: dict[str, list[Any]] = {}
    for record in records:
        for actor_id in part.names(record):
            found.setdefault(actor_id, []).append(record)
    return {actor_id: tuple(named) for actor_id, named in found.items()}


def cited_on(resolved: Resolved, page: str, source_ids: Iterable[str] = ()) -> tuple[str, ...]:
    """The sources a generated page cites: from every text whose home is that page (a handful of
    pages, each scanned once), the quotations it embeds and `source_ids`."""
    keys = [key for key, info in resolved.docs.items() if page_of(info.home) == page]
    return cited_by(resolved, keys, source_ids)


@dataclass(frozen=True)
class PageLink:
    href: str
    title: str
    summary: str


@dataclass(frozen=True)
class HomeView:
    parts: tuple[tuple[str, Any], ...]  # (template, view) of each kind's section on the home page (Kind.on_home_page)
    site_pages: tuple[tuple[NavItem, str], ...]  # the site's own pages a kind makes, with their records' counts
    kind_pages: tuple[tuple[NavItem, str], ...]  # each other kind's page that has records, with their count
    pages: tuple[PageLink, ...]  # free pages, by order then title
    cites: tuple[str, ...]


def home_view(resolved: Resolved, page: str) -> HomeView:
    c = resolved.content
    parts = tuple((kind.on_home_page.template, shown) for kind, records in c.declared if kind.on_home_page
                  if (shown := kind.on_home_page.view(resolved, records, page)) is not None)
    pages = tuple(PageLink(relative(page, resolved.urls[p.id]), p.title, p.summary)
                  for p in sorted(c.pages, key=lambda p: (p.order, p.title)))
    site_pages = sorted((kind for kind, _ in c.fixed_kinds() if kind.template), key=lambda k: GENERATED_PAGES.index(k.page))
    return HomeView(parts, tuple((NavItem(kind.title, kind.page), _counted(c, kind.page)) for kind in site_pages),
                    tuple((NavItem(kind.title, kind.page), _counted(c, kind.page))
                          for kind, records in c.other_kinds() if records and kind.template),
                    pages, cited_on(resolved, page, (s for _, view in parts for s in view.cites)))


def _counted(c: Content, page: str) -> str:
    """The records on a page, counted in the home page's contents: "3 events, 2 deadlines"."""
    return ", ".join(kind.count(len(records)) for kind, records in c.declared if kind.page == page)


@dataclass(frozen=True)
class ActorsView:
    count: int
    sides: tuple[tuple[str, tuple[Actor, ...]], ...]  # by side; people first, then by name
    cites: tuple[str, ...] = ()  # the list cites nothing


def actors_view(resolved: Resolved, actors: tuple[Actor, ...], page: str) -> ActorsView:
    return ActorsView(len(actors), actors_by_side(actors))


def actors_by_side(actors: tuple[Actor, ...]) -> tuple[tuple[str, tuple[Actor, ...]], ...]:
    sides: dict[str, list[Actor]] = {}
    for actor in sorted(actors, key=lambda a: (a.kind != "person", a.name)):
        sides.setdefault(actor.side, []).append(actor)
    return tuple((side, tuple(members)) for side, members in sorted(sides.items()))
