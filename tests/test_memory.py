"""Memory at scale: the parts of a build that would otherwise hold several copies of a large
output at once. Peak memory is measured with tracemalloc, which counts every allocation, so
these figures do not depend on the machine's load."""
from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest

from engine import PROJECT_ROOT
from generator import pipeline
from generator.config import BuildConfig
from generator.export_json import _dump
from generator.pipeline import build_site, return_freed_memory
from generator.splice import dump_json


def _records(n: int) -> dict[str, object]:
    return {"pages": [{"id": f"page-{i}", "title": f"Page {i}: é “quoted”", "body": "word " * 40,
                       "links": [i, i + 1, None, True, 2.5], "meta": {}} for i in range(n)], "empty": []}


def test_briefing_json_is_the_same_bytes_as_json_dumps() -> None:
    data = _records(3000)
    assert _dump(data) == (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    assert _dump({}) == b"{}\n"


def test_briefing_json_is_encoded_without_holding_every_piece_at_once() -> None:
    data = _records(20000)
    tracemalloc.start()
    try:
        size = len(_dump(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # json.dumps with an indent peaks at ~4x the document (every piece, then the str, then
    # the bytes); piece by piece, the document once and a little.
    assert peak < 1.5 * size, (peak, size)


def test_briefing_json_spliced_from_fragments_is_never_held_twice(tmp_path: Path) -> None:
    """briefing.json is written through `splice.dump_json`: fresh, or copying from the last
    build's file, which is read a piece at a time, never whole."""
    data = {"pages": [{"id": f"page-{i}", "body": "word " * 400} for i in range(5000)]}  # as pages are
    first = dump_json(data)
    (tmp_path / "briefing.json").write_bytes(first.data)
    data["pages"][5] = {"id": "changed"}
    for previous, old in ((None, None), (first.spans, tmp_path / "briefing.json")):
        tracemalloc.start()
        try:
            size = len(dump_json(data, previous, lambda: old).data)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 1.3 * size, (peak, size)


def _resident_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the resident size from /proc")
def test_memory_freed_by_the_exports_is_handed_back_before_the_search_index() -> None:
    blocks = [bytes(2000) + str(i).encode() for i in range(40000)]  # ~80 MB, as the JSON fragments
    keep = blocks[::50]  # what stays, between them: the freed blocks cannot go back from the heap's top
    del blocks
    before = _resident_mb()
    return_freed_memory()
    assert before - _resident_mb() > 40, len(keep)


def test_the_build_hands_freed_memory_back_after_the_exports(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(pipeline, "return_freed_memory", lambda: calls.append(1))
    build_site(BuildConfig(PROJECT_ROOT / "tests" / "fixtures" / "basic", PROJECT_ROOT / "templates",
                           tmp_path / "site"))
    assert calls == [1]
