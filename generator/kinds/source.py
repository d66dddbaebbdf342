"""Sources: the articles the briefing cites with `[@id]`, numbered in file order, listed in the
appendix (sources.html) with what each is cited for; quotations and cited passages are checked
against their full texts where the briefing has them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import jsonparts as j
from ..dates import FuzzyDate
from ..errors import Location
from ..evidence import Evidence
from ..kind import Checks, Kind, Lookup, record_class, titled
from ..model import Markdown
from ..resolve import Mention, Resolved
from ..schema import F, R, RecordSpec
from ..urls import SOURCES
from ..views import cited_on

SPEC = RecordSpec("source", "`content/sources.yaml`: a list of source articles.", (
    R("id", "slug", "Id used in citations `[@id]`."),
    R("file", "text", "The article's file name; also how `--sources-dir` finds its full text."),
    R("title", "text", "A descriptive title (ours if the article has none)."),
    F("publisher", "text", "Publisher, where the text shows it."),
    F("byline", "text", "Author, where the text shows one."),
    F("published", "date", "Publication date at the precision known."),
    F("url", "url", "Address of the original, if known (http/https only)."),
    F("words", "int", "Length of the article in words; checked against the full text when available."),
    R("reliability", "markdown", "Notes on how far to trust it."),
    F("noise", "markdown", "What was left out of the text (ads, promotions, footers)."),
    F("full_text", "markdown", "The article's full text, used to verify quotations."),
    F("inferred", "list:enum:title|publisher|published|byline",
      "Which of this record's values are ours, not found in the text; the site marks them as inferred."),
))


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
    entity: str = field(default="source", init=False)


def make_source(v: dict[str, Any], checks: Checks) -> Source:
    """A source's file is a plain name; its full text is given inline or found by that name."""
    if "/" in v["file"] or "\\" in v["file"] or v["file"].startswith("."):
        checks.fail(v["_location"], f"source file '{v['file']}' must be a plain file name",
                    "give the name only, e.g. `000_4096c32f5a35f67a.txt`, not a path")
    full = v["full_text"].text if "full_text" in v else checks.source_texts.get(v["file"])
    return Source(v["id"], v["file"], v["title"], v.get("publisher"), v.get("byline"), v.get("published"),
                  v.get("url"), v.get("words"), v["reliability"], v.get("noise"), full, v["_location"],
                  v.get("inferred", ()))


@dataclass(frozen=True)
class SourcesView:
    sources: tuple[Source, ...]  # in citation-number order
    evidence: dict[str, tuple[Evidence, ...]]  # source id -> the passages cited from it
    citations: dict[str, tuple[Mention, ...]]  # source id -> the texts that cite it
    cites: tuple[str, ...]  # (the appendix prints no endnotes: it is the list of sources)


def sources_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> SourcesView:
    return SourcesView(records, dict(resolved.evidence or {}), dict(resolved.citations), cited_on(resolved, page))


def numbered_title(source: Any, lookup: Lookup) -> str:
    """A citation's hover text: the source's number, then its title."""
    return f"[{lookup.citation_numbers[source.id]}] {source.title}"


def source_json(s: Any, r: Resolved) -> dict[str, Any]:
    return {"id": s.id, "number": r.citation_numbers[s.id], "url": r.urls[s.id], "file": s.file, "title": s.title,
            "publisher": s.publisher, "byline": s.byline, "published": j.date(s.published), "original_url": s.url,
            "words": s.words, "reliability": j.md(s.reliability), "noise": j.md(s.noise),
            "inferred": list(s.inferred), "text_checked": s.id in r.checked_sources}


def source_schema() -> dict[str, Any]:
    return j.record("A source article; `number` is its citation number.", id=j.ID,
                    number={"type": "integer", "minimum": 1}, url=j.URL, file=j.STR, title=j.STR, publisher=j.OPT_STR,
                    byline=j.OPT_STR, published=j.OPT_DATE, original_url=j.OPT_STR,
                    words={"type": ["integer", "null"]}, reliability=j.STR, noise=j.OPT_STR,
                    inferred=j.list_of({"enum": ["title", "publisher", "published", "byline"]}),
                    text_checked={"type": "boolean"})


KIND = Kind(name="source", file="sources", spec=SPEC, model=record_class("source", Source), page=SOURCES,
            title="Source appendix", menu="Sources", template="sources.html", view=sources_view, owner_title=titled,
            preview=numbered_title, noun="Source", make=make_source, count_words="sources", texts=("reliability", "noise"),
            unused=("is never cited", "cite it with [@{id}] or remove it"),
            to_json=source_json, json_schema=source_schema, evidence=False)
