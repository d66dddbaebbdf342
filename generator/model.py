"""The briefing as typed, frozen records. No I/O here; every record knows where it came from."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from .errors import Location

if TYPE_CHECKING:
    from .kind import Kind
    from .kinds.quote import Quote
    from .kinds.source import Source

EntityKind = Literal["actor", "page"]  # the records whose dataclasses live here (kinds/actor.py, kinds/page.py declare them)
SUMMARY_HEADINGS = {"agreed": "Agreed", "not_agreed": "Not agreed", "next": "What's next", "unknown": "What we don't know"}


@dataclass(frozen=True)
class Markdown:
    """Markdown text plus the file line its first line sits on, for file:line errors."""

    text: str
    location: Location


@dataclass(frozen=True)
class StanceLevel:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class KeyFigure:
    value: str
    label: Markdown


@dataclass(frozen=True)
class Briefing:
    title: str
    subtitle: str
    bottom_line: Markdown
    status: Markdown
    as_of: date
    base_url: str
    language: str
    editors: tuple[str, ...]
    stance_scale: tuple[StanceLevel, ...]
    key_figures: tuple[KeyFigure, ...]
    location: Location
    summary: tuple[tuple[str, tuple[Markdown, ...]], ...] = ()  # (SUMMARY_HEADINGS key, bullets), in that order
    updated: date | None = None
    require_evidence: tuple[str, ...] = ()

    @property
    def last_updated(self) -> date:
        return self.updated or self.as_of


@dataclass(frozen=True)
class NativeName:
    text: str
    lang: str


@dataclass(frozen=True)
class Role:
    title: str
    sources: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: Literal["person", "organisation", "group"]
    side: str
    affiliation: str | None
    roles: tuple[Role, ...]
    summary: str
    body: Markdown
    location: Location
    native_name: NativeName | None = None
    entity: EntityKind = field(default="actor", init=False)

    @property
    def title(self) -> str:
        return self.name


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    summary: str
    order: int
    body: Markdown
    location: Location
    tracker: str | None = None
    entity: EntityKind = field(default="page", init=False)


Entity = Any  # a record of a declared kind (kind.py): Actor, Page, or one defined in its kind's module


@dataclass(frozen=True)
class Content:
    """Everything the loader and validator produced, before references are resolved: the briefing
    and each declared kind (kind.py) with its records, in the order of the declarations."""

    briefing: Briefing
    declared: tuple[tuple[Kind, tuple[Any, ...]], ...] = ()

    def entities(self) -> tuple[Entity, ...]:
        """Every record, in the briefing's one order (the kinds' declarations, then file order)."""
        return tuple(record for _, records in self.declared for record in records)

    # Typed access to the records the engine itself reads: actors and free pages (their dataclasses
    # are here), and the sources and quotations that citations `[@id]` and embeds `![[id]]` name.
    @property
    def actors(self) -> tuple[Actor, ...]:
        return self.records("actors")

    @property
    def pages(self) -> tuple[Page, ...]:
        return self.records("pages")

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.records("sources")

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.records("quotes")

    def fixed_kinds(self) -> tuple[tuple[Kind, tuple[Any, ...]], ...]:
        """The declared kinds of the site's own pages (Kind.fixed), with their records."""
        return tuple((kind, records) for kind, records in self.declared if kind.fixed)

    def other_kinds(self) -> tuple[tuple[Kind, tuple[Any, ...]], ...]:
        return tuple((kind, records) for kind, records in self.declared if not kind.fixed)

    def records(self, file: str) -> tuple[Any, ...]:
        """The records of the declared kind read from content/FILE.yaml or content/FILE/ (none if it
        is not declared)."""
        return next((records for kind, records in self.declared if kind.file == file), ())

    def with_records(self, file: str, records: tuple[Any, ...]) -> Content:
        """The briefing with `records` in place of the kind's from content/FILE(.yaml)."""
        return replace(self, declared=tuple((kind, records if kind.file == file else old) for kind, old in self.declared))

    def kind_of(self, entity: Any) -> Kind | None:
        """The declaration of a record's kind, for records of declared kinds."""
        return next((kind for kind, _ in self.declared if kind.name == entity.entity), None)
