"""The whole resolved briefing as data: `briefing.json`, and the JSON Schema it follows.

Markdown fields are exported as their Markdown text; every record carries its page `url`
(relative to the site's root) and deadlines carry their computed due date and status as of the
briefing date. Reading order follows the content files, so the bytes are stable between builds.
"""
from __future__ import annotations

import io
import json
from typing import Any

from .dates import FuzzyDate, describe
from .kind import Kind
from .model import Actor, Deadline, Event, Markdown, Page, Quote, Source, View, deadline_status
from .render import passage_url
from .resolve import Mention, Resolved

DATA_FILE = "briefing.json"
SCHEMA_FILE = "briefing.schema.json"
SCHEMA_VERSION = 1


def briefing_json(resolved: Resolved) -> bytes:
    return _dump(briefing_data(resolved))


def briefing_schema_json(kinds: tuple[Kind, ...] = ()) -> bytes:
    return _dump(briefing_schema(kinds))


JSON_PIECES_PER_WRITE = 8192


def _dump(data: Any) -> bytes:
    """The same bytes as `json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`, encoded a few
    thousand pieces at a time: json.dumps holds every piece of the document at once (with an
    indent it has no C encoder), ~3x the document's size, 470 MB at 30,000 pages."""
    out, pieces = io.BytesIO(), []
    for piece in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data):
        pieces.append(piece)
        if len(pieces) == JSON_PIECES_PER_WRITE:
            out.write("".join(pieces).encode("utf-8"))
            pieces.clear()
    out.write(("".join(pieces) + "\n").encode("utf-8"))
    return out.getvalue()


def briefing_data(resolved: Resolved) -> dict[str, Any]:
    c, b = resolved.content, resolved.content.briefing
    return {
        "$schema": SCHEMA_FILE, "schema_version": SCHEMA_VERSION,
        "briefing": {
            "title": b.title, "subtitle": b.subtitle, "as_of": b.as_of.isoformat(), "base_url": b.base_url,
            "language": b.language, "editors": list(b.editors), "bottom_line": _md(b.bottom_line),
            "status": _md(b.status),
            "stance_scale": [{"id": s.id, "label": s.label, "description": s.description} for s in b.stance_scale],
            "key_figures": [{"value": f.value, "label": _md(f.label)} for f in b.key_figures],
            "summary": {section: [_md(m) for m in bullets] for section, bullets in b.summary},
            "updated": b.last_updated.isoformat(), "require_evidence": list(b.require_evidence),
        },
        "actors": [_actor(a, resolved) for a in c.actors],
        "sources": [_source(s, resolved) for s in c.sources],
        "events": [_event(e, resolved) for e in c.events],
        "deadlines": [_deadline(d, resolved) for d in c.deadlines],
        "quotes": [_quote(q, resolved) for q in c.quotes],
        "views": [_view(v, resolved) for v in c.views],
        "pages": [_page(p, resolved) for p in c.pages],
        **{kind.file: [kind.export(record, resolved.urls[record.id]) for record in records] for kind, records in c.declared},
        "evidence": {source: [{"passage": e.passage, "in": e.owner_title, "url": e.url} for e in found]
                     for source, found in (resolved.evidence or {}).items()},
        "citations": {s.id: _mentions(resolved.citations.get(s.id, ())) for s in c.sources},
        "backlinks": {target: _mentions(found) for target, found in resolved.backlinks.items()},
    }


def _md(text: Markdown | None) -> str | None:
    return text.text if text is not None else None


def _date(d: FuzzyDate | None) -> dict[str, str] | None:
    if d is None:
        return None
    return {"text": d.text, "precision": d.precision, "first": d.first.isoformat(), "last": d.last.isoformat(),
            "label": describe(d)}


def _mentions(found: tuple[Mention, ...]) -> list[dict[str, Any]]:
    return [{"in": m.owner_title, "url": m.url, "count": m.count} for m in found]


def _actor(a: Actor, r: Resolved) -> dict[str, Any]:
    return {"id": a.id, "url": r.urls[a.id], "name": a.name, "kind": a.kind, "side": a.side,
            "affiliation": a.affiliation, "summary": a.summary, "body": _md(a.body),
            "native_name": {"text": a.native_name.text, "lang": a.native_name.lang} if a.native_name else None,
            "roles": [{"title": role.title, "sources": list(role.sources)} for role in a.roles]}


def _source(s: Source, r: Resolved) -> dict[str, Any]:
    return {"id": s.id, "number": r.citation_numbers[s.id], "url": r.urls[s.id], "file": s.file, "title": s.title,
            "publisher": s.publisher, "byline": s.byline, "published": _date(s.published), "original_url": s.url,
            "words": s.words, "reliability": _md(s.reliability), "noise": _md(s.noise),
            "inferred": list(s.inferred), "text_checked": s.id in r.checked_sources}


def _event(e: Event, r: Resolved) -> dict[str, Any]:
    return {"id": e.id, "url": r.urls[e.id], "title": e.title, "date": _date(e.date), "actors": list(e.actors),
            "status": e.status, "body": _md(e.body)}


def _deadline(d: Deadline, r: Resolved) -> dict[str, Any]:
    status = deadline_status(d, r.content.briefing.as_of)
    return {"id": d.id, "url": r.urls[d.id], "title": d.title, "basis": d.basis, "form": d.form,
            "start": _date(d.start), "start_event": d.start_event,
            "days": d.days, "every": d.every, "computed_due": _date(d.due), "stated_due": _date(d.stated_due),
            "expected_due": _date(d.expected_due),
            "status": {"state": status.state, "days_left_min": status.days_left_min,
                       "days_left_max": status.days_left_max, "countdown": status.countdown,
                       "description": status.describe()},
            "body": _md(d.body)}


def _quote(q: Quote, r: Resolved) -> dict[str, Any]:
    source: Source = r.index[q.source]  # type: ignore[assignment]
    return {"id": q.id, "url": r.urls[q.id], "speaker": q.speaker, "text": q.text, "source": q.source,
            "context": _md(q.context), "passage_url": passage_url(source.url, q.text) if source.url else None,
            "verified": q.source in r.checked_sources}


def _view(v: View, r: Resolved) -> dict[str, Any]:
    return {"id": v.id, "url": r.urls[v.id], "analyst": v.analyst, "stance": v.stance, "gist": _md(v.gist),
            "quotes": list(v.quotes)}


def _page(p: Page, r: Resolved) -> dict[str, Any]:
    return {"id": p.id, "url": r.urls[p.id], "title": p.title, "summary": p.summary, "order": p.order,
            "tracker": p.tracker, "body": _md(p.body)}


# --- the schema -------------------------------------------------------------------------------

_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
_ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}
_DATE_REF = {"$ref": "#/$defs/date"}
_OPT_DATE = {"oneOf": [_DATE_REF, {"type": "null"}]}
_URL = {"type": "string", "description": "Page (and #anchor) in the site, relative to its root."}


def _record(doc: str, /, **properties: Any) -> dict[str, Any]:
    return {"type": "object", "description": doc, "properties": properties,
            "required": list(properties), "additionalProperties": False}


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def briefing_schema(kinds: tuple[Kind, ...] = ()) -> dict[str, Any]:
    """The schema of briefing.json, with a list for each declared kind (`kinds`)."""
    defs = {
        "date": _record("A date at the precision the sources give: the inclusive interval [first, last].",
                        text=_STR, precision={"enum": ["day", "month", "part", "year", "range"]},
                        first={"type": "string", "format": "date"}, last={"type": "string", "format": "date"},
                        label=_STR),
        "mentions": _list_of(_record("One text that refers to the record.", **{
            "in": _STR, "url": _URL, "count": {"type": "integer", "minimum": 1}})),
    }
    root = _record(
        "A briefing built by the briefing site generator, with every reference resolved.",
        **{"$schema": _STR, "schema_version": {"const": SCHEMA_VERSION}},
        briefing=_briefing_schema(), actors=_list_of(_actor_schema()), sources=_list_of(_source_schema()),
        events=_list_of(_record("A dated event.", id=_ID, url=_URL, title=_STR, date=_DATE_REF,
                                actors=_list_of(_ID), status={"enum": ["planned", "hindsight", None]}, body=_STR)),
        deadlines=_list_of(_deadline_schema()),
        quotes=_list_of(_record("A quotation exactly as its source reports it.", id=_ID, url=_URL, speaker=_ID,
                                text=_STR, source=_ID, context=_OPT_STR, passage_url=_OPT_STR,
                                verified={"type": "boolean"})),
        views=_list_of(_record("An analyst's view on the stance scale.", id=_ID, url=_URL, analyst=_ID,
                               stance=_ID, gist=_STR, quotes={"type": "array", "items": _ID})),
        pages=_list_of(_record("A free page.", id=_ID, url=_URL, title=_STR, summary=_STR,
                               order={"type": "integer"}, tracker=_OPT_STR, body=_STR)),
        **{kind.file: _list_of(kind.export_schema()) for kind in kinds},
        evidence={"type": "object", "description": "Source id -> the passages citations quote from it.",
                  "additionalProperties": _list_of(_record("A cited passage.", passage=_STR, **{"in": _STR}, url=_URL))},
        citations={"type": "object", "description": "Source id -> the texts that cite it.",
                   "additionalProperties": {"$ref": "#/$defs/mentions"}},
        backlinks={"type": "object", "description": "Record id -> the texts that link to it.",
                   "additionalProperties": {"$ref": "#/$defs/mentions"}},
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_FILE,
            "title": "Briefing data export", **root, "$defs": defs}


def _briefing_schema() -> dict[str, Any]:
    return _record(
        "The briefing itself. Markdown fields hold Markdown text.",
        title=_STR, subtitle=_STR, as_of={"type": "string", "format": "date"}, base_url=_STR, language=_STR,
        editors=_list_of(_STR), bottom_line=_STR, status=_OPT_STR,
        stance_scale=_list_of(_record("One step of the stance scale.", id=_ID, label=_STR, description=_STR)),
        key_figures=_list_of(_record("A key figure.", value=_STR, label=_STR)),
        summary={"type": "object", "description": "Summary section -> Markdown bullets.",
                 "additionalProperties": _list_of(_STR)},
        updated={"type": "string", "format": "date"}, require_evidence=_list_of(_STR))


def _actor_schema() -> dict[str, Any]:
    role = _record("A title as one or more sources give it.", title=_STR, sources=_list_of(_ID))
    return _record("A person or organisation.", id=_ID, url=_URL, name=_STR,
                   kind={"enum": ["person", "organisation", "group"]}, side=_STR,
                   affiliation={"oneOf": [_ID, {"type": "null"}]}, summary=_STR, body=_STR, roles=_list_of(role),
                   native_name={"oneOf": [_record("A name in its own script.", text=_STR, lang=_STR), {"type": "null"}]})


def _source_schema() -> dict[str, Any]:
    return _record("A source article; `number` is its citation number.", id=_ID,
                   number={"type": "integer", "minimum": 1}, url=_URL, file=_STR, title=_STR, publisher=_OPT_STR,
                   byline=_OPT_STR, published=_OPT_DATE, original_url=_OPT_STR,
                   words={"type": ["integer", "null"]}, reliability=_STR, noise=_OPT_STR,
                   inferred=_list_of({"enum": ["title", "publisher", "published", "byline"]}),
                   text_checked={"type": "boolean"})


def _deadline_schema() -> dict[str, Any]:
    status = _record("Status on the briefing's as_of date.", state={"enum": ["running", "due", "passed"]},
                     days_left_min={"type": "integer"}, days_left_max={"type": "integer"},
                     countdown={"type": "boolean"}, description=_STR)
    return _record("A deadline: start plus a number of days, a fixed due date, or a recurring one (every N days).",
                   id=_ID, url=_URL, title=_STR, basis={"enum": ["binding", "reported", "framing"]},
                   form={"enum": ["span", "fixed", "recurring"]}, start=_OPT_DATE,
                   start_event={"oneOf": [_ID, {"type": "null"}]}, days={"type": ["integer", "null"]},
                   every={"type": ["integer", "null"]}, computed_due=_DATE_REF, stated_due=_OPT_DATE, expected_due=_DATE_REF, status=status, body=_STR)
