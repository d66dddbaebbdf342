"""Stage 3, resolve: parse every Markdown text once, check every reference against one id
index, and build the indexes pages need (backlinks, citations, numbers). Linear in the size
of the briefing: each reference is looked up once in a dict.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any, Callable, Iterator, NamedTuple

from markdown_it import MarkdownIt

from .errors import Diagnostic, Location, did_you_mean, error, warning
from .evidence import Evidence, check_against_texts, cited_passages
from .kind import Kind, Lookup
from .labels import LinkLabel, link_labels
from .markdown import ParsedDoc, heading_ids, parse_markdown
from .model import SUMMARY_HEADINGS, Content, Entity, Markdown
from .urls import GENERATED_PAGES, HOME, page_of
from .validate import FieldRef

_KIND_FOR_REF = {"cite": "source", "embed": "quote"}


@dataclass(frozen=True)
class DocInfo:
    """A Markdown text, where it renders with anchors, and whose it is."""

    parsed: ParsedDoc
    home: str
    owner_title: str
    field: str  # the briefing field it belongs to, as `require_evidence` names it


# (key, home, title, text) of each text, and the glossary's pattern -> each text parsed
DocParser = Callable[[list[tuple[str, str, str, Markdown]], str], list[ParsedDoc]]


class Mention(NamedTuple):
    """A text that refers to a record. A named tuple, not a dataclass: a 10,000-page briefing
    makes ~66,000 on every build, and each page's dependency key shows its own (repr), which
    is twice as fast for a tuple."""

    owner_title: str
    url: str  # page#anchor of the first mention in that text
    times: int  # how often that text refers to it (not `count`, which a tuple has)


@dataclass(frozen=True)
class Resolved:
    content: Content
    index: dict[str, Entity]
    docs: dict[str, DocInfo]
    urls: dict[str, str]
    citation_numbers: dict[str, int]
    backlinks: dict[str, tuple[Mention, ...]]
    citations: dict[str, tuple[Mention, ...]]
    checked_sources: frozenset[str] = frozenset()  # sources whose text quotations and passages were checked against
    evidence: dict[str, tuple[Evidence, ...]] | None = None  # source id -> the passages cited from it
    glossary_terms: dict[str, str] = field(default_factory=dict)  # lower-case name -> id of the record it links to
    glossary_pattern: str = ""  # matches any term or alias as a whole word ("" with no glossary)
    labels: dict[str, LinkLabel] = field(default_factory=dict)  # id -> what a link to it shows


def markdown_fields(content: Content, index: Mapping[str, Entity] | None = None) -> Iterator[tuple[str, str, str, Markdown, str]]:
    """(doc key, home page, owner title, text, briefing field) for every Markdown text in the briefing,
    in its one order; `index`, every record by id, names the owners of some kinds' texts."""
    lookup = Lookup(index if index is not None else {e.id: e for e in content.entities()})
    b = content.briefing
    yield "home-bottom-line", HOME, "Home", b.bottom_line, "bottom_line"
    yield "home-status", HOME, "Home", b.status, "status"
    for section, bullets in b.summary:
        for i, bullet in enumerate(bullets, 1):
            yield f"home-summary-{section.replace('_', '-')}-{i}", HOME, f"Summary: {SUMMARY_HEADINGS[section]}", bullet, "summary"
    for i, figure in enumerate(b.key_figures, 1):
        yield f"home-figure-{i}", HOME, "Key figures", figure.label, "key_figures"
    yield from _kind_texts(content.declared, lookup)


def _kind_texts(declared: tuple[tuple[Kind, tuple[Any, ...]], ...], lookup: Lookup) -> Iterator[tuple[str, str, str, Markdown, str]]:
    for kind, records in declared:
        for record in records:
            for key, text in kind.markdown_fields(record):
                yield key, kind.url(record), kind.owner(record, lookup), text, kind.file


def resolve_references(content: Content, field_refs: list[FieldRef], md: MarkdownIt,
                       broken_ids: frozenset[str] | None = frozenset(),
                       parse_all: DocParser | None = None) -> tuple[Resolved, list[Diagnostic]]:
    """Check every reference and index the briefing. `broken_ids`: ids of records dropped for
    errors, not to be reported again as unknown; None: do not report unknown ids at all.
    `parse_all` parses the texts instead of `md` here (in workers, keeping only their facts)."""
    problems: list[Diagnostic] = []
    index = _index_ids(content, problems)
    glossary = _glossary(content)
    pattern = glossary["glossary_pattern"]
    if parse_all is None:
        docs = {key: DocInfo(parse_doc(md, text, key, home, pattern), home, title, group)
                for key, home, title, text, group in markdown_fields(content, index)}
    else:
        fields = list(markdown_fields(content, index))
        parsed = parse_all([(key, home, title, text) for key, home, title, text, _ in fields], pattern)
        docs = {key: DocInfo(one, home, title, group) for (key, home, title, text, group), one in zip(fields, parsed)}
    urls = {entity_id: url_of(content, entity) for entity_id, entity in index.items()}
    for info in docs.values():
        problems.extend(info.parsed.problems)
        for ref in info.parsed.refs:
            _check_ref(ref.kind, ref.target, ref.location, index, problems, broken_ids)
    problems.extend(_check_fragments(docs, urls))
    stances = {s.id for s in content.briefing.stance_scale}
    for field_ref in field_refs:
        if field_ref.kind == "stance":
            if field_ref.target not in stances:
                problems.append(error(field_ref.location, f"unknown stance '{field_ref.target}'",
                                      did_you_mean(field_ref.target, sorted(stances)) or "add it to stance_scale in briefing.yaml"))
        else:
            _check_ref(field_ref.kind, field_ref.target, field_ref.location, index, problems, broken_ids)
    problems.extend(_check_page_paths(content, generated_pages(content)))
    problems.extend(check_against_texts(content, [ref for info in docs.values() for ref in info.parsed.refs], index))
    problems.extend(_check_required_evidence(content, docs))
    if broken_ids is not None:  # with a file unread, "never cited" may just mean "cited there"
        problems.extend(_unused(content, docs, field_refs))
    mentions = _mentions(docs, {q.id: q.source for q in content.quotes})
    citation_numbers = {s.id: n for n, s in enumerate(content.sources, 1)}
    resolved = Resolved(
        content, index, docs, urls,
        citation_numbers=citation_numbers,
        backlinks={t: m for (kind, t), m in mentions.items() if kind != "cite"},
        citations={t: m for (kind, t), m in mentions.items() if kind == "cite"},
        checked_sources=frozenset(s.id for s in content.sources if s.full_text),
        evidence=cited_passages((ref, info.owner_title, page_of(info.home)) for info in docs.values() for ref in info.parsed.refs),
        labels=link_labels(content, index, citation_numbers), **glossary)
    return resolved, problems


def generated_pages(content: Content) -> frozenset[str]:
    """The pages the site makes itself: the built-in ones and each declared kind's."""
    return frozenset((*GENERATED_PAGES, *(kind.page for kind, _ in content.declared if kind.page)))


def url_of(content: Content, entity: Entity) -> str:
    kind = content.kind_of(entity)
    assert kind is not None, f"{entity.entity} '{entity.id}': every record is of a declared kind"
    return kind.url(entity)


def parse_doc(md: MarkdownIt, text: Markdown, key: str, home: str, glossary: str | None) -> ParsedDoc:
    # Many texts share a generated page (the timeline, the appendix, a kind's page, where each
    # record's home is PAGE#id): their heading ids get the text's key as a prefix there, so two
    # "## Notes" cannot clash. A page's own body keeps plain ids.
    shared_page = "#" in home or page_of(home) in GENERATED_PAGES
    return parse_markdown(md, text, key, heading_prefix=key if shared_page else "", glossary=glossary)


def _index_ids(content: Content, problems: list[Diagnostic]) -> dict[str, Entity]:
    index: dict[str, Entity] = {}
    for entity in content.entities():
        if entity.id in index:
            first = index[entity.id]
            problems.append(error(entity.location, f"duplicate id '{entity.id}' (also the {first.entity} at {first.location})",
                                  "ids are unique across the whole briefing; rename one of them"))
        else:
            index[entity.id] = entity
    return index


def _check_ref(kind: str, target: str, where: Location, index: dict[str, Entity], problems: list[Diagnostic],
               broken_ids: frozenset[str] | None) -> None:
    wanted = _KIND_FOR_REF.get(kind, kind if kind != "link" else None)
    entity = index.get(target)
    if entity is not None and (wanted is None or entity.entity == wanted):
        return
    if entity is None and (broken_ids is None or target in broken_ids):
        return
    candidates = sorted(i for i, e in index.items() if wanted is None or e.entity == wanted)
    what = wanted or "id"
    if entity is not None:
        problems.append(error(where, f"'{target}' is {_a(entity.entity)}, not {_a(str(wanted))}", _ref_hint(kind, wanted)))
        return
    shown = {"cite": f"[@{target}]", "embed": f"![[{target}]]", "link": f"[[{target}]]"}.get(kind, f"'{target}'")
    guess = did_you_mean(target, candidates)
    problems.append(error(where, f"unknown {what} {shown}", guess or _ref_hint(kind, wanted)))


def _check_fragments(docs: dict[str, DocInfo], urls: dict[str, str]) -> list[Diagnostic]:
    """`[[page#section]]`: the section must be a heading on the target's page."""
    sections: dict[str, set[str]] = defaultdict(set)
    for info in docs.values():
        sections[page_of(info.home)] |= heading_ids(info.parsed)
    problems = []
    for info in docs.values():
        for ref in info.parsed.refs:
            if ref.fragment and ref.target in urls:
                page = page_of(urls[ref.target])
                if ref.fragment not in sections[page]:
                    guess = did_you_mean(ref.fragment, sorted(sections[page]))
                    problems.append(error(ref.location, f"no section '#{ref.fragment}' on the page of '{ref.target}'",
                                          guess or "link to a heading's id (its title in lowercase with dashes)"))
    return problems


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _ref_hint(kind: str, wanted: str | None) -> str:
    if kind == "cite":
        return "cite a source id from sources.yaml"
    if kind == "embed":
        return "embed a quote id from quotes.yaml"
    return f"use the id of an existing {wanted or 'actor, event, deadline, quote, view, page or source'}"


def _check_page_paths(content: Content, generated: frozenset[str]) -> list[Diagnostic]:
    """A record with a page of its own (an actor, a free page) must not land on a page the site
    generates itself (e.g. `index`)."""
    problems = []
    for kind, records in content.declared:
        for entity in records if kind.folder else ():
            url = kind.url(entity)
            if url not in generated:
                continue
            problems.append(error(entity.location, f"{entity.entity} '{entity.id}' would be written to {url}, which the site already uses",
                                  f"rename the file; these names are taken: {', '.join(sorted({p.split('/')[-1].split('.')[0] for p in generated}))}"))
    return problems


def _check_required_evidence(content: Content, docs: dict[str, DocInfo]) -> list[Diagnostic]:
    """Citations in the fields `require_evidence` names must quote their passage."""
    required = set(content.briefing.require_evidence)
    return [warning(ref.location, f"citation [@{ref.target}] in {info.field} has no passage, which require_evidence asks for",
                    f'quote the supporting words: [@{ref.target}, "..."]')
            for info in docs.values() if info.field in required
            for ref in info.parsed.refs if ref.kind == "cite" and not ref.passage]


def _glossary(content: Content) -> dict[str, Any]:
    """Every name that links on first use (a glossary term and its aliases: `Kind.gloss`),
    longest first so "Geneva consensus" wins over "Geneva"."""
    terms = {name.lower(): record.id for kind, records in content.declared if kind.gloss
             for record in records for name in kind.gloss(record)}
    alternatives = "|".join(re.escape(name) for name in sorted(terms, key=lambda n: (-len(n), n)))
    return {"glossary_terms": terms, "glossary_pattern": rf"(?<!\w)(?:{alternatives})(?!\w)" if terms else ""}


def plain_text(markdown: str) -> str:
    """Markdown as one line of plain words: citations, wikilink brackets and emphasis dropped."""
    text = re.sub(r"\[@[^\[\]]*\]", "", markdown)
    text = re.sub(r"!?\[\[([^\[\]|]+?)(?:\|([^\[\]]*))?\]\]", lambda m: m[2] or m[1], text)
    return " ".join(re.sub(r"[*_`]", "", text).split()).replace(" .", ".")


def _unused(content: Content, docs: dict[str, DocInfo], field_refs: list[FieldRef]) -> list[Diagnostic]:
    used = {r.target for info in docs.values() for r in info.parsed.refs} | {r.target for r in field_refs}
    problems = [warning(record.location, f"{kind.name} '{record.id}' {kind.unused[0]}", kind.unused[1].format(id=record.id))
                for kind, records in content.declared if kind.unused for record in records if record.id not in used]
    return problems


def _mentions(docs: dict[str, DocInfo], quote_sources: dict[str, str]) -> dict[tuple[str, str], tuple[Mention, ...]]:
    """(ref kind group, target) -> one Mention per text that refers to the target, in content order.
    An embedded quotation carries a citation of its source, so it counts as citing that source."""
    # Plain dict lookups, not setdefault with a new list each time: this runs once per reference
    # (~80,000 at 10,000 pages) on every build, also the rebuild after a one-page edit.
    grouped: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = {}
    for info in docs.values():
        place = (page_of(info.home), info.owner_title)
        for ref in info.parsed.refs:
            target = ("cite" if ref.kind == "cite" else "link", ref.target)
            if (places := grouped.get(target)) is None:
                grouped[target] = {place: [ref.anchor]}
            elif (anchors := places.get(place)) is None:
                places[place] = [ref.anchor]
            else:
                anchors.append(ref.anchor)
            if ref.kind == "embed" and ref.target in quote_sources:
                grouped.setdefault(("cite", quote_sources[ref.target]), {}).setdefault(place, []).append(ref.anchor)
    return {target: tuple([Mention(title, page + "#" + anchors[0], len(anchors)) for (page, title), anchors in places.items()])
            for target, places in grouped.items()}
