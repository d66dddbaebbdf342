"""The ingest pipeline: input files (name, bytes) to draft files (path, bytes) and located problems."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..chars import char_name, first_forbidden
from ..dates import parse_date
from ..errors import Diagnostic, Location, error
from . import draft
from .actors import Registry, anonymous_name, build_registry, find_mentions
from .dates import find_dates
from .decode import Refusal, decode_article, looks_like_html, not_an_article
from .figures import find_conflicts, find_figures, title_differences
from .html import extract_html
from .meta import batch_anchor, date_article, infer_publisher, infer_title, reference_date
from .model import ActorInfo, Article, DateMention, Quotation
from .lexicon import PLACES
from .names import name_key
from .noise import split_noise

UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class InputFile:
    name: str  # as the user gave it; used in messages and as the source's `file:`
    data: bytes


@dataclass(frozen=True)
class ExistingActor:
    id: str
    name: str
    kind: str
    side: str


@dataclass(frozen=True)
class IngestResult:
    files: dict[str, bytes]
    problems: tuple[Diagnostic, ...]
    articles: tuple[Article, ...] = ()
    quotes: tuple[Quotation, ...] = ()
    speakers: dict[str, str] = field(default_factory=dict)  # actor id -> display name


def read_article(item: InputFile, source_id: str) -> Article | Diagnostic:
    is_html = looks_like_html(item.name, item.data[:200].decode("utf-8", "replace"))
    text = decode_article(item.data, html=is_html)
    if isinstance(text, Refusal):
        return error(Location(item.name, text.line), text.message, text.hint)
    meta: dict[str, Any] = {}
    if is_html:
        page = extract_html(text)
        text = page.text
        meta = {"title": page.title, "byline": page.author, "publisher": page.sitename, "published": page.date,
                "url": page.url, "is_html": True}
    refusal = not_an_article(text)
    if refusal:
        return error(Location(item.name, refusal.line), refusal.message, refusal.hint)
    if found := first_forbidden(text):  # the draft would fail `check` (and ESC would reach a terminal)
        return error(Location(item.name, 1 if is_html else found[0] + 1), f"control character {char_name(found[1])} in the text",
                     "delete it and ingest the file again; an article may hold tabs and line breaks, but no other control characters")
    kept, noise, byline = split_noise(text)
    if byline and not meta.get("byline"):
        meta["byline"] = byline
    return Article(source_id, item.name.replace("\\", "/").rsplit("/", 1)[-1], tuple(kept), tuple(noise), **meta)


def _source_ids(inputs: list[InputFile]) -> list[str]:
    ids: list[str] = []
    for item in inputs:
        stem = item.name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        base = "src-" + draft.slug(stem)[:40].strip("-")
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids


def ingest_articles(inputs: list[InputFile], existing: tuple[ExistingActor, ...] = ()) -> IngestResult:
    problems: list[Diagnostic] = []
    articles: list[Article] = []
    for item, source_id in zip(inputs, _source_ids(inputs)):
        result = read_article(item, source_id)
        if isinstance(result, Article):
            articles.append(result)
        else:
            problems.append(result)
    if not articles:
        return IngestResult({}, tuple(problems))
    registry = build_registry(articles)
    quotes = [q for a in articles for q in _quotes(a, registry)]
    datings = {a.source_id: date_article(a, batch_anchor(_same_story(a, articles, registry))) for a in articles}
    mentions = [d for a in articles for d in find_dates(a, reference_date(datings[a.source_id]))]
    figures = [f for a in articles for f in find_figures(a)]
    ids = _actor_ids(registry, quotes, existing)
    as_of = _as_of([d.published for d in datings.values()], mentions)
    files = _draft_files(articles, registry, quotes, mentions, figures, datings, ids, existing, as_of)
    speakers = {ids[k]: _display(registry, k) for k in ids}
    return IngestResult(files, tuple(problems), tuple(articles), tuple(quotes), speakers)


def _same_story(article: Article, articles: list[Article], registry: Registry) -> list[Article]:
    """The articles that name at least two of the same people or organisations: only they may date each other."""
    named: dict[str, set[str]] = {a.source_id: set() for a in articles}
    for actor in registry.actors.values():
        for source in actor.sources:
            named[source].add(actor.key)
    own = named[article.source_id]
    return [a for a in articles if a is article or len(own & named[a.source_id]) >= 2]


def _quotes(article: Article, registry: Registry) -> list[Quotation]:
    from .quotes import extract_quotations
    return extract_quotations(article, registry)


def _display(registry: Registry, key: str) -> str:
    if key == UNATTRIBUTED:
        return "Unattributed"
    return anonymous_name(key) if key.startswith("anon:") else registry.name_of(key)


def _actor_ids(registry: Registry, quotes: list[Quotation], existing: tuple[ExistingActor, ...]) -> dict[str, str]:
    """Actor key -> id: an existing actor's id where the name (or an unnamed group's words) match."""
    by_name = {name_key(e.name): e.id for e in existing}
    keys = list(registry.actors) + sorted({q.speaker for q in quotes if q.speaker and q.speaker.startswith("anon:")})
    if any(q.speaker is None for q in quotes):
        keys.append(UNATTRIBUTED)
    ids: dict[str, str] = {}
    taken = {e.id for e in existing}
    for key in keys:
        match = by_name.get(key)
        if match is None and key.startswith("anon:"):
            words = key[5:]
            match = next((e.id for e in existing if e.kind == "group" and words in name_key(e.name)), None)
        if match is None and key in registry.actors and len(key.split()) == 1:
            match = next((e.id for e in existing if name_key(e.name).split()[-1] == key), None)
        if match is None:
            base = ("unnamed-" + draft.slug(key[5:])) if key.startswith("anon:") else draft.slug(key)
            match, n = base, 2
            while match in taken or match in ids.values():
                match, n = f"{base}-{n}", n + 1
        ids[key] = match
    return ids


def _as_of(published: list[str | None], mentions: list[DateMention]) -> str:
    days = [parse_date(p).last for p in published if p]
    if not days:
        days = [parse_date(d.date).last for d in mentions if d.date]
    return max(days).isoformat() if days else "2000-01-01"


_SIDES = (("United States", re.compile(r"\b(US|U\.S\.|American|White House|Washington)\b")),
          ("China", re.compile(r"\b(China|Chinese|Beijing|China’s|China's)\b")))
_PLACE_WORD = re.compile(r"\b([A-Z][a-z]+|EU|UN|UK)\b")


def _side(actor: ActorInfo) -> str:
    """A side only where a title names a country ('US Commerce Secretary', 'Dutch Economy Minister'); never a guess."""
    titles = " ".join(t for t, _ in actor.roles)
    if actor.kind == "organisation" or actor.affiliation:
        return "Analysts and others"
    for side, pattern in _SIDES:
        if pattern.search(titles):
            return side
    place = next((w for w in _PLACE_WORD.findall(titles) if w in PLACES), None)
    return place or "Unassigned"


def _draft_files(articles: list[Article], registry: Registry, quotes: list[Quotation], mentions: list[DateMention],
                 figures: list[Any], datings: dict[str, Any], ids: dict[str, str], existing: tuple[ExistingActor, ...],
                 as_of: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {draft.MARKER: b"A draft written by `python build.py ingest`; rewritten whole on each run.\n"}
    source_ids = [a.source_id for a in articles]
    files["briefing.yaml"] = draft.dump_yaml({
        "title": f"Draft briefing from {len(articles)} article{'s' if len(articles) != 1 else ''}",
        "as_of": as_of,
        "bottom_line": "A draft made by `build.py ingest`: quotations, people, dates and figures extracted by rules, "
                       "each citing its line. Review every item before use "
                       f"[{'; '.join('@' + s for s in source_ids)}].",
        "status": "See [[figures]] for figures, conflicts and title differences, and [[dates]] for how each article "
                  "was dated and which phrases could not be.",
    }, "# Draft: generated by `python build.py ingest`. Edit freely; a re-run replaces this folder.\n")
    files["sources.yaml"] = draft.dump_yaml([_source_record(a, datings[a.source_id], quotes, mentions) for a in articles])
    quote_ids = {id(q): f"q-{q.source_id.removeprefix('src-')}-{n}" for n, q in enumerate(quotes, 1)}
    files["quotes.yaml"] = draft.dump_yaml([draft.quote_record(quote_ids[id(q)], q, ids[q.speaker or UNATTRIBUTED])
                                            for q in quotes]) if quotes else b"[]\n"
    events = []
    for n, m in enumerate(d for d in mentions if d.date):
        actors = _actors_in(m, registry, ids)
        events.append(draft.event_record(f"ev-{m.source_id.removeprefix('src-')}-{m.line}-{n + 1}", m, actors, as_of))
    files["events.yaml"] = draft.dump_yaml(events) if events else b"[]\n"
    files.update(_actor_files(registry, quotes, quote_ids, ids, existing))
    files["pages/figures.md"] = draft.figures_page(figures, find_conflicts(figures),
                                                   title_differences(list(registry.actors.values())), ids)
    files["pages/names.md"] = draft.names_page(
        [(ids[k], _display(registry, k), sorted([w for w, v in registry.aliases.items() if v == k] +
                                                [t for t, v in registry.titles.items() if v == k])) for k in ids])
    files["pages/dates.md"] = draft.dates_page(
        [(a.source_id, datings[a.source_id].published, datings[a.source_id].inferred, datings[a.source_id].how) for a in articles],
        [d for d in mentions if d.date is None])
    return files


def _actors_in(mention: DateMention, registry: Registry, ids: dict[str, str]) -> list[str]:
    keys = [m.key for m in find_mentions(mention.sentence, registry) if not m.pronoun and m.key in registry.actors]
    return sorted({ids[k] for k in keys})


def _source_record(article: Article, dating: Any, quotes: list[Quotation], mentions: list[DateMention]) -> dict[str, Any]:
    title, title_inferred = infer_title(article)
    publisher, publisher_inferred = infer_publisher(article)
    record: dict[str, Any] = {"id": article.source_id, "file": article.file, "title": title}
    inferred = ["title"] if title_inferred else []
    if publisher:
        record["publisher"] = publisher
        inferred += ["publisher"] if publisher_inferred else []
    if article.byline:
        record["byline"] = article.byline
    if dating.published:
        record["published"] = dating.published
        inferred += ["published"] if dating.inferred else []
    if article.url:
        record["url"] = article.url
    record["words"] = len(article.full_text.split())
    found = sum(1 for q in quotes if q.source_id == article.source_id)
    dated = sum(1 for d in mentions if d.source_id == article.source_id)
    record["reliability"] = (f"Not yet assessed (a draft). {found} quotation(s) and {dated} dated phrase(s) extracted "
                             f"by rule from this {'saved web page' if article.is_html else 'text'}; date: "
                             f"{draft.md_escape(dating.how)} [@{article.source_id}].")
    if article.noise:
        record["noise"] = "\n".join(f"- line {n.line} ({n.rule}): {draft.md_escape(n.text)}" for n in article.noise)
    else:
        record["noise"] = "None found."
    record["full_text"] = article.full_text
    if inferred:
        record["inferred"] = inferred
    return record


def _where_named(info: ActorInfo | None, sources: list[str]) -> str:
    """'Named in [@a, line 3]; ... Titled “X” in [@a, line 2].': every place, located."""
    if info is None or not info.places:
        return f"Named in {'; '.join('[@' + s + ']' for s in sources)}." if sources else "Named in the articles."
    named = "; ".join(draft.cite(source, line) for source, line in sorted({(s, n) for s, n, _ in info.places}))
    titled = [f"“{draft.md_escape(title)}” {draft.cite(source, line, title)}" for source, line, title in info.places if title]
    return f"Named in {named}." + (f"\n\nTitled {'; '.join(titled)}." if titled else "")


def _actor_files(registry: Registry, quotes: list[Quotation], quote_ids: dict[int, str], ids: dict[str, str],
                 existing: tuple[ExistingActor, ...]) -> dict[str, bytes]:
    known = {e.id: e for e in existing}
    files = {}
    for key, actor_id in ids.items():
        info = registry.actors.get(key)
        said = [q for q in quotes if (q.speaker or UNATTRIBUTED) == key]
        sources = sorted(set(info.sources if info else ()) | {q.source_id for q in said})
        fields: dict[str, Any] = {"name": _display(registry, key), "kind": info.kind if info else "group",
                                  "side": _side(info) if info else "Unassigned"}
        if actor_id in known:
            reused = known[actor_id]
            fields.update(name=reused.name, kind=reused.kind, side=reused.side)
        if info and info.affiliation and info.affiliation in ids:
            fields["affiliation"] = ids[info.affiliation]
        if info and info.roles:
            by_title: dict[str, list[str]] = {}
            for title, source in info.roles:
                by_title.setdefault(title, [])
                if source not in by_title[title]:
                    by_title[title].append(source)
            fields["roles"] = [{"title": t, "sources": s} for t, s in by_title.items()]
        body = _where_named(info, sources)
        if key == UNATTRIBUTED:
            body = "Quotations whose speaker the rules could not find: **flagged for review**."
        if said:
            body += "\n\n" + "\n\n".join(f"![[{quote_ids[id(q)]}]]" for q in said)
        files[f"actors/{actor_id}.md"] = draft.front_matter(fields, body + "\n")
    return files
