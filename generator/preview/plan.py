"""Which outputs a preview rebuild makes again: those whose dependency key changed, by the keys
`build` records (depends.py), not by guessing from the edit.

The preview keeps in memory what its outputs in place were made from (`Made`: a build record's
keys, input digests and JSON record spans). A rebuild renders the pages whose key changed or
that have none (each declared kind's page: rendered every time, written only if its bytes
changed), keeps the exports whose key did not change, and copies the unchanged records of
`briefing.json` from the bytes in memory (splice.py). A page written outside a whole rebuild
(the fast path, a rebuild cut short) loses its key, so the next rebuild makes it again.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from ..cache import BuildRecord, Stamp
from ..config import BuildConfig
from ..depends import Digests, output_keys
from ..exports import BODY_FREE
from ..render import page_paths
from ..resolve import Resolved
from ..splice import Spans


@dataclass(frozen=True)
class Made:
    """What the outputs in place were made from: each output's dependency key, the input files'
    digests those keys cover (trusted while a file's stamp is unchanged, so it is not read
    again), where each JSON record sits in its export's bytes, and the inputs' stamps and the
    warnings of the check they were made from (for the build record, `record.py`)."""

    keys: Mapping[str, str] = field(default_factory=dict)
    digests: Mapping[str, tuple[Stamp, str]] = field(default_factory=dict)
    fragments: Mapping[str, Spans] = field(default_factory=dict)
    inputs: Mapping[str, Stamp] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, record: BuildRecord | None) -> Made:
        return cls(record.keys, record.digests, record.fragments, record.inputs, record.warnings) if record else cls()

    def without(self, paths: Collection[str]) -> Made:
        """The same, but the outputs at `paths` were written from something else: no key."""
        keys = dict(self.keys)
        for path in paths:
            keys.pop(path, None)
        return replace(self, keys=keys)


@dataclass(frozen=True)
class RebuildPlan:
    pages: tuple[str, ...]  # every HTML page, in the site's order
    stale: frozenset[str]  # the pages to render: their key changed, or they have none
    kept: frozenset[str]  # the exports whose key did not change: kept as they are
    keys: dict[str, str]  # the new keys, for `Made` once the rebuild is written
    digests: Digests


def plan_rebuild(config: BuildConfig, resolved: Resolved, stamps: Mapping[str, Stamp], made: Made,
                 outputs: Collection[str]) -> RebuildPlan:
    """What to make again of the site whose `outputs` `made` describes, for `resolved` checked
    from the input files with these `stamps` (taken before the check, as `build` takes them)."""
    keys, digests = output_keys(config, resolved, stamps, made.digests)

    def unchanged(path: str) -> bool:
        return path in keys and made.keys.get(path) == keys[path] and path in outputs

    pages = tuple(page_paths(resolved))
    return RebuildPlan(pages, frozenset(p for p in pages if not unchanged(p)),
                       frozenset(p for p in BODY_FREE if unchanged(p)), keys, digests)
