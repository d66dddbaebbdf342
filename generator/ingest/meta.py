"""Step 8: each article's title, byline, publisher and date: found in the text, or inferred and marked so.

An article without a date of its own is placed from the batch: the latest full date any article
gives (with the latest year any article names) is the anchor, and the weekdays the article
mentions are the first such days after it. This is an inference, and the draft says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import FuzzyDate, parse_date
from .dates import PATTERNS, month_number
from .lexicon import WEEKDAYS
from .model import Article, Paragraph
from .names import is_heading

_DATELINE = re.compile(r"^(?:published|updated|posted|date)?[:\s]*", re.IGNORECASE)


@dataclass(frozen=True)
class Dating:
    published: str | None
    inferred: bool
    how: str


def found_date(article: Article) -> str | None:
    """A full date in the first two or last two paragraphs (a dateline), or the page's metadata."""
    if article.published:
        return article.published
    datelines = tuple(Paragraph(n.line, n.text) for n in article.noise if n.rule == "dateline")
    edges = datelines + article.paragraphs[:2] + article.paragraphs[-2:]
    for paragraph in edges:
        for kind, pattern in PATTERNS[:3]:
            m = pattern.search(paragraph.text[:200])
            if m and (len(paragraph.text) < 120 or m.start() < 40):
                g = m.groups()
                if kind == "iso":
                    return f"{g[0]}-{g[1]}-{g[2]}"
                day, name = (g[1], g[0]) if kind == "month-day-year" else (g[0], g[1])
                try:
                    return date(int(g[2]), month_number(name), int(day)).isoformat()
                except ValueError:
                    return None
    return None


def batch_anchor(articles: list[Article]) -> date | None:
    """The latest day any article names, with the latest year any article names if it gives none."""
    years = [int(y) for a in articles for y in re.findall(r"\b(19\d\d|20\d\d)\b", a.full_text)]
    dated = [d for a in articles if (d := found_date(a))]
    years += [int(d[:4]) for d in dated]
    if not years:
        return None
    year = max(years)
    days: list[date] = [date.fromisoformat(d) for d in dated]
    for article in articles:
        for kind, pattern in PATTERNS:
            if kind not in {"month-day", "day-month", "month-day-year", "day-month-year"}:
                continue
            for m in pattern.finditer(article.full_text):
                g = m.groups()
                name, day = (g[0], g[1]) if kind.startswith("month") else (g[1], g[0])
                try:
                    days.append(date(int(g[2]) if len(g) > 2 and g[2] else year, month_number(name), int(day)))
                except ValueError:
                    continue
    return max(days) if days else None


_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{1,40}?,? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? "
                            r"(\d{1,2}) \(")


def date_article(article: Article, anchor: date | None) -> Dating:
    found = found_date(article)
    if found:
        return Dating(found, False, "the date printed with the article")
    wire = _WIRE_DATELINE.match(article.paragraphs[0].text) if article.paragraphs else None
    if wire and anchor:
        try:
            day = date(anchor.year, month_number(wire[1]), int(wire[2]))
        except ValueError:
            day = None
        if day:
            return Dating(day.isoformat(), True, f"day and month from the dateline; the year {anchor.year} from the articles")
    if anchor is None:
        return Dating(None, True, "no date in the text, and none in the other articles to place it by")
    text = article.full_text
    mentioned = [WEEKDAYS.index(w.lower()) for w in re.findall(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", text)]
    if mentioned:
        days = [anchor + timedelta(days=(w - anchor.weekday()) % 7 or 7) for w in mentioned]
        latest = max(days)
        if re.search(r"\b(today|this morning|tonight)\b", text, re.IGNORECASE):
            return Dating(latest.isoformat(), True, f"the {latest:%A} it mentions, after {anchor:%-d %B %Y}; it speaks of 'today'")
        return Dating(f"{latest}..{latest + timedelta(days=1)}", True,
                      f"the {latest:%A} it reports (the first after {anchor:%-d %B %Y}) or the day after")
    if re.search(r"\blast week\b", text):
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=1)
        return Dating(f"{monday}..{monday + timedelta(days=6)}", True, f"the week after {anchor:%-d %B %Y}, which it calls 'last week'")
    return Dating(f"{anchor + timedelta(days=1)}..{anchor + timedelta(days=14)}", True,
                  f"within two weeks after {anchor:%-d %B %Y}, the latest date the articles name")


def reference_date(dating: Dating) -> FuzzyDate | None:
    return parse_date(dating.published) if dating.published else None


def infer_title(article: Article) -> tuple[str, bool]:
    """The page's own title if it has one; otherwise the first sentence, shortened (and marked inferred)."""
    if article.title:
        return article.title, False
    if is_heading(article.paragraphs[0].text) and len(article.paragraphs[0].text.split()) >= 4:
        return article.paragraphs[0].text, False  # a headline on the first line
    first = next((p.text for p in article.paragraphs if len(p.text.split()) > 8), article.paragraphs[0].text)
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    words = sentence.split()
    return (" ".join(words[:16]).rstrip(",;:—–-") + ("…" if len(words) > 16 else "")), True


def infer_publisher(article: Article) -> tuple[str | None, bool]:
    """The site name from HTML metadata, or a brand the noise lines keep promoting ("Tekedia")."""
    if article.publisher:
        return article.publisher, False
    brands: dict[str, int] = {}
    for line in article.noise:
        for word in re.findall(r"\b([A-Z][a-z]+[A-Z]?\w*)\b", line.text):
            if word not in {"Register", "Join", "Do", "Follow", "The", "Sign", "Subscribe", "CEO", "Director", "Program",
                            "Business", "Capital", "Syndicate", "Masterclass", "AI", "In"}:
                brands[word] = brands.get(word, 0) + 1
    best = sorted(brands.items(), key=lambda kv: (-kv[1], kv[0]))
    if best and best[0][1] >= 3:
        return best[0][0], True
    return None, False
