"""Stage 4a, exports: everything beside the HTML pages, each a pure function of the briefing.

- `deadlines.ics`: one all-day event per record of a kind with dates (`Kind.dated`: events and
  deadlines; RFC 5545, ics.py), with UIDs that stay the same between builds so a subscribed
  calendar updates in place; the feed has those its kind puts there (events);
- `feed.xml` (Atom), `sitemap.xml`, `robots.txt`: absolute URLs from `briefing.base_url`
  (the feed and sitemap are left out when the briefing has none);
- `briefing.json` and `briefing.schema.json` (export_json.py).

No clock is read: every timestamp is the briefing's `as_of` date.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Container
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from . import ics
from .dates import FuzzyDate, describe, describe_day
from .export_json import DATA_FILE, SCHEMA_FILE, briefing_data, briefing_schema_json
from .kind import Dated, KindRecord
from .model import Briefing
from .render import PageLinks
from .resolve import Resolved
from .splice import JsonFiles
from .urls import HOME, NOT_FOUND, SEARCH

CALENDAR_FILE = "deadlines.ics"
FEED_FILE = "feed.xml"
SITEMAP_FILE = "sitemap.xml"
ROBOTS_FILE = "robots.txt"
NOT_LISTED = (NOT_FOUND, SEARCH)  # pages left out of the sitemap
_ATOM = "http://www.w3.org/2005/Atom"
_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_PRECISION_WORDS = {"day": "the exact day", "month": "the month only", "part": "part of a month (early, mid or late)",
                    "year": "the year only", "range": "a range of days"}


# The exports that read no free page's body, only what every page's dependency key shares
# (depends.shared_key): a rebuild after a body edit keeps the last build's (tests/test_incremental.py
# checks that the bodies do not show in them).
BODY_FREE = (CALENDAR_FILE, ROBOTS_FILE, SCHEMA_FILE, FEED_FILE, SITEMAP_FILE)


def render_exports(resolved: Resolved, md: MarkdownIt, html_pages: list[str], json_files: JsonFiles | None = None,
                   kept: Container[str] = ()) -> dict[str, bytes]:
    """{output path: bytes} of every file beside the HTML pages but those `kept` from the last
    build; `json_files` copies the unchanged records of `briefing.json` from the last build's file."""
    b = resolved.content.briefing
    json_files = json_files or JsonFiles()
    made: dict[str, Callable[[], bytes]] = {
        CALENDAR_FILE: lambda: render_calendar(resolved, md), ROBOTS_FILE: lambda: render_robots(b),
        DATA_FILE: lambda: json_files.dump(DATA_FILE, briefing_data(resolved)),
        SCHEMA_FILE: lambda: briefing_schema_json(tuple(kind for kind, _ in resolved.content.declared))}
    if b.base_url:
        made[FEED_FILE] = lambda: render_feed(resolved, md)
        made[SITEMAP_FILE] = lambda: render_sitemap(b, html_pages)
    return {path: make() for path, make in made.items() if path not in kept}


def absolute(b: Briefing, path: str) -> str:
    return f"{b.base_url}/{path}"


def _rfc3339(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


# --- calendar ---------------------------------------------------------------------------------

def dated_records(resolved: Resolved) -> list[tuple[KindRecord, Dated]]:
    """Every record of a kind with dates (Kind.dated: events, deadlines), with its calendar entry,
    by date then id."""
    as_of = resolved.content.briefing.as_of
    found = [(record, entry) for kind, records in resolved.content.declared if kind.dated
             for record in records if (entry := kind.dated(record, as_of)) is not None]
    return sorted(found, key=lambda pair: (pair[1].date.sort_key, pair[0].id))


def render_calendar(resolved: Resolved, md: MarkdownIt) -> bytes:
    b = resolved.content.briefing
    links = PageLinks(CALENDAR_FILE, resolved, anchors=False)
    events = [line for record, entry in dated_records(resolved) for line in _calendar_event(record, entry, resolved, links)]
    return ics.document(ics.component("VCALENDAR", [
        ("VERSION", "2.0"),
        ("PRODID", ics.text(f"-//{b.title}//Briefing site generator//{b.language.upper()}")),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALDESC", f"Every dated event and deadline of the briefing, as of {describe_day(b.as_of)}."),
        ("X-WR-CALNAME", f"{b.title}: events and deadlines"),  # X- values are not escaped; titles hold no line break
    ], events))


def _calendar_event(record: KindRecord, entry: Dated, resolved: Resolved, links: PageLinks) -> list[str]:
    b = resolved.content.briefing
    first, last = calendar_days(entry.date)
    approximate = (first, last) != (entry.date.first, entry.date.last)
    properties = [  # in the order RFC 5545 tools conventionally write them, the rest by name
        ("SUMMARY", ics.text(f"{entry.summary} ({describe(entry.date)}, no exact day)" if approximate else entry.summary)),
        ("DTSTART;VALUE=DATE", ics.day(first)),
        ("DTEND;VALUE=DATE", ics.day(last + timedelta(days=1))),  # all-day events end the day after (exclusive)
        ("DTSTAMP", ics.utc_midnight(b.as_of)),
        ("UID", ics.text(f"{record.entity}-{record.id}@{calendar_domain(b)}")),
        ("CATEGORIES", ics.text_list([entry.category])),
        ("DESCRIPTION", ics.text(_calendar_description(entry, links))),
        ("LAST-MODIFIED", ics.utc_midnight(b.as_of)),
        ("TRANSP", "TRANSPARENT"),
    ]
    if b.base_url:
        properties.append(("URL", absolute(b, resolved.urls[record.id])))
    return ics.component("VEVENT", properties)


CALENDAR_SPAN_LIMIT = 7  # days; a vaguer date becomes one entry on its earliest possible day


def calendar_days(when: FuzzyDate) -> tuple[date, date]:
    """The days a calendar entry covers: the date itself when it is at most a week long; else only
    its earliest possible day, so a month- or year-long block never fills a reader's calendar."""
    if (when.last - when.first).days < CALENDAR_SPAN_LIMIT:
        return when.first, when.last
    return when.first, when.first


def calendar_domain(b: Briefing) -> str:
    """The right-hand side of every UID: the site's host, so UIDs are unique across briefings."""
    host = urlsplit(b.base_url).netloc if b.base_url else ""
    return host or "-".join(b.title.lower().split())[:60] or "briefing"


def _calendar_description(entry: Dated, links: PageLinks) -> str:
    """The record's text, its kind's notes, then what the date's precision means for the entry."""
    when = entry.date
    lines = [plain_text(links.markdown(entry.text)), *entry.notes]
    first, last = calendar_days(when)
    if when.is_exact:
        lines.append(f"Date: {describe(when)} (the exact day).")
    elif (first, last) == (when.first, when.last):
        lines.append(f"Date: {describe(when)}. The sources give {_PRECISION_WORDS[when.precision]}, so this "
                     f"all-day entry spans the whole interval, {describe_day(when.first)} to {describe_day(when.last)}.")
    else:
        lines.append(f"Date: {describe(when)}, somewhere from {describe_day(when.first)} to {describe_day(when.last)}. "
                     f"The sources give {_PRECISION_WORDS[when.precision]}, so this entry sits on the earliest "
                     "possible day rather than filling the whole interval.")
    return "\n\n".join(lines)


# --- feed, sitemap, robots --------------------------------------------------------------------

def render_feed(resolved: Resolved, md: MarkdownIt) -> bytes:
    """Atom: one entry for the briefing as of its date, then one per record in the feed (Dated.in_feed:
    events) whose date has begun by then, newest first."""
    b = resolved.content.briefing
    links = PageLinks(FEED_FILE, resolved, anchors=False)
    feed = ET.Element("feed", {"xmlns": _ATOM, "xml:lang": b.language, "xml:base": absolute(b, "")})
    _text(feed, "id", absolute(b, ""))
    _text(feed, "title", b.title)
    if b.subtitle:
        _text(feed, "subtitle", b.subtitle)
    _text(feed, "updated", _rfc3339(b.as_of))
    author = ET.SubElement(feed, "author")
    _text(author, "name", ", ".join(b.editors) or "The briefing team")
    ET.SubElement(feed, "link", {"rel": "self", "href": absolute(b, FEED_FILE)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": absolute(b, HOME)})
    _text(feed, "generator", "Briefing site generator")
    summary = links.markdown("home-bottom-line") + links.markdown("home-status")
    _entry(feed, f"{absolute(b, HOME)}#as-of-{b.as_of.isoformat()}", f"Briefing as of {describe_day(b.as_of)}",
           b.as_of, absolute(b, HOME), str(summary))
    begun = [(record, entry) for record, entry in dated_records(resolved) if entry.in_feed and entry.date.first <= b.as_of]
    for record, entry in reversed(begun):
        url = absolute(b, resolved.urls[record.id])
        _entry(feed, url, f"{describe(entry.date)}: {record.title}", min(entry.date.last, b.as_of), url,
               str(links.markdown(entry.text)))
    return _xml(feed)


def _entry(feed: ET.Element, entry_id: str, title: str, updated: date, url: str, html: str) -> None:
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", entry_id)
    _text(entry, "title", title)
    _text(entry, "updated", _rfc3339(updated))
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url})
    content = _text(entry, "content", html)
    content.set("type", "html")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def render_sitemap(b: Briefing, html_pages: list[str]) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": _SITEMAP})
    for page in sorted(p for p in html_pages if p not in NOT_LISTED):
        url = ET.SubElement(urlset, "url")
        _text(url, "loc", absolute(b, page))
        _text(url, "lastmod", b.as_of.isoformat())
    return _xml(urlset)


def render_robots(b: Briefing) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if b.base_url:
        lines.append(f"Sitemap: {absolute(b, SITEMAP_FILE)}")
    return ("\n".join(lines) + "\n").encode("utf-8")
