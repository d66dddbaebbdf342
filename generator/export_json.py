"""The whole resolved briefing as data: `briefing.json`, and the JSON Schema it follows.

Markdown fields are exported as their Markdown text; every record carries its page `url`
(relative to the site's root) and deadlines carry their computed due date and status as of the
briefing date. Reading order follows the content files, so the bytes are stable between builds.
"""
from __future__ import annotations

import io
import json
from typing import Any

from .jsonparts import ID as _ID, OPT_STR as _OPT_STR, STR as _STR, URL as _URL
from .jsonparts import list_of as _list_of, md as _md, record as _record
from .kind import Kind
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
        **{kind.file: [kind.export(record, resolved) for record in records] for kind, records in c.declared},
        "evidence": {source: [{"passage": e.passage, "in": e.owner_title, "url": e.url} for e in found]
                     for source, found in (resolved.evidence or {}).items()},
        "citations": {s.id: _mentions(resolved.citations.get(s.id, ())) for s in c.sources},
        "backlinks": {target: _mentions(found) for target, found in resolved.backlinks.items()},
    }


def _mentions(found: tuple[Mention, ...]) -> list[dict[str, Any]]:
    return [{"in": m.owner_title, "url": m.url, "count": m.times} for m in found]


# --- the schema -------------------------------------------------------------------------------

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
        briefing=_briefing_schema(), **{kind.file: _list_of(kind.export_schema()) for kind in kinds},
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
