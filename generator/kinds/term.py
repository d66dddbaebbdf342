"""Glossary terms: defined on glossary.html, and the first use of each (or of an alias) in
running text on every other page links to its definition."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location
from ..kind import Kind, Lookup, record_class
from ..model import Markdown
from ..resolve import Mention, Resolved, plain_text
from ..schema import F, R, RecordSpec
from ..views import cited_by, mentions_of

SPEC = RecordSpec("term", "`content/glossary.yaml`: a list of terms; the first use of each on a page links to it.", (
    R("id", "slug", "Id used in `[[id]]` links."),
    R("term", "text", "The term as readers meet it."),
    F("aliases", "list:text", "Other spellings that also link to it."),
    R("definition", "markdown", "What it means, with citations."),
))


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    aliases: tuple[str, ...]
    definition: Markdown
    location: Location
    entity: str = field(default="term", init=False)

    @property
    def title(self) -> str:
        return self.term


@dataclass(frozen=True)
class TermView:
    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str  # doc key
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class GlossaryView:
    terms: tuple[TermView, ...]  # in alphabetical order
    cites: tuple[str, ...]


def glossary_view(resolved: Resolved, records: tuple[Any, ...], page: str) -> GlossaryView:
    terms = tuple(TermView(t.id, t.term, t.aliases, f"{t.id}-definition", mentions_of(resolved, t.id))
                  for t in sorted(records, key=lambda t: t.term.lower()))
    return GlossaryView(terms, cited_by(resolved, (t.definition for t in terms)))


def owner_title(term: Any, lookup: Lookup) -> str:
    return f"Glossary: {term.term}"


def definition_preview(term: Any, lookup: Lookup) -> str:
    """The definition in plain words: a glossary link's hover text."""
    return plain_text(term.definition.text) or term.term


def names(term: Any) -> tuple[str, ...]:
    return (term.term, *term.aliases)


KIND = Kind(name="term", file="glossary", spec=SPEC, model=record_class("term", Term), page="glossary.html",
            title="Glossary", template="glossary.html", view=glossary_view, owner_title=owner_title,
            preview=definition_preview, gloss=names, count_words="terms")
