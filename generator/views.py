"""Plain page views: what a template reads, made once per page before it renders.

Views hold strings, numbers, tuples and small frozen dataclasses (never the resolved briefing),
so they pickle into worker processes and say what a page shows. Markdown stays a doc key, which
the template renders through `links.markdown(key)`, and structured citations stay source ids
(`links.cite(*ids)`): the markup of both is written once, in marks.py.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .resolve import Mention, Resolved
from .urls import relative


@dataclass(frozen=True)
class LinkView:
    href: str  # relative to the page that shows it
    label: str


def link_view(resolved: Resolved, page: str, target: str, label: str) -> LinkView:
    return LinkView(relative(page, resolved.urls[target]), label)


def mentions_of(resolved: Resolved, target: str) -> tuple[Mention, ...]:
    return resolved.backlinks.get(target, ())


def cited_by(resolved: Resolved, doc_keys: Iterable[str], source_ids: Iterable[str] = ()) -> tuple[str, ...]:
    """The sources a page cites, in citation-number order, from the refs of the Markdown texts it
    renders and the source ids of its structured fields (an embedded quotation cites its source)."""
    cited = set(source_ids)
    for key in doc_keys:
        for ref in resolved.docs[key].parsed.refs:
            if ref.kind == "cite":
                cited.add(ref.target)
            elif ref.kind == "embed" and ref.target in resolved.index:
                cited.add(getattr(resolved.index[ref.target], "source"))
    return tuple(sorted(cited, key=lambda s: resolved.citation_numbers[s]))
