"""The open page's fast path: an edit that changed only the Markdown body of actor or page files,
and kept every reference in it, can be shown before the whole briefing is checked again.

`edited_bodies` says whether a batch of changed files is such an edit; `with_new_bodies` rereads
just those files and gives the last checked briefing with the new bodies in place, or None as soon
as anything else may have changed (a front-matter field, a reference, a problem in the file). The
full rebuild follows either way: it checks everything and corrects or reports what this skipped.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from markdown_it import MarkdownIt

from ..load import MARKDOWN_FOLDERS, load_markdown_file
from ..markdown import ParsedDoc
from ..model import Actor, Content, Page
from ..resolve import Resolved, parse_doc
from ..urls import page_of
from ..validate import validate_markdown_file

READ_SUFFIXES = (".md", ".yaml", ".yml", ".txt")  # what the loader may read; other names are editors' scratch files


def edited_bodies(paths: Iterable[Path], content_dir: Path,
                  folders: tuple[str, ...] = MARKDOWN_FOLDERS) -> list[tuple[str, str]] | None:
    """(folder, file name) of every changed file of a folder kind (`folders`: actors, pages), or
    None if the batch touched any other file the loader reads, or removed one. Editors' temporary files ("~" backups, dot files,
    vim's "4913") are passed over."""
    root = content_dir.absolute()
    edits = []
    for path in paths:
        if path.name.startswith(".") or path.suffix not in READ_SUFFIXES:
            continue
        if path.suffix != ".md" or path.parent.parent != root or path.parent.name not in folders \
                or not path.is_file():
            return None
        edits.append((path.parent.name, path.name))
    return sorted(set(edits))


def with_new_bodies(resolved: Resolved, content_dir: Path, edits: list[tuple[str, str]],
                    md: MarkdownIt) -> tuple[Resolved, frozenset[str]] | None:
    """The briefing with the edited files' new bodies, and the pages those bodies render on; None
    unless each file still makes the same record apart from its body, and its body parses
    without problems into the same references (so backlinks, citations and evidence stand)."""
    content, index, docs = resolved.content, dict(resolved.index), dict(resolved.docs)
    pages = set()
    for folder, name in edits:
        kind = next((kind for kind, _ in content.declared if kind.folder and kind.file == folder), None)
        raw, problems = load_markdown_file(content_dir, folder, name)
        if raw is None or kind is None:
            return None
        record, invalid = validate_markdown_file(kind, raw, tuple(kind for kind, _ in content.declared))
        old = index.get(raw.stem)
        if record is None or old is None or problems or invalid or type(old) is not type(record) \
                or replace(record, body=old.body) != old:
            return None
        key = f"{record.id}-body"
        before = docs.get(key)
        if before is None:
            return None
        parsed = parse_doc(md, record.body, key, before.home, resolved.glossary_pattern)
        if parsed.problems or _references(parsed) != _references(before.parsed):
            return None
        docs[key] = replace(before, parsed=parsed)
        index[record.id] = record
        content = _with_record(content, folder, old, record)
        pages.add(page_of(before.home))
    return replace(resolved, content=content, index=index, docs=docs), frozenset(pages)


def _references(parsed: ParsedDoc) -> list[tuple[str, str, str, str, str]]:
    """What other pages read of a text's references: their targets, anchors and evidence."""
    return [(ref.kind, ref.target, ref.anchor, ref.fragment, ref.passage) for ref in parsed.refs]


def _with_record(content: Content, folder: str, old: Actor | Page, new: Actor | Page) -> Content:
    """`content` with `new` in the place of `old`, found by identity: quick among 10,000 pages,
    where comparing records field by field is not."""
    records = content.records(folder)
    at = next(i for i, record in enumerate(records) if record is old)
    return content.with_records(folder, records[:at] + (new,) + records[at + 1:])
