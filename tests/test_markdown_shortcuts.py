"""The parser's short cuts (markdown.py: the normalize and inline stages, the options set to
their defaults) must give exactly the tokens markdown-it-py's own stages give, so the HTML,
the references and their lines stay as they were. Compared on every fixture text, the
default briefing's pages, and random Markdown made of the constructs where a short cut
could go wrong (line ends, NUL, plain cells, list items, headings, options' syntax)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import markdown_it
from markdown_it import MarkdownIt
from markdown_it.rules_core import inline, normalize
from markdown_it.utils import read_fixture_file

from engine import FIXTURES, PROJECT_ROOT
from generator import markdown
from generator.markdown import make_parser

ENV = {"docId": "doc", "headingPrefix": ""}


def markdown_it_parser() -> MarkdownIt:
    """Our parser with markdown-it's own normalize and inline stages and options."""
    md = make_parser()
    md.core.ruler.at("normalize", normalize)
    md.core.ruler.at("inline", inline)
    for name in markdown._DEFAULTS_READ_IN_LOOPS:
        del md.options[name]
    return md


FAST, REFERENCE = make_parser(), markdown_it_parser()


def assert_same_tokens(text: str) -> None:
    assert FAST.parse(text, dict(ENV)) == REFERENCE.parse(text, dict(ENV)), repr(text[:200])


def fixture_texts() -> list[str]:
    texts = [text for name in ("render.txt", "refs.txt")
             for _, _, text, _ in read_fixture_file(FIXTURES / "markdown" / name)]
    return texts + [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "content").rglob("*.md"))]


EDGES = [
    "plain words", "a\r\nb\rc\n", "x\0y", "| a | b |\n|---|---|\n| plain | *em* |\n", "- item\n- [ ] task\n- [x] done\n",
    "## Plain heading\n", "## Heading *em*\n", "> [!NOTE]\n> an alert\n", "~one~ ~~two~~\n", "[ref]\n\n[ref]: https://x.org\n",
    "a" * 300, "a" * 300 + "*b*", "Text[^1].\n\n[^1]: A note.\n", "", "\n\n", "é ü 中文", "  indented\n\n    code\n",
]


@pytest.mark.parametrize("text", fixture_texts() + EDGES)
def test_short_cuts_parse_as_markdown_it_does(text: str) -> None:
    assert_same_tokens(text)


PIECES = st.sampled_from([
    "word", "two words", " ", "\n", "\n\n", "\r\n", "\r", "\0", "\t", "é", "-", "*", "_", "~", "~~", "`", "[", "]", "!",
    "@", "#", "&amp;", "<b>", "\\", ":", "^", "|", "[[talks]]", "[@gazette]", "![[ruiz-deal]]", "## ", "- ", "1. ",
    "> ", "[ ] ", "[!NOTE]", "| a | b |\n|---|---|\n| c | d |\n", "```\n", "    ", "[^1]", "[^1]: note\n", "[x]: /u\n",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_short_cuts_parse_random_markdown_as_markdown_it_does(text: str) -> None:
    assert_same_tokens(text)


def test_the_reference_parser_differs_only_in_its_short_cuts() -> None:
    # Guards the comparison itself: the reference really runs markdown-it's own stages.
    rules = {rule.name: rule.fn for rule in REFERENCE.core.ruler.__rules__}
    assert rules["normalize"] is normalize and rules["inline"] is inline
    fast = {rule.name: rule.fn for rule in FAST.core.ruler.__rules__}
    assert fast["normalize"] is not normalize and fast["inline"] is not inline
    assert set(rules) == set(fast)


def test_an_option_set_for_speed_is_the_default_markdown_it_reads() -> None:
    # `.get(name, False)` in markdown-it's rules: the options we set must keep that default.
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in Path(markdown_it.__file__).parent.rglob("*.py"))
    for name, value in markdown._DEFAULTS_READ_IN_LOOPS.items():
        assert f'options.get("{name}", {value})' in source, name
