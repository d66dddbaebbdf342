"""The markup of citation marks and quotations, written once: Markdown (`[@id]`, `![[quote]]`)
and the templates (`links.cite(...)`, `links.quotation(...)`) both render through here."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .kinds.quote import Quote

Cite = tuple[str, str, str]  # (source id, locator, evidence passage)


class MarkContext(Protocol):
    def href(self, target: str) -> str: ...
    def label(self, target: str) -> str: ...
    def preview(self, target: str) -> str: ...
    def citation_number(self, source_id: str) -> int: ...
    def verified(self, source_id: str) -> bool: ...
    def passage(self, quote_id: str) -> str | None: ...
    def evidence_link(self, source_id: str, passage: str) -> str | None: ...


def citation_mark(cites: Sequence[Cite], ctx: MarkContext, anchors: Sequence[str] = ()) -> str:
    """`[1; 2, para. 4]`, in number order. The first anchor goes on the <sup>, each later one on its
    link. A cited passage rides along in `data-passage` for the preview, with `data-original`, the
    passage in the original article, where the source has a URL."""
    padded = [*anchors, *[""] * (len(cites) - len(anchors))]
    ordered = sorted(zip(cites, padded), key=lambda pair: ctx.citation_number(pair[0][0]))
    parts = []
    for i, ((source_id, locator, passage), anchor) in enumerate(ordered):
        n = ctx.citation_number(source_id)
        link_id = f' id="{anchor}"' if i and anchor else ""
        original = ctx.evidence_link(source_id, passage) if passage else None
        evidence = (f' data-passage="{escape(passage)}" data-verified="{str(ctx.verified(source_id)).lower()}"'
                    + (f' data-original="{escape(original)}"' if original else "") if passage else "")
        link = (f'<a{link_id} href="{escape(ctx.href(source_id))}" data-preview="{escape(ctx.preview(source_id))}"'
                f'{evidence} aria-label="source {n}">{n}</a>')
        parts.append(link + (f", {escape(locator)}" if locator else ""))
    first = ordered[0][1] if ordered else ""
    anchor_attr = f' id="{first}"' if first else ""
    return f'<sup class="cite"{anchor_attr}>[{"; ".join(parts)}]</sup>'


def check_mark(verified: bool, compact: bool = False) -> str:
    """Whether a quotation was found word for word in its source's text."""
    if verified:
        words = "✓<span class=\"visually-hidden\"> verified</span>" if compact else "✓ verified"
        return f'<span class="check check-ok" data-pagefind-ignore title="Found word for word in the source\'s text">{words}</span>'
    if compact:
        return ""
    return '<span class="check check-no" data-pagefind-ignore title="No text of the source was available to check against">not checked</span>'


def quotation(quote: Quote, ctx: MarkContext, block: bool, with_speaker: bool = True, anchor: str = "") -> str:
    """A quotation with its citation and trust mark: a <figure> block, or an inline <q>."""
    cite = citation_mark([(quote.source, "", "")], ctx)
    passage = ctx.passage(quote.id)  # the words in the original article, where it has a URL
    cite_attr = f' cite="{escape(passage)}"' if passage else ""
    id_attr = f' id="{anchor}"' if anchor else ""
    verified = ctx.verified(quote.source)
    if not block:
        return f'<q{id_attr}{cite_attr}>{escape(quote.text)}</q>{cite}{check_mark(verified, compact=True)}'
    speaker = (f'— <a href="{escape(ctx.href(quote.speaker))}">{escape(ctx.label(quote.speaker))}</a> '
               if with_speaker else "")
    original = f' <a class="passage" href="{escape(passage)}">read it in the original</a>' if passage else ""
    return (f'<figure class="quote"{id_attr}><blockquote{cite_attr}><p>{escape(quote.text)}</p></blockquote>'
            f'<figcaption>{speaker}{cite} {check_mark(verified)}{original}</figcaption></figure>\n')
