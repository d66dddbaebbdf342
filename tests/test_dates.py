"""generator/dates.py and deadline_status: dates at the precision the sources give."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from generator.dates import DATE_FORMS, DateError, add_days, describe, intersect, overlaps, parse_date
from generator.errors import Location
from generator.kinds.deadline import Deadline, deadline_status
from generator.model import Markdown

D = date


@pytest.mark.parametrize("text, precision, first, last", [
    ("2024-03-05", "day", D(2024, 3, 5), D(2024, 3, 5)),
    ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),  # leap year
    ("2023-02", "month", D(2023, 2, 1), D(2023, 2, 28)),
    ("early 2024-03", "part", D(2024, 3, 1), D(2024, 3, 10)),
    ("mid 2024-03", "part", D(2024, 3, 11), D(2024, 3, 20)),
    ("late 2024-03", "part", D(2024, 3, 21), D(2024, 3, 31)),
    ("late 2023-02", "part", D(2023, 2, 21), D(2023, 2, 28)),
    ("late 2024-04", "part", D(2024, 4, 21), D(2024, 4, 30)),
    ("2024", "year", D(2024, 1, 1), D(2024, 12, 31)),
    ("2024-03-01..2024-03-10", "range", D(2024, 3, 1), D(2024, 3, 10)),
    ("2024-03 .. early 2024-04", "range", D(2024, 3, 1), D(2024, 4, 10)),
    ("  mid   2024-03  ", "part", D(2024, 3, 11), D(2024, 3, 20)),
])
def test_parse_date_forms(text: str, precision: str, first: date, last: date) -> None:
    parsed = parse_date(text)
    assert (parsed.precision, parsed.first, parsed.last) == (precision, first, last)


@pytest.mark.parametrize("text, message", [
    ("2025-13-01", "'2025-13-01' is not a real date (month must be in 1..12)"),
    ("2024-02-30", "'2024-02-30' is not a real date (day is out of range for month)"),
    ("early 2024-00", "'early 2024-00' is not a real date (bad month number 0; must be 1-12)"),
    ("June", f"'June' is not a date in any of the forms {DATE_FORMS}"),
    ("2024-3-1", f"'2024-3-1' is not a date in any of the forms {DATE_FORMS}"),
    ("05/03/2024", f"'05/03/2024' is not a date in any of the forms {DATE_FORMS}"),
    ("", f"'' is not a date in any of the forms {DATE_FORMS}"),
    ("2024-03-10..2024-03-01", "'2024-03-10..2024-03-01' ends before it starts"),
    ("2024-03..June", f"'June' is not a date in any of the forms {DATE_FORMS}"),
])
def test_parse_date_errors_say_why(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert str(caught.value) == message


def test_add_days_to_a_day_is_a_day() -> None:
    due = add_days(parse_date("2024-03-01"), 30)
    assert (due.precision, due.first, due.last) == ("day", D(2024, 3, 31), D(2024, 3, 31))
    assert describe(due) == "31 March 2024"


def test_add_days_to_a_month_keeps_the_whole_window() -> None:
    # The module's own example: "May 2025" plus 90 days is 30 July to 29 August 2025.
    due = add_days(parse_date("2025-05"), 90)
    assert (due.first, due.last) == (D(2025, 7, 30), D(2025, 8, 29))
    assert describe(due) == "30 July – 29 August 2025"


@pytest.mark.parametrize("start, days", [("early 2024-02", 30), ("late 2024-12", 10), ("2024", 1), ("mid 2023-02", 365)])
def test_add_days_shifts_both_ends(start: str, days: int) -> None:
    before, after = parse_date(start), add_days(parse_date(start), days)
    assert after.first - before.first == timedelta(days=days)
    assert after.last - before.last == timedelta(days=days)


@pytest.mark.parametrize("a, b, expected", [
    ("2024-03", "2024-03-31", True),
    ("2024-03", "2024-04-01", False),
    ("early 2024-03", "mid 2024-03", False),
    ("early 2024-03", "2024-03-10..2024-03-12", True),  # touching ends overlap
    ("2024", "late 2024-12", True),
])
def test_overlaps_is_inclusive_and_symmetric(a: str, b: str, expected: bool) -> None:
    assert overlaps(parse_date(a), parse_date(b)) is expected
    assert overlaps(parse_date(b), parse_date(a)) is expected


def test_intersect_narrows_a_window_to_the_days_in_common() -> None:
    window = add_days(parse_date("2025-05"), 90)  # 30 July .. 29 August
    narrowed = intersect(window, parse_date("2025-08"))
    assert (narrowed.first, narrowed.last) == (D(2025, 8, 1), D(2025, 8, 29))
    assert intersect(window, parse_date("2025-08-12")) == parse_date("2025-08-12")


@pytest.mark.parametrize("text, words", [
    ("2024-03-05", "5 March 2024"),
    ("2024-03", "March 2024"),
    ("early 2024-02", "early February 2024"),
    ("late 2024-12", "late December 2024"),
    ("2024", "2024"),
    ("2024-03-01..2024-03-10", "1–10 March 2024"),
    ("2024-03-25..2024-04-02", "25 March – 2 April 2024"),
    ("2024-12-30..2025-01-02", "30 December 2024 – 2 January 2025"),
    ("2024-03-05..2024-03-05", "5 March 2024"),
])
def test_describe_uses_the_precision_the_date_has(text: str, words: str) -> None:
    assert describe(parse_date(text)) == words


def deadline(start: str, days: int, due: str | None = None) -> Deadline:
    return Deadline("d", "A deadline", parse_date(start), None, days, parse_date(due) if due else None,
                    Markdown("", Location("deadlines.yaml", 1)), Location("deadlines.yaml", 1))


@pytest.mark.parametrize("as_of, text", [
    (D(2024, 3, 5), "running: 26 days left"),
    (D(2024, 3, 30), "running: 1 day left"),
    (D(2024, 3, 31), "due now: the briefing date falls inside the due window"),
    (D(2024, 4, 1), "passed (1 day ago at the latest)"),
    (D(2024, 4, 5), "passed (5 days ago at the latest)"),
])
def test_deadline_status_counts_from_the_briefing_date(as_of: date, text: str) -> None:
    d = deadline("2024-03-01", 30)  # due 31 March 2024
    assert deadline_status(d, as_of).describe() == text
    assert (D(2024, 3, 31) - as_of).days == deadline_status(d, as_of).days_left_min


def test_deadline_status_of_an_imprecise_start_is_a_range() -> None:
    d = deadline("2024-03", 30)  # due 31 March .. 30 April 2024
    assert deadline_status(d, D(2024, 3, 1)).describe() == "running: 30 to 60 days left"
    assert deadline_status(d, D(2024, 4, 10)).state == "due"
    assert deadline_status(d, D(2024, 5, 1)).describe() == "passed (1 day ago at the latest)"


def test_a_stated_due_date_narrows_the_status() -> None:
    d = deadline("2024-03", 30, due="2024-04-15")
    assert deadline_status(d, D(2024, 4, 10)).describe() == "running: 5 days left"
