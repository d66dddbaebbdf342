"""Issue 9's reader features in Chromium, under each page's own Content-Security-Policy: tables on a
phone, the evidence in a citation's preview, search excerpts, and screenshots of the new pages."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsersite import BuiltSite


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


# Every word (split at spaces, dashes and slashes, where a browser may wrap) of every table cell
# that the browser lays out on more than one line: a word broken letter by letter.
BROKEN_WORDS_JS = r"""() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\s\-\u2010-\u2015\/]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_tables_at_390px_keep_words_whole_and_scroll_inside_their_box(site: BuiltSite, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    problems, tables = [], 0
    with_tables = [p for p in site.html_pages() if "<table" in (site.folder / p).read_text(encoding="utf-8")]
    for path in with_tables:
        page.goto(site.url(path), wait_until="load")
        tables += page.locator("main table").count()
        broken = page.evaluate(BROKEN_WORDS_JS)
        if broken:
            problems.append(f"{path}: words broken across lines in a table: {broken[:8]}")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems.append(f"{path}: the page scrolls sideways")
        unwrapped = page.evaluate("""() => [...document.querySelectorAll('main table')]
            .filter(t => t.getBoundingClientRect().width > document.documentElement.clientWidth
                         && getComputedStyle(t.parentElement).overflowX !== 'auto').length""")
        if unwrapped:
            problems.append(f"{path}: {unwrapped} table(s) wider than the screen outside a scrolling box")
    ctx.close()
    assert tables, "no tables to check"
    assert not problems, "\n".join(problems)


def test_hover_preview_of_a_citation_shows_its_evidence_passage(site: BuiltSite, context: Any) -> None:
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    evidence = [e for found in site.data()["evidence"].values() for e in found]
    if not evidence:
        assert site.name != "fixture", "the fixture cites evidence passages"
        pytest.skip(f"the {site.name} briefing cites no evidence passage yet")
    page.goto(site.url(evidence[0]["url"]))
    cite = page.locator("main sup.cite a[data-passage]")
    link = cite.first
    passage = link.get_attribute("data-passage")
    link.hover()
    popup = page.locator("#link-preview")
    popup.wait_for(state="visible")
    shown = popup.locator("blockquote.preview-passage")
    assert passage in shown.inner_text()
    verified = link.get_attribute("data-verified") == "true"
    assert ("found in the source" in shown.inner_text()) == verified
    original = link.get_attribute("data-original")
    if original:  # the source has a URL: the preview links to the passage there (a text fragment)
        assert "#:~:text=" in original
        assert popup.locator("a.passage").get_attribute("href") == original
    assert messages == []  # the script ran under the page's CSP without a violation


def test_search_excerpts_do_not_run_labels_into_values(site: BuiltSite, context: Any) -> None:
    actor = next(a for a in site.data()["actors"] if a["kind"] == "person")
    page = context.new_page()
    page.goto(site.url(f"search.html?q={actor['side']}"))
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=10_000)
    excerpts = " ".join(results.evaluate_all("els => els.map(e => e.innerText)"))
    assert not re.search(r"Kind\s*(person|organisation|group)|Side\s*" + re.escape(actor["side"]), excerpts), excerpts


def test_screenshots_of_the_reader_features(site: BuiltSite, browser: Any, artifacts: Path) -> None:
    pages = [p for p in ("index.html", "quotes.html", "glossary.html", "commitments.html", "about.html",
                         "framework.html", "markets.html", "timeline.html") if (site.folder / p).is_file()]
    folder = artifacts / "screenshots" / site.name / "issue-9"
    folder.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        for path in pages:
            page.goto(site.url(path))
            page.screenshot(path=str(folder / f"{path.removesuffix('.html')}-{width}.png"), full_page=True)
        ctx.close()
    assert len(list(folder.glob("*.png"))) == 2 * len(pages)
