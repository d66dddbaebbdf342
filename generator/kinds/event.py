"""Events: what happened (or is planned) and when, at the precision the sources give. They make
the timeline page, where other kinds may put their records among them (Kind.on_timeline: the
deadlines), go into the calendar and the feed, and each actor's page lists the events the actor
was involved in."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .. import jsonparts as j
from ..dates import FuzzyDate, describe
from ..errors import Location
from ..kind import ActorPart, Checks, Dated, Kind, Lookup, TimelinePart, record_class, titled
from ..model import Markdown
from ..resolve import Mention, Resolved
from ..schema import F, R, RecordSpec
from ..urls import TIMELINE, relative
from ..views import cited_by, cited_on, mentions_of

SPEC = RecordSpec("event", "`content/events.yaml`: a list of dated events.", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("title", "text", "What happened, in a few words."),
    R("date", "date", "When, at the precision the sources give."),
    F("actors", "list:ref:actor", "Actors involved."),
    F("status", "enum:planned|hindsight", "Required when the date ends after `as_of`: `planned` (scheduled, not yet "
      "happened at `as_of`) or `hindsight` (happened later; known from a later source)."),
    R("body", "markdown", "What happened, with citations."),
))
EVENT_STATUS_WORDS = {"planned": "Planned: scheduled or announced, not yet happened at the briefing date",
                      "hindsight": "Hindsight: happened after the briefing date, known from a later source"}


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: FuzzyDate
    actors: tuple[str, ...]
    body: Markdown
    location: Location
    status: Literal["planned", "hindsight"] | None = None  # set when the date ends after as_of
    entity: str = field(default="event", init=False)


def make_event(v: dict[str, Any], checks: Checks) -> Event:
    """An event whose date ends after as_of must say whether it is planned or known in hindsight."""
    event = Event(v["id"], v["title"], v["date"], v.get("actors", ()), v["body"], v["_location"], v.get("status"))
    as_of = checks.as_of
    if as_of is not None and event.date.last > as_of and "status" not in v:
        checks.fail(v["_lines"]["date"], f"event '{event.id}' ends after the briefing date ({as_of.isoformat()}) but has no status",
                    "add `status: planned` (scheduled, not yet happened at as_of) or `status: hindsight` "
                    "(happened later, known from a later source); or narrow the date")
    elif as_of is not None and event.date.last <= as_of and "status" in v:  # e.g. as_of moved on past it
        checks.warn(v["_lines"]["status"], f"event '{event.id}' is over by the briefing date "
                                           f"({as_of.isoformat()}), so it is no longer {v['status']}",
                    "remove `status:`; it is only for events whose date ends after as_of")
    return event


@dataclass(frozen=True)
class TimelineItem:
    date: FuzzyDate
    record: Any  # an event, or a record another kind puts on the timeline
    template: str  # its entry's template (TimelinePart.entry); "": an event's own, in timeline.html


@dataclass(frozen=True)
class TimelineView:
    parts: tuple[tuple[str, Any], ...]  # (template, view) of other kinds' sections above the list (TimelinePart.summary)
    items: tuple[TimelineItem, ...]  # by date, without the events after as_of
    after: tuple[tuple[str, tuple[Event, ...]], ...]  # (planned | hindsight, its events)
    mentions: dict[str, tuple[Mention, ...]]
    cites: tuple[str, ...]


def timeline_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> TimelineView:
    others = [(kind.on_timeline, kind_records) for kind, kind_records in resolved.content.declared if kind.on_timeline]
    items = _in_order(records, others)
    parts = tuple((part.summary_template, shown) for part, kind_records in others
                  if part.summary and (shown := part.summary(resolved, kind_records, page)) is not None)
    after = tuple((status, tuple(i.record for i in items if not i.template and i.record.status == status))
                  for status in ("planned", "hindsight"))
    return TimelineView(parts, tuple(i for i in items if i.template or not i.record.status), after,
                        {i.record.id: mentions_of(resolved, i.record.id) for i in items},
                        cited_by(resolved, (), (*cited_on(resolved, page), *(s for _, part in parts for s in part.cites))))


def _in_order(events: tuple[Any, ...], others: list[tuple[TimelinePart, tuple[Any, ...]]]) -> list[TimelineItem]:
    """The events and the other kinds' records that have a date on the timeline, by date, then id."""
    items = [TimelineItem(e.date, e, "") for e in events]
    items += [TimelineItem(when, record, part.entry) for part, kind_records in others for record in kind_records
              if (when := part.date(record)) is not None]
    return sorted(items, key=lambda i: (i.date.sort_key, i.record.id))


def dated_title(record: Any, lookup: Lookup) -> str:
    """A dated record's hover text (events, deadlines): its date in words, then its title."""
    return f"{describe(record.date)}: {record.title}"


@dataclass(frozen=True)
class EventItem:
    href: str
    iso: str  # first day, for <time datetime>
    when: str  # the date in words, at its precision
    title: str
    status: str | None


@dataclass(frozen=True)
class ActorEvents:
    """The events an actor was involved in, by date, on the actor's page."""

    events: tuple[EventItem, ...]
    cites: tuple[str, ...] = ()  # the list cites nothing


def involved(event: Event) -> tuple[str, ...]:
    return event.actors


def actor_events(resolved: Resolved, actor: Any, events: tuple[Any, ...], page: str) -> ActorEvents:
    return ActorEvents(tuple(EventItem(relative(page, resolved.urls[e.id]), e.date.first.isoformat(), describe(e.date),
                                       e.title, e.status) for e in sorted(events, key=lambda e: (e.date.sort_key, e.id))))


def calendar_entry(e: Any, as_of: date) -> Dated:
    """An event in the calendar, and in the feed once it has begun."""
    prefix = {"planned": "Planned: ", "hindsight": "Hindsight: "}.get(e.status or "", "")
    return Dated(e.date, prefix + e.title, e.status or "event", f"{e.id}-body",
                 (EVENT_STATUS_WORDS[e.status] + ".",) if e.status else (), in_feed=True)


def event_schema() -> dict[str, Any]:
    return j.record("A dated event.", id=j.ID, url=j.URL, title=j.STR, date=j.DATE_REF, actors=j.list_of(j.ID),
                    status={"enum": ["planned", "hindsight", None]}, body=j.STR)


def event_lookups(content: Any, records: tuple[Any, ...]) -> dict[str, Any]:
    return {"event_status_words": EVENT_STATUS_WORDS}


KIND = Kind(name="event", file="events", spec=SPEC, model=record_class("event", Event), page=TIMELINE,
            title="Timeline and deadlines", menu="Timeline", template="timeline.html", view=timeline_view, owner_title=titled,
            preview=dated_title, noun="Timeline", make=make_event, count_words="event|events", lookups=event_lookups,
            json_schema=event_schema, on_actor_page=ActorPart(involved, actor_events, "_actor_events.html", place=30, ids=("events",)),
            dated=calendar_entry)
