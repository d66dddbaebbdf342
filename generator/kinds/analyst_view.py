"""Analyst views: where each analyst stands on the briefing's stance scale, in our words, with the
quotations that show it; all on views.html, in scale order, and on each analyst's page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import jsonparts as j
from ..errors import Location
from ..kind import ActorPart, Kind, Lookup, record_class
from ..model import Markdown
from ..resolve import Resolved
from ..schema import F, R, RecordSpec
from ..urls import VIEWS, relative
from ..views import cited_by, cited_on

SPEC = RecordSpec("view", "`content/views.yaml`: a list of analyst views.", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("analyst", "ref:actor", "The analyst or expert."),
    R("stance", "ref:stance", "A stance id from the briefing's `stance_scale`."),
    R("gist", "markdown", "The view in our words, with citations."),
    F("quotes", "list:ref:quote", "Short quotations that show the view (usually one)."),
))


@dataclass(frozen=True)
class View:
    id: str
    analyst: str
    stance: str
    gist: Markdown
    quotes: tuple[str, ...]
    location: Location
    entity: str = field(default="view", init=False)

    @property
    def title(self) -> str:
        return f"View of {self.analyst}"


@dataclass(frozen=True)
class ViewsView:
    rows: tuple[tuple[View, Any], ...]  # each view with its analyst, in scale order, then by analyst id
    cites: tuple[str, ...]


def views_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> ViewsView:
    c = resolved.content
    by_analyst = sorted(records, key=lambda v: v.analyst.lower())
    analysts = {a.id: a for a in c.actors}
    rows = tuple((v, analysts[v.analyst]) for s in c.briefing.stance_scale for v in by_analyst if v.stance == s.id)
    quoted = [getattr(resolved.index[q], "source") for v, _ in rows for q in v.quotes]
    return ViewsView(rows, cited_on(resolved, page, quoted))


@dataclass(frozen=True)
class StanceView:
    href: str  # the view on the views page
    level: int  # the stance's place on the scale, from 1
    label: str
    gist: str  # doc key


@dataclass(frozen=True)
class ActorStances:
    """An analyst's views on the analyst's page."""

    stances: tuple[StanceView, ...]
    cites: tuple[str, ...]


def analyst(view: View) -> tuple[str]:
    return (view.analyst,)


def actor_stances(resolved: Resolved, actor: Any, views: tuple[Any, ...], page: str) -> ActorStances:
    scale = {s.id: (i, s.label) for i, s in enumerate(resolved.content.briefing.stance_scale, 1)}
    stances = tuple(StanceView(relative(page, resolved.urls[v.id]), *scale[v.stance], f"{v.id}-gist") for v in views)
    return ActorStances(stances, cited_by(resolved, (s.gist for s in stances)))


def analysts_view(view: Any, lookup: Lookup) -> str:
    return f"{lookup.name(view.analyst)}’s view"


def view_schema() -> dict[str, Any]:
    return j.record("An analyst's view on the stance scale.", id=j.ID, url=j.URL, analyst=j.ID,
                    stance=j.ID, gist=j.STR, quotes={"type": "array", "items": j.ID})


SECTION_IDS = ("view", *(f"view-{n}" for n in range(2, 21)))  # an analyst's sections, one per view


KIND = Kind(name="view", file="views", spec=SPEC, model=record_class("view", View), page=VIEWS,
            title="Analyst views", menu="Views", template="views.html", view=views_view, label=analysts_view, noun="Analyst view",
            json_schema=view_schema, on_actor_page=ActorPart(analyst, actor_stances, "_actor_views.html", place=20,
                                                             ids=SECTION_IDS), evidence=False)
