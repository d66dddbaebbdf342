"""Step 2 (saved web pages): the article text and metadata, extracted with trafilatura.

trafilatura works on the string we give it: nothing is fetched. Our own noise rules run on its
output afterwards, as on plain text.
"""
from __future__ import annotations

from dataclasses import dataclass

import trafilatura


@dataclass(frozen=True)
class HtmlArticle:
    text: str
    title: str | None
    author: str | None
    sitename: str | None
    date: str | None  # YYYY-MM-DD from the page's own metadata
    url: str | None


def extract_html(html: str) -> HtmlArticle:
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True,
        deduplicate=False, date_extraction_params={"extensive_search": False, "original_date": True,
                                                   "max_date": "2100-12-31"})
    if doc is None:
        return HtmlArticle("", None, None, None, None, None)
    meta = doc if isinstance(doc, dict) else doc.as_dict()
    url = meta.get("url")
    return HtmlArticle(
        text=meta.get("text") or "",
        title=meta.get("title") or None,
        author=meta.get("author") or None,
        sitename=meta.get("sitename") or None,
        date=meta.get("date") or None,
        url=url if isinstance(url, str) and url.startswith(("http://", "https://")) else None,
    )
