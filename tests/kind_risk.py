"""A tiny entity kind that exists only in the tests: risks, each with a likelihood and sources.
It is declared the way every kind is (compare generator/kinds/commitment.py), and its one
template is tests/fixtures/kinds/risks.html; no engine file names it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.errors import Location
from generator.kind import Kind, Lookup, record_class
from generator.model import Markdown
from generator.resolve import Mention, Resolved
from generator.schema import F, R, RecordSpec
from generator.views import cited_by, mentions_of

SPEC = RecordSpec("risk", "`content/risks.yaml`: a list of risks to the deal.", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("risk", "text", "The risk in a short line."),
    R("likelihood", "enum:low|medium|high", "How likely the sources make it."),
    F("sources", "list:ref:source", "The sources that raise it."),
    R("body", "markdown", "Why, with citations."),
))


@dataclass(frozen=True)
class Risk:
    id: str
    risk: str
    likelihood: str
    sources: tuple[str, ...]
    body: Markdown
    location: Location
    entity: str = field(default="risk", init=False)

    @property
    def title(self) -> str:
        return self.risk


@dataclass(frozen=True)
class RiskView:
    id: str
    risk: str
    likelihood: str
    sources: tuple[str, ...]
    body: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class RisksPage:
    items: tuple[RiskView, ...]
    cites: tuple[str, ...]


def risks_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> RisksPage:
    items = tuple(RiskView(r.id, r.risk, r.likelihood, r.sources, f"{r.id}-body", mentions_of(resolved, r.id))
                  for r in records)
    return RisksPage(items, cited_by(resolved, (i.body for i in items), (s for i in items for s in i.sources)))


def risk_preview(record: Any, lookup: Lookup) -> str:
    return f"Risk ({record.likelihood}): {record.risk}"


KIND = Kind(name="risk", file="risks", spec=SPEC, model=record_class("risk", Risk), page="risks.html",
            title="Risks", template="risks.html", view=risks_view, preview=risk_preview, noun="Risk")
