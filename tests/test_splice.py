"""JSON exports written from per-record fragments are exactly `json.dumps(data, indent=2)`,
whatever was copied from the last build's file and whatever was encoded anew."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

import engine  # noqa: F401  (puts the project on sys.path)
from generator import splice
from generator.splice import dump_json


def plain(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                      max_leaves=12)
DATA = st.dictionaries(st.text(), VALUES, max_size=6)


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_a_fresh_dump_is_json_dumps_with_indent(data: dict[str, Any]) -> None:
    assert dump_json(data).data == plain(data)


@settings(max_examples=300, deadline=None)
@given(DATA, DATA)
def test_a_dump_spliced_from_another_file_is_json_dumps_of_its_own_data(old: dict[str, Any], new: dict[str, Any]) -> None:
    before = dump_json(old)
    assert dump_json(new, before.spans, lambda: before.data).data == plain(new)


SAMPLE = {
    "$schema": "briefing.schema.json", "briefing": {"title": "T\u2028itle", "editors": ["A", "B"]},
    "pages": [{"id": f"p{n}", "body": f"Line one\nline two of page {n} \u201cquoted\u201d", "order": n} for n in range(5)],
    "empty": [], "none": {}, "backlinks": {f"p{n}": [{"in": "Home", "count": n}] for n in range(3)},
}


def test_only_the_changed_records_are_encoded_again() -> None:
    before = dump_json(SAMPLE)
    assert before.encoded == len(before.spans) == 2 + 5 + 3  # briefing's two fields, pages, backlinks
    edited = {**SAMPLE, "pages": [*SAMPLE["pages"][:2], {**SAMPLE["pages"][2], "body": "New."}, *SAMPLE["pages"][3:]]}
    after = dump_json(edited, before.spans, lambda: before.data)
    assert after.data == plain(edited)
    assert after.encoded == 1


def test_a_moved_or_reordered_record_is_copied_from_where_it_was() -> None:
    before = dump_json(SAMPLE)
    reordered = {**SAMPLE, "pages": list(reversed(SAMPLE["pages"]))}
    after = dump_json(reordered, before.spans, lambda: before.data)
    assert after.data == plain(reordered) and after.encoded == 0


def test_without_the_old_file_every_record_is_encoded() -> None:
    before = dump_json(SAMPLE)
    after = dump_json(SAMPLE, before.spans, lambda: None)  # gone, or edited since it was written
    assert after.data == plain(SAMPLE) and after.encoded == len(before.spans)


def test_the_old_file_on_disk_is_read_a_piece_at_a_time_with_the_same_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splice, "_PIECE", 7)  # many pieces, none aligned with a fragment
    before = dump_json(SAMPLE)
    (tmp_path / "briefing.json").write_bytes(before.data)
    reordered = {**SAMPLE, "pages": list(reversed(SAMPLE["pages"]))}
    after = dump_json(reordered, before.spans, lambda: tmp_path / "briefing.json")
    assert after.data == plain(reordered) and after.encoded == 0
    gone = dump_json(reordered, before.spans, lambda: tmp_path / "missing.json")
    assert gone.data == plain(reordered) and gone.encoded == len(before.spans)


def test_a_value_marshal_cannot_write_is_encoded_every_time() -> None:
    class Text(str):
        pass

    data = {"pages": [{"id": Text("x")}]}
    before = dump_json(data)
    assert before.data == plain(data) and before.spans == {}
    assert dump_json(data, before.spans, lambda: before.data).encoded == 1


class Label(str):
    """A string subclass (as markupsafe.Markup is one): json.dumps writes it as a string."""


ODD_SCALARS = SCALARS | st.floats() | st.text().map(Label) | st.sampled_from([2 ** 70, -1, True, 0.0, -0.0])
ODD_VALUES = st.recursive(ODD_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
                          | st.dictionaries(st.text() | st.integers() | st.none() | st.booleans(), inner, max_size=4),
                          max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(ODD_VALUES, st.sampled_from(["\n", "\n    "]))
def test_a_value_is_encoded_as_json_dumps_with_indent_encodes_it(value: Any, newline: str) -> None:
    assert splice._text(value, newline) == json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)


def test_the_values_exports_hold_are_encoded_without_json_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's json.dumps with an indent runs in pure Python, ~0.5 s of a 10,000-page build's
    exports; only a value exports never hold (a float) is left to it."""
    record = {"id": "ana-ruiz", "kind": "actor", "stance": None, "tags": ["ports", "déjà \"vu\"\n"], "count": 3,
              "checked": True, "sources": [{"id": "s1", "passages": []}, {}], "links": ()}
    expected = json.dumps(record, indent=2, ensure_ascii=False)
    used: list[Any] = []
    monkeypatch.setattr(splice.json, "dumps", lambda value, **options: used.append(value) or json.JSONEncoder(**options).encode(value))
    assert splice._encode(record) == expected and used == []
    assert splice._encode({"share": 0.5}) == '{\n  "share": 0.5\n}' and used == [{"share": 0.5}]
