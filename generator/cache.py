"""Memo for the preview server: results of the previous build, reused when the input is unchanged.

A one-off build passes no cache. The serve loop keeps one `BuildCache` and calls `next_build()`
before each rebuild, so entries live exactly one build beyond their last use.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any


class Memo:
    def __init__(self) -> None:
        self._previous: dict[Hashable, Any] = {}
        self._current: dict[Hashable, Any] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if key in self._current:
            return self._current[key]
        value = self._previous[key] if key in self._previous else compute()
        if value is not None:  # a failed parse returns None: do it again next time, to report it again
            self._current[key] = value
        return value

    def next_build(self) -> None:
        self._previous, self._current = self._current, {}


@dataclass
class BuildCache:
    files: Memo = field(default_factory=Memo)  # (path, text) -> parsed file
    markdown: Memo = field(default_factory=Memo)  # (key, text, location) -> parsed Markdown

    def next_build(self) -> None:
        self.files.next_build()
        self.markdown.next_build()


Memoize = Callable[[Hashable, Callable[[], Any]], Any]


def uncached(key: Hashable, compute: Callable[[], Any]) -> Any:
    return compute()
