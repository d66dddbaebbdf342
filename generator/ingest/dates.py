"""Step 7: dated phrases, resolved against the article's own date at the precision the text supports.

"on Tuesday" gives a day, "last month" a month, "early August" part of a month, "last week" a
range; "in recent months" or "weeks ago" cannot be pinned down and are listed, not guessed.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from ..dates import FuzzyDate, parse_date
from .lexicon import MONTHS, WEEKDAYS
from .model import Article, DateMention

_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|" \
         r"Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_WEEKDAY = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "a": 1, "an": 1}
_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "q1": 1, "q2": 2, "q3": 3, "q4": 4}

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(p)) for name, p in (
    ("month-day-year", rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b"),
    ("day-month-year", rf"\b(\d{{1,2}})(?:st|nd|rd|th)? {_MONTH},? (\d{{4}})\b"),
    ("iso", r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    ("part-month", rf"\b(early|mid|late)[- ]{_MONTH}(?: (\d{{4}}))?"),
    ("month-day", rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b(?!,? \d{{4}})"),
    ("day-month", rf"\b(\d{{1,2}})(?:st|nd|rd|th)? {_MONTH}\b(?!,? \d{{4}})"),
    ("month-year", rf"\b{_MONTH},? (\d{{4}})\b"),
    ("quarter", r"\b(first|second|third|fourth|Q1|Q2|Q3|Q4)[- ]quarter\b"),
    ("earlier-this-year", r"\b(earlier|later) this year\b"),
    ("relative-unit", r"\b(last|this|next|past) (week|month|year)\b"),
    ("ago", r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an) (day|week|month|year)s? (ago|earlier|before)\b"),
    ("weekday", rf"\b(?:(last|next|this|on) )?{_WEEKDAY}\b"),
    ("deictic", r"\b(yesterday|today|tonight|tomorrow)\b"),
    ("part-year", r"\b(early|mid|late)[- ](\d{4})\b"),
    ("year", r"\b(?:in|since|by|until|from|before|after|of|during|through) (\d{4})\b"),
    ("month", rf"\b(?:in|since|by|until|from|before|after|during|through|of|early|late|mid|last|this|next) {_MONTH}\b"
              r"|\b(January|February|March|April|June|July|August|September|October|November|December)\b"),
    ("vague", r"\b(in recent (?:days|weeks|months|years)|recent months|the coming (?:days|weeks|months)|"
              r"(?:weeks|months|days|years) ago|over the summer|later this (?:week|month)|"
              r"in the (?:coming|next) (?:days|weeks|months)|soon|earlier this (?:week|month))\b"),
))


def month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name[:3]))


def _day(d: date) -> str:
    return d.isoformat()


def _month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _range(a: date, b: date) -> str:
    return _day(a) if a == b else f"{_day(a)}..{_day(b)}"


def _closest_year(ref: FuzzyDate, month: int) -> int:
    """A month without a year: the one within six months of the article's date."""
    year = ref.first.year
    return year - 1 if month - ref.first.month > 6 else year + 1 if ref.first.month - month > 6 else year


def _both(ref: FuzzyDate, resolve: Callable[[date], tuple[date, date]]) -> str:
    """Resolve against the first and last day of the article's date; if they differ, say the range."""
    a1, b1 = resolve(ref.first)
    a2, b2 = resolve(ref.last)
    return _range(min(a1, a2), max(b1, b2))


def resolve(kind: str, m: re.Match[str], ref: FuzzyDate | None) -> tuple[str | None, str]:
    """(date in our forms, how) or (None, why not)."""
    g = m.groups()
    if kind == "month-day-year":
        return _day(date(int(g[2]), month_number(g[0]), int(g[1]))), "a full date"
    if kind == "day-month-year":
        return _day(date(int(g[2]), month_number(g[1]), int(g[0]))), "a full date"
    if kind == "iso":
        return _day(date(int(g[0]), int(g[1]), int(g[2]))), "a full date"
    if kind == "month-year":
        return _month(int(g[1]), month_number(g[0])), "a month and year"
    if kind == "part-year":
        return g[1], f"'{g[0]} {g[1]}' is only a year at our precision"
    if kind == "year":
        return g[0], "a year"
    if kind == "vague":
        return None, "too vague to date"
    if ref is None:
        return None, "relative, and the article's own date is unknown"
    if kind == "part-month":
        month = month_number(g[1])
        year = int(g[2]) if g[2] else _closest_year(ref, month)
        return f"{g[0]} {_month(year, month)}", "part of a month" + ("" if g[2] else ", year from the article's date")
    if kind in {"month-day", "day-month"}:
        name, day = (g[0], g[1]) if kind == "month-day" else (g[1], g[0])
        month = month_number(name)
        return _day(date(_closest_year(ref, month), month, int(day))), "day and month; year from the article's date"
    if kind == "month":
        name = next(x for x in g if x)
        month = month_number(name)
        return _month(_closest_year(ref, month), month), "a month; year from the article's date"
    if kind == "quarter":
        q = _ORDINAL_QUARTER[g[0].lower()]
        year = ref.first.year if (q - 1) * 3 + 1 <= ref.first.month else ref.first.year - 1
        return f"{_month(year, (q - 1) * 3 + 1)}..{_month(year, q * 3)}", "a quarter"
    if kind == "earlier-this-year":
        if g[0] == "earlier":
            return _range(date(ref.first.year, 1, 1), ref.last), "between New Year and the article's date"
        return _range(ref.first, date(ref.last.year, 12, 31)), "between the article's date and the year's end"
    if kind == "relative-unit":
        return _relative_unit(g[0], g[1], ref)
    if kind == "ago":
        word, unit = g[0].lower(), g[1]
        n = int(word) if word.isdigit() else _NUMBER[word]
        if unit != "day":
            return None, f"'{m[0]}' is too vague to date"
        return _both(ref, lambda d: (d - timedelta(days=n), d - timedelta(days=n))), f"{n} days before the article's date"
    if kind == "weekday":
        return _weekday(g[0], g[1], ref)
    if kind == "deictic":
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[g[0].lower()]
        return _both(ref, lambda d: (d + timedelta(days=shift), d + timedelta(days=shift))), "relative to the article's date"
    return None, "unknown form"


def _relative_unit(which: str, unit: str, ref: FuzzyDate) -> tuple[str | None, str]:
    step = {"last": -1, "past": -1, "this": 0, "next": 1}[which.lower()]
    if unit == "year":
        years = {ref.first.year + step, ref.last.year + step}
        return (str(years.pop()), f"{which} year") if len(years) == 1 else (None, "the article's date spans two years")
    if unit == "month":
        months = {_shift_month(ref.first, step), _shift_month(ref.last, step)}
        return (months.pop(), f"{which} month") if len(months) == 1 else (None, "the article's date spans two months")

    def week(d: date) -> tuple[date, date]:
        monday = d - timedelta(days=d.weekday()) + timedelta(weeks=step)
        return monday, monday + timedelta(days=6)
    return _both(ref, week), f"{which} week (Monday to Sunday)"


def _shift_month(d: date, step: int) -> str:
    index = d.year * 12 + d.month - 1 + step
    return _month(index // 12, index % 12 + 1)


def _weekday(which: str | None, name: str, ref: FuzzyDate) -> tuple[str | None, str]:
    target = WEEKDAYS.index(name.lower())
    forward = (which or "").lower() == "next"

    def nearest(d: date) -> tuple[date, date]:
        delta = (target - d.weekday()) % 7 if forward else -((d.weekday() - target) % 7)
        if forward and delta == 0:
            delta = 7
        day = d + timedelta(days=delta)
        return day, day
    how = f"the {name} after the article's date" if forward else f"the last {name} on or before the article's date"
    return _both(ref, nearest), how


def find_dates(article: Article, ref: FuzzyDate | None) -> list[DateMention]:
    """Every dated phrase in the article, longest first where two overlap."""
    found: list[DateMention] = []
    for paragraph in article.paragraphs:
        taken: list[tuple[int, int]] = []
        for kind, pattern in PATTERNS:
            for m in pattern.finditer(paragraph.text):
                if any(m.start() < b and a < m.end() for a, b in taken) or _not_a_date(kind, m, paragraph.text):
                    continue
                taken.append((m.start(), m.end()))
                try:
                    value, how = resolve(kind, m, ref)
                except ValueError as exc:
                    value, how = None, f"not a real date ({exc})"
                if value is not None:
                    parse_date(value)  # every value we write must be one of our forms
                found.append(DateMention(article.source_id, paragraph.line, m.start(), m[0], _sentence(paragraph.text, m.start()),
                                         value, how))
    return sorted(found, key=lambda d: (d.line, d.offset))


def _not_a_date(kind: str, m: re.Match[str], text: str) -> bool:
    if kind == "month" and m[0].endswith("May") and not re.match(r"\s+\d|\s*[,.]", text[m.end():]) and \
            not re.search(r"\b(in|since|by|until|from|during|through|of|early|late|mid|last|this|next) May$", m[0]):
        return True  # "may" the verb
    if kind == "year" and not 1900 <= int(m[1]) <= 2100:
        return True
    return kind in {"month-day", "day-month"} and int(next(g for g in m.groups() if g and g.isdigit())) > 31


def _sentence(text: str, offset: int) -> str:
    start = max(text.rfind(". ", 0, offset), text.rfind("? ", 0, offset), text.rfind("! ", 0, offset))
    start = 0 if start < 0 else start + 2
    ends = [i for i in (text.find(". ", offset), text.find("? ", offset), text.find("! ", offset)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


def month_name(n: int) -> str:
    return calendar.month_name[n]
