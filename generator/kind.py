"""One declaration per entity kind: its fields, model, URL, label and preview, page view and
template, read by every stage (load, validate, resolve, render, export, editor schema).

A kind is a list file of records (`content/FILE.yaml`) shown on one generated page, each record
at `PAGE#id`; or, with `folder=True`, a folder of Markdown files (`content/FILE/ID.md`: front
matter, then the body), each record on its own page (actors, free pages). Adding one is a module
in `generator/kinds/` plus a template; see the README's "How it works". Records are frozen
dataclasses whose fields are named as in the kind's `RecordSpec`, plus `location` (and an
`entity` name, checked by `record_class`).

The optional hooks are where a kind says what the generic path cannot: `make` (checks across
fields or records, computed fields), `label`/`preview`/`owner_title` (how links and backlinks
name a record), `to_json`/`json_schema` (a record in briefing.json), and what it adds to pages
and files other kinds or the engine make: `on_actor_page` (a section on each actor's page, of
the records that name the actor), `on_home_page` (a section on the home page), `on_timeline`
(entries among the events on the timeline), `tracker` (a table on a free page that asks for
it), `dated` (entries in the calendar and the feed), `quoting` (words checked against a
source's text). The built-in kinds use them; a new kind usually needs none.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Protocol

from .dates import FuzzyDate, describe
from .errors import Location
from .headings import TEMPLATE_IDS
from .model import Markdown
from . import schema
from .schema import RecordSpec
from .urls import GENERATED_PAGES


class KindRecord(Protocol):
    """What every stage may ask of a record of a declared kind."""

    @property
    def id(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def location(self) -> Location: ...
    @property
    def title(self) -> str: ...


class Checks(Protocol):
    """What a kind's `make` hook may ask of the validator, beyond the record's own values."""

    @property
    def as_of(self) -> date | None: ...  # the briefing date; None when briefing.yaml is broken (already reported)
    @property
    def source_texts(self) -> Mapping[str, str]: ...  # the sources' full texts by file name

    def fail(self, location: Location, message: str, hint: str = "") -> None: ...
    def warn(self, location: Location, message: str, hint: str = "") -> None: ...
    def drop(self, record_id: str) -> None: ...  # the record is too broken to build: refs to it are not "unknown"
    def dropped(self, record_id: str) -> bool: ...
    def records(self, file: str) -> Mapping[str, Any] | None: ...  # by id, of a kind built before; None if a file was unreadable


@dataclass(frozen=True)
class Lookup:
    """What a kind's naming hooks may read: every record by id, and the sources' citation numbers."""

    index: Mapping[str, Any]
    citation_numbers: Mapping[str, int] = field(default_factory=dict)

    def name(self, actor_id: str) -> str:
        """An actor's name, or its id where it is unknown (a briefing with errors is never rendered)."""
        actor = self.index.get(actor_id)
        return actor.name if actor is not None and actor.entity == "actor" else actor_id


@dataclass(frozen=True)
class ActorPart:
    """A kind's section on each actor's page: its records that name the actor, shown by the kind's
    own template (which reads `part`, the view). A view has `cites`, the sources it cites."""

    names: Callable[[Any], Iterable[str]]  # the actors a record names: a quotation its speaker, an event its actors
    view: Callable[[Any, Any, tuple[Any, ...], str], Any]  # (resolved, actor, its records, page) -> view, or None: no section
    template: str  # in templates/
    place: int = 100  # order on the page, lower first (quotations 10, analyst views 20, events 30, commitments 40)
    ids: tuple[str, ...] = ()  # the element ids its template gives: no heading in the actor's text takes one


@dataclass(frozen=True)
class TrackerPart:
    """A kind's table that a free page shows after its body when its front matter names the kind's
    file (`tracker: FILE`), by the kind's own template, which reads `part`, the view."""

    view: Callable[[Any, tuple[Any, ...], str], Any]  # (resolved, records, page) -> view with `cites`
    template: str  # in templates/
    ids: tuple[str, ...] = ()  # the element ids its template gives: no heading in the page's text takes one


@dataclass(frozen=True)
class TimelinePart:
    """A kind's records on the timeline (the event kind's page), each at its date among the events
    and shown by the kind's own `entry` template (which reads `item`, the record), and a section
    above them (`summary`, by its `summary_template`, which reads `part`). An entry shows its
    record's texts only if the kind's page is the timeline (its texts render there); else it links."""

    date: Callable[[Any], FuzzyDate | None]  # a record's date on the timeline (None: not on it)
    entry: str  # in templates/: one record's entry in the timeline's list
    summary: Callable[[Any, tuple[Any, ...], str], Any] | None = None  # (resolved, records, page) -> view with `cites`, or None
    summary_template: str = ""  # in templates/


@dataclass(frozen=True)
class HomePart:
    """A kind's section on the home page (the deadlines' "What to watch next"), shown by the kind's
    own template, which reads `part`, the view."""

    view: Callable[[Any, tuple[Any, ...], str], Any]  # (resolved, records, page) -> view, or None: no section
    template: str  # in templates/


@dataclass(frozen=True)
class Dated:
    """A record as the calendar (deadlines.ics) shows it, and the feed if `in_feed`."""

    date: FuzzyDate
    summary: str  # the calendar entry's title
    category: str
    text: str  # doc key of the Markdown text that opens its description (and is the feed entry)
    notes: tuple[str, ...] = ()  # description lines after that text, before the date
    in_feed: bool = False  # an Atom entry too, once its date has begun by the briefing date


@dataclass(frozen=True)
class Kind:
    """A kind of record, declared once. Functions are module-level (never lambdas), so a kind
    can be named from a worker process; views it makes are plain, picklable data."""

    name: str  # entity name, as messages and `ref:NAME` field types say it
    file: str  # content/FILE.yaml (a folder kind: content/FILE/); also its key in briefing.json and `require_evidence`
    spec: RecordSpec  # fields, types, docs: drives validation, editor schema and README reference
    model: type  # frozen dataclass with the spec's fields plus `location`
    page: str  # the generated page listing every record, where each lives at PAGE#id ("": none)
    title: str  # the page's title and its line in the home page's contents
    menu: str = ""  # its entry in the main menu; default: `title`
    template: str = ""  # in templates/; reads `view`. "": the records show on another kind's page
    view: Callable[[Any, tuple[Any, ...], str], Any] | None = None  # (resolved, records, page) -> page view
    owner_title: Callable[[Any, Lookup], str] | None = None  # backlinks' "Mentioned in" wording; default: the page title
    label: Callable[[Any, Lookup], str] | None = None  # a [[link]]'s text; default: the record's title
    preview: Callable[[Any, Lookup], str] | None = None  # hover text of a [[link]]; default: its label
    gloss: Callable[[Any], tuple[str, ...]] | None = None  # names whose first use on other pages links to the record
    count_words: str = ""  # after the count in the home page's contents: "terms", or "event|events" (one|more)
    noun: str = ""  # what a link preview calls a record (its links' `data-kind`); default: `title`
    make: Callable[[dict[str, Any], Checks], Any] | None = None  # the record from checked values (None: drop it)
    folder: bool = False  # records are content/FILE/ID.md (front matter + Markdown body), each on its own page:
    record_url: Callable[[str], str] | None = None  # a record's own page, from its id
    record_template: str = ""  # the template of each record's page; reads `view`
    record_view: Callable[[Any, Any, str, Any], Any] | None = None  # (resolved, record, page, prepared) -> its page view
    prepare: Callable[[Any], Any] | None = None  # (resolved) -> what every record_view shares, made once per build
    lookups: Callable[[Any, tuple[Any, ...]], dict[str, Any]] | None = None  # (content, records) -> names every template may read
    unused: tuple[str, str] | None = None  # (what, hint): a warning for a record nothing refers to; `{id}` in the hint is its id
    texts: tuple[str, ...] | None = None  # its Markdown fields that are texts of the briefing; default: every one
    to_json: Callable[[Any, Any], dict[str, Any]] | None = None  # (record, resolved) -> its briefing.json entry
    json_schema: Callable[[], dict[str, Any]] | None = None  # the JSON Schema of `to_json`'s entries
    on_actor_page: ActorPart | None = None  # its section on each actor's page
    on_home_page: HomePart | None = None  # its section on the home page
    on_timeline: TimelinePart | None = None  # its records among the events on the timeline
    tracker: TrackerPart | None = None  # its table on a free page whose front matter says `tracker: FILE`
    dated: Callable[[Any, date], Dated | None] | None = None  # (record, as_of) -> its calendar entry (None: none)
    quoting: Callable[[Any], tuple[str, str] | None] | None = None  # (source id, exact words) a record quotes, checked against its text
    evidence: bool = True  # a list kind: briefing.yaml's `require_evidence` may name its file

    @property
    def fixed(self) -> bool:
        """Its page is one of the site's own (actors, timeline, views, quotations, sources): made
        even with no records, at its fixed place in the site and the menu (urls.GENERATED_PAGES)."""
        return self.page in GENERATED_PAGES

    @property
    def kind_noun(self) -> str:
        return self.noun or self.title

    def count(self, n: int) -> str:
        """`n` records as the home page's contents count them: "12", "12 terms", "1 event"."""
        one, _, more = self.count_words.rpartition("|")
        words = one if one and n == 1 else more
        return f"{n} {words}" if words else str(n)

    def url(self, record: KindRecord) -> str:
        return self.record_url(record.id) if self.record_url else f"{self.page}#{record.id}"

    def build(self, values: dict[str, Any], checks: Checks) -> Any:
        """The record from validated values: a missing optional field is () for lists, else None."""
        if self.make is not None:
            return self.make(values, checks)
        return self.model(**{f.name: values.get(f.name, () if f.type.startswith("list:") else None)
                             for f in self.spec.fields}, location=values["_location"])

    def markdown_fields(self, record: KindRecord) -> Iterator[tuple[str, Markdown]]:
        """(doc key, text) for each Markdown field of a record; the key is `ID-FIELD` (a folder
        kind's body: `ID-body`)."""
        if self.folder:
            yield f"{record.id}-body", getattr(record, "body")
        for f in self.spec.fields:
            if f.type == "markdown" and (self.texts is None or f.name in self.texts):
                value = getattr(record, f.name)
                if value is not None:
                    yield f"{record.id}-{f.name}", value

    def owner(self, record: KindRecord, lookup: Lookup) -> str:
        return self.owner_title(record, lookup) if self.owner_title else self.title

    def link_label(self, record: KindRecord, lookup: Lookup) -> str:
        return self.label(record, lookup) if self.label else record.title

    def hover(self, record: KindRecord, lookup: Lookup) -> str:
        return self.preview(record, lookup) if self.preview else self.link_label(record, lookup)

    def export(self, record: KindRecord, resolved: Any) -> dict[str, Any]:
        """The record in briefing.json: id, url, then every field in spec order."""
        if self.to_json is not None:
            return self.to_json(record, resolved)
        data: dict[str, Any] = {"id": record.id, "url": resolved.urls[record.id]}
        for f in self.spec.fields[1:]:
            data[f.name] = _json_value(getattr(record, f.name))
        return data

    def export_schema(self) -> dict[str, Any]:
        """The JSON Schema of `export`'s records, from the spec's types."""
        if self.json_schema is not None:
            return self.json_schema()
        properties: dict[str, Any] = {"id": _JSON_ID, "url": {"type": "string", "description":
                                                             "Page (and #anchor) in the site, relative to its root."}}
        for f in self.spec.fields[1:]:
            kind_schema = _json_type(f.type)
            properties[f.name] = kind_schema if f.required or f.type.startswith("list:") else \
                {"oneOf": [kind_schema, {"type": "null"}]}
        return {"type": "object", "description": self.spec.doc, "properties": properties,
                "required": list(properties), "additionalProperties": False}


def titled(record: Any, lookup: Lookup) -> str:
    """`owner_title=titled`: backlinks name each of the kind's texts by its record's title."""
    return str(record.title)


def record_class(name: str, cls: type) -> type:
    """Check a kind's model against the dataclass shape the stages rely on."""
    names = {f.name for f in fields(cls)}
    assert {"id", "location"} <= names, f"{name}: a record needs `id` and `location` fields"
    entity = next((f for f in fields(cls) if f.name == "entity"), None)
    assert entity is not None and entity.default == name and not entity.init, \
        f"{name}: declare `entity: str = field(default={name!r}, init=False)`"
    return cls


_JSON_ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}


def _json_type(type_: str) -> dict[str, Any]:
    if type_.startswith("list:"):
        return {"type": "array", "items": _json_type(type_[5:])}
    if type_.startswith("enum:"):
        return {"enum": type_[5:].split("|")}
    if type_ == "int":
        return {"type": "integer"}
    if type_ == "date":
        return {"$ref": "#/$defs/date"}
    if type_ == "slug" or type_.startswith("ref:"):
        return _JSON_ID
    return {"type": "string"}


def _json_value(value: Any) -> Any:
    if isinstance(value, Markdown):
        return value.text
    if isinstance(value, FuzzyDate):
        return {"text": value.text, "precision": value.precision, "first": value.first.isoformat(),
                "last": value.last.isoformat(), "label": describe(value)}
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def list_files(kinds: tuple[Kind, ...]) -> dict[str, RecordSpec]:
    """Every list file of content/ and the record it holds, in the briefing's order."""
    return {kind.file: record_spec(kind, kinds) for kind in kinds if not kind.folder}


def folders(kinds: tuple[Kind, ...]) -> tuple[str, ...]:
    """Every folder of content/ that holds one Markdown file per record."""
    return tuple(kind.file for kind in kinds if kind.folder)


def briefing_spec(kinds: tuple[Kind, ...]) -> RecordSpec:
    """`require_evidence` may name briefing.yaml's own texts (schema.EVIDENCE_FIELDS), then the
    files of the list kinds that allow it (`Kind.evidence`), in their declared order."""
    return schema.briefing_spec(tuple(kind.file for kind in kinds if kind.evidence and not kind.folder))


def record_spec(kind: Kind, kinds: tuple[Kind, ...]) -> RecordSpec:
    """A kind's spec as the briefing's kinds complete it: a `tracker` field may name the file of
    each kind that gives free pages a table (`Kind.tracker`), and its doc's `{trackers}` lists them."""
    trackers = tuple(other.file for other in kinds if other.tracker)
    return replace(kind.spec, fields=tuple(
        replace(f, type="enum:" + "|".join(trackers), doc=f.doc.replace("{trackers}", ", ".join(f"`{t}`" for t in trackers)))
        if f.type == "tracker" else f for f in kind.spec.fields))


def record_specs(kinds: tuple[Kind, ...]) -> tuple[RecordSpec, ...]:
    """Every top-level record, for the editor schemas and the README's field reference."""
    return (briefing_spec(kinds), *(record_spec(kind, kinds) for kind in kinds))


def page_ids(kinds: tuple[Kind, ...]) -> frozenset[str]:
    """The ids an actor's page or a free page gives its own elements, which no heading in its text
    may take: the engine's templates' (headings.TEMPLATE_IDS) and those of the kinds' sections there."""
    return TEMPLATE_IDS | {i for kind in kinds for part in (kind.on_actor_page, kind.tracker) if part for i in part.ids}
