"""Commitments: who committed to what, with status, confidence and sources; shown as a tracker
table on commitments.html (and on any free page with `tracker: commitments`), and on the page of
each actor who made one, with its status and sources. Their markup: templates/commitments.html,
_commitment_macros.html, _tracker_commitments.html, _actor_commitments.html."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location
from ..kind import ActorPart, Kind, TrackerPart, record_class
from ..model import Markdown
from ..resolve import Mention, Resolved
from ..schema import F, R, RecordSpec
from ..urls import relative
from ..views import LinkView, cited_by, link_view, mentions_of

SPEC = RecordSpec("commitment", "`content/commitments.yaml`: a list of commitments, shown as a tracker table.", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("commitment", "text", "The commitment in a short line."),
    R("side", "text", "The side that made it, as actors' `side:` names it."),
    F("actors", "list:ref:actor", "Actors who made or announced it."),
    R("status", "enum:claimed|agreed|disputed|pending|implemented|unclear", "Where it stands at `as_of`."),
    R("confidence", "enum:high|medium|low", "How sure the sources let us be."),
    R("sources", "list:ref:source", "The sources that report it."),
    R("body", "markdown", "What exactly, and who says so, with citations."),
))


@dataclass(frozen=True)
class Commitment:
    id: str
    commitment: str
    side: str
    actors: tuple[str, ...]
    status: str
    confidence: str
    sources: tuple[str, ...]
    body: Markdown
    location: Location
    entity: str = field(default="commitment", init=False)

    @property
    def title(self) -> str:
        return self.commitment


@dataclass(frozen=True)
class CommitmentView:
    id: str
    commitment: str
    side: str
    status: str
    confidence: str
    actors: tuple[LinkView, ...]
    sources: tuple[str, ...]  # source ids, for `links.cite(*sources)`
    body: str  # doc key, for `links.markdown(body)`
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class CommitmentsPage:
    items: tuple[CommitmentView, ...]
    cites: tuple[str, ...]  # every source the page cites, known before it renders


@dataclass(frozen=True)
class CommitmentsTracker:
    """The table on a free page with `tracker: commitments`: the rows without their texts."""

    items: tuple[CommitmentView, ...]
    cites: tuple[str, ...]


def _items(resolved: Resolved, records: tuple[Any, ...], page: str) -> tuple[CommitmentView, ...]:
    return tuple(CommitmentView(
        c.id, c.commitment, c.side, c.status, c.confidence,
        tuple(link_view(resolved, page, a, resolved.index[a].name) for a in c.actors),  # type: ignore[union-attr]
        c.sources, f"{c.id}-body", mentions_of(resolved, c.id)) for c in records)


def commitments_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> CommitmentsPage:
    items = _items(resolved, records, page)
    return CommitmentsPage(items, cited_by(resolved, (i.body for i in items), (s for i in items for s in i.sources)))


def tracker_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> CommitmentsTracker:
    items = _items(resolved, records, page)
    return CommitmentsTracker(items, cited_by(resolved, (), (s for i in items for s in i.sources)))


@dataclass(frozen=True)
class ActorCommitment:
    href: str
    commitment: str
    others: tuple[LinkView, ...]  # the other actors who made it with this one
    status: str
    confidence: str
    sources: tuple[str, ...]  # source ids, for `links.cite(*sources)`


@dataclass(frozen=True)
class ActorCommitments:
    """The commitments an actor made, on the actor's page: what, with whom, where each stands."""

    commitments: tuple[ActorCommitment, ...]
    cites: tuple[str, ...]


def made_by(commitment: Commitment) -> tuple[str, ...]:
    return commitment.actors


def actor_commitments(resolved: Resolved, actor: Any, commitments: tuple[Any, ...], page: str) -> ActorCommitments:
    items = tuple(ActorCommitment(
        relative(page, resolved.urls[c.id]), c.commitment,
        tuple(link_view(resolved, page, a, resolved.index[a].name) for a in c.actors if a != actor.id),  # type: ignore[union-attr]
        c.status, c.confidence, c.sources) for c in commitments)
    return ActorCommitments(items, cited_by(resolved, (), (s for c in items for s in c.sources)))


KIND = Kind(name="commitment", file="commitments", spec=SPEC, model=record_class("commitment", Commitment),
            page="commitments.html", title="Commitments", template="commitments.html", view=commitments_view,
            noun="Commitment", tracker=TrackerPart(tracker_view, "_tracker_commitments.html", ids=("tracker",)),
            on_actor_page=ActorPart(made_by, actor_commitments, "_actor_commitments.html", place=40, ids=("commitments",)))
