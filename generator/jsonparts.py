"""Building blocks of briefing.json and its JSON Schema, shared by export_json.py and the kinds'
own `to_json`/`json_schema` hooks (generator/kinds/)."""
from __future__ import annotations

from typing import Any

from .dates import FuzzyDate, describe
from .model import Markdown

STR = {"type": "string"}
OPT_STR = {"type": ["string", "null"]}
ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}
DATE_REF = {"$ref": "#/$defs/date"}
OPT_DATE = {"oneOf": [DATE_REF, {"type": "null"}]}
URL = {"type": "string", "description": "Page (and #anchor) in the site, relative to its root."}


def record(doc: str, /, **properties: Any) -> dict[str, Any]:
    """An object with exactly these properties, all required."""
    return {"type": "object", "description": doc, "properties": properties,
            "required": list(properties), "additionalProperties": False}


def list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def md(text: Markdown | None) -> str | None:
    return text.text if text is not None else None


def date(d: FuzzyDate | None) -> dict[str, str] | None:
    if d is None:
        return None
    return {"text": d.text, "precision": d.precision, "first": d.first.isoformat(), "last": d.last.isoformat(),
            "label": describe(d)}
