"""The declarative schema of content files: field types (`FieldSpec`, `RecordSpec`), briefing.yaml's
fields and the records nested in fields. Each kind's own record is in its module (kinds/). A
schema drives validation, the JSON Schema for editors and the README's field reference: change a
field and all three follow."""
from __future__ import annotations

from dataclasses import dataclass

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # text | markdown | date | int | url | slug | ref:KIND | enum:a|b | list:TYPE | record:NAME | tracker (kind.record_spec)
    required: bool
    doc: str


@dataclass(frozen=True)
class RecordSpec:
    name: str
    doc: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


def F(name: str, type_: str, doc: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, type_, required, doc)


def R(name: str, type_: str, doc: str) -> FieldSpec:
    return FieldSpec(name, type_, True, doc)


STANCE = RecordSpec("stance", "One step of the briefing's stance scale.", (
    R("id", "slug", "Id used by `views.yaml` `stance:`."),
    R("label", "text", "Short label shown on badges."),
    R("description", "text", "What this stance means."),
))
FIGURE = RecordSpec("figure", "A key figure on the home page.", (
    R("value", "text", "The number as printed, e.g. `34.5%`."),
    R("label", "markdown", "What it measures, with a citation `[@source]`."),
))
ROLE = RecordSpec("role", "A title as one or more sources give it.", (
    R("title", "text", "The title, in the source's words."),
    F("sources", "list:ref:source", "Source ids that give this title."),
))
SUMMARY = RecordSpec("summary", "The one-screen summary on the home page: short cited bullets.", (
    F("agreed", "list:markdown", "What was agreed."),
    F("not_agreed", "list:markdown", "What was not agreed, or is disputed."),
    F("next", "list:markdown", "What happens next."),
    F("unknown", "list:markdown", "What we do not know."),
))
NATIVE_NAME = RecordSpec("native_name", "An actor's name in its own script.", (
    R("text", "text", "The name as written, e.g. `何立峰`."),
    R("lang", "text", "BCP 47 language tag, e.g. `zh-Hans`."),
))
EVIDENCE_FIELDS = ("bottom_line", "status", "summary", "key_figures")  # briefing.yaml's own texts


def briefing_spec(kind_files: tuple[str, ...] = ()) -> RecordSpec:
    """briefing.yaml's fields; `require_evidence` may also name the kinds' files that allow it (kind.briefing_spec)."""
    return RecordSpec("briefing", "`content/briefing.yaml`: the briefing itself.", _briefing_fields(
        "|".join((*EVIDENCE_FIELDS, *kind_files))))


def _briefing_fields(evidence_fields: str) -> tuple[FieldSpec, ...]:
    return (
        R("title", "text", "Site title."),
        F("subtitle", "text", "One-line strapline under the title."),
        R("as_of", "date", "The date the briefing speaks from (YYYY-MM-DD); every 'days left' counts from it."),
        R("bottom_line", "markdown", "Bottom line up front: three to five sentences, with citations."),
        F("status", "markdown", "Where things stand, shown on the home page."),
        F("base_url", "url", "Public URL of the deployed site, used in feeds and the sitemap."),
        F("language", "text", "BCP 47 language tag of the content (default `en`)."),
        F("editors", "list:text", "Names of the editors."),
        F("stance_scale", "list:record:stance", "The scale analyst views are placed on, in order."),
        F("key_figures", "list:record:figure", "Figures shown on the home page."),
        F("summary", "record:summary", "One-screen summary on the home page, above the bottom line."),
        F("updated", "date", "Date of the last edit, shown in every page's footer (default: `as_of`)."),
        F("require_evidence", f"list:enum:{evidence_fields}",
          "Fields whose citations must quote their passage `[@id, \"...\"]` (a warning; an error with `--strict`)."),
    )


NESTED = {"stance": STANCE, "figure": FIGURE, "role": ROLE, "summary": SUMMARY, "native_name": NATIVE_NAME}
"""Records nested in fields (`record:NAME`). A file's own record is `briefing_spec()`'s or its kind's (kind.py, kinds/)."""
