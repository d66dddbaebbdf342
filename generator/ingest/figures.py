"""Step 9: figures (percentages, amounts, counts, durations) and conflicts between articles.

Two figures conflict when they are in different articles, have the same unit, differ in value,
and their sentences describe the same quantity: enough of the content words next to the number
are shared ("China controls over 70% of the global supply" / "China controls around 60% of
global production": china, controls, global).
"""
from __future__ import annotations

import re

from .model import Article, Conflict, Figure, TitleDifference, ActorInfo

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
          "hundred": 100, "dozen": 12}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_QUALIFIER = r"(?:(over|more than|less than|under|around|about|nearly|almost|roughly|some|up to|at least|approximately)\s+)?"
_NUM = r"(\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|ninety)"
_PATTERNS = tuple((unit, re.compile(p, re.IGNORECASE)) for unit, p in (
    ("percent", rf"{_QUALIFIER}([+\-−]?\d[\d,]*(?:\.\d+)?)\s?(%|percent\b|per cent\b|percentage points?\b)"),
    ("money", rf"{_QUALIFIER}([$€£¥])\s?(\d[\d,]*(?:\.\d+)?)\s?(trillion|billion|million|thousand|bn|m|k)?\b"),
    ("duration", rf"\b{_QUALIFIER}{_NUM}[- ](hours?|days?|weeks?|months?|years?|decades?)\b"),
    ("count", rf"\b{_QUALIFIER}{_NUM}\s+((?:[A-Z]?[a-z]+\s+){{0,2}}(?:members|people|countries|companies|officials|"
              rf"economies|sectors|jobs|workers|tonnes|tons|barrels|units|shipments|licences|licenses|automakers|"
              rf"firms|delegations|rounds|cars|vehicles|ships|troops|deaths|cases|votes|seats|products|items))\b"),
))
_STOP = frozenset("""the a an of and or to in on at by for from with as is are was were be been has have had it its this that
these those which who what than then over around about nearly almost more less some up at least into per cent percent
year years day days month months week weeks since last this next their his her our they we he she also just only
while when where after before""".split())
SHARED_WORDS = 3  # content words two sentences must share to be about the same quantity


def _number(text: str) -> float:
    text = text.lower().replace(",", "").replace("−", "-")
    return float(_WORDS[text]) if text in _WORDS else float(text)


def find_figures(article: Article) -> list[Figure]:
    figures = []
    for paragraph in article.paragraphs:
        taken: list[tuple[int, int]] = []
        for unit, pattern in _PATTERNS:
            for m in pattern.finditer(paragraph.text):
                if any(m.start() < b and a < m.end() for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                figures.append(_figure(article.source_id, paragraph.line, paragraph.text, unit, m))
    return sorted(figures, key=lambda f: (f.line, f.offset))


def _figure(source: str, line: int, text: str, unit: str, m: re.Match[str]) -> Figure:
    qualifier = (m[1] or "").lower()
    if unit == "percent":
        value, shown_unit = _number(m[2]), "percent" if not m[3].lower().startswith("percentage") else "points"
    elif unit == "money":
        value, shown_unit = _number(m[3]) * _SCALE.get((m[4] or "").lower(), 1), f"money:{m[2]}"
    elif unit == "duration":
        value, shown_unit = _number(m[2]), f"duration:{m[3].lower().rstrip('s')}"
    else:
        value, shown_unit = _number(m[2]), f"count:{m[3].split()[-1].lower()}"
    sentence = _sentence(text, m.start())
    return Figure(source, line, m.start(), m[0].strip(), value, shown_unit, qualifier, sentence,
                  _context_words(sentence, m[0]))


def _sentence(text: str, offset: int) -> str:
    starts = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z“\"])", text) if m.end() <= offset]
    start = starts[-1] if starts else 0
    end = re.search(r"[.!?](?=\s+[A-Z“\"]|\s*$)", text[offset:])
    return text[start:offset + end.end() if end else len(text)].strip()


def _stem(word: str) -> str:
    word = word.lower().strip("’'")
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _context_words(sentence: str, figure: str) -> frozenset[str]:
    """Content words of the clause around the figure (a clause ends at , ; — or a conjunction)."""
    at = sentence.find(figure)
    clause_start = max([sentence.rfind(c, 0, at) for c in (",", ";", "—", " and ", " but ")] + [-1]) + 1
    ends = [i for i in (sentence.find(c, at + len(figure)) for c in (",", ";", "—", " and ", " but ")) if i >= 0]
    clause = sentence[clause_start:min(ends) if ends else len(sentence)]
    return frozenset(_stem(w) for w in re.findall(r"[A-Za-z][\w’'\-]+", clause.replace(figure, " "))
                     if w.lower() not in _STOP and len(w) > 2)


def find_conflicts(figures: list[Figure]) -> list[Conflict]:
    conflicts = []
    for i, a in enumerate(figures):
        for b in figures[i + 1:]:
            if a.source_id == b.source_id or a.unit != b.unit or abs(a.value - b.value) < 1e-9:
                continue
            shared = a.context_words & b.context_words
            # a count's unit names what is counted ("people"), so fewer shared words are needed
            if len(shared) >= (SHARED_WORDS - 1 if a.unit.startswith("count:") else SHARED_WORDS):
                conflicts.append(Conflict(a, b, tuple(sorted(shared))))
    return conflicts


def title_differences(actors: list[ActorInfo]) -> list[TitleDifference]:
    """People whose titles differ between articles (each title with the articles that give it)."""
    found = []
    for actor in actors:
        by_title: dict[str, list[str]] = {}
        for title, source in actor.roles:
            by_title.setdefault(title, [])
            if source not in by_title[title]:
                by_title[title].append(source)
        sources = {s for ss in by_title.values() for s in ss}
        if len(by_title) > 1 and len(sources) > 1:
            found.append(TitleDifference(actor.key, tuple((t, tuple(sorted(s))) for t, s in sorted(by_title.items()))))
    return found
