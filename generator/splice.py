"""JSON exports written from per-record fragments, so a rebuild encodes only the records that changed.

An export is `json.dumps(data, indent=2, ensure_ascii=False)`, which Python encodes in pure
Python (its C encoder cannot indent): ~0.8 s for the 57 MB `briefing.json` of 10,000 pages
(~0.5 s with the encoder below, which writes the same text for the values exports hold).
Each element of a top-level list or object is one *fragment* of the file, named by a digest of
its value (`marshal`, which is C speed and keeps the order of keys, as JSON does). A build
records where each fragment's text sits in the file it wrote (`Spans`); the next build copies
the text of every fragment it finds there from that file, if the file is still as written,
and encodes only the others. Equal values give equal text, so the bytes are those of one
`json.dumps` of the whole, whatever was copied (tested).
"""
from __future__ import annotations

import io
import json
import marshal
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _quote  # C: a string as JSON, non-ASCII kept
from pathlib import Path
from typing import Any

from .cache import digest

Spans = dict[str, tuple[int, int]]  # fragment digest -> (offset, length) of its text in the file
OldFile = bytes | Path  # the last build's file: its bytes, or where it is (then read a piece at a time)
_INNER = "\n    "  # a top-level element's text starts on its own line, at indent level 2


@dataclass(frozen=True)
class SplicedJson:
    data: bytes
    spans: Spans  # where each fragment sits in `data`, for the next build
    encoded: int  # fragments encoded in this build (the others were copied)


@dataclass
class JsonFiles:
    """A build's JSON exports: each is written from the last build's fragments (`previous`,
    by output path) and the file they sit in (`old_file(path)`: the last build's bytes, or
    None if the file is gone or was edited); what this build wrote is kept for the next."""

    previous: Mapping[str, Spans] = field(default_factory=dict)
    old_file: Callable[[str], OldFile | None] = lambda path: None
    spans: dict[str, Spans] = field(default_factory=dict)
    encoded: dict[str, int] = field(default_factory=dict)  # path -> fragments encoded anew

    def dump(self, path: str, data: Mapping[str, Any]) -> bytes:
        spliced = dump_json(data, self.previous.get(path), lambda: self.old_file(path))
        self.spans[path], self.encoded[path] = spliced.spans, spliced.encoded
        return spliced.data


def dump_json(data: Mapping[str, Any], previous: Spans | None = None,
              old_file: Callable[[], OldFile | None] = lambda: None) -> SplicedJson:
    """`json.dumps(data, indent=2, ensure_ascii=False) + "\\n"` as UTF-8, copying the fragments
    listed in `previous` from `old_file()` (the file those spans describe, or None if it is gone
    or was edited). A Path is read a piece at a time, so the old file is never held whole."""
    with _Writer(previous or {}, old_file) as writer:
        _write(writer, data)
    return SplicedJson(writer.out.getvalue(), writer.spans, writer.encoded)


def _write(writer: _Writer, data: Mapping[str, Any]) -> None:
    writer.add("{")
    for number, (key, value) in enumerate(data.items()):
        writer.add(("," if number else "") + "\n  " + _encode(key) + ": ")
        if isinstance(value, (list, dict)) and value:
            writer.add("{" if isinstance(value, dict) else "[")
            elements = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for inner, (name, element) in enumerate(elements):
                writer.fragment("," if inner else "", name, element)
            writer.add("\n  " + ("}" if isinstance(value, dict) else "]"))
        else:
            writer.add(_text(value, "\n  "))
    writer.add("\n}\n" if data else "}\n")
    writer.flush()


def _encode(value: Any) -> str:
    return _text(value, "\n")


def _text(value: Any, newline: str) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, each line break followed by `newline`'s
    indentation (a JSON text holds no raw line break but its own: strings escape theirs)."""
    try:
        return _indented(value, newline)
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)


class _Unusual(Exception):
    """A value an export never holds (a float, a key not a string...): json.dumps encodes it."""


def _indented(value: Any, newline: str) -> str:
    """What json.dumps(indent=2) writes for the exports' values (objects with string keys, lists,
    strings, whole numbers, booleans, null), in 60% of its time: one join per container instead
    of a generator per value (json's C encoder cannot indent). `tests/test_splice.py` holds it
    to json.dumps."""
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            raise _Unusual
        inner = newline + "  "
        return "{" + inner + ("," + inner).join([
            _quote(key) + ": " + (_quote(item) if type(item) is str else _indented(item, inner))
            for key, item in value.items()]) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + inner + ("," + inner).join([_quote(item) if type(item) is str else _indented(item, inner)
                                                 for item in value]) + newline + "]"
    if value is None or value is True or value is False:
        return "null" if value is None else "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    raise _Unusual


class _Writer:
    """The file's parts in order. Copied fragments that lay side by side in the old file (with
    the same separator between them) are taken as one slice, so an unchanged section costs one
    copy however many records it holds."""

    def __init__(self, previous: Spans, old_file: Callable[[], OldFile | None]) -> None:
        self.previous, self.old_file = previous, old_file
        self.old: _Old | None = None  # opened at the first fragment it may hold
        # One growing buffer, not a list of parts joined at the end: the joined copy doubled the
        # build's peak at 30,000 pages. getvalue() hands the buffer over without copying it.
        self.out = io.BytesIO()
        self.run: tuple[int, int] | None = None  # a slice of the old file still to be added
        self.size = 0
        self.spans: Spans = {}
        self.encoded = 0

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            self.old.close()

    def add(self, text: str | bytes) -> None:
        self.flush()
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.out.write(data)
        self.size += len(data)

    def fragment(self, separator: str, name: str | None, value: Any) -> None:
        """One element of a top-level list (`name` None) or object, after its `separator`."""
        key = _digest(name, value)
        span = self.previous.get(key) if key else None
        if span and self._copy(separator.encode(), *span):
            length = span[1]
        else:
            head = _INNER if name is None else _INNER + _encode(name) + ": "
            data = (head + _text(value, _INNER)).encode("utf-8")
            self.add(separator)
            self.add(data)
            self.encoded += 1
            length = len(data)
        if key:
            self.spans[key] = (self.size - length, length)

    def _copy(self, separator: bytes, offset: int, length: int) -> bool:
        """Add the old file's bytes at `offset` after `separator`, if the old file holds them."""
        if self.old is None:
            self.old = _Old(self.old_file())
        old, end = self.old, offset + length
        if end > old.size:
            return False
        start = offset - len(separator)
        if self.run and self.run[1] == start and old.read(start, len(separator)) == separator:
            self.run = (self.run[0], end)
            self.size += len(separator) + length
        else:
            self.add(separator)
            self.run = (offset, end)
            self.size += length
        return True

    def flush(self) -> None:
        if self.run and self.old is not None:
            for offset in range(self.run[0], self.run[1], _PIECE):
                self.out.write(self.old.read(offset, min(_PIECE, self.run[1] - offset)))
            self.run = None


_PIECE = 1 << 20  # bytes of the old file read at a time


class _Old:
    """The last build's file, read a piece at a time (its bytes, if given those); a file that
    cannot be opened is an empty one, so every fragment is encoded."""

    def __init__(self, old: OldFile | None) -> None:
        self.view, self.fd = memoryview(b""), -1
        if isinstance(old, Path):
            try:
                self.fd = os.open(old, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                self.size = os.fstat(self.fd).st_size
                return
            except OSError:
                self.close()
        elif old is not None:
            self.view = memoryview(old)
        self.size = len(self.view)

    def read(self, offset: int, length: int) -> bytes | memoryview:
        if self.fd < 0:
            return self.view[offset:offset + length]
        data = os.pread(self.fd, length, offset)
        if len(data) != length:  # shortened since its size was taken: not the file the spans describe
            raise OSError(f"{length - len(data)} bytes missing at {offset}")
        return data

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _digest(name: str | None, value: Any) -> str | None:
    """The fragment's name: a digest of its key and value, or None for a value marshal cannot
    write (then it is always encoded). Version 2 writes no back-references, so the bytes
    depend only on the value, not on which objects happen to be shared."""
    try:
        packed = marshal.dumps((name, value), 2)
    except ValueError:
        return None
    return digest(packed)
