"""The briefing as typed, frozen records. No I/O here; every record knows where it came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .dates import FuzzyDate, add_days, describe, intersect
from .errors import Location

if TYPE_CHECKING:
    from .kind import Kind
    from .kinds.quote import Quote

EntityKind = Literal["actor", "source", "event", "deadline", "quote", "view", "page"]  # and declared kinds (kind.py)
Basis = Literal["binding", "reported", "framing"]
BASIS_WORDS = {"binding": "set in a text", "reported": "a source reports it; no text setting it is cited",
               "framing": "a speaker's time frame, not a deadline"}
EVENT_STATUS_WORDS = {"planned": "Planned: scheduled or announced, not yet happened at the briefing date",
                      "hindsight": "Hindsight: happened after the briefing date, known from a later source"}
SUMMARY_HEADINGS = {"agreed": "Agreed", "not_agreed": "Not agreed", "next": "What's next", "unknown": "What we don't know"}


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
    summary: tuple[tuple[str, tuple[Markdown, ...]], ...] = ()  # (SUMMARY_HEADINGS key, bullets), in that order
    updated: date | None = None
    require_evidence: tuple[str, ...] = ()

    @property
    def last_updated(self) -> date:
        return self.updated or self.as_of


@dataclass(frozen=True)
class NativeName:
    text: str
    lang: str


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
    native_name: NativeName | None = None
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
    inferred: tuple[str, ...] = ()  # which of title, publisher, published, byline are ours
    entity: EntityKind = field(default="source", init=False)


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: FuzzyDate
    actors: tuple[str, ...]
    body: Markdown
    location: Location
    status: Literal["planned", "hindsight"] | None = None  # set when the date ends after as_of
    entity: EntityKind = field(default="event", init=False)


@dataclass(frozen=True)
class Deadline:
    """Three forms: `start` + `days` (a span), a fixed `stated_due` alone, or `start` + `every`
    (recurring; `next_due` is the next occurrence on or after as_of, computed by the validator)."""

    id: str
    title: str
    start: FuzzyDate | None
    start_event: str | None
    days: int | None
    stated_due: FuzzyDate | None
    body: Markdown
    location: Location
    basis: Basis = "binding"
    every: int | None = None
    next_due: FuzzyDate | None = None
    entity: EntityKind = field(default="deadline", init=False)

    @property
    def form(self) -> Literal["span", "fixed", "recurring"]:
        return "recurring" if self.every else "span" if self.days is not None else "fixed"

    @property
    def due(self) -> FuzzyDate:
        if self.form == "span":
            assert self.start is not None and self.days is not None
            return add_days(self.start, self.days)
        due = self.next_due if self.form == "recurring" else self.stated_due
        assert due is not None
        return due

    def arithmetic(self) -> str:
        """How the due date is reached, in words (for cards, the timeline and the calendar)."""
        if self.form == "span":
            return f"{describe(self.start)} + {self.days} days = {describe(self.due)}"  # type: ignore[arg-type]
        if self.form == "recurring":
            return f"every {self.every} days from {describe(self.start)}; next: {describe(self.due)}"  # type: ignore[arg-type]
        return f"fixed date: {describe(self.due)}"

    @property
    def expected_due(self) -> FuzzyDate:
        """The computed due date, narrowed by the stated one where a source gives it."""
        if self.form == "span" and self.stated_due:
            return intersect(self.due, self.stated_due)
        return self.due

    @property
    def date(self) -> FuzzyDate:
        return self.expected_due


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
    tracker: str | None = None
    entity: EntityKind = field(default="page", init=False)


Entity = Actor | Source | Event | Deadline | View | Page | Any  # Any: a declared kind's record (kind.py)


@dataclass(frozen=True)
class Content:
    """Everything the loader and validator produced, before references are resolved."""

    briefing: Briefing
    actors: tuple[Actor, ...]
    sources: tuple[Source, ...]
    events: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]
    views: tuple[View, ...]
    pages: tuple[Page, ...]
    declared: tuple[tuple[Kind, tuple[Any, ...]], ...] = ()  # each declared kind (kind.py) and its records

    def entities(self) -> tuple[Entity, ...]:
        """Every record, in the briefing's one order: actors, the fixed pages' kinds, analyst views,
        free pages, then the other declared kinds."""
        return (*self.actors, *self.sources, *self.events, *self.deadlines,
                *(record for _, records in self.fixed_kinds() for record in records), *self.views, *self.pages,
                *(record for _, records in self.other_kinds() for record in records))

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.records("quotes")

    def fixed_kinds(self) -> tuple[tuple[Kind, tuple[Any, ...]], ...]:
        """The declared kinds of the site's own pages (Kind.fixed), with their records."""
        return tuple((kind, records) for kind, records in self.declared if kind.fixed)

    def other_kinds(self) -> tuple[tuple[Kind, tuple[Any, ...]], ...]:
        return tuple((kind, records) for kind, records in self.declared if not kind.fixed)

    def records(self, file: str) -> tuple[Any, ...]:
        """The records of the declared kind read from content/FILE.yaml (none if it is not declared)."""
        return next((records for kind, records in self.declared if kind.file == file), ())

    def kind_of(self, entity: Any) -> Kind | None:
        """The declaration of a record's kind, for records of declared kinds."""
        return next((kind for kind, _ in self.declared if kind.name == entity.entity), None)


@dataclass(frozen=True)
class DeadlineStatus:
    state: Literal["running", "due", "passed"]
    days_left_min: int
    days_left_max: int
    countdown: bool = True  # only binding deadlines count down; the others show their date and basis

    def describe(self) -> str:
        if self.state == "passed":
            ago = -self.days_left_max
            return f"passed ({ago} day{'s' if ago != 1 else ''} ago at the latest)"
        if self.state == "due":
            return "due now: the briefing date falls inside the due window"
        if not self.countdown:
            return "ahead: no countdown, as no text sets it"
        if self.days_left_min == self.days_left_max:
            n = self.days_left_min
            return f"running: {n} day{'s' if n != 1 else ''} left"
        return f"running: {self.days_left_min} to {self.days_left_max} days left"


def deadline_status(deadline: Deadline, as_of: date) -> DeadlineStatus:
    due = deadline.expected_due
    lo, hi = (due.first - as_of).days, (due.last - as_of).days
    countdown = deadline.basis == "binding"
    if hi < 0:
        return DeadlineStatus("passed", lo, hi, countdown)
    if lo <= 0:
        return DeadlineStatus("due", lo, hi, countdown)
    return DeadlineStatus("running", lo, hi, countdown)


def next_occurrence(start: FuzzyDate, every: int, as_of: date) -> FuzzyDate:
    """The first occurrence of start + k * every (k >= 1) that has not wholly passed at as_of."""
    behind = (as_of - start.last).days
    k = max(1, -(-behind // every))  # ceiling division: last + k * every >= as_of
    return add_days(start, k * every)
