"""generator/markdown.py through fixture files of `.`-separated cases (markdown-it-py's format).

A failing case is named by its line in the fixture file, e.g. `render.txt:42 Citation`.
"""
from __future__ import annotations

import copy
import re
from html import escape
from urllib.parse import quote as percent_encode

import pytest
from markdown_it.utils import read_fixture_file

from engine import FIXTURES
from generator.errors import Location
from generator.markdown import Gloss, ParsedDoc, make_parser, parse_markdown, render_markdown
from generator.kinds.quote import Quote
from generator.model import Markdown

MARKDOWN_FIXTURES = FIXTURES / "markdown"
FIRST_LINE = 10  # the text starts on this line of doc.md


class StubSite:
    """A LinkContext for a site of five entities; previews say which entity they are about."""

    urls = {"ana-ruiz": "actors/ana-ruiz.html", "talks": "timeline.html#talks", "framework": "framework.html",
            "gazette": "sources.html#gazette", "courier": "sources.html#courier", "ruiz-deal": "quotes.html#ruiz-deal"}
    titles = {"ana-ruiz": "Ana Ruiz", "talks": "Harbour talks open", "framework": "The framework"}
    numbers = {"gazette": 1, "courier": 2}

    def __init__(self, anchors: bool = True, passages: dict[str, str] | None = None) -> None:
        self.anchors = anchors
        self.passages = passages or {}
        self.glossed: set[str] = set()

    def href(self, target: str) -> str:
        return self.urls[target]

    def label(self, target: str) -> str:
        return self.titles[target]

    def preview(self, target: str) -> str:
        return f"about {target}"

    def citation_number(self, source_id: str) -> int:
        return self.numbers[source_id]

    def quote(self, quote_id: str) -> Quote:
        return Quote(quote_id, "ana-ruiz", "We <agree> & sign", "gazette", None, Location("quotes.yaml", 1))

    def passage(self, quote_id: str) -> str | None:
        return self.passages.get(quote_id)

    def verified(self, source_id: str) -> bool:
        return source_id == "gazette"

    def evidence_link(self, source_id: str, passage: str) -> str | None:
        return f"https://example.org/a#:~:text={percent_encode(passage)}" if source_id == "gazette" else None

    def kind_label(self, target: str) -> str:
        return "Glossary" if target == "harbour" else ""

    def gloss(self, text: str) -> str:
        """Links the first 'harbour' as a glossary term, as the site's PageLinks does for its terms."""
        if "harbour" in self.glossed or "harbour" not in text:
            return escape(text)
        self.glossed.add("harbour")
        before, _, after = text.partition("harbour")
        return f'{escape(before)}<a class="gloss" href="glossary.html#harbour">harbour</a>{escape(after)}'


def cases(name: str) -> list:  # type: ignore[type-arg]
    path = MARKDOWN_FIXTURES / name
    return [pytest.param(text, expected, id=f"{name}:{line} {title}")
            for line, title, text, expected in read_fixture_file(path)]


def parse(text: str) -> ParsedDoc:
    return parse_markdown(make_parser(), Markdown(text, Location("doc.md", FIRST_LINE)), "doc")


def render(text: str, anchors: bool = True) -> str:
    return render_markdown(parse(text), StubSite(anchors))


def describe_refs(parsed: ParsedDoc) -> str:
    lines = [f"{r.kind} {r.target}{'#' + r.fragment if r.fragment else ''} @{r.location.line} {r.anchor}"
             for r in parsed.refs]
    lines += [f"@{d.location.line}: {d.message}" for d in parsed.problems]
    assert all(d.location.path == "doc.md" for d in parsed.problems)
    return "".join(line + "\n" for line in lines)


@pytest.mark.parametrize("text, expected", cases("render.txt"))
def test_render(text: str, expected: str) -> None:
    assert render(text) == expected


@pytest.mark.parametrize("text, expected", cases("refs.txt"))
def test_references_and_their_lines(text: str, expected: str) -> None:
    assert describe_refs(parse(text)) == expected


@pytest.mark.parametrize("text, expected", cases("render.txt") + cases("refs.txt"))
def test_every_reference_anchor_is_an_id_in_the_html(text: str, expected: str) -> None:
    # Backlinks point at `page#anchor`, so each reference's anchor must exist in the output.
    html = render(text)
    ids = set(re.findall(r' id="([^"]+)"', html))
    missing = [r.anchor for r in parse(text).refs if r.anchor not in ids]
    assert not missing, f"anchors {missing} are not in:\n{html}"


def test_text_rendered_away_from_its_home_page_has_no_reference_anchors() -> None:
    text = "See [[talks]] [@gazette] ![[ruiz-deal]].\n\n![[ruiz-deal]]\n"
    at_home, elsewhere = render(text), render(text, anchors=False)
    assert at_home.count(' id="doc-r') == 4
    assert elsewhere == re.sub(r' id="doc-r\d+"', "", at_home)


def test_embedded_quotation_links_to_the_passage_in_the_original_where_the_source_has_a_url() -> None:
    deep = "https://example.org/a#:~:text=We%20agree"
    site = StubSite(passages={"ruiz-deal": deep})
    block = render_markdown(parse("![[ruiz-deal]]\n"), site)
    inline = render_markdown(parse("She said ![[ruiz-deal]] twice.\n"), site)
    assert f'<blockquote cite="{deep}">' in block
    assert f'<a class="passage" href="{deep}">read it in the original</a>' in block
    assert f'<q id="doc-r1" cite="{deep}">' in inline
    assert "passage" not in render("![[ruiz-deal]]\n")  # no URL, no link


def test_rendering_never_changes_the_parsed_text() -> None:
    """A parsed text is shared by every page (and worker process) that renders it: filling its
    holes for one page must not change what the next page gets, not even an unsafe link."""
    parsed = parse("A [bad](javascript:alert(1)) link, [[ana-ruiz]], ![[ruiz-deal]] and a harbour [@gazette].\n")
    before = copy.deepcopy(parsed)
    first = render_markdown(parsed, StubSite())
    assert 'href="#"' in first and "javascript:" not in first
    assert parsed == before
    assert render_markdown(parsed, StubSite()) == first


def test_only_prose_that_holds_a_glossary_term_is_left_for_the_page_to_link() -> None:
    """The parse renders the text once; prose with a glossary term (any case) stays a hole, so
    the page links the term's first use there, and the HTML is the same as with every prose hole."""
    text = "The Harbour opens.\n\nNo term here.\n\n## harbour\n\nA harbour again [[talks]].\n"
    doc = Markdown(text, Location("doc.md", FIRST_LINE))
    parsed = parse_markdown(make_parser(), doc, "doc", glossary=r"(?<!\w)(?:harbour)(?!\w)")
    assert [h.text for h in parsed.html.holes if isinstance(h, Gloss)] == ["The Harbour opens.", "A harbour again "]
    assert not any(isinstance(h, Gloss) for h in parse_markdown(make_parser(), doc, "doc", glossary="").html.holes)
    assert render_markdown(parsed, StubSite()) == render(text)


def test_references_in_a_long_paragraph_are_each_at_their_own_line() -> None:
    # Near a block's start a reference's line is counted, further on looked up: both must agree.
    text = "".join(f"Line {i} cites [[talks]] and [@gazette].\n" for i in range(300))  # ~12,000 characters
    lines = [ref.location.line for ref in parse(text).refs]
    assert lines == [FIRST_LINE + i for i in range(300) for _ in range(2)]
