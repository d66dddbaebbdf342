"""Dates with the precision the sources give: a day, a month, part of a month, or a range.

Every date is an inclusive interval [first, last], so arithmetic on an imprecise date stays
honest: "May 2025" plus 90 days is "30 July to 29 August 2025", never a made-up single day.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "month", "part", "year", "range"]

PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
DATE_FORMS = "YYYY-MM-DD, YYYY-MM, early|mid|late YYYY-MM, YYYY, or FIRST..LAST"

_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_PART = re.compile(r"(early|mid|late) ([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"([0-9]{4})")
# The last day a date may reach: one day short of date.max, so an exclusive end (a calendar
# entry's DTEND, the day after) can still be computed.
LATEST = date.max - timedelta(days=1)


@dataclass(frozen=True)
class FuzzyDate:
    text: str
    precision: Precision
    first: date
    last: date

    @property
    def is_exact(self) -> bool:
        return self.first == self.last

    @property
    def sort_key(self) -> tuple[date, date]:
        return (self.first, self.last)

    def label(self) -> str:
        return describe(self)


class DateError(ValueError):
    pass


def parse_date(text: str) -> FuzzyDate:
    """Parse one of DATE_FORMS; raise DateError with a readable reason."""
    parsed = _parse(" ".join(text.split()))
    if parsed.last > LATEST:
        raise DateError(f"'{parsed.text}' is too late: dates end on {LATEST.isoformat()}")
    return parsed


def _parse(text: str) -> FuzzyDate:
    if ".." in text:
        return _parse_range(text)
    try:
        if m := _DAY.fullmatch(text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return FuzzyDate(text, "day", day, day)
        if m := _MONTH.fullmatch(text):
            year, month = int(m[1]), int(m[2])
            return FuzzyDate(text, "month", date(year, month, 1), _month_end(year, month))
        if m := _PART.fullmatch(text):
            year, month = int(m[2]), int(m[3])
            lo, hi = PARTS[m[1]]
            last = date(year, month, min(hi, _month_end(year, month).day))
            return FuzzyDate(text, "part", date(year, month, lo), last)
        if m := _YEAR.fullmatch(text):
            year = int(m[1])
            return FuzzyDate(text, "year", date(year, 1, 1), date(year, 12, 31))
    except ValueError as exc:
        raise DateError(f"'{text}' is not a real date ({exc})") from None
    raise DateError(f"'{text}' is not a date in any of the forms {DATE_FORMS}")


def _parse_range(text: str) -> FuzzyDate:
    left, _, right = text.partition("..")
    first, last = parse_date(left.strip()), parse_date(right.strip())
    if last.last < first.first:
        raise DateError(f"'{text}' ends before it starts")
    return FuzzyDate(text, "range", first.first, last.last)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_days(start: FuzzyDate, days: int) -> FuzzyDate:
    """`start` moved by `days`; DateError if that passes LATEST (or date.min)."""
    try:
        first, last = start.first + timedelta(days=days), start.last + timedelta(days=days)
    except OverflowError:
        first = last = date.max
    if last > LATEST or first > LATEST:
        raise DateError(f"{start.text} + {days} days is later than {LATEST.isoformat()}, the last date there is")
    if first == last:
        return FuzzyDate(first.isoformat(), "day", first, last)
    return FuzzyDate(f"{first}..{last}", "range", first, last)


def overlaps(a: FuzzyDate, b: FuzzyDate) -> bool:
    return a.first <= b.last and b.first <= a.last


def intersect(a: FuzzyDate, b: FuzzyDate) -> FuzzyDate:
    """The days two overlapping dates have in common (a itself if they do not overlap)."""
    if not overlaps(a, b):
        return a
    first, last = max(a.first, b.first), min(a.last, b.last)
    if (first, last) == (b.first, b.last):
        return b
    if (first, last) == (a.first, a.last):
        return a
    return FuzzyDate(f"{first}..{last}", "range", first, last) if first != last else FuzzyDate(first.isoformat(), "day", first, last)


def _day_month(d: date, with_year: bool = True) -> str:
    text = f"{d.day} {calendar.month_name[d.month]}"
    return f"{text} {d.year}" if with_year else text


def describe_day(day: date) -> str:
    """A calendar day in words: "9 June 2025"."""
    return _day_month(day)


def describe(d: FuzzyDate) -> str:
    """Human words for a date, at exactly the precision it has."""
    month = calendar.month_name[d.first.month]
    if d.precision == "day":
        return _day_month(d.first)
    if d.precision == "month":
        return f"{month} {d.first.year}"
    if d.precision == "part":
        part = d.text.split()[0]
        return f"{part} {month} {d.first.year}"
    if d.precision == "year":
        return str(d.first.year)
    if d.is_exact:
        return _day_month(d.first)
    if d.first.year == d.last.year and d.first.month == d.last.month:
        return f"{d.first.day}–{d.last.day} {month} {d.first.year}"
    if d.first.year == d.last.year:
        return f"{_day_month(d.first, False)} – {_day_month(d.last)}"
    return f"{_day_month(d.first)} – {_day_month(d.last)}"
