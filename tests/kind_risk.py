"""A tiny entity kind that exists only in the tests: risks, each with a likelihood and sources.
It is declared the way every kind is (compare generator/kinds/commitment.py), and its one
template is tests/fixtures/kinds/risks.html; no engine file names it.

It also adds to what other kinds and the engine make, through its declaration only: a section
on the page of each actor who would carry a risk (`on_actor_page`, tests/fixtures/kinds/
_actor_risks.html), the high risks on the home page (`on_home_page`, _home_risks.html), a
calendar and feed entry for each risk with a date (`dated`), its `warning`, the words of a
source that raise it, checked against that source's text (`quoting`), a table on any free page
whose front matter says `tracker: risks` (`tracker`, _tracker_risks.html), and each risk with a
date among the events on the timeline, with a list above them (`on_timeline`, _timeline_risk.html,
_timeline_risks.html)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.errors import Location
from generator.dates import FuzzyDate
from generator.kind import ActorPart, Dated, HomePart, Kind, Lookup, TimelinePart, TrackerPart, record_class
from generator.model import Markdown
from generator.resolve import Mention, Resolved
from generator.schema import F, R, RecordSpec
from generator.views import cited_by, mentions_of

SPEC = RecordSpec("risk", "`content/risks.yaml`: a list of risks to the deal.", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("risk", "text", "The risk in a short line."),
    R("likelihood", "enum:low|medium|high", "How likely the sources make it."),
    F("sources", "list:ref:source", "The sources that raise it."),
    F("owners", "list:ref:actor", "The actors who would carry it."),
    F("by", "date", "When it could happen."),
    F("warning", "text", "The words of its first source that raise it, exactly."),
    R("body", "markdown", "Why, with citations."),
))


@dataclass(frozen=True)
class Risk:
    id: str
    risk: str
    likelihood: str
    sources: tuple[str, ...]
    owners: tuple[str, ...]
    by: FuzzyDate | None
    warning: str | None
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


@dataclass(frozen=True)
class RiskLinks:
    """Risks as a list of links, on an actor's page or the home page."""

    risks: tuple[tuple[str, str], ...]  # (id, risk)
    cites: tuple[str, ...]


def owners(risk: Risk) -> tuple[str, ...]:
    return risk.owners


def actor_risks(resolved: Resolved, actor: Any, risks: tuple[Any, ...], page: str) -> RiskLinks:
    return RiskLinks(tuple((r.id, r.risk) for r in risks), cited_by(resolved, (), (s for r in risks for s in r.sources)))


def high_risks(resolved: Resolved, risks: tuple[Any, ...], page: str) -> RiskLinks | None:
    high = tuple((r.id, r.risk) for r in risks if r.likelihood == "high")
    return RiskLinks(high, ()) if high else None


def risk_table(resolved: Resolved, risks: tuple[Any, ...], page: str) -> RiskLinks:
    return RiskLinks(tuple((r.id, r.risk) for r in risks), cited_by(resolved, (), (s for r in risks for s in r.sources)))


def by(risk: Any) -> FuzzyDate | None:
    return risk.by  # type: ignore[no-any-return]


def dated_risks(resolved: Resolved, risks: tuple[Any, ...], page: str) -> RiskLinks | None:
    dated = [r for r in risks if r.by]
    return RiskLinks(tuple((r.id, r.risk) for r in dated), cited_by(resolved, (), (s for r in dated for s in r.sources))) if dated else None


def calendar_entry(risk: Any, as_of: date) -> Dated | None:
    if risk.by is None:
        return None
    return Dated(risk.by, f"Risk: {risk.risk}", f"risk ({risk.likelihood})", f"{risk.id}-body",
                 (f"Likelihood: {risk.likelihood}.",), in_feed=True)


def warning(risk: Any) -> tuple[str, str] | None:
    return (risk.sources[0], risk.warning) if risk.warning and risk.sources else None


KIND = Kind(name="risk", file="risks", spec=SPEC, model=record_class("risk", Risk), page="risks.html",
            title="Risks", template="risks.html", view=risks_view, preview=risk_preview, noun="Risk",
            on_actor_page=ActorPart(owners, actor_risks, "_actor_risks.html", place=25, ids=("risks-carried",)),
            on_home_page=HomePart(high_risks, "_home_risks.html"), dated=calendar_entry, quoting=warning,
            tracker=TrackerPart(risk_table, "_tracker_risks.html", ids=("risk-table",)),
            on_timeline=TimelinePart(by, "_timeline_risk.html", dated_risks, "_timeline_risks.html"))
