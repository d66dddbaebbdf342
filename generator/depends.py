"""What each page read: a dependency key per HTML page, for skipping unchanged pages on rebuild.

A page's key hashes everything its output can depend on, so an equal key means equal bytes:
- the shared part: the engine's code, the templates (not the static files they link to: no
  page's bytes show those), every content file except the Markdown files of the folder kinds
  (actors, free pages), every such record's fields other than its body (names and titles feed
  links, navigation and previews everywhere), and the build's options;
- its own part: its body, and the backlinks that other texts give it.
The generated pages read the whole briefing, but of what the bodies decide only
what `generated_keys` lists (the backlinks of their records; the sources' citations): their
keys are the shared part and that. Each declared kind's page gets no key: it is always rendered,
and written only if its bytes changed. The exports that read no body (`BODY_FREE`) are keyed by
the shared part alone. `build` and the preview both ask `output_keys`.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

from .cache import Stamp, build_options, digest, open_regular
from .config import BuildConfig
from .exports import BODY_FREE
from .model import Actor, Page
from .resolve import Resolved
from .urls import HOME, NOT_FOUND, SEARCH, SOURCES, entity_url

Digests = dict[str, tuple[Stamp, str]]  # input file -> (its stamp, the digest of its bytes)


def output_keys(config: BuildConfig, resolved: Resolved, stamps: Mapping[str, Stamp],
                known: Mapping[str, tuple[Stamp, str]]) -> tuple[dict[str, str], Digests]:
    """{output path: key} of every output that has one, and the input files' digests they cover
    (`known`: the digests at the last build, trusted for a file whose stamp is unchanged)."""
    shared, digests = shared_key(stamps, config.content_dir, resolved, build_options(config), known,
                                 unread=config.static_dir)
    return page_keys(resolved, shared) | generated_keys(resolved, shared) | dict.fromkeys(BODY_FREE, shared), digests


def shared_key(stamps: Mapping[str, Stamp], content_dir: Path, resolved: Resolved, options: str,
               known: Mapping[str, tuple[Stamp, str]], unread: Path | None = None) -> tuple[str, Digests]:
    """The part of every page's key that does not depend on which page it is, and the digest
    of each file it covers (with the file's stamp), for the next build. A file whose stamp is
    the one in `known` (the last build's) is not read again: the no-op check trusts stamps too.
    Files under `unread` (the static files, copied as they are) are left out."""
    h = hashlib.sha256(options.encode())
    folders = [(str(content_dir / kind.file), records) for kind, records in resolved.content.declared if kind.folder]
    skipped = {folder for folder, _ in folders}
    static = f"{unread}/" if unread else None
    digests: Digests = {}
    for path in sorted(stamps):
        if path.rpartition("/")[0] in skipped or (static and path.startswith(static)):
            continue
        old = known.get(path)
        digests[path] = old if old and tuple(old[0]) == stamps[path] else (stamps[path], _file_digest(path))
        h.update(f"\0{path}\0{digests[path][1]}".encode("utf-8", "surrogatepass"))  # a name need not be UTF-8
    for _, records in folders:  # their bodies are in their own pages' keys
        if records:  # one kind's records are of one class
            without_body = attrgetter(*(f.name for f in fields(records[0]) if f.name != "body"))
            h.update(repr([without_body(record) for record in records]).encode())
    return h.hexdigest()[:32], digests


def _file_digest(path: str) -> str:
    """The digest of a regular file, read a piece at a time; "" for anything else. Not every file
    under content/ is one the loader reads (and checks): a FIFO there must not hang the build,
    nor a large file fill memory."""
    try:
        with open_regular(path) as f:
            return hashlib.file_digest(f, "sha256").hexdigest()[:32]
    except OSError:  # gone since it was listed, or not a file: the loader reports what it reads
        return ""


def page_keys(resolved: Resolved, shared: str) -> dict[str, str]:
    """{output path: key} for every actor and free page."""
    keys = {}
    entities: list[Actor | Page] = [*resolved.content.actors, *resolved.content.pages]
    for entity in entities:
        path = entity_url(entity)
        own = entity.body
        head = f"{shared}\0{path}\0{entity.id}\0{own.location!r}\0{resolved.backlinks.get(entity.id)!r}\0"
        keys[path] = digest(head.encode() + own.text.encode())
    return keys


def generated_keys(resolved: Resolved, shared: str) -> dict[str, str]:
    """{output path: key} of the built-in generated pages: the shared part, and what each shows
    that the actors' and free pages' bodies decide: the backlinks of the records on a kind's page,
    and on the appendix the citations (tests/test_incremental.py checks that no body shows
    otherwise)."""
    shown: dict[str, list[object]] = {}
    for kind, records in resolved.content.fixed_kinds():
        shown.setdefault(kind.page, []).extend(resolved.backlinks.get(record.id) for record in records)
    reads: dict[str, object] = {HOME: None, NOT_FOUND: None, SEARCH: None, **shown}
    reads[SOURCES] = (shown.get(SOURCES), resolved.citations, resolved.evidence)
    return {path: digest(f"{shared}\0{path}\0{read!r}".encode()) for path, read in reads.items()}
