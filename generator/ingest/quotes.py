"""Step 6: direct quotations and their speakers, by rules over quotation marks and attribution verbs.

Rules, in order: the attribution right after the quote ("…," said X / X said / he said); the
sentence before it ("X said:", "according to X", "as X observed", "described by X as"); an
earlier quotation in the same sentence or paragraph; a paragraph that is only a quotation
continues the previous paragraph's speaker. Pronouns go to the last person named outside quotes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .actors import Registry, find_mentions
from .lexicon import SPEECH_VERBS
from .model import Article, Mention, Quotation

MIN_WORDS = 3  # shorter quoted spans ("framework", "sensitive technology") are scare quotes or terms
_VERB = re.compile(rf"\b({'|'.join(SPEECH_VERBS)})\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z“\"‘]|\s*$)")
_GAP = re.compile(r"^\s*[,.;:—–-]*\s*(.{0,90}?)\s*[,.:;—–-]\s*$", re.DOTALL)


@dataclass(frozen=True)
class Span:
    start: int  # the opening mark
    end: int  # just after the closing mark (or the paragraph's end)
    text: str


_DOUBLE = re.compile(r"“([^“”]*)(”|$)|\"([^\"]*)(\"|$)")


def _single_spans(text: str) -> list[Span]:
    """‘…’: the closing mark is the first ’ after punctuation or before it (or at the end); any other ’ is an
    apostrophe (it’s, workers’ families)."""
    spans, at = [], 0
    while (start := text.find("‘", at)) >= 0:
        close = next((i for i in range(start + 1, len(text)) if text[i] == "’" and
                      (text[i - 1] in ",.!?" or i + 1 == len(text) or text[i + 1] in ",.;:!?)")), None)
        end = len(text) if close is None else close + 1
        if start == 0 or not text[start - 1].isalnum():
            spans.append(Span(start, end, text[start + 1:close if close is not None else len(text)]))
        at = end
    return spans


def quote_spans(text: str) -> list[Span]:
    """Curly “…” and straight "…" quotations; one left open runs to the paragraph's end. A paragraph with
    no double marks may use single ones (‘…’), as some British papers do."""
    if "“" in text or '"' in text:
        return [Span(m.start(), m.end(), m[1] if m[1] is not None else m[3]) for m in _DOUBLE.finditer(text)]
    return _single_spans(text)


_FUNCTION_WORDS = r"(?:and|but|or|by|in|on|at|to|for|with|from|of|after|before|over|about|as|when|because|while|" \
                  r"that|which|if|than|since|until|during|without)"
_NAMING = re.compile(r"\b(reading|read|titled|entitled|headlined|dubbed|named|nicknamed|known as|labell?ed|marked|"
                     r"slogan|hashtag|the word|the words|the phrase|the term|so-called)\s*$", re.IGNORECASE)


def _a_name_or_title(text: str, span: Span) -> bool:
    """Placards "reading", things "dubbed" or "titled", and Title Case names of works are not quotations."""
    words = re.findall(r"[\w’']+", span.text)
    title_case = 1 < len(words) <= 8 and all(w[0].isupper() or w.lower() in {"of", "the", "a", "and", "in", "on", "for", "to"}
                                              for w in words) and not re.search(r"[.!?,]", span.text)
    return bool(_NAMING.search(text[max(0, span.start - 30):span.start])) or title_case


def _short_quote(text: str, span: Span) -> bool:
    """A one- or two-word quotation counts when a speech verb just before governs it ("called the shift
    “unprecedented,”") and it ends its clause; a quoted word before a noun ("a “framework” agreement") is a term."""
    if not span.text.strip() or span.text.strip()[0].isupper() and words_in(span.text) > 1:
        return False
    after = text[span.end:span.end + 16]
    if not re.match(rf"^\s*([,.;:!?)—–-]|{_FUNCTION_WORDS}\b|$)", after) and not re.search(r"[,.;:!?]$", span.text.strip()):
        return False  # a quoted word before a noun is a term: a “framework” agreement
    before = text[max(0, span.start - 80):span.start]
    verbs = list(_VERB.finditer(before))
    return bool(verbs) and words_in(before[verbs[-1].end():]) <= 8 and not re.search(r"[.!?]\s", before[verbs[-1].end():])


def words_in(text: str) -> int:
    return len(re.findall(r"[\w’']+", text))


def extract_quotations(article: Article, registry: Registry) -> list[Quotation]:
    quotes: list[Quotation] = []
    history: list[tuple[str, list[Mention], list[Span]]] = []  # earlier paragraphs, for pronouns
    previous_speaker: str | None = None
    previous_was_quote = False
    for number, paragraph in enumerate(article.paragraphs):
        text = paragraph.text
        spans = [s for s in quote_spans(text) if not _a_name_or_title(text, s)
                 and (words_in(s.text) >= MIN_WORDS or _short_quote(text, s))]
        mentions = find_mentions(text, registry)
        outside = [m for m in mentions if not any(s.start <= m.start < s.end for s in quote_spans(text))]
        groups = _merge_split(text, spans, outside)
        speakers: list[str | None] = []
        for group in groups:
            speaker, rule = _attribute(text, group, outside, spans, history, registry)
            if speaker is None and speakers and speakers[-1]:
                speaker, rule = speakers[-1], "same paragraph"
            if speaker is None and group[0].start == 0 and previous_was_quote and previous_speaker:
                speaker, rule = previous_speaker, "continued from the previous paragraph"
            if speaker is None and group[0].start > 0:
                speaker = _subject_before(text, group[0].start, outside)
                rule = "the person the sentence before is about"
            speakers.append(speaker)
            quotes.append(Quotation(article.source_id, paragraph.line, group[0].start, _joined(group), speaker,
                                    rule if speaker else "unattributed", _context(text, group)))
        history.append((text, outside, quote_spans(text)))
        if groups:
            previous_speaker = speakers[-1]
        previous_was_quote = bool(groups) and _sentence_bounds(text, groups[-1][0].start, groups[-1][-1].end)[1] >= len(text.rstrip())
    return quotes


def _joined(group: list[Span]) -> str:
    return " ... ".join(s.text.strip().rstrip(",").strip() for s in group)


def _merge_split(text: str, spans: list[Span], outside: list[Mention]) -> list[list[Span]]:
    """“A,” he said, “B.” is one quotation cut by its attribution."""
    groups: list[list[Span]] = []
    for span in spans:
        if groups:
            gap = text[groups[-1][-1].end:span.start]
            m = _GAP.match(gap)
            if m and _VERB.search(gap) and words_in(gap) <= 9 and groups[-1][-1].text.rstrip().endswith(","):
                groups[-1].append(span)
                continue
        groups.append([span])
    return groups


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    inside = [(s.start, s.end) for s in quote_spans(text)]
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if not any(a < m.start() < b - 1 for a, b in inside)]
    first = max((e for e in ends if e <= start), default=0)
    last = min((e for e in ends if e >= end), default=len(text))
    return first, last


def _context(text: str, group: list[Span]) -> str:
    first, last = _sentence_bounds(text, group[0].start, group[-1].end)
    return text[first:last].strip()


def _attribute(text: str, group: list[Span], outside: list[Mention], spans: list[Span],
               history: list[tuple[str, list[Mention], list[Span]]], registry: Registry) -> tuple[str | None, str]:
    first, last = _sentence_bounds(text, group[0].start, group[-1].end)
    for left, right in zip(group, group[1:]):
        speaker = _after(text, left.end, right.start, outside, history)
        if speaker:
            return speaker, "attribution between the parts"
    next_open = min((s.start for s in spans if s.start >= group[-1].end), default=len(text))
    speaker = _after(text, group[-1].end, min(last, next_open), outside, history)
    if speaker:
        return speaker, "attribution after the quotation"
    speaker = _before(text, first, group[0].start, outside, history)
    if speaker:
        return speaker, "attribution before the quotation"
    return None, "unattributed"


def _in(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if start <= m.start and m.end <= end]


def _after(text: str, start: int, end: int, outside: list[Mention], history: list[tuple[str, list[Mention], list[Span]]]) -> str | None:
    """', said X' / ', X said' / ', he added' right after the closing mark."""
    tail = text[start:end]
    lead = re.match(r"^\s*[,.;:—–-]?\s*", tail)
    offset = start + (lead.end() if lead else 0)
    verb = _VERB.match(text, offset)
    window = _in(outside, offset, end)
    if verb:
        after = [m for m in window if m.start >= verb.end() and words_in(text[verb.end():m.start]) <= 8]
        return _resolve(after[0], text, history, outside) if after else None
    if window and words_in(text[offset:window[0].start]) <= 3:
        rest = text[window[0].end:end]
        if _VERB.match(rest.lstrip(" ,")) or re.match(r"^\s*(?:,[^,]{0,80},\s*)?(?:\w+ly\s+)?(" + _VERB.pattern[3:-3] + r")\b", rest):
            return _resolve(window[0], text, history, outside)
    # "a spokeswoman for the ministry said", "the university's senior economist, Paul Grey, said"
    said = _VERB.search(text, offset, end)
    subjects = [m for m in window if said and m.end <= said.start()]
    if said and subjects and words_in(text[offset:said.start()]) <= 12 and words_in(text[offset:subjects[0].start]) <= 6:
        named = [m for m in subjects if m.kind in {"person", "organisation"}]
        return _resolve((named or subjects)[0], text, history, outside)
    return None


def _before(text: str, start: int, end: int, outside: list[Mention], history: list[tuple[str, list[Mention], list[Span]]]) -> str | None:
    """'X said:', 'according to X, “…”', 'as X observed, …', 'described by X as “…”'."""
    head = text[start:end]
    window = _in(outside, start, end)
    if not window:
        return None
    for m in window:
        if re.match(r"[’']s\s+(?:own\s+)?words\b", text[m.end:m.end + 12]) and re.search(r"\b[Ii]n\s+(?:[A-Z][\w’']*\s+)*$", text[start:m.start]):
            return _resolve(m, text, history, outside)  # "In Koike's words, ..."
    titled = r"(?:[A-Z][\w’'.]*\s+){0,4}$"
    passive = r"\b(?:described|quoted|called|cited|characteri[sz]ed|dismissed|labell?ed|branded|hailed)\b[^.“”\"]{0,40}\bby\s+"
    for pattern in (r"\b[Aa]ccording to\s+" + titled, passive + titled, r"\b[Aa]s\s+" + titled):
        for m in window:
            if re.search(pattern, text[start:m.start]):
                if pattern.startswith(r"\b[Aa]s") and not _VERB.search(text[m.end:end]):
                    continue
                return _resolve(m, text, history, outside)
    verb = _VERB.search(head)
    if not verb and not head.rstrip().endswith(":"):
        return None
    limit = start + verb.start() if verb else end
    subjects = [m for m in window if m.end <= limit]
    return _resolve(subjects[0], text, history, outside) if subjects else None


def _subject_before(text: str, start: int, outside: list[Mention]) -> str | None:
    """'Okafor laughed. “Watch this space.”': the person the previous sentence of the paragraph is about."""
    head = text[:start].rstrip()
    if not re.search(r"[.!?:]$", head):
        return None
    sentence_start, _ = _sentence_bounds(text, max(0, len(head) - 1), len(head))
    named = [m for m in outside if sentence_start <= m.start and m.end <= len(head) and not m.pronoun]
    return named[0].key if named and words_in(text[sentence_start:named[0].start]) <= 8 else None


def _named(mentions: list[Mention], kinds: frozenset[str]) -> list[Mention]:
    return [m for m in mentions if m.kind in kinds]


_PERSON = frozenset({"person"})
_PLURAL = frozenset({"organisation", "group"})


def _antecedent(text: str, mentions: list[Mention], kinds: frozenset[str] = _PERSON) -> str | None:
    """In the nearest sentence naming someone: its subject (a name among its first words), else its last name."""
    named = _named(mentions, kinds)
    if not named:
        return None
    last = named[-1]
    first, _ = _sentence_bounds(text, last.start, last.end)
    in_sentence = [m for m in named if m.start >= first]
    subject = in_sentence[0]
    return subject.key if words_in(text[first:subject.start]) <= 4 else last.key


def _resolve(mention: Mention, text: str, history: list[tuple[str, list[Mention], list[Span]]],
             outside: list[Mention]) -> str | None:
    """A pronoun is the person last named outside quotations (this paragraph, then up to three back),
    preferring the subject of the sentence that names them ("O'Brien met Natarajan. ... he said" -> O'Brien)."""
    if not mention.pronoun:
        return mention.key
    kinds = _PLURAL if mention.key == "they" else _PERSON  # "they" said: an organisation or unnamed group
    earlier = [m for m in outside if m.end <= mention.start]
    found = _antecedent(text, earlier, kinds)
    if found:
        return found
    for text_before, mentions, _ in reversed(history[-3:]):
        found = _antecedent(text_before, mentions, kinds)
        if found:
            return found
    return None
