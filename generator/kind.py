"""One declaration per entity kind: its fields, model, URL, label and preview, page view and
template, read by every stage (load, validate, resolve, render, export, editor schema).

A kind is a list file of records (`content/FILE.yaml`) shown on one generated page, each record
at `PAGE#id`. Adding one is a module in `generator/kinds/` plus a template; see the README's
"How it works". Records are frozen dataclasses whose fields are named as in the kind's
`RecordSpec`, plus `location` (and an `entity` name, set by `record_class`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any, Protocol

from .dates import FuzzyDate, describe
from .errors import Location
from .model import Markdown
from . import schema
from .schema import RecordSpec


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


@dataclass(frozen=True)
class Kind:
    """A kind of record, declared once. Functions are module-level (never lambdas), so a kind
    can be named from a worker process; views it makes are plain, picklable data."""

    name: str  # entity name, as messages and `ref:NAME` field types say it
    file: str  # content/FILE.yaml; also the key in briefing.json and in `require_evidence`
    spec: RecordSpec  # fields, types, docs: drives validation, editor schema and README reference
    model: type  # frozen dataclass with the spec's fields plus `location`
    page: str  # the generated page listing every record; a record lives at PAGE#id
    title: str  # the page's title, its navigation entry and its line in the home page's contents
    template: str  # in templates/; reads `view`, the object `view` returns
    view: Callable[[Any, tuple[Any, ...], str], Any]  # (resolved, records, page) -> page view
    owner_title: Callable[[Any], str] | None = None  # backlinks' "Mentioned in" wording; default: the page title
    preview: Callable[[Any], str] | None = None  # hover text of a [[link]]; default: the record's title
    gloss: Callable[[Any], tuple[str, ...]] | None = None  # names whose first use on other pages links to the record
    count_words: str = ""  # after the count in the home page's contents, e.g. "terms"
    noun: str = ""  # what a link preview calls a record (`data-kind`); default: `title`

    @property
    def label(self) -> str:
        return self.noun or self.title

    def url(self, record: KindRecord) -> str:
        return f"{self.page}#{record.id}"

    def build(self, values: dict[str, Any]) -> Any:
        """The record from validated values: a missing optional field is () for lists, else None."""
        return self.model(**{f.name: values.get(f.name, () if f.type.startswith("list:") else None)
                             for f in self.spec.fields}, location=values["_location"])

    def markdown_fields(self, record: KindRecord) -> Iterator[tuple[str, Markdown]]:
        """(doc key, text) for each Markdown field of a record; the key is `ID-FIELD`."""
        for f in self.spec.fields:
            value = getattr(record, f.name)
            if f.type == "markdown" and value is not None:
                yield f"{record.id}-{f.name}", value

    def owner(self, record: KindRecord) -> str:
        return self.owner_title(record) if self.owner_title else self.title

    def hover(self, record: KindRecord) -> str:
        return self.preview(record) if self.preview else record.title

    def export(self, record: KindRecord, url: str) -> dict[str, Any]:
        """The record in briefing.json: id, url, then every field in spec order."""
        data: dict[str, Any] = {"id": record.id, "url": url}
        for f in self.spec.fields[1:]:
            data[f.name] = _json_value(getattr(record, f.name))
        return data

    def export_schema(self) -> dict[str, Any]:
        """The JSON Schema of `export`'s records, from the spec's types."""
        properties: dict[str, Any] = {"id": _JSON_ID, "url": {"type": "string", "description":
                                                             "Page (and #anchor) in the site, relative to its root."}}
        for f in self.spec.fields[1:]:
            kind_schema = _json_type(f.type)
            properties[f.name] = kind_schema if f.required or f.type.startswith("list:") else \
                {"oneOf": [kind_schema, {"type": "null"}]}
        return {"type": "object", "description": self.spec.doc, "properties": properties,
                "required": list(properties), "additionalProperties": False}


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
    """Every list file of content/ and the record it holds: the built-in ones, then each kind's."""
    return {**schema.LIST_FILES, **{kind.file: kind.spec for kind in kinds}}


def briefing_spec(kinds: tuple[Kind, ...]) -> RecordSpec:
    return schema.briefing_spec(tuple(kind.file for kind in kinds))


def record_specs(kinds: tuple[Kind, ...]) -> tuple[RecordSpec, ...]:
    """Every top-level record, for the editor schemas and the README's field reference."""
    return (briefing_spec(kinds), *schema.RECORDS[1:], *(kind.spec for kind in kinds))
