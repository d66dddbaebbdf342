"""The records the ingest steps pass along: frozen, located in their source (line and offset)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    line: int  # 1-based line in the article as read (the extracted text, for HTML)
    text: str


@dataclass(frozen=True)
class NoiseLine:
    line: int
    text: str
    rule: str  # why it was removed


@dataclass(frozen=True)
class Article:
    source_id: str
    file: str
    paragraphs: tuple[Paragraph, ...]
    noise: tuple[NoiseLine, ...]
    title: str | None = None  # found in the input (HTML <title>/<h1>, or metadata)
    byline: str | None = None
    publisher: str | None = None
    published: str | None = None  # a date in our forms, found in the text
    url: str | None = None
    is_html: bool = False

    @property
    def full_text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Mention:
    """A name, alias, title or pronoun found in a paragraph; key is the actor key or a pronoun."""
    key: str
    start: int
    end: int
    pronoun: bool = False
    kind: str = "person"  # person | organisation | group (unnamed speakers) | pronoun


@dataclass(frozen=True)
class ActorInfo:
    key: str  # normalised full name, e.g. "howard lutnick"
    name: str
    kind: str  # person | organisation | group
    roles: tuple[tuple[str, str], ...] = ()  # (title, source id)
    affiliation: str | None = None  # key of an organisation
    sources: tuple[str, ...] = ()
    places: tuple[tuple[str, int, str], ...] = ()  # (source, line, the title given there or "")


@dataclass(frozen=True)
class Quotation:
    source_id: str
    line: int
    offset: int  # character offset of the opening mark in the paragraph
    text: str  # verbatim; a split quotation's parts joined by " ... "
    speaker: str | None  # actor key
    rule: str  # which attribution rule named the speaker ("unattributed" if none)
    context: str  # the sentence(s) around it


@dataclass(frozen=True)
class DateMention:
    source_id: str
    line: int
    offset: int
    phrase: str
    sentence: str
    date: str | None  # in our date forms; None when it cannot be resolved honestly
    reason: str = ""  # how it was resolved, or why not
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    source_id: str
    line: int
    offset: int
    text: str  # as printed, with its qualifier ("over 70%")
    value: float
    unit: str  # percent | money:USD | count | duration:day ...
    qualifier: str
    sentence: str
    context_words: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Conflict:
    first: Figure
    second: Figure
    shared: tuple[str, ...]  # the words that say it is the same quantity


@dataclass(frozen=True)
class TitleDifference:
    actor: str
    titles: tuple[tuple[str, tuple[str, ...]], ...]  # (title, source ids)
