"""JSON Schemas for the content files, generated from schema.py, so editors can validate and
autocomplete them (e.g. with `# yaml-language-server: $schema=...` at the top of a file)."""
from __future__ import annotations

import json
from typing import Any

from . import schema
from .dates import DATE_FORMS
from .kind import Kind, briefing_spec, list_files, record_spec, record_specs
from .kinds import BUILTIN_KINDS

_DATE_PATTERN = (r"^((early|mid|late) )?\d{4}(-\d{2}(-\d{2})?)?"
                 r"(\s*\.\.\s*((early|mid|late) )?\d{4}(-\d{2}(-\d{2})?)?)?$")


def _files(kinds: tuple[Kind, ...]) -> dict[str, tuple[schema.RecordSpec, bool]]:
    return {"briefing": (briefing_spec(kinds), False), **{name: (spec, True) for name, spec in list_files(kinds).items()},
            **{kind.spec.name: (record_spec(kind, kinds), False) for kind in kinds if kind.folder}}


def _type_schema(type_: str) -> dict[str, Any]:
    if type_.startswith("list:"):
        return {"type": "array", "items": _type_schema(type_[5:])}
    if type_.startswith("record:"):
        return record_schema(schema.NESTED[type_[7:]])
    if type_.startswith("enum:"):
        return {"enum": type_[5:].split("|")}
    if type_ == "int":
        return {"type": "integer", "minimum": 0}
    if type_ == "date":
        return {"type": "string", "pattern": _DATE_PATTERN, "description": f"One of {DATE_FORMS}"}
    if type_ == "url":
        return {"type": "string", "pattern": "^https?://"}
    if type_ == "slug" or type_.startswith("ref:"):
        return {"type": "string", "pattern": schema.SLUG}
    return {"type": "string", "minLength": 1}


def record_schema(spec: schema.RecordSpec) -> dict[str, Any]:
    return {
        "type": "object",
        "description": spec.doc,
        "properties": {f.name: {**_type_schema(f.type), "description": f.doc} for f in spec.fields},
        "required": [f.name for f in spec.fields if f.required],
        "additionalProperties": False,
    }


def content_schemas(kinds: tuple[Kind, ...] = BUILTIN_KINDS) -> dict[str, bytes]:
    """{file name: JSON Schema bytes} for every kind of content file."""
    out = {}
    for name, (spec, is_list) in _files(kinds).items():
        body = record_schema(spec)
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"Briefing content: {name}",
                    **({"type": "array", "items": body} if is_list else body)}
        out[f"{name}.schema.json"] = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return out


def _type_words(type_: str) -> str:
    if type_.startswith("list:"):
        return f"list of {_type_words(type_[5:])}"
    if type_.startswith("record:"):
        return f"{type_[7:]} records"
    if type_.startswith("ref:"):
        return f"{type_[4:]} id"
    if type_.startswith("enum:"):
        return " \\| ".join(f"`{o}`" for o in type_[5:].split("|"))
    return {"slug": "id", "int": "whole number"}.get(type_, type_)


def reference_markdown(kinds: tuple[Kind, ...] = BUILTIN_KINDS) -> str:
    """The README's field reference, one table per kind of record; a test keeps the README in sync."""
    parts = []
    for spec in (*record_specs(kinds), *schema.NESTED.values()):
        parts.append(f"#### {spec.name}\n\n{spec.doc}\n\n| field | type | required | meaning |\n|---|---|---|---|")
        parts += [f"| `{f.name}` | {_type_words(f.type)} | {'yes' if f.required else ''} | {f.doc.replace('|', chr(92) + '|')} |"
                  for f in spec.fields]
        parts.append("")
    return "\n".join(parts)
