"""Where a build's files go: into a staged site, written only if their bytes changed.

Compares each output with the last build's record: equal bytes are hard-linked from the
current site, new bytes are written; what was stored is recorded for the next build. With
`keep_bytes` every output is also kept in memory (the preview server serves from memory).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cache import BuildRecord, digest
from .write import Outputs, StagedSite

Stored = tuple[str, int, int]  # an output's digest, size and modification time (ns) as stored


@dataclass
class OutputSink:
    site: StagedSite
    previous: BuildRecord | None
    keep_bytes: bool = False
    stored: dict[str, Stored] = field(default_factory=dict)
    kept: Outputs = field(default_factory=dict)

    def add(self, path: str, data: bytes, keep_bytes: bool = True) -> None:
        self.record(path, self.store(path, data), data if keep_bytes else None)

    def store(self, path: str, data: bytes, again: bool = False) -> Stored:
        """Write (or link, if its bytes are the last build's) one output, without recording it:
        render workers store their pages, and this build's own process records them."""
        key = digest(data)
        old = self.previous.outputs.get(path) if self.previous else None
        stored = self.site.keep(path, (old[1], old[2])) if old and old[0] == key else None
        return key, *(stored or self.site.put(path, data, again))

    def record(self, path: str, stored: Stored, data: bytes | None = None) -> None:
        """Record an output stored in this build (and keep its bytes, if the sink keeps them)."""
        self.stored[path] = stored
        if self.keep_bytes and data is not None:
            self.kept[path] = data

    def reuse(self, path: str) -> bool:
        """Take the current site's file unchanged (a page whose inputs did not change)."""
        assert self.previous is not None
        _, size, mtime = self.previous.outputs[path]
        stored = self.site.keep(path, (size, mtime))
        if stored is None:
            return False
        self.stored[path] = (self.previous.outputs[path][0], *stored)
        if self.keep_bytes:
            self.kept[path] = self.site.read_current(path)
        return True

    def reuse_all(self, paths: list[str]) -> set[str]:
        """`reuse` for many files at once; returns those taken."""
        assert self.previous is not None
        outputs = self.previous.outputs
        kept = self.site.keep_all({path: (outputs[path][1], outputs[path][2]) for path in paths})
        for path, stamp in kept.items():
            self.stored[path] = (outputs[path][0], *stamp)
            if self.keep_bytes:
                self.kept[path] = self.site.read_current(path)
        return set(kept)

    def forget(self, path: str) -> None:
        """Take back an output stored in this build, so it can be stored anew."""
        if self.stored.pop(path, None) is not None:
            self.site.remove(path)
            self.kept.pop(path, None)

    def page_bytes(self, path: str) -> bytes:
        """The bytes of an output of this build, as stored (not kept in memory: at 10,000
        pages that would be ~130 MB held until the search index is built)."""
        return self.site.read_new(path)
