"""Step 5: one registry of actors for the whole batch, and the mentions of them in a paragraph.

A full name seen in any article defines a person; surnames ("Lutnick"), short family names
("Xi"), and titles used as names ("the Commerce Secretary") are aliases resolved to it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .lexicon import ANONYMOUS_HEADS, PLACES, TITLE_WORDS
from .model import ActorInfo, Article, Mention
from .names import NameHit, find_names, is_heading, lower_words, modifies_next, name_key

_PRONOUN = re.compile(r"\b([Hh]e|[Ss]he|[Tt]hey)\b")
_ANON_WORDS = r"former|senior|top|unnamed|anonymous|administration|government|trade|industry|chinese|american|" \
              r"european|western|white|house|us|u\.s\.|eu|commerce|foreign|ministry|defense|defence|treasury|state|" \
              r"department|military|security|diplomatic|market|senior-level|high-ranking|[A-Z][a-z]+|[A-Z]{2,3}"
_DETERMINER = r"(?:[Oo]ne|[Aa]n?|[Tt]he|[Aa]nother|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome)\s+"
_FREE_WORD = r"(?!(?:said|says|told|added|its|their|his|her|our|and|or|but|that|who|which)\b)[\w’'\-]+"
_PROPER = r"[A-Z][\w’'\-]*(?:\s+(?:for|of|and|&)\s+[A-Z][\w’'\-]*|\s+[A-Z][\w’'\-]*)*\s+"
_ANONYMOUS = re.compile(rf"(?<![\w’'])(?:({_DETERMINER})((?:{_PROPER})?(?:{_FREE_WORD}\s+){{0,3}}?)|()((?:(?:{_ANON_WORDS})\s+){{0,4}}))"
                        rf"({'|'.join(ANONYMOUS_HEADS)})\b(?!,?\s+[A-Z][a-z])")
_NOT_ALIAS = frozenset({"He", "She", "It", "We", "They", "The", "A", "An", "I", "In", "On", "As", "At", "By", "To",
                        "Of", "Or", "And", "But", "If", "So", "No", "Mr", "Ms", "Mrs", "Dr"})


@dataclass(frozen=True)
class Registry:
    actors: dict[str, ActorInfo]  # key -> actor
    aliases: dict[str, str]  # single word -> person key
    titles: dict[str, str]  # lower-case title phrase -> person key
    by_name: dict[str, str] = field(default_factory=dict)  # name as printed -> key
    names: re.Pattern[str] | None = None  # every name, longest first, compiled once
    title_names: re.Pattern[str] | None = None
    alias_names: re.Pattern[str] | None = None

    def name_of(self, key: str) -> str:
        return self.actors[key].name


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) or "(?!x)x"


def compile_registry(actors: dict[str, ActorInfo], aliases: dict[str, str], titles: dict[str, str]) -> Registry:
    by_name = {actor.name: key for key, actor in actors.items()}
    return Registry(actors, aliases, titles, by_name,
                    re.compile(rf"(?<![\w’'])(?:{_alternation(list(by_name))})(?![\w])"),
                    re.compile(rf"\b[Tt]he\s+(?:(?:US|U\.S\.|Chinese|American|China’s|China's)\s+)?({_alternation(list(titles))})\b",
                               re.IGNORECASE),
                    re.compile(rf"(?<![\w’'\-])(?:{_alternation(list(aliases))})(?![\w\-])"))


def build_registry(articles: list[Article]) -> Registry:
    hits: list[tuple[str, NameHit]] = []
    places: dict[str, list[tuple[str, int, str]]] = defaultdict(list)  # key -> (source, line, title given there)
    lines: dict[int, int] = {}  # id(hit) -> its paragraph's line
    for article in articles:
        lowered = lower_words(article.full_text)
        for paragraph in article.paragraphs:
            if not is_heading(paragraph.text):
                for hit in find_names(paragraph.text, lowered):
                    hits.append((article.source_id, hit))
                    lines[id(hit)] = paragraph.line
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    roles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    affiliations: dict[str, str] = {}
    seen_in: dict[str, set[str]] = defaultdict(set)
    for source, hit in sorted((h for h in hits if h[1].kind != "surname"), key=lambda h: h[1].kind != "person"):
        key = name_key(hit.name)
        names.setdefault(key, hit.name)
        kinds.setdefault(key, hit.kind)
        seen_in[key].add(source)
        places[key].append((source, lines[id(hit)], hit.title or ""))
        if hit.affiliation:
            org = name_key(hit.affiliation)
            names.setdefault(org, hit.affiliation)
            kinds.setdefault(org, "organisation")
            seen_in[org].add(source)
            affiliations.setdefault(key, org)
        if hit.title:
            roles[key].append((hit.title, source))
    aliases = _word_aliases(names, kinds)
    for source, hit in hits:
        if hit.kind == "surname":
            key = aliases.get(hit.name) or name_key(hit.name)
            names.setdefault(key, hit.name)
            kinds.setdefault(key, "person")
            seen_in[key].add(source)
            places[key].append((source, lines[id(hit)], hit.title or ""))
            if hit.title:
                roles[key].append((hit.title, source))
    aliases = _word_aliases(names, kinds)
    lowered = frozenset().union(*(lower_words(a.full_text) for a in articles))
    aliases.update(_organisation_aliases(names, kinds, lowered, aliases))
    actors = {key: ActorInfo(key, names[key], kinds[key], tuple(dict.fromkeys(roles[key])), affiliations.get(key),
                             tuple(sorted(seen_in[key])), tuple(sorted(set(places[key])))) for key in sorted(names)}
    return compile_registry(actors, aliases, _title_aliases(actors))


def _word_aliases(names: dict[str, str], kinds: dict[str, str]) -> dict[str, str]:
    """Last names, and short first tokens ("Xi", "Li"), that point to exactly one person."""
    last: dict[str, set[str]] = defaultdict(set)
    first: dict[str, set[str]] = defaultdict(set)
    for key, name in names.items():
        tokens = name.split()
        if kinds[key] != "person":
            continue
        last[tokens[-1]].add(key)
        if len(tokens) > 1 and len(tokens[0]) <= 4:
            first[tokens[0]].add(key)
    aliases = {word: next(iter(keys)) for word, keys in first.items() if len(keys) == 1 and word not in _NOT_ALIAS}
    aliases.update({word: next(iter(keys)) for word, keys in last.items() if len(keys) == 1 and word not in _NOT_ALIAS})
    return aliases


def _organisation_aliases(names: dict[str, str], kinds: dict[str, str], lowered: frozenset[str],
                          taken: dict[str, str]) -> dict[str, str]:
    """'Voltaro' for Voltaro Motors: an organisation's first word, when it is no ordinary word and points nowhere else."""
    firsts: dict[str, set[str]] = defaultdict(set)
    for key, name in names.items():
        tokens = name.split()
        if kinds[key] == "organisation" and len(tokens) > 1:
            firsts[tokens[0]].add(key)
    return {word: next(iter(keys)) for word, keys in firsts.items()
            if len(keys) == 1 and word not in taken and word.lower() not in lowered and word not in _NOT_ALIAS
            and word not in PLACES and word.lower() not in TITLE_WORDS and len(word) > 2}


def _title_aliases(actors: dict[str, ActorInfo]) -> dict[str, str]:
    """'commerce secretary' -> Lutnick, when only one person holds a title ending that way."""
    holders: dict[str, set[str]] = defaultdict(set)
    for key, actor in actors.items():
        for title, _ in actor.roles:
            words = [w for w in title.lower().split() if w.strip("’'s") not in {p.lower() for p in PLACES}]
            words = [w for w in words if w not in {"former", "senior", "top", "chief"} or w == words[-1]]
            if len(words) >= 2 and all(w in TITLE_WORDS for w in words) and words[-1] not in {"official", "officials"}:
                holders[" ".join(words[-2:])].add(key)
                holders[" ".join(words)].add(key)
    return {title: next(iter(keys)) for title, keys in holders.items() if len(keys) == 1}


def find_mentions(text: str, registry: Registry) -> list[Mention]:
    """Actors named in one paragraph (by name, alias or title), pronouns and unnamed officials, in order."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(mention: Mention) -> None:
        if not any(mention.start < end and start < mention.end for start, end in taken):
            found.append(mention)
            taken.append((mention.start, mention.end))

    if registry.names is None or registry.title_names is None or registry.alias_names is None:
        registry = compile_registry(registry.actors, registry.aliases, registry.titles)
    assert registry.names and registry.title_names and registry.alias_names
    for m in registry.names.finditer(text):
        actor = registry.actors[registry.by_name[m[0]]]
        if actor.kind != "organisation" or not modifies_next(text, m.end()):
            add(Mention(actor.key, m.start(), m.end(), kind=actor.kind))
    for m in registry.title_names.finditer(text):
        add(Mention(registry.titles[m[1].lower()], m.start(), m.end()))
    for m in registry.alias_names.finditer(text):
        key = registry.aliases[m[0]]
        add(Mention(key, m.start(), m.end(), kind=registry.actors[key].kind if key in registry.actors else "person"))
    for m in _PRONOUN.finditer(text):
        add(Mention(m[1].lower(), m.start(), m.end(), pronoun=True, kind="pronoun"))
    for m in re.finditer(r"(?:^|(?<=[.!?]\s))(His|Her)\b", text):  # "Her message was clear: “…”"
        add(Mention("he" if m[1] == "His" else "she", m.start(), m.end(), pronoun=True, kind="pronoun"))
    for m in _ANONYMOUS.finditer(text):
        phrase = " ".join(((m[2] or m[4] or "") + m[5]).split())
        if phrase.lower() in {"people", "person", "statement"}:
            continue
        add(Mention("anon:" + phrase.lower(), m.start(), m.end(), kind="group"))
    return sorted(found, key=lambda mention: mention.start)


def anonymous_name(key: str) -> str:
    """'anon:us official' -> 'US official (unnamed)'."""
    words = key.removeprefix("anon:").split()
    shown = [w.upper() if w in {"us", "u.s.", "eu", "uk", "un"} else w.capitalize()
             if w.capitalize() in PLACES or w in {"white", "house", "western"} else w for w in words]
    return " ".join(shown) + " (unnamed)"
