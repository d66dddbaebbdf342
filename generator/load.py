"""Stage 1, load: read content/ (and optional source texts) into parsed YAML trees.

This is the only module that reads the content folder. It knows file layout, not meaning.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .cache import Memoize, uncached
from .errors import Diagnostic, Location, error
from .schema import LIST_FILES as LIST_SPECS
from .yamlsafe import MAX_BYTES, YamlProblem, YNode, parse_yaml

LIST_FILES = tuple(LIST_SPECS)
SOURCE_TEXTS = "sources"  # content/sources/: the articles' texts, when the briefing ships them
MARKDOWN_FOLDERS = ("actors", "pages")
_FRONT_MATTER_END = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True)
class RawFile:
    path: str  # as shown to the user
    stem: str
    node: YNode | None
    body: str = ""
    body_line: int = 1


@dataclass(frozen=True)
class RawContent:
    briefing: RawFile | None
    lists: dict[str, RawFile | None]
    markdown: dict[str, tuple[RawFile, ...]]
    source_texts: dict[str, str]
    unreadable: bool = False  # some content file could not be read or parsed


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("../../") else str(path)


def load_content(content_dir: Path, sources_dir: Path | None = None, memo: Memoize = uncached,
                 list_files: tuple[str, ...] = LIST_FILES) -> tuple[RawContent, list[Diagnostic]]:
    """Read every content file. `memo` lets the preview server skip re-parsing unchanged text;
    `list_files` names the list files to read (declared kinds add theirs: kind.list_files)."""
    problems: list[Diagnostic] = []
    if not content_dir.is_dir():
        where = Location(display_path(content_dir), 0)
        problems.append(error(where, "content folder not found", "pass --content DIR or run from the project root"))
        return RawContent(None, {}, {}, {}), problems
    briefing = _load_yaml_file(content_dir / "briefing.yaml", problems, memo, required=True)
    lists = {name: _load_yaml_file(content_dir / f"{name}.yaml", problems, memo) for name in list_files}
    markdown = {folder: tuple(_load_markdown_folder(content_dir, folder, problems, memo)) for folder in MARKDOWN_FOLDERS}
    unreadable = bool(problems)
    if sources_dir is None and (content_dir / SOURCE_TEXTS).is_dir():
        sources_dir = content_dir / SOURCE_TEXTS
    texts = load_source_texts(sources_dir, problems) if sources_dir else {}
    return RawContent(briefing, lists, markdown, texts, unreadable), problems


def _read_text(path: Path, problems: list[Diagnostic]) -> str | None:
    where = Location(display_path(path), 1)
    try:
        if path.stat().st_size > MAX_BYTES:
            problems.append(error(where, f"file is larger than {MAX_BYTES:,} bytes", "split it into smaller files"))
            return None
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        problems.append(error(Location(where.path, line), f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                              "save the file as UTF-8"))
    except OSError as exc:
        problems.append(error(where, f"cannot read file: {exc.strerror}", "check the file exists and is readable"))
    return None


def _load_yaml_file(path: Path, problems: list[Diagnostic], memo: Memoize, required: bool = False) -> RawFile | None:
    if not path.exists():
        if required:
            problems.append(error(Location(display_path(path), 0), "file is missing",
                                  f"create {path.name}; see the README's content reference"))
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    shown = display_path(path)
    try:
        return memo((shown, text), lambda: RawFile(shown, path.stem, parse_yaml(text, shown)))
    except YamlProblem as problem:
        problems.append(problem.diagnostic)
        return None


def _load_markdown_folder(content_dir: Path, folder: str, problems: list[Diagnostic], memo: Memoize) -> list[RawFile]:
    root = content_dir / folder
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.glob("*.md")):
        if path.is_symlink() and not path.resolve().is_relative_to(content_dir.resolve()):
            problems.append(error(Location(display_path(path), 1), "link points outside content/",
                                  "copy the file into content/ instead of linking to it"))
            continue
        text = _read_text(path, problems)
        if text is not None:
            shown = display_path(path)
            raw = memo((shown, text), lambda: split_front_matter(text, shown, path.stem, problems))
            if raw:
                files.append(raw)
    return files


def split_front_matter(text: str, shown: str, stem: str, problems: list[Diagnostic]) -> RawFile | None:
    """Split `---` YAML front matter from the Markdown body, keeping line numbers."""
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        problems.append(error(Location(shown, 1), "no front matter found",
                              "start the file with a `---` line, the YAML fields, then another `---` line"))
        return None
    end = _FRONT_MATTER_END.search(text, pos=text.index("\n") + 1 if "\n" in text else len(text))
    if end is None:
        problems.append(error(Location(shown, 1), "front matter is not closed",
                              "add a `---` line after the YAML fields"))
        return None
    header = text[text.index("\n") + 1:end.start()]
    closing_line = text[:end.start()].count("\n") + 1
    rest = text[end.end():]
    body = rest.lstrip("\r\n")
    try:
        node = parse_yaml(header, shown, first_line=2)
    except YamlProblem as problem:
        problems.append(problem.diagnostic)
        return None
    return RawFile(shown, stem, node, body, closing_line + rest[: len(rest) - len(body)].count("\n"))


def load_source_texts(sources_dir: Path, problems: list[Diagnostic]) -> dict[str, str]:
    if not sources_dir.is_dir():
        problems.append(error(Location(display_path(sources_dir), 0), "sources folder not found",
                              "pass --sources-dir a folder holding the articles' text files"))
        return {}
    texts = {}
    for path in sorted(sources_dir.iterdir()):
        if path.is_file() and path.suffix in (".txt", ".md"):
            text = _read_text(path, problems)
            if text is not None:
                texts[path.name] = text
    return texts
