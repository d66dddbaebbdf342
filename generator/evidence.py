"""Evidence: quotations (the words a record quotes: `Kind.quoting`) and cited passages (`[@id,
"..."]`) checked against the sources' own texts. Citations and texts belong to sources, so this
module reads them; which records quote a source is each kind's to say.

Texts are compared after normalising Unicode forms, curly and straight quotes, dashes, whitespace
and case, so a passage copied from a web page matches its plain-text article.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Diagnostic, error, warning
from .markdown import Ref
from .model import Content, Entity

if TYPE_CHECKING:
    from .kinds.source import Source


@dataclass(frozen=True)
class Evidence:
    """A passage a citation quotes from its source, and where."""

    passage: str
    owner_title: str
    url: str  # page#anchor of the citation



def check_against_texts(content: Content, refs: list[Ref], index: Mapping[str, Entity]) -> list[Diagnostic]:
    """Quotations, cited passages and word counts, checked against the sources' full texts where
    available; one warning for each quoted source that has no text to check against."""
    texts = {s.id: (s, normalise_quote_text(s.full_text).lower()) for s in content.sources if s.full_text}
    quotations = [(record, *quoted) for kind, records in content.declared if kind.quoting
                  for record in records if (quoted := kind.quoting(record)) is not None]
    problems = [p for record, source_id, words in quotations if source_id in texts
                for p in _verify_quotation(record, words, *texts[source_id])]
    unchecked: dict[str, list[str]] = defaultdict(list)
    for _, source_id, _ in quotations:
        if source_id not in texts and _is_source(index.get(source_id)):
            unchecked[source_id].append("quotation")
    for ref in refs:
        if ref.kind != "cite" or not ref.passage or not _is_source(index.get(ref.target)):
            continue
        if ref.target not in texts:
            unchecked[ref.target].append("passage")
        elif normalise_quote_text(ref.passage).lower() not in texts[ref.target][1]:
            problems.append(error(ref.location, f"passage not found in source '{ref.target}': \"{ref.passage[:80]}\"",
                                  f"copy the words exactly from {texts[ref.target][0].file} (quotes, dashes, spacing "
                                  "and case may differ)"))
    for source_id, kinds in unchecked.items():
        source: Source = index[source_id]  # type: ignore[assignment]
        counts = ", ".join(f"{kinds.count(k)} {k}(s)" for k in ("quotation", "passage") if k in kinds)
        problems.append(warning(source.location, f"source '{source_id}' has no text, so its {counts} cannot be verified",
                                f"put the article at content/sources/{source.file}, pass --sources-dir, or add `full_text:`"))
    for s, _ in texts.values():
        if s.words is not None and s.words != len(s.full_text.split()):  # type: ignore[union-attr]
            problems.append(warning(s.location, f"source '{s.id}' says words: {s.words}, but its text has "
                                                f"{len(s.full_text.split())}", "update `words:`"))  # type: ignore[union-attr]
    return problems


def cited_passages(refs: Iterable[tuple[Ref, str, str]]) -> dict[str, tuple[Evidence, ...]]:
    """Source id -> each distinct passage cited from it, with the first place that cites it.
    `refs`: (reference, title of the text it is in, page that text renders on)."""
    found: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for ref, owner_title, page in refs:
        if ref.kind == "cite" and ref.passage:
            key = normalise_quote_text(ref.passage).lower()
            found[ref.target].setdefault(key, Evidence(ref.passage, owner_title, f"{page}#{ref.anchor}"))
    return {source: tuple(passages.values()) for source, passages in found.items()}


def normalise_quote_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_PLAIN_PUNCTUATION).split())


_PLAIN_PUNCTUATION = str.maketrans({**dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
                                    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
                                    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")})


def _is_source(record: Entity | None) -> bool:
    return record is not None and record.entity == "source"


def _verify_quotation(record: Entity, words: str, source: Source, haystack: str) -> list[Diagnostic]:
    """Every fragment of a quotation's words (cuts marked with ...) appears in the source, in order
    (`haystack` is the normalised, lower-cased text)."""
    position = 0
    for fragment in re.split(r"\.\.\.|\u2026", words):
        fragment = normalise_quote_text(fragment).strip(" ,;")
        found = haystack.find(fragment.lower(), position) if fragment else position
        if found < 0:
            return [error(record.location, f"quotation '{record.id}' is not in the text of source '{source.id}': \"{fragment[:80]}\"",
                          f"copy the words exactly from {source.file}, or mark a cut with ...")]
        position = found + len(fragment)
    return []
