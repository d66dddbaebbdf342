"""The numbered log of rebuilds that the open pages listen to.

Every rebuild publishes one `Update`: the output files whose bytes changed, or the build's error.
A page knows the build it was served from ("TOKEN:VERSION"); an event stream asks for everything
newer than that, so an update published between serving a page and its stream connecting is
not lost. The token changes with every server start, so a page left open across a restart
reloads once.
"""
from __future__ import annotations

import secrets
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

EVERYTHING = "*"  # in `changed`: assume every file changed (a full build, or a page too old to tell)


@dataclass(frozen=True)
class Update:
    build: str  # "TOKEN:VERSION" of the state after this update
    changed: frozenset[str]  # output paths (site-relative, e.g. "actors/x.html") whose bytes changed
    error: str | None  # the failed build's report; None when the build succeeded

    def as_event(self) -> dict[str, object]:
        return {"build": self.build, "changed": sorted(self.changed), "error": self.error}


class UpdateLog:
    """Updates in order; readers block until there is one newer than theirs (thread-safe).
    It also counts which output pages the connected browsers show, so those are rebuilt first."""

    def __init__(self, keep: int = 200) -> None:
        self.token = secrets.token_hex(4)
        self._version = 0
        self._error: str | None = None
        self._recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=keep)
        self._open: Counter[str] = Counter()
        self._fetched: dict[str, int] = {}  # output page -> the version it was last served at
        self._changed = threading.Condition()

    @property
    def build(self) -> str:
        with self._changed:
            return f"{self.token}:{self._version}"

    def serving(self, page: str) -> str:
        """The build a page is being served from; noted, so a rebuild waiting for it can go on."""
        with self._changed:
            if len(self._fetched) > 4096:  # addresses typed at random must not grow this forever
                self._fetched.clear()
            self._fetched[page] = self._version
            self._changed.notify_all()
            return f"{self.token}:{self._version}"

    def wait_until_fetched(self, pages: frozenset[str], timeout: float) -> bool:
        """Wait until every page has been served since the latest update, or `timeout` s."""
        with self._changed:
            version = self._version
            return self._changed.wait_for(lambda: all(self._fetched.get(p, -1) >= version for p in pages), timeout)

    def publish(self, changed: frozenset[str], error: str | None) -> Update | None:
        """Number and announce a rebuild's outcome; None if it has nothing new to say."""
        with self._changed:
            if not changed and error == self._error:
                return None
            self._version += 1
            self._error = error
            self._recent.append((self._version, changed))
            self._changed.notify_all()
            return Update(f"{self.token}:{self._version}", changed, error)

    def newer_than(self, build: str, timeout: float) -> Update | None:
        """Everything published after `build`, merged into one update; None if nothing came in `timeout` s."""
        since = self._version_of(build)
        with self._changed:
            if not self._changed.wait_for(lambda: self._version > since, timeout):
                return None
            oldest_kept = self._recent[0][0] if self._recent else self._version + 1
            if since < 0 or since + 1 < oldest_kept:
                changed = frozenset({EVERYTHING})
            else:
                changed = frozenset().union(*(paths for version, paths in self._recent if version > since))
            return Update(f"{self.token}:{self._version}", changed, self._error)

    def _version_of(self, build: str) -> int:
        """The version a page was served at, or -1 if it came from another server run (or is garbage)."""
        token, _, version = build.partition(":")
        if token != self.token or not version.isdigit():
            return -1
        return min(int(version), self._version)

    @contextmanager
    def listening(self, pages: Iterable[str]) -> Iterator[None]:
        """While a browser page's event stream is open, its pages count as open."""
        pages = list(pages)
        with self._changed:
            self._open.update(pages)
        try:
            yield
        finally:
            with self._changed:
                self._open.subtract(pages)

    def open_pages(self) -> frozenset[str]:
        with self._changed:
            return frozenset(page for page, count in self._open.items() if count > 0)
