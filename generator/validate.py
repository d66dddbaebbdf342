"""Stage 2, validate: turn parsed YAML trees into typed records, reporting every problem.

Conversion is driven by the schema in schema.py. References between records are collected
as `FieldRef`s here and checked in the resolve stage, where the whole briefing is known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from typing import Any

from . import schema
from datetime import date

from .dates import DATE_FORMS, DateError, FuzzyDate, parse_date
from .errors import Diagnostic, Location, closest, did_you_mean, error, warning
from .kind import Kind, briefing_spec, record_spec
from .load import RawContent, RawFile
from .model import SUMMARY_HEADINGS, Briefing, Content, KeyFigure, Markdown, StanceLevel
from .yamlsafe import YMap, YNode, YScalar, YSeq

_SLUG = re.compile(schema.SLUG)
MAX_ID_LENGTH = 100  # ids name output files; file systems refuse names over 255 bytes


def id_problem(text: str) -> str | None:
    """Why `text` is not an id, or None. A whole-string match: `$` would accept a trailing newline."""
    if _SLUG.fullmatch(text) is None:
        return "lowercase letters, digits and dashes"
    if len(text) > MAX_ID_LENGTH:
        return f"at most {MAX_ID_LENGTH} characters long"
    return None


@dataclass(frozen=True)
class FieldRef:
    """A reference from a structured field to another record, checked once all ids are known."""

    kind: str  # actor | source | quote | stance | event
    target: str
    location: Location


@dataclass
class _Checker:
    problems: list[Diagnostic]
    refs: list[FieldRef]
    broken_ids: set[str] = field(default_factory=set)  # records too broken to build

    def fail(self, location: Location, message: str, hint: str = "") -> None:
        self.problems.append(error(location, message, hint))

    def record(self, node: YNode | None, spec: schema.RecordSpec, where: Location) -> dict[str, Any] | None:
        if not isinstance(node, YMap):
            self.fail(getattr(node, "location", where), f"expected a {spec.name} (a mapping of fields)",
                      f"write `field: value` lines; fields: {', '.join(f.name for f in spec.fields)}")
            return None
        values: dict[str, Any] = {"_location": node.location,
                                  "_lines": {key: where for key, (where, _) in node.items.items()}}
        misspelt = set()
        for key, (key_location, value) in node.items.items():
            field = spec.field(key)
            if field is None:
                misspelt.add(self._unknown_field(key, key_location, spec))
                continue
            converted = self.value(value, field.type, field.name)
            if converted is not None:
                values[key] = converted
        for field in spec.fields:  # a misspelt required field is reported once, as unknown
            if field.required and field.name not in node.items and field.name not in misspelt:
                self.fail(node.location, f"{spec.name} is missing required field '{field.name}'",
                          f"add `{field.name}:` ({field.doc})")
        return values

    def _unknown_field(self, key: str, location: Location, spec: schema.RecordSpec) -> str:
        """Report the field; return the name it was probably meant to be ('' if none)."""
        names = [f.name for f in spec.fields]
        guess = did_you_mean(key, names)
        self.fail(location, f"unknown field '{key}' in {spec.name}",
                  (guess + " " if guess else "") + f"allowed fields: {', '.join(names)}")
        return closest(key, names)

    def value(self, node: YNode, type_: str, name: str) -> Any:
        if type_.startswith("list:"):
            if not isinstance(node, YSeq):
                self.fail(node.location, f"'{name}' must be a list", f"write each item on its own `- ` line")
                return None
            items = [self.value(item, type_[5:], name) for item in node.items]
            return tuple(item for item in items if item is not None)
        if type_.startswith("record:"):
            return self.record(node, schema.NESTED[type_[7:]], node.location)
        if not isinstance(node, YScalar):
            self.fail(node.location, f"'{name}' must be a single value, not a list or mapping",
                      "write it on one line after the colon, or as a `|` block")
            return None
        return self.scalar(node, type_, name)

    def scalar(self, node: YScalar, type_: str, name: str) -> Any:
        text, where = node.value.strip(), node.location
        if not text:
            self.fail(where, f"'{name}' is empty", "give it a value or remove the line")
            return None
        if type_ == "markdown":
            return Markdown(node.value, node.text_location)
        if type_ == "text":
            return " ".join(text.split())
        if type_ == "date":
            return self.date(text, where, name)
        if type_ == "int":
            if not re.fullmatch(r"\d{1,6}", text):
                self.fail(where, f"'{name}' must be a whole number, got '{text}'", "write digits only, e.g. `90`")
                return None
            return int(text)
        if type_ == "url":
            if not re.match(r"^https?://[^\s]+$", text, re.IGNORECASE):
                self.fail(where, f"'{name}' must be an http:// or https:// address, got '{text}'",
                          "use a full web address; other schemes (javascript:, data:, file:) are refused")
                return None
            return text
        if type_.startswith("enum:"):
            options = type_[5:].split("|")
            if text not in options:
                self.fail(where, f"'{name}' must be one of {', '.join(options)}, got '{text}'",
                          did_you_mean(text, options) or "pick one of the listed values")
                return None
            return text
        if problem := id_problem(text):
            self.fail(where, f"'{name}' must be an id of {problem}, got '{text[:120]}'",
                      "write it like `howard-lutnick`")
            return None
        if type_.startswith("ref:"):
            self.refs.append(FieldRef(type_[4:], text, where))
        return text

    def date(self, text: str, where: Location, name: str) -> FuzzyDate | None:
        try:
            return parse_date(text)
        except DateError as exc:
            self.fail(where, f"bad date in '{name}': {exc}", f"write one of {DATE_FORMS}")
            return None


@dataclass
class _KindChecks:
    """What a declared kind's `make` hook may ask (kind.Checks), and each kind's records once built."""

    checker: _Checker
    as_of: date | None
    source_texts: dict[str, str]
    built: dict[str, dict[str, Any]] | None  # by file, by id; None when some content file could not be read

    def fail(self, location: Location, message: str, hint: str = "") -> None:
        self.checker.fail(location, message, hint)

    def warn(self, location: Location, message: str, hint: str = "") -> None:
        self.checker.problems.append(warning(location, message, hint))

    def drop(self, record_id: str) -> None:
        self.checker.broken_ids.add(record_id)

    def dropped(self, record_id: str) -> bool:
        return record_id in self.checker.broken_ids

    def records(self, file: str) -> dict[str, Any] | None:
        return None if self.built is None else self.built.get(file, {})

    def build(self, kind: Kind, values: list[dict[str, Any]]) -> tuple[Any, ...]:
        records = tuple(record for record in (kind.build(v, self) for v in values) if record is not None)
        if self.built is not None:
            self.built[kind.file] = {record.id: record for record in records}
        return records


@dataclass(frozen=True)
class Validated:
    content: Content | None  # None when briefing.yaml itself is unusable
    refs: list[FieldRef]
    problems: list[Diagnostic]
    broken_ids: frozenset[str]  # ids of records dropped for errors: references to them are not "unknown"


def validate_content(raw: RawContent, kinds: tuple[Kind, ...] = ()) -> Validated:
    """Build the typed briefing, with the records of each declared kind, and report every
    problem found on the way."""
    checker = _Checker([], [])
    briefing = _briefing(raw.briefing, briefing_spec(kinds), checker)
    as_of = briefing.as_of if briefing else None
    values = {kind.file: _file_records(raw.markdown.get(kind.file, ()), record_spec(kind, kinds), checker) if kind.folder
              else _list_records(raw.lists.get(kind.file), record_spec(kind, kinds), checker) for kind in kinds}
    checks = _KindChecks(checker, as_of, raw.source_texts, None if raw.unreadable else {})
    declared = tuple((kind, checks.build(kind, values[kind.file])) for kind in kinds)
    content = None if briefing is None else Content(briefing, declared)
    return Validated(content, checker.refs, checker.problems, frozenset(checker.broken_ids))


def validate_markdown_file(kind: Kind, raw: RawFile, kinds: tuple[Kind, ...]) -> tuple[Any, list[Diagnostic]]:
    """One file of a folder kind (content/actors, content/pages) as `validate_content` makes it
    among `kinds` (the preview's fast path for an edited body)."""
    checker = _Checker([], [])
    values = _front_matter(raw, record_spec(kind, kinds), checker)
    record = kind.build(values, _KindChecks(checker, None, {}, None)) if values is not None else None
    return record, checker.problems


def _file_records(files: tuple[RawFile, ...], spec: schema.RecordSpec, checker: _Checker) -> list[dict[str, Any]]:
    return [values for values in (_front_matter(f, spec, checker) for f in files) if values is not None]


def _list_records(raw: RawFile | None, spec: schema.RecordSpec, checker: _Checker) -> list[dict[str, Any]]:
    if raw is None or raw.node is None:
        return []
    if not isinstance(raw.node, YSeq):
        checker.fail(raw.node.location, f"{raw.path} must be a list of {spec.name} records",
                     f"start each {spec.name} with `- id: ...`")
        return []
    records = []
    for item in raw.node.items:
        record = checker.record(item, spec, item.location)
        if record is not None and all(f.name in record for f in spec.fields if f.required):
            records.append(record)
        elif isinstance(item, YMap) and "id" in item.items:
            id_node = item.items["id"][1]
            if isinstance(id_node, YScalar):
                checker.broken_ids.add(id_node.value.strip())
    return records


def _briefing(raw: RawFile | None, spec: schema.RecordSpec, checker: _Checker) -> Briefing | None:
    if raw is None:
        return None
    v = checker.record(raw.node, spec, Location(raw.path, 1))
    if v is None or not all(f.name in v for f in spec.fields if f.required):
        return None
    as_of: FuzzyDate = v["as_of"]
    if as_of.precision != "day":
        checker.fail(v["_location"], f"'as_of' must be a single day, got '{as_of.text}'", "write it as YYYY-MM-DD")
    empty = Markdown("", v["_location"])
    return Briefing(
        title=v["title"], subtitle=v.get("subtitle", ""), bottom_line=v["bottom_line"], status=v.get("status", empty),
        as_of=as_of.first, base_url=v.get("base_url", "").rstrip("/"), language=v.get("language", "en"),
        editors=v.get("editors", ()),
        stance_scale=tuple(StanceLevel(s["id"], s["label"], s["description"]) for s in v.get("stance_scale", ())
                           if {"id", "label", "description"} <= s.keys()),
        key_figures=tuple(KeyFigure(f["value"], f["label"]) for f in v.get("key_figures", ())
                          if {"value", "label"} <= f.keys()),
        location=v["_location"],
        summary=tuple((key, v["summary"][key]) for key in SUMMARY_HEADINGS if key in v.get("summary", {})),
        updated=v["updated"].first if "updated" in v else None,
        require_evidence=v.get("require_evidence", ()))


def _front_matter(raw: RawFile, spec: schema.RecordSpec, checker: _Checker) -> dict[str, Any] | None:
    where = Location(raw.path, 1)
    if problem := id_problem(raw.stem):
        checker.fail(where, f"file name '{raw.stem[:120]}' is not a valid id",
                     f"rename the file to {problem}, e.g. `howard-lutnick.md`")
        return None
    values = checker.record(raw.node, spec, where)
    if values is None or not all(f.name in values for f in spec.fields if f.required):
        checker.broken_ids.add(raw.stem)
        return None
    values["_location"] = where
    values["id"] = raw.stem
    values["body"] = Markdown(raw.body, Location(raw.path, raw.body_line))
    return values
