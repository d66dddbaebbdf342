"""RFC 5545 (iCalendar) content lines: the few value types `deadlines.ics` uses, written out.

It writes what the icalendar library wrote for the same properties, byte for byte (the tests
compare the two on random text): TEXT escaping, DATE and UTC DATE-TIME values, lines folded
before 75 octets without splitting an escape, CRLF line ends. The library took 75 ms to import
on every build, and half a second to write the calendar of a 10,000-page briefing.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

FOLD_AT = 75  # octets: a line (or a continuation, after its leading space) stays below this
Property = tuple[str, str]  # (NAME or NAME;PARAM=VALUE, the value as written)


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped; every line break written `\\n`."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def text_list(values: Iterable[str]) -> str:
    """A list of TEXT values (CATEGORIES): each escaped, then joined by commas."""
    return ",".join(text(value) for value in values)


def day(value: date) -> str:
    """A DATE value (`;VALUE=DATE` goes on the property name)."""
    return f"{value.year:04}{value.month:02}{value.day:02}"


def utc_midnight(value: date) -> str:
    """A DATE-TIME value: 00:00:00 UTC on that day."""
    return f"{day(value)}T000000Z"


def component(name: str, properties: Iterable[Property], parts: Iterable[str] = ()) -> list[str]:
    """The content lines of BEGIN:NAME, its properties in the order given, its parts, END:NAME."""
    return [f"BEGIN:{name}", *(fold(f"{key}:{value}") for key, value in properties), *parts, f"END:{name}"]


def document(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def fold(line: str) -> str:
    """The line cut into pieces below FOLD_AT octets, joined by CRLF and a space. A piece never
    ends with a backslash or a caret (the start of an escape): that character moves on."""
    if line.isascii():
        pieces, start = [], 0
        while len(line) - start >= FOLD_AT:
            end = start + FOLD_AT - 1
            if end - start > 1 and line[end - 1] in "\\^":
                end -= 1
            pieces.append(line[start:end])
            start = end
        return "\r\n ".join([*pieces, line[start:]])
    return _fold_wide(line)


def _fold_wide(line: str) -> str:
    """fold() for a line with multi-byte characters, which are never split."""
    pieces, start, size = [], 0, 0
    for i, char in enumerate(line):
        width = len(char.encode("utf-8"))
        if i > start and size + width >= FOLD_AT:
            if i - start > 1 and line[i - 1] in "\\^":
                pieces.append(line[start:i - 1])
                start, size = i - 1, len(line[i - 1].encode("utf-8"))
            else:
                pieces.append(line[start:i])
                start, size = i, 0
        size += width
    return "\r\n ".join([*pieces, line[start:]])
