"""The search index: replies read in linear time, a failed or hung Pagefind a clear error; shards by
a stable rule, byte-identical cold, cached and in parallel; an edit re-indexes only its shard."""
from __future__ import annotations

import io
import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from engine import PROJECT_ROOT, Briefing, invoke, tree_digest  # noqa: F401  (puts the project on sys.path)
from generator.cache import load_record
from generator.errors import BuildFailed
from generator.search import SearchIndexer, assign_shards, read_messages


def test_messages_are_split_on_commas_across_chunks() -> None:
    got: list[bytes] = []
    read_messages(io.BufferedReader(io.BytesIO(b"abc,de,f" + b"g" * 10 + b",,")), got.append, chunk_size=3)
    assert got == [b"abc", b"de", b"f" + b"g" * 10, b""]


def test_a_long_reply_is_read_in_linear_time() -> None:
    """One 40 MB reply in 64 KiB chunks: re-joining the pending buffer for every chunk (the old
    reader) copies ~12 GB and takes many seconds; a linear reader takes a fraction of one."""
    reply = b"x" * (40 << 20)
    got: list[bytes] = []
    started = time.perf_counter()
    read_messages(io.BufferedReader(io.BytesIO(reply + b",")), got.append)
    assert time.perf_counter() - started < 2.0
    assert got == [reply]


def test_an_indexer_that_hangs_is_stopped_with_a_clear_error() -> None:
    hung = [sys.executable, "-c", "import sys, time; sys.stdin.read(); time.sleep(60)"]
    indexer = SearchIndexer("en", command=hung, timeout=1.0)
    indexer.add("a.html", "<main>hello</main>")
    started = time.perf_counter()
    with pytest.raises(BuildFailed) as failed:
        indexer.finish()
    assert time.perf_counter() - started < 10
    assert "search index:0: pagefind did not finish the index within 1 s" in failed.value.format_message()
    assert indexer.proc.poll() is not None  # the hung process was stopped


def test_an_indexer_that_dies_is_a_clear_error() -> None:
    indexer = SearchIndexer("en", command=[sys.executable, "-c", "pass"], timeout=30)
    with pytest.raises(BuildFailed) as failed:
        indexer.finish()
    assert "pagefind stopped after 0 of 2 replies" in failed.value.format_message()


def test_pagefind_is_sent_only_the_main_element_and_makes_the_same_index(built_site) -> None:  # type: ignore[no-untyped-def]
    from generator.search import MANIFEST, index_pages, indexed_part, is_indexed, shard_files

    pages = {p.relative_to(built_site).as_posix(): p.read_bytes() for p in built_site.rglob("*.html")}
    page = pages["framework.html"].decode()
    cut = indexed_part(page)
    assert cut.startswith("<!doctype html>\n<html lang=\"en\"><body><main") and "<main" in cut and "<nav" not in cut and len(cut) < len(page)
    assert indexed_part(page.replace("<nav", "<nav data-pagefind-filter='x'", 1)) == page.replace(
        "<nav", "<nav data-pagefind-filter='x'", 1)
    whole = SearchIndexer("en")  # the whole pages, bypassing the cut
    for path, html in sorted(pages.items()):
        if is_indexed(path):
            whole._request({"type": "AddFile", "index_id": 0, "file_path": path, "url": None,
                            "file_contents": html.decode()})
    index = index_pages({p: d for p, d in sorted(pages.items()) if is_indexed(p)}, "en")
    assert index.pop(f"pagefind/{MANIFEST}") == b'{"shards":["0"]}'
    assert index == shard_files("0", whole.finish())


# --- shards ---------------------------------------------------------------------------------------

def test_the_shard_count_doubles_only_when_the_site_outgrows_it() -> None:
    from generator.search import shard_count

    assert [shard_count(n, 1000) for n in (0, 1, 1000, 1001, 2000, 2001, 4000, 11006, 30000)] == \
        [1, 1, 1, 2, 2, 4, 4, 16, 32]


def test_adding_or_editing_a_page_leaves_every_other_page_in_its_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import assign_shards, stale_shards

    pages = {f"page-{i}.html": f"text {i}" for i in range(100)}
    before = assign_shards(pages, 8)
    after = assign_shards(pages | {"page-new.html": "new"}, 8)
    assert len(before) == len(after) == 16
    moved = [name for name in before if before[name].keys() - after[name].keys()]
    assert moved == [] and sum(len(p) for p in after.values()) == 101
    assert sorted(assign_shards(dict(reversed(pages.items())), 8)) == sorted(before)  # by path, not by order
    monkeypatch.setenv("BRIEFING_SEARCH_SHARD_PAGES", "8")
    assert len(stale_shards(pages | {"page-7.html": "edited"}, pages)) == 1
    assert len(stale_shards(pages | {"page-new.html": "new"}, pages)) == 1
    assert stale_shards(pages, pages) == []


def test_an_indexer_that_stops_reading_fails_clearly_instead_of_blocking_the_build() -> None:
    """Pagefind hung without reading its input: adding pages must not block forever once the
    pipe and the queue are full; the build gets the timeout's message."""
    deaf = [sys.executable, "-c", "import time; time.sleep(60)"]
    indexer = SearchIndexer("en", command=deaf, timeout=1.0)
    started = time.perf_counter()
    with pytest.raises(BuildFailed) as failed:
        for n in range(2000):
            indexer.add(f"p{n}.html", "<main>" + "word " * 200 + "</main>")
        indexer.finish()
    indexer.close()
    assert time.perf_counter() - started < 15
    assert "search index:0: pagefind took no page for 1 s" in failed.value.format_message()
    assert indexer.proc.poll() is not None


def test_the_preview_index_is_updated_shard_by_shard(built_site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from generator.search import index_pages, is_indexed, update_index

    monkeypatch.setenv("BRIEFING_SEARCH_SHARD_PAGES", "4")
    pages = {p.relative_to(built_site).as_posix(): p.read_bytes() for p in sorted(built_site.rglob("*.html"))}
    pages = {p: d for p, d in pages.items() if is_indexed(p)}
    first = update_index(pages, "en")
    edited = pages | {"framework.html": pages["framework.html"].replace(b"</main>", b"<p>quokkaberth</p></main>")}
    second = update_index(edited, "en", first)
    assert second.files == index_pages(edited, "en")  # as if indexed afresh
    changed = {path.split("/")[1] for path in second.files if first.files.get(path) != second.files[path]}
    assert len(changed) == 1 and len({path.split("/")[1] for path in second.files if path.count("/") > 1}) > 2


def _site_files(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def _clean_build(content: Path, out: Path, *args: str) -> dict[str, str]:
    shutil.rmtree(out, ignore_errors=True)
    result = invoke("build", "--content", content, "--out", out, "--no-cache", *args)
    assert result.exit_code == 0, result.output
    return tree_digest(out)


@pytest.fixture
def sharded(briefing: Briefing, monkeypatch: pytest.MonkeyPatch) -> Briefing:
    """The basic briefing with two pages a shard at most: eight shards."""
    monkeypatch.setenv("BRIEFING_SEARCH_SHARD_PAGES", "2")
    assert briefing.build().exit_code == 0
    assert len(json.loads((briefing.root / "site/pagefind/shards.json").read_bytes())["shards"]) == 8
    return briefing


def test_a_sharded_index_is_byte_identical_cold_cached_and_in_parallel(sharded: Briefing, tmp_path: Path) -> None:
    reference = _clean_build(sharded.content, tmp_path / "one", "--jobs", "1")
    assert tree_digest(sharded.root / "site") == reference  # the fixture's build, with a cache, cold
    assert _clean_build(sharded.content, tmp_path / "two", "--jobs", "2") == reference
    sharded.replace("pages/framework.md", "North Port opens berths", "North Port opens quokka berths")
    assert sharded.build().exit_code == 0
    assert tree_digest(sharded.root / "site") == _clean_build(sharded.content, tmp_path / "edited", "--jobs", "1")


def test_editing_one_page_re_indexes_only_its_shard(sharded: Briefing, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import search

    record = load_record(sharded.root / ".cache" / "build-site")
    assert record is not None
    shards = assign_shards(record.search, 2)
    edited = next(name for name, pages in shards.items() if "framework.html" in pages)
    sent: list[str] = []

    class Counting(search.SearchIndexer):
        def add(self, path: str, html: str) -> None:
            sent.append(path)
            super().add(path, html)

    monkeypatch.setattr(search, "SearchIndexer", Counting)
    site = sharded.root / "site"
    before = _site_files(site)
    sharded.replace("pages/framework.md", "North Port opens berths", "North Port opens quokka berths")
    assert sharded.build().exit_code == 0
    assert sorted(sent) == sorted(shards[edited])  # Pagefind read only the edited page's shard
    after = _site_files(site)
    rewritten = {path.split("/")[1] for path in after if path.startswith("pagefind/") and before.get(path) != after[path]}
    assert rewritten == {edited}


def test_a_damaged_shard_in_the_site_is_indexed_again(sharded: Briefing, tmp_path: Path) -> None:
    site = sharded.root / "site"
    victim = sorted((site / "pagefind/3/fragment").iterdir())[0]
    victim.write_bytes(b"edited by hand")
    assert sharded.build().exit_code == 0
    assert tree_digest(site) == _clean_build(sharded.content, tmp_path / "clean", "--jobs", "1")


def test_a_failing_pagefind_fails_a_sharded_build_clearly_and_keeps_the_site(sharded: Briefing,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import search

    before = tree_digest(sharded.root / "site")
    monkeypatch.setattr(search, "_pagefind_command", lambda: [sys.executable, "-c", "pass"])
    sharded.replace("pages/framework.md", "North Port opens berths", "North Port opens quokka berths")
    result = sharded.build()
    assert result.exit_code == 1
    assert "search index:0: pagefind stopped after" in result.output and "Traceback" not in result.output
    assert tree_digest(sharded.root / "site") == before


def test_an_edits_shards_are_indexed_beside_the_exports_and_a_cold_build_indexes_one_beside_them(
        sharded: Briefing, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the exports are made on one core: an edit's one or two stale shards are all being
    indexed (its rebuild waits for Pagefind less); a cold build's many have one Pagefind at work
    on the other core, never two (which would add their memory to the exports'), then two."""
    from generator import pipeline, search

    running: set[int] = set()
    started: list[tuple[bool, int]] = []  # (before the exports end, Pagefinds running with the new one)
    exported = threading.Event()
    first = threading.Event()
    lock = threading.Lock()

    class Indexer(search.SearchIndexer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            with lock:
                running.add(id(self))
                started.append((not exported.is_set(), len(running)))
            first.set()

        def finish(self) -> dict[str, bytes]:
            time.sleep(0.2)  # shards of a few pages are indexed faster than threads take turns
            return super().finish()

        def close(self) -> None:
            with lock:
                running.discard(id(self))
            super().close()

    def exports(*args: Any, **kwargs: Any) -> Any:
        first.wait(20)  # the exports are quick in a small site: give the indexing time to start
        time.sleep(0.5)
        try:
            return render_exports(*args, **kwargs)
        finally:
            exported.set()

    render_exports = pipeline.render_exports
    monkeypatch.setattr(search, "SearchIndexer", Indexer)
    monkeypatch.setattr(pipeline, "render_exports", exports)
    sharded.replace("pages/framework.md", "North Port opens berths", "North Port opens quokka berths")
    assert sharded.build().exit_code == 0
    assert started == [(True, 1)]  # the edited page's shard, indexed while the exports are made
    started.clear()
    first.clear()
    exported.clear()
    shutil.rmtree(sharded.root / "site")
    shutil.rmtree(sharded.root / ".cache")
    assert sharded.build().exit_code == 0
    assert len(started) == 8
    beside = [count for during, count in started if during]
    assert beside and max(beside) == 1  # one Pagefind at a time beside the exports, never two
    assert max(count for _, count in started) == 2  # then two at once
