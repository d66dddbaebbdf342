"""Step 4: people and organisations: names, the titles each article gives them, and aliases.

Names are runs of capitalised words with leading titles, places and sentence starters stripped;
a run whose words also appear in lower case in the same article ("Rare Earths") is ordinary text.
Titles come from the words just before a name ("chief trade negotiator Li Chenggang") or an
apposition after it ("Charu Chanana, chief investment strategist at Saxo Markets").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import (ANONYMOUS_HEADS, CALENDAR_WORDS, HONORIFICS, INSTITUTIONS, NEWS_AGENCIES, ORG_SUFFIXES, PLACES, STARTERS, TITLE_HEADS, TITLE_WORDS)

_TOKEN = r"(?:(?:[A-Z]\.)+|[A-Z][\w’'\-]*)"
_PARTICLE = r"(?:von|van|de|der|den|del|della|di|da|du|la|le|bin|ibn|al|el|ter|dos|das)"
RUN = re.compile(rf"(?<![\w’'\-]){_TOKEN}(?:[ \u00a0]+(?:{_PARTICLE}[ \u00a0]+)*{_TOKEN})*")
_POSSESSIVE = re.compile(r"[’']s$")
_APPOSITION = re.compile(r"^,\s+(?:(?:a|an|the)\s+)?([^,.;:“”\"()]{3,100}?)(?=\s*[,.;:]|\s+(?:said|says|told|added|wrote)\b)")
_AFFILIATION = re.compile(r"^\s+(?:from|at|of)\s+(?:the\s+)?((?:[A-Z][\w’'&\-]*\s*)+)")
_ORG_IN_TITLE = re.compile(r"\b(?:at|of|from)\s+(?:the\s+)?((?:[A-Z][\w’'&\-]*(?:\s+|$))+)")


@dataclass(frozen=True)
class NameHit:
    name: str  # the name as printed, titles stripped
    start: int
    end: int
    kind: str  # person | organisation | surname (a single name after a title)
    title: str | None
    affiliation: str | None


def name_key(name: str) -> str:
    return " ".join(re.sub(r"[’']s\b", "", name).lower().replace(".", "").split())


def is_heading(text: str) -> bool:
    """A short line without sentence punctuation: a section heading, not prose."""
    return len(text.split()) <= 12 and not re.search(r"[.!?:”\"]\s*$", text) and not text.endswith(",")


def lower_words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"(?<![\w’'])([a-z][\w’'\-]*)", text))


def find_names(text: str, lowered: frozenset[str]) -> list[NameHit]:
    """Every person or organisation name in one paragraph."""
    hits = []
    for run in RUN.finditer(text):
        for start, end in _split_possessives(text, run.start(), run.end()):
            hit = _classify(text, start, end, lowered)
            if hit:
                hits.append(hit)
    return hits


def _split_possessives(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'China’s Li Chenggang' is two runs: 'China' (possessive) and 'Li Chenggang'."""
    parts, cursor = [], start
    for m in re.finditer(r"[’']s(?=\s|$)", text[start:end]):
        parts.append((cursor, start + m.start()))
        cursor = start + m.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    parts.append((cursor, end))
    return [(a, b) for a, b in parts if b > a]


def _classify(text: str, start: int, end: int, lowered: frozenset[str]) -> NameHit | None:
    tokens = text[start:end].split()
    offsets = [m.start() + start for m in re.finditer(r"\S+", text[start:end])]
    institution = _institution(text[start:end])
    if institution and not modifies_next(text, end):
        at = text.index(institution, start)
        return NameHit(institution, at, at + len(institution), "organisation", None, None)
    if tokens[-1] in ORG_SUFFIXES or tokens[-1] in NEWS_AGENCIES:
        return _organisation(text, start, end, tokens, offsets)
    skip = 0
    while skip < len(tokens) and (tokens[skip] in STARTERS or tokens[skip].lower().rstrip(".") in TITLE_WORDS
                                  or tokens[skip] in PLACES) and tokens[skip] != "He":
        skip += 1
    heads = [i for i, t in enumerate(tokens) if t.lower().rstrip(".") in TITLE_HEADS]
    if heads and heads[-1] + 1 < len(tokens):
        skip = max(skip, heads[-1] + 1)  # "Dutch Economy Minister Dirk Beljaarts"
    name = tokens[skip:]
    if not name or len([t for t in name if not re.fullmatch(_PARTICLE, t)]) > 4:
        return None
    name_start = offsets[skip]
    if any(t in PLACES or t in CALENDAR_WORDS or t.isupper() and len(t) > 1 or t.lower() in lowered
           for t in name[1:] + ([] if name[0] == "He" else name[:1]) if not re.fullmatch(_PARTICLE, t)):
        return None
    title = title_before(text, name_start)
    if len(name) == 1:
        return NameHit(name[0], name_start, end, "surname", title, None) if title and skip else None
    apposition = title_after(text, end)
    title = title or apposition
    affiliation = affiliation_after(text, end) or (org_in_title(apposition) if apposition else None)
    return NameHit(" ".join(name), name_start, end, "person", title, affiliation)


def modifies_next(text: str, end: int) -> bool:
    """'White House economic adviser', 'White House trade official': a name used as a modifier."""
    m = re.match(r"\s+([\w’'\-]+)", text[end:])
    return m is not None and (m[1].lower() in TITLE_WORDS or m[1].lower() in ANONYMOUS_HEADS)


def _institution(run: str) -> str | None:
    """Places that speak as institutions: 'the White House said'."""
    return next((name for name in INSTITUTIONS if run == name or run.endswith(" " + name)), None)


def _organisation(text: str, start: int, end: int, tokens: list[str], offsets: list[int]) -> NameHit | None:
    skip = 0
    while skip < len(tokens) - 1 and tokens[skip] in STARTERS:
        skip += 1
    name = " ".join(tokens[skip:])
    if len(tokens) - skip == 1 and tokens[-1] not in NEWS_AGENCIES:
        return None
    return NameHit(name, offsets[skip], end, "organisation", None, None)


def title_before(text: str, name_start: int) -> str | None:
    """'US Commerce Secretary' in 'US Commerce Secretary Howard Lutnick' (the last word must be a title)."""
    words = text[:name_start].split()
    taken: list[str] = []
    for word in reversed(words):
        bare = _POSSESSIVE.sub("", word)
        organisation_word = bool(taken) and bare[:1].isupper() and bare not in STARTERS and bare not in CALENDAR_WORDS
        if word[-1] in ",;:.!?)(“”\"" or bare.lower() not in TITLE_WORDS and bare not in PLACES and not organisation_word:
            break
        taken.insert(0, word)  # "Environment Agency chief executive": an organisation's name is part of the title
    while taken and _POSSESSIVE.sub("", taken[0]) in PLACES and _POSSESSIVE.search(taken[0]):
        taken.pop(0)  # "China’s chief trade negotiator" -> "chief trade negotiator"
    if not taken or taken[-1].lower().rstrip(".") not in TITLE_HEADS or taken[-1].lower().rstrip(".") in HONORIFICS:
        return None
    return " ".join(taken)


def title_after(text: str, name_end: int) -> str | None:
    """An apposition: 'Ian Bremmer, president of the Eurasia Group.'"""
    m = _APPOSITION.match(text[name_end:])
    if not m:
        return None
    phrase = m[1].strip()
    words = [w.lower().strip("’'") for w in re.findall(r"[\w’'\-]+", phrase)]
    if not words or words[0] in {"who", "which", "that", "speaking", "saying", "and", "but", "as", "when", "while"}:
        return None
    if not any(w in TITLE_HEADS for w in words):
        return None
    phrase = re.sub(r"^(?:[A-Z][a-z]+)[’']s\s+(?=[a-z])", lambda m: "" if m[0].split("’")[0].split("'")[0] in PLACES else m[0], phrase)
    return phrase


def affiliation_after(text: str, name_end: int) -> str | None:
    """'Emily Benson from Minerva Technology Futures' -> the organisation."""
    m = _AFFILIATION.match(text[name_end:])
    if not m:
        return None
    org = m[1].strip()
    return None if org in PLACES or len(org.split()) < 2 and org not in NEWS_AGENCIES else org


def org_in_title(title: str) -> str | None:
    m = _ORG_IN_TITLE.search(title)
    if not m:
        return None
    org = m[1].strip()
    return None if org in PLACES or len(org.split()) < 2 else org
