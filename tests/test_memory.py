"""Memory at scale: the parts of a build that would otherwise hold several copies of a large
output at once. Peak memory is measured with tracemalloc, which counts every allocation, so
these figures do not depend on the machine's load."""
from __future__ import annotations

import json
import tracemalloc

from generator.export_json import _dump


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
