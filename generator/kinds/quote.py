"""Quotations: a speaker's exact words as a source reports them; listed by side and speaker on
quotes.html, embedded anywhere with `![[id]]`, checked word for word against the source's text; each actor's
page shows the actor's quotations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import jsonparts as j
from ..errors import Location
from ..kind import ActorPart, Kind, Lookup, record_class
from ..model import Markdown
from ..resolve import Mention, Resolved
from ..schema import F, R, RecordSpec
from ..urls import QUOTES, passage_url
from ..views import actors_by_side, cited_by, cited_on, mentions_of

SPEC = RecordSpec("quote", "`content/quotes.yaml`: a list of short quotations.", (
    R("id", "slug", "Id used in `[[id]]` links and `![[id]]` embeds."),
    R("speaker", "ref:actor", "Who said it."),
    R("text", "text", "The exact words, as in the source (use ... for a cut)."),
    R("source", "ref:source", "The source that reports it."),
    F("context", "markdown", "Where and when it was said."),
))


@dataclass(frozen=True)
class Quote:
    id: str
    speaker: str
    text: str
    source: str
    context: Markdown | None
    location: Location
    entity: str = field(default="quote", init=False)

    @property
    def title(self) -> str:
        return f"“{self.text}”"


@dataclass(frozen=True)
class QuotesView:
    sides: tuple[tuple[str, tuple[tuple[Any, tuple[Quote, ...]], ...]], ...]  # by the speaker's side, then speaker
    some_unchecked: bool  # some source has no text to check quotations against
    mentions: dict[str, tuple[Mention, ...]]
    cites: tuple[str, ...]


def quotes_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> QuotesView:
    c = resolved.content
    by_speaker: dict[str, list[Quote]] = {}
    for q in records:
        by_speaker.setdefault(q.speaker, []).append(q)
    sides = tuple((side, tuple((a, tuple(by_speaker[a.id])) for a in actors if a.id in by_speaker))
                  for side, actors in actors_by_side(c.actors) if any(a.id in by_speaker for a in actors))
    return QuotesView(sides, any(not s.full_text for s in c.sources), {q.id: mentions_of(resolved, q.id) for q in records},
                      cited_on(resolved, page, (q.source for q in records)))


def speaker_and_words(quote: Any, lookup: Lookup) -> str:
    return f"{lookup.name(quote.speaker)}: “{quote.text}”"


def owner_title(quote: Any, lookup: Lookup) -> str:
    return f"Quotation of {lookup.name(quote.speaker)}"


@dataclass(frozen=True)
class ActorQuotations:
    """An actor's quotations on the actor's page: those its body does not embed already."""

    quotations: tuple[str, ...]  # quote ids
    more: bool  # some are in the body already, so these are "More quotations"
    cites: tuple[str, ...]


def speaker(quote: Quote) -> tuple[str]:
    return (quote.speaker,)


def actor_quotations(resolved: Resolved, actor: Any, quotes: tuple[Any, ...], page: str) -> ActorQuotations | None:
    embedded = {r.target for r in resolved.docs[f"{actor.id}-body"].parsed.refs if r.kind == "embed"}
    said = tuple(q for q in quotes if q.id not in embedded)
    if not said:
        return None
    return ActorQuotations(tuple(q.id for q in said), len(said) < len(quotes), cited_by(resolved, (), (q.source for q in said)))


def quoted_words(quote: Any) -> tuple[str, str]:
    """A quotation is its source's exact words: checked against the source's text (evidence.py)."""
    return quote.source, quote.text


def quote_json(q: Any, r: Resolved) -> dict[str, Any]:
    source = r.index[q.source]
    return {"id": q.id, "url": r.urls[q.id], "speaker": q.speaker, "text": q.text, "source": q.source,
            "context": j.md(q.context), "passage_url": passage_url(source.url, q.text) if source.url else None,  # type: ignore[union-attr]
            "verified": q.source in r.checked_sources}


def quote_schema() -> dict[str, Any]:
    return j.record("A quotation exactly as its source reports it.", id=j.ID, url=j.URL, speaker=j.ID,
                    text=j.STR, source=j.ID, context=j.OPT_STR, passage_url=j.OPT_STR, verified={"type": "boolean"})


KIND = Kind(name="quote", file="quotes", spec=SPEC, model=record_class("quote", Quote), page=QUOTES,
            title="Quotations", template="quotes.html", view=quotes_view, owner_title=owner_title,
            label=speaker_and_words, noun="Quotation", to_json=quote_json, json_schema=quote_schema,
            on_actor_page=ActorPart(speaker, actor_quotations, "_actor_quotes.html", place=10,
                                          ids=("quotations",)), quoting=quoted_words, evidence=False)
