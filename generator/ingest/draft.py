"""Step 10: the draft content folder, as {path: bytes}: YAML and Markdown in our own format.

Everything is ordered by source, line and offset, so the same inputs give the same bytes.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from ..dates import parse_date
from .model import Conflict, DateMention, Figure, Quotation, TitleDifference

MARKER = ".ingest-draft"


_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: 20x faster on long texts


class _Dumper(_Base):  # type: ignore[valid-type,misc]
    pass


def _str(dumper: yaml.representer.SafeRepresenter, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any, header: str = "") -> bytes:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000, default_flow_style=False)
    return (header + text).encode("utf-8")


def md_escape(text: str) -> str:
    """Plain text safe inside our Markdown: no links, emphasis, HTML or references."""
    text = re.sub(r"([\\`*_\[\]<>{}|#])", r"\\\1", text)
    return re.sub(r"^([-+>]|\d+[.)])", r"\\\1", text)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", "")).strip("-") or "x"


_PASSAGE_SAFE = re.compile(r"^[^\"\[\]\\@\n]{2,240}$")


def cite(source: str, line: int, passage: str = "") -> str:
    """`[@src, line 12]`, with the passage as evidence (`check` verifies it is in the source) when it can be quoted."""
    passage = " ".join(passage.split())
    if passage and _PASSAGE_SAFE.match(passage):
        return f'[@{source}, line {line}, "{passage}"]'
    return f"[@{source}, line {line}]"


def passage_around(sentence: str, words: str, after: int = 6) -> str:
    """The words and up to `after` words that follow them in the sentence: short evidence for a citation."""
    at = sentence.find(words)
    if at < 0:
        return words
    tail = sentence[at + len(words):]
    ends = [m.end() for m in re.finditer(r"\S+", tail)][:after]
    return (words + tail[:ends[-1] if ends else 0]).rstrip(",;:")


def front_matter(fields: dict[str, Any], body: str) -> bytes:
    return b"---\n" + dump_yaml(fields) + b"---\n" + body.encode("utf-8")


def quote_record(qid: str, quote: Quotation, speaker: str) -> dict[str, Any]:
    flag = "" if quote.speaker else "**Speaker not found: review.** "
    return {"id": qid, "speaker": speaker, "source": quote.source_id, "text": quote.text,
            "context": f"{flag}{md_escape(quote.context)} {cite(quote.source_id, quote.line)} "
                       f"(offset {quote.offset}; {quote.rule})"}


def event_record(eid: str, mention: DateMention, actors: list[str], as_of: str) -> dict[str, Any]:
    assert mention.date is not None
    words = mention.sentence.split()
    title = " ".join(words[:14]) + ("…" if len(words) > 14 else "")
    record: dict[str, Any] = {"id": eid, "title": f"{mention.phrase}: {title}", "date": mention.date}
    if actors:
        record["actors"] = actors
    if parse_date(mention.date).last > parse_date(as_of).last:
        record["status"] = "planned"
    record["body"] = (f"From the phrase “{md_escape(mention.phrase)}” ({mention.reason}): "
                      f"{md_escape(mention.sentence)} {cite(mention.source_id, mention.line, passage_around(mention.sentence, mention.phrase, 4))}")
    return record


def _figure_row(f: Figure) -> str:
    sentence = md_escape(f.sentence).replace("\n", " ")
    return f"| {md_escape(f.text)} | {f.unit} | {sentence} | {cite(f.source_id, f.line, passage_around(f.sentence, f.text))} |"


def figures_page(figures: list[Figure], conflicts: list[Conflict], titles: list[TitleDifference],
                 ids: dict[str, str]) -> bytes:
    lines = ["## Conflicts", ""]
    if not conflicts:
        lines.append("No two articles give different values for the same quantity.")
    for c in conflicts:
        lines += [f"- **{md_escape(c.first.text)}** {cite(c.first.source_id, c.first.line, passage_around(c.first.sentence, c.first.text))} against "
                  f"**{md_escape(c.second.text)}** {cite(c.second.source_id, c.second.line, passage_around(c.second.sentence, c.second.text))}; "
                  f"both about: {', '.join(c.shared)}.",
                  f"  - “{md_escape(c.first.sentence)}”", f"  - “{md_escape(c.second.sentence)}”"]
    lines += ["", "## Title differences", ""]
    if not titles:
        lines.append("Every person has the same title in every article.")
    for t in titles:
        given = "; ".join(f"“{md_escape(title)}” [{'; '.join('@' + s for s in sources)}]" for title, sources in t.titles)
        lines.append(f"- [[{ids[t.actor]}]]: {given}")
    lines += ["", "## Figures", "", "| figure | kind | sentence | source |", "|---|---|---|---|"]
    lines += [_figure_row(f) for f in figures]
    return front_matter({"title": "Figures, conflicts and titles (draft)",
                         "summary": "Every figure the articles give, where they disagree, and how they title people.",
                         "order": 90}, "\n".join(lines) + "\n")


def dates_page(datings: list[tuple[str, str | None, bool, str]], unresolved: list[DateMention]) -> bytes:
    lines = ["## The articles' own dates", ""]
    for source, published, inferred, how in datings:
        shown = published or "unknown"
        lines.append(f"- [@{source}]: {shown}{' (inferred)' if inferred and published else ''}: {md_escape(how)}.")
    lines += ["", "## Dated phrases not resolved", "",
              "These phrases cannot be pinned to a date at any honest precision; they are listed, not guessed.", ""]
    if not unresolved:
        lines.append("None.")
    for d in unresolved:
        lines.append(f"- “{md_escape(d.phrase)}” ({md_escape(d.reason)}): {md_escape(d.sentence)} {cite(d.source_id, d.line, passage_around(d.sentence, d.phrase, 4))}")
    return front_matter({"title": "Dates (draft)", "summary": "How each article was dated, and the phrases left undated.",
                         "order": 91}, "\n".join(lines) + "\n")


def names_page(actors: list[tuple[str, str, list[str]]]) -> bytes:
    lines = ["Every person, organisation and unnamed speaker found, with the other names that point to them.", ""]
    for actor_id, name, aliases in sorted(actors):
        also = f": also “{'”, “'.join(md_escape(a) for a in aliases)}”" if aliases else ""
        lines.append(f"- [[{actor_id}]] ({md_escape(name)}){also}")
    return front_matter({"title": "Names and aliases (draft)", "summary": "Who the articles name, and how.", "order": 92},
                        "\n".join(lines) + "\n")
