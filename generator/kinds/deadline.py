"""Deadlines: `start` + `days` (a span), a fixed `due`, or `start` + `every` (recurring); each
counted down from the briefing date when a text sets it. They live on the timeline among the
events (`on_timeline`: each at its due date, with a table above), go into the calendar, and those
still ahead are on the home page ("What to watch next"). Their markup: templates/
_deadline_macros.html, _timeline_deadline.html, _timeline_deadlines.html, _home_deadlines.html."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .. import jsonparts as j
from ..dates import DATE_FORMS, DateError, FuzzyDate, add_days, describe, describe_day, intersect, overlaps, parse_date
from ..errors import Location, did_you_mean
from ..kind import Checks, Dated, HomePart, Kind, TimelinePart, record_class, titled
from ..model import Markdown
from ..resolve import Resolved
from ..schema import F, R, RecordSpec
from ..urls import TIMELINE
from .event import dated_title

SPEC = RecordSpec("deadline", "`content/deadlines.yaml`: a list of deadlines: `start` + `days`, a fixed `due`, "
                      "or `start` + `every` (recurring).", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("title", "text", "Name of the deadline."),
    R("basis", "enum:binding|reported|framing", "`binding`: set in an agreement, law or official text; `reported`: a "
      "source reports it but no text setting it is cited; `framing`: a speaker's own time frame. Only binding ones count down."),
    F("start", "text", "Start date (any date form) or the id of an event whose date is the start."),
    F("days", "int", "Length in days (with `start`)."),
    F("every", "int", "Recurs every N days from `start`; the site shows the next occurrence after `as_of`."),
    F("due", "date", "The due date: alone, a fixed date; with `start` + `days`, what a source states (must agree)."),
    R("body", "markdown", "What runs out, with citations."),
))
Basis = Literal["binding", "reported", "framing"]
BASIS_WORDS = {"binding": "set in a text", "reported": "a source reports it; no text setting it is cited",
               "framing": "a speaker's time frame, not a deadline"}


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
    entity: str = field(default="deadline", init=False)

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


def make_deadline(v: dict[str, Any], checks: Checks) -> Deadline | None:
    """A deadline is `start` + `days`, a fixed `due`, or `start` + `every`; it starts at a date or at
    an event's date. With some content file unread, an unknown event id is not worth reporting."""
    if not _form_ok(v, checks):
        checks.drop(v["id"])
        return None
    start, start_event = None, None
    if "start" in v:
        found = _start(v, checks)
        if found is None:
            return None
        start, start_event = found
    every = v.get("every")
    try:  # computed here so that a date past the last one is reported, not raised later
        upcoming = next_occurrence(start, every, checks.as_of) if start and every and checks.as_of else None
        deadline = Deadline(v["id"], v["title"], start, start_event, v.get("days"), v.get("due"), v["body"],
                            v["_location"], v["basis"], every, upcoming)
        if deadline.form == "span":
            deadline.due  # noqa: B018
    except DateError as exc:
        checks.drop(v["id"])
        checks.fail(v["_lines"]["every" if every else "days"], f"deadline '{v['id']}': {exc}", "check start and days")
        return None
    if deadline.form == "recurring" and upcoming is None:
        return None  # no as_of: briefing.yaml is broken and already reported
    if deadline.form == "span" and deadline.stated_due and not overlaps(deadline.stated_due, deadline.due):
        checks.fail(v["_lines"]["due"], f"deadline '{deadline.id}': {describe(start)} + {deadline.days} days "  # type: ignore[arg-type]
                                         f"is {describe(deadline.due)}, but 'due' says {describe(deadline.stated_due)}",
                     "fix start, days or due so that they agree")
    return deadline


def _form_ok(v: dict[str, Any], checks: Checks) -> bool:
    """Exactly one of the three forms: start + days [+ due], due alone, start + every."""
    present = {name for name in ("start", "days", "every", "due") if name in v["_lines"]}
    has = present & v.keys()
    if has != present:
        return False  # a value that did not convert is already reported
    forms = "write `start:` + `days:` (a span), `due:` alone (a fixed date), or `start:` + `every:` (recurring)"
    if v.get("every") == 0 or v.get("days") == 0:
        name = "every" if v.get("every") == 0 else "days"
        checks.fail(v["_lines"][name], f"deadline '{v['id']}': '{name}' must be at least 1", "give a number of days from 1 up")
    elif {"days", "every"} <= has:
        checks.fail(v["_lines"]["every"], f"deadline '{v['id']}' has both 'days' and 'every'", forms)
    elif "every" in has and "due" in has:
        checks.fail(v["_lines"]["due"], f"deadline '{v['id']}' recurs (every {v['every']} days), so it cannot have a fixed 'due'", forms)
    elif "start" in has and not has & {"days", "every"}:
        checks.fail(v["_lines"]["start"], f"deadline '{v['id']}' has a start but neither 'days' nor 'every'", forms)
    elif "start" not in has and has & {"days", "every"}:
        name = "days" if "days" in has else "every"
        checks.fail(v["_lines"][name], f"deadline '{v['id']}' has '{name}' but no 'start' to count from", forms)
    elif not has:
        checks.fail(v["_location"], f"deadline '{v['id']}' has no date", forms)
    else:
        return True
    return False


def _start(v: dict[str, Any], checks: Checks) -> tuple[FuzzyDate, str | None] | None:
    start_text: str = v["start"]
    try:
        return parse_date(start_text), None
    except DateError:
        pass
    events_by_id = checks.records("events")
    if events_by_id is None or start_text not in events_by_id:
        checks.drop(v["id"])
        if events_by_id is not None and not checks.dropped(start_text):
            guess = did_you_mean(start_text, sorted(events_by_id))
            checks.fail(v["_lines"]["start"], f"deadline '{v['id']}' starts at '{start_text}', which is neither a date nor an event id",
                         guess or f"write a date ({DATE_FORMS}) or the id of an event in events.yaml")
        return None
    return events_by_id[start_text].date, start_text


@dataclass(frozen=True)
class Upcoming:
    """The home page's "What to watch next": deadlines not passed at the briefing date, by due date."""

    upcoming: tuple[Deadline, ...]
    cites: tuple[str, ...] = ()  # the cards cite nothing


def upcoming(resolved: Resolved, deadlines: tuple[Any, ...], page: str) -> Upcoming | None:
    as_of = resolved.content.briefing.as_of
    ahead = sorted((d for d in deadlines if deadline_status(d, as_of).state != "passed"), key=lambda d: d.expected_due.sort_key)
    return Upcoming(tuple(ahead)) if ahead else None


@dataclass(frozen=True)
class AtAGlance:
    """The timeline's "Deadlines at a glance": every deadline by due date."""

    deadlines: tuple[Deadline, ...]
    cites: tuple[str, ...] = ()  # the table cites nothing


def at_a_glance(resolved: Resolved, deadlines: tuple[Any, ...], page: str) -> AtAGlance | None:
    return AtAGlance(tuple(sorted(deadlines, key=lambda d: d.expected_due.sort_key))) if deadlines else None


def timeline_date(d: Any) -> FuzzyDate:
    """Where a deadline stands on the timeline: its due date, narrowed by a stated one."""
    return d.date  # type: ignore[no-any-return]


def calendar_entry(d: Any, as_of: date) -> Dated:
    """A deadline in the calendar: its basis, arithmetic and status in the description."""
    notes = [f"Basis: {d.basis}, {BASIS_WORDS[d.basis]}.", d.arithmetic()[0].upper() + d.arithmetic()[1:] + "."]
    if d.form == "span" and d.stated_due:
        notes.append(f"A source states the due date as {describe(d.stated_due)}"
                     + (f"; both together: {describe(d.expected_due)}." if d.expected_due != d.due else "."))
    notes.append(f"Status on {describe_day(as_of)}: {deadline_status(d, as_of).describe()}.")
    return Dated(d.date, f"Deadline: {d.title}", f"deadline ({d.basis})", f"{d.id}-body", tuple(notes))


def deadline_json(d: Any, r: Resolved) -> dict[str, Any]:
    status = deadline_status(d, r.content.briefing.as_of)
    return {"id": d.id, "url": r.urls[d.id], "title": d.title, "basis": d.basis, "form": d.form,
            "start": j.date(d.start), "start_event": d.start_event,
            "days": d.days, "every": d.every, "computed_due": j.date(d.due), "stated_due": j.date(d.stated_due),
            "expected_due": j.date(d.expected_due),
            "status": {"state": status.state, "days_left_min": status.days_left_min,
                       "days_left_max": status.days_left_max, "countdown": status.countdown,
                       "description": status.describe()},
            "body": j.md(d.body)}


def deadline_schema() -> dict[str, Any]:
    status = j.record("Status on the briefing's as_of date.", state={"enum": ["running", "due", "passed"]},
                     days_left_min={"type": "integer"}, days_left_max={"type": "integer"},
                     countdown={"type": "boolean"}, description=j.STR)
    return j.record("A deadline: start plus a number of days, a fixed due date, or a recurring one (every N days).",
                   id=j.ID, url=j.URL, title=j.STR, basis={"enum": ["binding", "reported", "framing"]},
                   form={"enum": ["span", "fixed", "recurring"]}, start=j.OPT_DATE,
                   start_event={"oneOf": [j.ID, {"type": "null"}]}, days={"type": ["integer", "null"]},
                   every={"type": ["integer", "null"]}, computed_due=j.DATE_REF, stated_due=j.OPT_DATE, expected_due=j.DATE_REF, status=status, body=j.STR)


def deadline_lookups(content: Any, records: tuple[Any, ...]) -> dict[str, Any]:
    """Each deadline's status on the briefing date, and the words for each basis, for every template."""
    return {"statuses": {d.id: deadline_status(d, content.briefing.as_of) for d in records}, "basis_words": BASIS_WORDS}


KIND = Kind(name="deadline", file="deadlines", spec=SPEC, model=record_class("deadline", Deadline), page=TIMELINE,
            title="Deadlines", count_words="deadline|deadlines", owner_title=titled, preview=dated_title, noun="Timeline", make=make_deadline,
            lookups=deadline_lookups, to_json=deadline_json, json_schema=deadline_schema,
            on_home_page=HomePart(upcoming, "_home_deadlines.html"), dated=calendar_entry,
            on_timeline=TimelinePart(timeline_date, "_timeline_deadline.html", at_a_glance, "_timeline_deadlines.html"))
