"""A search index in shards, in a real browser under the pages' own CSP: one search covers pages
that live in different shards (merged with Pagefind's mergeIndex), the shards without their own
script and WebAssembly load without a failed request, and after an edit and a cached rebuild
(which re-indexes only the edited page's shard) the new text is found.

The default briefing is built with BRIEFING_SEARCH_SHARD_PAGES=6, which splits its pages into
eight shards.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsersite import PROJECT_ROOT, SiteHandler, netlify_headers
from test_site_in_browser import Watcher

from generator.cache import load_record
from generator.config import BuildConfig
from generator.pipeline import build_site
from generator.search import assign_shards

SHARD_PAGES = "6"


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(project folder holding content/, site/ and .cache/, URL of the served site)."""
    root = tmp_path_factory.mktemp("sharded")
    shutil.copytree(PROJECT_ROOT / "content", root / "content")
    handler = type("Handler", (SiteHandler,), {"base_path": "/", "extra_headers": netlify_headers()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_SEARCH_SHARD_PAGES", SHARD_PAGES)
    build_site(BuildConfig(content_dir=root / "content", out_dir=root / "site"), cache_dir=root / ".cache")


def shards_of(root: Path) -> dict[str, str]:
    """{indexed page: its shard}, as the last build assigned them."""
    record = load_record(root / ".cache")
    assert record is not None
    return {page: name for name, pages in assign_shards(record.search, int(SHARD_PAGES)).items() for page in pages}


def search(context: Any, url: str, words: str) -> tuple[list[str], Watcher]:
    """The result URLs (relative to the site) of searching for `words` on the search page."""
    watcher = Watcher(context.new_page())
    watcher.visit(url + "search.html")
    box = watcher.page.locator("#search-q")
    box.fill(words)
    box.press("Enter")
    watcher.page.locator("#search-status", has_text=re.compile("match")).wait_for(timeout=15_000)
    hrefs = watcher.page.locator("#search-results .result-title a").evaluate_all("els => els.map(e => e.href)")
    return [href.removeprefix(url) for href in hrefs], watcher


def test_one_search_finds_pages_in_different_shards(sharded: tuple[Path, str], browser: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root, url = sharded
    build(root, monkeypatch)
    names = json.loads((root / "site/pagefind/shards.json").read_text())["shards"]
    assert len(names) == 8
    assert (root / "site/pagefind/0/pagefind.js").is_file() and not (root / "site/pagefind/1/pagefind.js").exists()
    shard = shards_of(root)
    context = browser.new_context()
    try:
        found, watcher = search(context, url, "Lutnick")
        assert len({shard[page] for page in found if page in shard}) >= 3, found
        assert watcher.problems == []  # every shard loaded, none asked for a script or WebAssembly it lacks
        # actors' pages in two shards other than the first: found by name through the merged indexes
        actors = sorted(page for page in shard if page.startswith("actors/") and shard[page] != "0")
        picked = [actors[0], next(page for page in actors if shard[page] != shard[actors[0]])]
        for page in picked:
            title = (root / "site" / page).read_text(encoding="utf-8").split("<h1")[1].split(">", 1)[1].split("<")[0]
            results, watcher = search(context, url, title)
            assert page in results, (page, title, results)
            assert watcher.problems == []
    finally:
        context.close()


def test_an_edited_page_is_found_after_a_cached_rebuild(sharded: tuple[Path, str], browser: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root, url = sharded
    build(root, monkeypatch)
    page = root / "content/pages/framework.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n\n", "\n\nThe quokkaberth clause was added late.\n\n", 1), encoding="utf-8")
    try:
        build(root, monkeypatch)
        edited = shards_of(root)["framework.html"]
        context = browser.new_context()  # a fresh cache: nothing of the first index is kept
        try:
            found, watcher = search(context, url, "quokkaberth")
            assert found == ["framework.html"], found
            assert watcher.problems == []
        finally:
            context.close()
        assert edited in json.loads((root / "site/pagefind/shards.json").read_text())["shards"]
    finally:
        page.write_text(text, encoding="utf-8")


def test_a_word_some_shards_lack_brings_in_no_page_that_lacks_it(sharded: tuple[Path, str], browser: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind answers a word an index lacks with the longest indexed word it starts with: a shard
    holding only "quokka" would answer "quokkaberths" with its page; one index over the whole
    site (which has "quokkaberths") would not, and neither may the merged shards."""
    root, url = sharded
    build(root, monkeypatch)
    shard = shards_of(root)
    pages = sorted(f"{p.stem}.html" for p in (root / "content/pages").glob("*.md"))
    other = next(page for page in pages if shard[page] != shard["framework.html"])
    texts = {name: (root / "content/pages" / name.replace(".html", ".md")).read_text(encoding="utf-8")
             for name in ("framework.html", other)}
    for name, word in (("framework.html", "quokkaberths"), (other, "quokka")):
        (root / "content/pages" / name.replace(".html", ".md")).write_text(
            texts[name].replace("\n\n", f"\n\nA {word} was seen.\n\n", 1), encoding="utf-8")
    try:
        build(root, monkeypatch)
        context = browser.new_context()
        try:
            assert search(context, url, "quokkaberths")[0] == ["framework.html"]
            assert sorted(search(context, url, "quokka")[0]) == sorted(["framework.html", other])
        finally:
            context.close()
    finally:
        for name, text in texts.items():
            (root / "content/pages" / name.replace(".html", ".md")).write_text(text, encoding="utf-8")
