"""What a link to each id shows: its label, its hover preview, and the noun of a declared kind.

Made once per build, in one pass, at the end of the resolve stage. Pages read it for every
link they render; so in forked render workers they touch this one compact table instead of
the records themselves, which lie all over the heap: reading a record writes its reference
count, and each memory page written is copied into the worker.
"""
from __future__ import annotations

from typing import NamedTuple

from .kind import Lookup
from .model import Actor, Content, Entity


class LinkLabel(NamedTuple):
    label: str  # the link's text when the author gives none
    preview: str  # the hover text (data-preview)
    kind: str  # a declared kind's noun for the preview ("" for the built-in kinds)


def link_labels(content: Content, index: dict[str, Entity], citation_numbers: dict[str, int]) -> dict[str, LinkLabel]:
    lookup = Lookup(index, citation_numbers)
    labels = {entity_id: _label(content, entity, lookup) for entity_id, entity in index.items()}
    return {entity_id: LinkLabel(labels[entity_id], _preview(content, entity, labels, lookup), _kind_noun(content, entity))
            for entity_id, entity in index.items()}


def _label(content: Content, entity: Entity, lookup: Lookup) -> str:
    kind = content.kind_of(entity)
    if kind:
        return kind.link_label(entity, lookup)
    if isinstance(entity, Actor):
        return entity.name
    return entity.title  # type: ignore[union-attr]


def _preview(content: Content, entity: Entity, labels: dict[str, str], lookup: Lookup) -> str:
    if entity.entity == "source":
        return f"[{lookup.citation_numbers[entity.id]}] {entity.title}"  # type: ignore[union-attr]
    kind = content.kind_of(entity)
    if kind:
        return kind.hover(entity, lookup)
    return getattr(entity, "summary", "") or labels[entity.id]


def _kind_noun(content: Content, entity: Entity) -> str:
    kind = content.kind_of(entity)
    return kind.kind_noun if kind else ""
