"""What a link to each id shows: its label, its hover preview, and the noun of a declared kind.

Made once per build, in one pass, at the end of the resolve stage. Pages read it for every
link they render; so in forked render workers they touch this one compact table instead of
the records themselves, which lie all over the heap: reading a record writes its reference
count, and each memory page written is copied into the worker.
"""
from __future__ import annotations

from typing import NamedTuple

from .kind import Lookup
from .model import Content, Entity


class LinkLabel(NamedTuple):
    label: str  # the link's text when the author gives none
    preview: str  # the hover text (data-preview)
    kind: str  # its kind's noun, which names it in link previews (`data-kind`)


def link_labels(content: Content, index: dict[str, Entity], citation_numbers: dict[str, int]) -> dict[str, LinkLabel]:
    """Each record's label, hover text and noun, as its kind declares them (kind.py)."""
    lookup = Lookup(index, citation_numbers)
    kinds = {kind.name: kind for kind, _ in content.declared}
    labels = {}
    for entity_id, entity in index.items():
        kind = kinds[entity.entity]
        labels[entity_id] = LinkLabel(kind.link_label(entity, lookup), kind.hover(entity, lookup), kind.kind_noun)
    return labels
