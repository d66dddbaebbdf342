"""The briefing as typed, frozen records. No I/O here; every record knows where it came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .dates import FuzzyDate, add_days, intersect
from .errors import Location

EntityKind = Literal["actor", "source", "event", "deadline", "quote", "view", "page"]


@dataclass(frozen=True)
class Markdown:
    """Markdown text plus the file line its first line sits on, for file:line errors."""

    text: str
    location: Location


@dataclass(frozen=True)
class StanceLevel:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class KeyFigure:
    value: str
    label: Markdown


@dataclass(frozen=True)
class Briefing:
    title: str
    subtitle: str
    bottom_line: Markdown
    status: Markdown
    as_of: date
    base_url: str
    language: str
    editors: tuple[str, ...]
    stance_scale: tuple[StanceLevel, ...]
    key_figures: tuple[KeyFigure, ...]
    location: Location


@dataclass(frozen=True)
class Role:
    title: str
    sources: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: Literal["person", "organisation", "group"]
    side: str
    affiliation: str | None
    roles: tuple[Role, ...]
    summary: str
    body: Markdown
    location: Location
    entity: EntityKind = field(default="actor", init=False)

    @property
    def title(self) -> str:
        return self.name


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    title: str
    publisher: str | None
    byline: str | None
    published: FuzzyDate | None
    url: str | None
    words: int | None
    reliability: Markdown
    noise: Markdown | None
    full_text: str | None
    location: Location
    entity: EntityKind = field(default="source", init=False)


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: FuzzyDate
    actors: tuple[str, ...]
    body: Markdown
    location: Location
    entity: EntityKind = field(default="event", init=False)


@dataclass(frozen=True)
class Deadline:
    id: str
    title: str
    start: FuzzyDate
    start_event: str | None
    days: int
    stated_due: FuzzyDate | None
    body: Markdown
    location: Location
    entity: EntityKind = field(default="deadline", init=False)

    @property
    def due(self) -> FuzzyDate:
        return add_days(self.start, self.days)

    @property
    def expected_due(self) -> FuzzyDate:
        """The computed due date, narrowed by the stated one where a source gives it."""
        return intersect(self.due, self.stated_due) if self.stated_due else self.due

    @property
    def date(self) -> FuzzyDate:
        return self.expected_due


@dataclass(frozen=True)
class Quote:
    id: str
    speaker: str
    text: str
    source: str
    context: Markdown | None
    location: Location
    entity: EntityKind = field(default="quote", init=False)

    @property
    def title(self) -> str:
        return f"“{self.text}”"


@dataclass(frozen=True)
class View:
    id: str
    analyst: str
    stance: str
    gist: Markdown
    quotes: tuple[str, ...]
    location: Location
    entity: EntityKind = field(default="view", init=False)

    @property
    def title(self) -> str:
        return f"View of {self.analyst}"


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    summary: str
    order: int
    body: Markdown
    location: Location
    entity: EntityKind = field(default="page", init=False)


Entity = Actor | Source | Event | Deadline | Quote | View | Page


@dataclass(frozen=True)
class Content:
    """Everything the loader and validator produced, before references are resolved."""

    briefing: Briefing
    actors: tuple[Actor, ...]
    sources: tuple[Source, ...]
    events: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]
    quotes: tuple[Quote, ...]
    views: tuple[View, ...]
    pages: tuple[Page, ...]

    def entities(self) -> tuple[Entity, ...]:
        return (*self.actors, *self.sources, *self.events, *self.deadlines,
                *self.quotes, *self.views, *self.pages)


@dataclass(frozen=True)
class DeadlineStatus:
    state: Literal["running", "due", "passed"]
    days_left_min: int
    days_left_max: int

    def describe(self) -> str:
        if self.state == "passed":
            ago = -self.days_left_max
            return f"passed ({ago} day{'s' if ago != 1 else ''} ago at the latest)"
        if self.state == "due":
            return "due now: the briefing date falls inside the due window"
        if self.days_left_min == self.days_left_max:
            n = self.days_left_min
            return f"running: {n} day{'s' if n != 1 else ''} left"
        return f"running: {self.days_left_min} to {self.days_left_max} days left"


def deadline_status(deadline: Deadline, as_of: date) -> DeadlineStatus:
    due = deadline.expected_due
    lo, hi = (due.first - as_of).days, (due.last - as_of).days
    if hi < 0:
        return DeadlineStatus("passed", lo, hi)
    if lo <= 0:
        return DeadlineStatus("due", lo, hi)
    return DeadlineStatus("running", lo, hi)
