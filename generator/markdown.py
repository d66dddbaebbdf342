"""Markdown: markdown-it-py with footnotes, tables and heading anchors, plus two rules of ours:

- wikilinks `[[id]]`, `[[id|label]]` and quote embeds `![[quote-id]]` (Obsidian / Quartz style);
- Pandoc citations `[@id]`, `[@a; @b]`, `[@id, para. 4]`, with evidence: a quoted passage as the
  last part of an item, `[@id, "words from the source"]` or `[@id, para. 4, "..."]` (also `[@id: "..."]`).

Each text is parsed once (`parse_markdown`): that records every reference with its file line
(from the tokens' `map`) and renders the text's HTML, except for what depends on the page that
shows it or on the resolved briefing: wikilinks, quotation embeds, citation marks and prose
that may hold a glossary term are left as holes. `render_markdown` fills the holes for one
page through a `LinkContext` that knows URLs and citation numbers: a cheap pass, so a text is
never parsed again where it renders (as Hugo and Zola render content once and resolve links after).
Raw HTML is off (escaped), and only http(s), mailto and relative links are accepted.
"""
from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass, replace
from html import escape
from typing import TYPE_CHECKING, Callable, Literal, NamedTuple, Protocol

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.rules_inline import autolink, image, link
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Diagnostic, Location, error
from .headings import PAGE_IDS_OPTION, TEMPLATE_IDS, heading_ids_rule, reserved_heading_warning
from .marks import Cite, MarkContext, citation_mark, quotation
from .model import Markdown

if TYPE_CHECKING:
    from .kinds.quote import Quote

RefKind = Literal["link", "embed", "cite"]
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_WIKILINK = re.compile(r"!?\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]*?))?\]\]")
_CITATION = re.compile(r"\[(@[^\[\]]*)\]")  # may wrap onto the next line
_CITE_ITEM = re.compile(rf"^@({_ID})(?:\s*([,:])\s*(.+))?$")
_PASSAGE = re.compile(r'(?:^|,\s*)(?:"([^"]+)"|\u201c([^\u201d]+)\u201d)$')  # "..." or “...”, last in the item
_QUOTE_PAIRS = {'"': '"', "\u201c": "\u201d"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = ("http", "https", "mailto")



class Ref(NamedTuple):
    """A reference in a text. A named tuple, as the holes below: a rebuild unpickles every
    text's references from the build cache (~65,000 at 10,000 pages)."""

    kind: RefKind
    target: str
    location: Location
    anchor: str  # id of the element in the rendered page, for backlinks
    fragment: str = ""  # `[[page#section]]`: a heading id on the target's page
    passage: str = ""  # a citation's evidence: words that must be in the source's text


# Holes are named tuples: tens of thousands cross from the parse workers, and tuples unpickle
# several times faster than (slotted) dataclasses.

class WikiLink(NamedTuple):
    target: str
    fragment: str
    label: str  # "" for the target's own label
    anchor: str


class Embed(NamedTuple):
    target: str  # a quote id
    block: bool  # alone in its paragraph: a block quotation, else an inline <q>
    anchor: str


class Citation(NamedTuple):
    cites: tuple[Cite, ...]
    anchors: tuple[str, ...]


class Gloss(NamedTuple):
    text: str  # running prose that may hold a glossary term


Hole = WikiLink | Embed | Citation | Gloss
_HOLE = "\x00"  # markdown-it replaces NUL in the source with U+FFFD, so no rendered text holds one


@dataclass(frozen=True)
class RenderedDoc:
    """A text's HTML: the fixed parts, and between each two a hole the rendering page fills.
    The parts are kept compressed: every text of the briefing is held until the pages are
    rendered (50 MB of HTML at 10,000 pages, 17 MB so), and it costs ~35 microseconds a page."""

    compressed: bytes  # the parts, joined by _HOLE, UTF-8, zlib
    holes: tuple[Hole, ...]

    @classmethod
    def of(cls, parts: list[str], holes: tuple[Hole, ...]) -> RenderedDoc:
        return cls(zlib.compress(_HOLE.join(parts).encode("utf-8"), 1), holes)

    @property
    def parts(self) -> list[str]:
        return zlib.decompress(self.compressed).decode("utf-8").split(_HOLE)  # one more than holes


@dataclass(frozen=True)
class ParsedDoc:
    key: str  # unique per document, also the prefix of its anchors
    html: RenderedDoc
    refs: tuple[Ref, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    headings: tuple[str, ...] = ()  # the heading ids, in order


class LinkContext(MarkContext, Protocol):
    anchors: bool
    glossed: set[str]

    def quote(self, quote_id: str) -> Quote: ...
    def gloss(self, text: str) -> str: ...
    def kind_label(self, target: str) -> str: ...


# Options markdown-it reads with `.get(name, default)` in its block and inline loops, set to those
# defaults: an option missing from its OptionsDict raises (and catches) a KeyError on every read.
_DEFAULTS_READ_IN_LOOPS = {"strikethrough_single_tilde": False, "tasklists": False, "alerts": False,
                           "store_labels": False, "inline_definitions": False}


def make_parser(page_ids: frozenset[str] = TEMPLATE_IDS) -> MarkdownIt:
    """`page_ids`: the ids the pages with plain heading ids give their own elements (kind.page_ids)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table").enable("strikethrough")
    md.use(footnote_plugin)
    md.options.update(_DEFAULTS_READ_IN_LOOPS)
    md.options[PAGE_IDS_OPTION] = page_ids
    md.core.ruler.at("normalize", _normalize_rule)
    md.core.ruler.at("inline", _inline_rule)
    md.core.ruler.push("heading_ids", heading_ids_rule)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # checked, with file:line, in _check_link
    for rule_name, inline_rule in (("link", link), ("image", image), ("autolink", autolink)):
        md.inline.ruler.at(rule_name, _located(inline_rule))
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    for name, rule in (("wikilink", _render_wikilink), ("quote_embed", _render_embed),
                       ("citation", _render_citation), ("link_open", _render_link_open), ("text", _render_text),
                       ("table_open", _render_table_open), ("table_close", _render_table_close)):
        md.add_render_rule(name, rule)
    return md


def _normalize_rule(state: StateCore) -> None:
    """markdown-it's normalize rule (line ends as `\\n`, NUL as U+FFFD) without its two regex
    passes over every text, which copy it even when there is nothing to replace."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


_PLAIN_UP_TO = 240  # longer text mostly holds a link or emphasis: searching it first would cost more than it saves


def _inline_rule(state: StateCore) -> None:
    """markdown-it's inline stage, with a short cut for the inline blocks where no inline rule
    can start (most table cells, list items and headings): every rule starts at one of
    markdown-it's terminator characters, so text with none is one text token, as the full
    parse would make it, without building an inline state and running every rule over it."""
    inline, env = state.md.inline, state.env
    for token in state.tokens:
        if token.type == "inline":
            content, children = token.content, token.children
            if children is None:
                children = token.children = []
            if (not children and 0 < len(content) <= _PLAIN_UP_TO) and not inline.terminator_re.search(content):
                children.append(Token("text", "", 0, content=content))
            else:
                inline.parse(content, state.md, env, children)


def _located(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """The same inline rule, recording in the token it opens the line it starts on (within the
    block), so a refused link is reported at its own line without searching the text for it."""
    def located_rule(state: StateInline, silent: bool) -> bool:
        start, first_new = state.pos, len(state.tokens)
        found = rule(state, silent)
        if not found or silent:
            return found
        opened = next((t for t in state.tokens[first_new:] if t.type in ("link_open", "image")), None)
        if opened is not None:
            end, state.pos = state.pos, start
            opened.meta["line"] = _line_in_block(state)
            state.pos = end
        return found
    return located_rule


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] not in "[!":
        return False
    m = _WIKILINK.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        embed = m[0].startswith("!")
        token = state.push("quote_embed" if embed else "wikilink", "", 0)
        target, _, fragment = m[1].strip().partition("#")
        token.meta = {"target": target.strip(), "fragment": fragment.strip(), "label": (m[2] or "").strip(),
                      "raw": m[0], "line": _line_in_block(state)}
    state.pos = m.end()
    return True


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    m = _CITATION.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        items = [" ".join(part.split()) for part in _split_items(m[1])]
        token.meta = {"items": items, "raw": m[0], "line": _line_in_block(state)}
    state.pos = m.end()
    return True


_COUNT_UP_TO = 2048


def _line_in_block(state: StateInline) -> int:
    """Line of state.pos within the inline block. Near the block's start the newlines before it
    are counted; further on, their offsets are found once per block (counting from the start
    for every token would be quadratic in a long paragraph, and finding them all first costs
    more than counting in a short one)."""
    if state.pos <= _COUNT_UP_TO:
        return state.src.count("\n", 0, state.pos)
    cache = state.env.setdefault("_newlines", {})
    newlines = cache.get(state.src)
    if newlines is None:
        newlines = cache[state.src] = [m.start() for m in re.finditer("\n", state.src)]
    return bisect_right(newlines, state.pos - 1)


def _split_items(text: str) -> list[str]:
    """`@a, "x; y"; @b` -> ['@a, "x; y"', '@b']: semicolons inside a quoted passage do not split."""
    items, start, closing = [], 0, ""
    for i, char in enumerate(text):
        if closing:
            closing = "" if char == closing else closing
        elif char in _QUOTE_PAIRS:
            closing = _QUOTE_PAIRS[char]
        elif char == ";":
            items.append(text[start:i])
            start = i + 1
    return [*items, text[start:]]


def split_cite_item(item: str) -> tuple[str, str, str] | None:
    """`@id, locator, "passage"` -> (id, locator, passage); None if malformed."""
    m = _CITE_ITEM.match(item.strip())
    if not m:
        return None
    rest, locator, passage = (m[3] or "").strip(), "", ""
    found = _PASSAGE.search(rest)
    if found:
        passage, rest = (found[1] or found[2]).strip(), rest[:found.start()].strip()
    if m[2] == ":" and (rest or not passage):
        return None  # the colon form carries a passage only
    if '"' in rest or not passage and m[2] and not rest:
        return None
    return m[1], rest, passage


_LOCATED = frozenset({"wikilink", "quote_embed", "citation", "link_open", "image"})  # the tokens reported by line
_NOT_PROSE = {"heading_open": 1, "th_open": 1, "heading_close": -1, "th_close": -1}


def parse_markdown(md: MarkdownIt, doc: Markdown, key: str, heading_prefix: str = "",
                   glossary: str | None = None) -> ParsedDoc:
    """Parse and render a text once. `glossary`: the pattern of the glossary's terms, so only
    prose that holds one is left for the page to link ("": no glossary; None: leave all prose).
    One pass over the tokens before they render finds the heading ids, every reference and
    link with its line (its block's first line plus its line within the block), and leaves the
    marks the renderer reads (one walk, not five: each cost a few per cent of the parse)."""
    tokens = md.parse(doc.text, {"docId": key, "headingPrefix": heading_prefix})
    refs: list[Ref] = []
    headings: list[str] = []
    heading_problems: list[Diagnostic] = []
    problems: list[Diagnostic] = []
    block_line, not_prose = 0, 0
    for i, token in enumerate(tokens):
        if token.map:
            block_line = token.map[0]
        not_prose += _NOT_PROSE.get(token.type, 0)
        if token.type == "heading_open" and "id" in token.attrs:
            headings.append(str(token.attrs["id"]))
            if reserved := reserved_heading_warning(token, doc):
                heading_problems.append(reserved)
        elif token.children:
            if token.type == "inline":
                _mark_inline(tokens, i, prose=not not_prose)
            for child in token.children:
                if child.type in _LOCATED:
                    where = Location(doc.location.path, doc.location.line + block_line + child.meta.get("line", 0))
                    _read_located(key, refs, problems, child, where)
    return ParsedDoc(key, _render_once(md, tokens, key, glossary), tuple(refs), (*heading_problems, *problems), tuple(headings))


def _mark_inline(tokens: list[Token], i: int, prose: bool) -> None:
    """Marks the renderer reads: a quote embed alone in a paragraph becomes a block quotation,
    not an inline <q>; text tokens that are running prose (not in a heading, a table header or
    a link; code is never a text token) may get glossary links."""
    children = tokens[i].children or []
    if (len(children) == 1 and children[0].type == "quote_embed" and 0 < i < len(tokens) - 1
            and tokens[i - 1].type == "paragraph_open"):
        children[0].meta["block"] = True
        tokens[i - 1].hidden = tokens[i + 1].hidden = True
    in_link = 0
    for child in children if prose else ():
        if child.type == "text":
            if not in_link:
                child.meta = {**child.meta, "prose": True} if child.meta else {"prose": True}
        elif child.type == "link_open":
            in_link += 1
        elif child.type == "link_close":
            in_link -= 1


def _read_located(key: str, refs: list[Ref], problems: list[Diagnostic], token: Token, where: Location) -> None:
    if token.type in ("wikilink", "quote_embed"):
        kind: RefKind = "embed" if token.type == "quote_embed" else "link"
        _add_ref(key, refs, kind, token.meta["target"], where, token, token.meta.get("fragment", ""))
    elif token.type == "citation":
        _add_citations(key, refs, problems, token, where)
    else:
        _check_link(problems, token, where)


def _render_once(md: MarkdownIt, tokens: list[Token], key: str, glossary: str | None) -> RenderedDoc:
    holes: list[Hole] = []
    html = md.renderer.render(tokens, md.options, {"docId": key, "holes": holes, "may_hold_term": _term_finder(glossary)})
    parts = html.split(_HOLE)
    assert len(parts) == len(holes) + 1
    return RenderedDoc.of(parts, tuple(holes))


def _term_finder(glossary: str | None) -> Callable[[str], object]:
    """Whether prose may hold a glossary term: always (None), never (""), or where the pattern
    matches (compiled once a text, not looked up in re's cache for every text token)."""
    if glossary is None:
        return lambda text: True
    if not glossary:
        return lambda text: False
    return re.compile(glossary, re.IGNORECASE).search


def _add_ref(key: str, refs: list[Ref], kind: RefKind, target: str, where: Location, token: Token,
             fragment: str = "") -> str:
    anchor = f"{key}-r{len(refs) + 1}"
    refs.append(Ref(kind, target, where, anchor, fragment))
    token.meta.setdefault("anchors", []).append(anchor)
    return anchor


def _add_citations(key: str, refs: list[Ref], problems: list[Diagnostic], token: Token, where: Location) -> None:
    token.meta["cites"] = []
    for item in token.meta["items"]:
        found = split_cite_item(item)
        if not found:
            problems.append(error(where, f"malformed citation '{token.meta['raw']}'",
                                  'write [@source-id], [@a; @b], [@source-id, para. 4] or [@source-id, "passage"]'))
            continue
        token.meta["cites"].append(found)
        anchor = f"{key}-r{len(refs) + 1}"
        refs.append(Ref("cite", found[0], where, anchor, passage=found[2]))
        token.meta.setdefault("anchors", []).append(anchor)


def link_problem(href: str) -> str | None:
    """Why a Markdown link target is refused, or None if it is safe."""
    href = href.strip()
    if href.startswith("//"):
        return f"link to another host without a scheme ({href[:60]})"
    m = _SCHEME.match(href)
    if m and m[1].lower() not in SAFE_SCHEMES:
        return f"link scheme '{m[1]}:' is not allowed ({href[:60]})"
    return None


def _check_link(problems: list[Diagnostic], token: Token, where: Location) -> None:
    href = str(token.attrs.get("href") or token.attrs.get("src") or "")
    problem = link_problem(href)
    if problem:
        problems.append(error(where, problem,
                                     "use an http(s) address, a relative link, or a wikilink [[id]]"))


def heading_ids(parsed: ParsedDoc) -> set[str]:
    return set(parsed.headings)


def render_markdown(parsed: ParsedDoc, ctx: LinkContext) -> str:
    """The text's HTML on the page `ctx` renders: its holes filled, in order (the first use of a
    glossary term and the page's cited sources depend on what came before)."""
    parts, holes = parsed.html.parts, parsed.html.holes
    if not holes:
        return parts[0]
    out = [parts[0]]
    for hole, part in zip(holes, parts[1:]):
        out += (_fill(hole, ctx), part)
    return "".join(out)


def _fill(hole: Hole, ctx: LinkContext) -> str:
    if isinstance(hole, Gloss):
        return ctx.gloss(hole.text)
    if isinstance(hole, WikiLink):
        return _wikilink_html(hole, ctx)
    if isinstance(hole, Citation):
        return citation_mark(hole.cites, ctx, hole.anchors if ctx.anchors else ())
    return quotation(ctx.quote(hole.target), ctx, hole.block, anchor=hole.anchor if ctx.anchors else "")


def _wikilink_html(link: WikiLink, ctx: LinkContext) -> str:
    target, fragment = link.target, link.fragment
    label = link.label or ctx.label(target)
    ctx.glossed.add(target)  # a term linked by hand is not linked again by the glossary
    href = ctx.href(target).split("#")[0] + f"#{fragment}" if fragment else ctx.href(target)
    kind = ctx.kind_label(target)
    anchor = f' id="{link.anchor}"' if ctx.anchors and link.anchor else ""
    return (f'<a class="xref" href="{escape(href)}"{anchor} data-preview="{escape(ctx.preview(target))}"'
            + (f' data-kind="{escape(kind)}"' if kind else "") + f'>{escape(label)}</a>')


# Render rules, run once per text at parse time: what the page decides becomes a hole.

def _first_anchor(token: Token) -> str:
    anchors = token.meta.get("anchors", [])
    return str(anchors[0]) if anchors else ""


def _render_wikilink(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    meta = tokens[idx].meta
    env["holes"].append(WikiLink(meta["target"], meta.get("fragment") or "", meta["label"], _first_anchor(tokens[idx])))
    return _HOLE


def _render_embed(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    env["holes"].append(Embed(token.meta["target"], bool(token.meta.get("block")), _first_anchor(token)))
    return _HOLE


def _render_citation(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    meta = tokens[idx].meta
    env["holes"].append(Citation(tuple(meta.get("cites", [])), tuple(meta.get("anchors", []))))
    return _HOLE


def _render_text(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    if token.meta and token.meta.get("prose") and env["may_hold_term"](token.content):
        env["holes"].append(Gloss(token.content))
        return _HOLE
    return escape(token.content)


def _render_table_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    # A wide table scrolls inside its own box on a phone instead of squeezing words letter by letter.
    return '<div class="table-wrap" role="region" aria-label="Table (scrolls sideways)" tabindex="0">\n<table>\n'


def _render_table_close(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return "</table>\n</div>\n"


def _render_link_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    if link_problem(str(token.attrs.get("href", ""))):  # never reached in a passing build; belt and braces
        # A copy: parsed tokens are shared by every page (and worker) that renders the text.
        return self.renderToken([replace(token, attrs={**token.attrs, "href": "#"})], 0, options, env)
    return self.renderToken(tokens, idx, options, env)
