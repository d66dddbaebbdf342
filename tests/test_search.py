"""The search indexer: replies read in linear time, and a failed or hung Pagefind is a clear error."""
from __future__ import annotations

import io
import sys
import time

import pytest

from engine import PROJECT_ROOT  # noqa: F401  (puts the project on sys.path)
from generator.errors import BuildFailed
from generator.search import SearchIndexer, read_messages


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
