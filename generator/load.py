"""Stage 1, load: read content/ (and optional source texts) into parsed YAML trees.

This is the only module that reads the content folder. It knows file layout, not meaning.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Stamp, shard_of
from .chars import char_name, forbidden_chars
from .errors import Diagnostic, Location, error
from .yamlsafe import MAX_BYTES, YamlProblem, YNode, parse_yaml

SOURCE_TEXTS = "sources"  # content/sources/: the articles' texts, when the briefing ships them
MARKDOWN_FOLDERS = ("actors", "pages")  # the built-in folder kinds' (kinds/actor.py, kinds/page.py), when none are given
_FRONT_MATTER_END = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
_MAX_CHAR_PROBLEMS = 10  # per file: the first few say enough
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


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


@dataclass
class LoadedFiles:
    """Content files loaded by earlier builds: key -> (size and modification time, file).
    A plain file whose stamp is the recorded one is not read again (the no-op check trusts
    stamps too); a file read now is kept if it loaded without a problem."""

    known: dict[str, tuple[Stamp, RawFile]] = field(default_factory=dict)
    engine: str = ""  # a digest of the engine's code, which decides what a file loads as
    used: dict[str, tuple[Stamp, RawFile]] = field(default_factory=dict)
    read: int = 0  # files read and parsed in this build

    def key(self, shown: str) -> str:
        return f"{self.engine}\0{shown}"

    def hit(self, shown: str, stamp: Stamp | None) -> RawFile | None:
        """The file as an earlier build loaded it, if its stamp is the one then (else it is read)."""
        known = self.known.get(self.key(shown))
        if stamp is None or known is None or known[0] != stamp:
            self.read += 1
            return None
        self.used[self.key(shown)] = known
        return known[1]

    def keep(self, shown: str, stamp: Stamp | None, raw: RawFile) -> None:
        if stamp is not None:
            self.used[self.key(shown)] = (stamp, raw)

    def changed_shards(self) -> frozenset[int]:
        """The cache shards (cache.py) whose entries differ from what was `known`."""
        known, used = self.known, self.used
        return frozenset(shard_of(path) for path in known.keys() | used.keys() if known.get(path) != used.get(path))


def _plain_stamp(entry: os.DirEntry[str] | Path) -> Stamp | None:
    """(size, modification time) of a folder entry (or path) that is a regular file, not a link."""
    try:
        status = entry.stat(follow_symlinks=False) if isinstance(entry, os.DirEntry) else os.lstat(entry)
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns) if stat.S_ISREG(status.st_mode) else None


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("../../") else str(path)


def _display_in(folder: Path) -> Callable[[str], str]:
    """display_path(folder / name) for many names, with the folder's path worked out once."""
    try:
        rel = os.path.relpath(folder)
    except ValueError:  # another drive on Windows
        return lambda name: str(folder / name)
    prefix = "" if rel == os.curdir else rel + os.sep
    return lambda name: prefix + name if not prefix.startswith("../../") else str(folder / name)


def load_content(content_dir: Path, sources_dir: Path | None = None,
                 list_files: tuple[str, ...] = (), folders: tuple[str, ...] = MARKDOWN_FOLDERS,
                 loaded: LoadedFiles | None = None) -> tuple[RawContent, list[Diagnostic]]:
    """Read every content file. `list_files` and `folders` name the list files and the folders of
    Markdown files to read (the declared kinds': kind.list_files, kind.folders); `loaded` holds
    the files of earlier builds, by stamp (and takes this one's)."""
    problems: list[Diagnostic] = []
    if not content_dir.is_dir():
        where = Location(display_path(content_dir), 0)
        problems.append(error(where, "content folder not found", "pass --content DIR or run from the project root"))
        return RawContent(None, {}, {}, {}), problems
    root = Path(os.path.realpath(content_dir))
    briefing = _load_yaml_file(content_dir / "briefing.yaml", root, problems, True, loaded)
    lists = {name: _load_yaml_file(content_dir / f"{name}.yaml", root, problems, False, loaded)
             for name in list_files}
    markdown = {folder: tuple(_load_markdown_folder(content_dir, root, folder, problems, loaded))
                for folder in folders}
    unreadable = bool(problems)
    if sources_dir is None and os.path.lexists(content_dir / SOURCE_TEXTS):
        # Inside content/, the texts obey content/'s rule: nothing may be linked in from outside.
        texts = load_source_texts(content_dir / SOURCE_TEXTS, problems, root)
    else:
        texts = load_source_texts(sources_dir, problems) if sources_dir else {}
    return RawContent(briefing, lists, markdown, texts, unreadable), problems


def _inside(path: Path, root: Path, problems: list[Diagnostic], folder: str = "content/",
            shown: str | None = None) -> Path | None:
    """The real path of `path` if it exists and stays inside `root` (after every symbolic link,
    of the file or of any folder on the way), else None with the problem reported."""
    where = Location(shown or display_path(path), 1)
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.append(error(where, "symbolic link loop (the link points back to itself)",
                                  f"remove the link or point it at a real file inside {folder}"))
        else:
            problems.append(error(where, f"cannot read: {exc.strerror}",
                                  "remove the broken link or restore the file it points to"))
        return None
    if not real.is_relative_to(root):
        problems.append(error(where, f"link points outside {folder}",
                              f"copy the file (or folder) into {folder} instead of linking to it"))
        return None
    return real


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    return next((name for test, name in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a regular file")


def _read_text(path: Path, problems: list[Diagnostic], root: Path | None = None, folder: str = "content/",
               shown: str | None = None, entry: os.DirEntry[str] | None = None) -> str | None:
    """Read a regular UTF-8 file of at most MAX_BYTES. Special files (FIFOs, devices) are never
    opened for reading, so they cannot hang the build or fill memory. `entry`, the file's entry
    in a folder already found to lie inside `root`, spares resolving the path unless it is a link."""
    where = Location(shown or display_path(path), 1)
    plain = entry is not None and not entry.is_symlink()  # in a folder inside root, so inside root
    real = path if plain or root is None else _inside(path, root, problems, folder, where.path)
    if real is None:
        return None
    try:
        kind = _entry_kind(entry) if plain else _kind(os.stat(real).st_mode)  # type: ignore[arg-type]
        data, kind = _read_regular(real) if kind is None else (b"", kind)
        if kind is not None:
            problems.append(error(where, f"not a regular file: this is {kind}",
                                  "content files must be plain text files; remove it or move it out of the folder"))
            return None
        if len(data) > MAX_BYTES:
            problems.append(error(where, f"file is larger than {MAX_BYTES:,} bytes", "split it into smaller files"))
            return None
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        problems.append(error(Location(where.path, line), f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                              "save the file as UTF-8"))
    except OSError as exc:
        problems.append(error(where, f"cannot read file: {exc.strerror}", "check the file exists and is readable"))
    return None


def _entry_kind(entry: os.DirEntry[str]) -> str | None:
    """What a folder entry that is not a link is; the folder listing says so without a stat."""
    return None if entry.is_file(follow_symlinks=False) else _kind(entry.stat(follow_symlinks=False).st_mode)


def _read_regular(path: Path) -> tuple[bytes, str | None]:
    """(at most MAX_BYTES + 1 bytes, None), or (b"", what it is) if it is no longer a regular file.
    O_NONBLOCK: should the file have been swapped for a FIFO after the check, opening it cannot hang."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is not None:
            return b"", kind
        chunks, size = [], 0
        while size <= MAX_BYTES:  # sized by fstat, so a small file takes one read (and one to see its end)
            chunk = os.read(fd, min(max(status.st_size + 1 - size, 1 << 16), MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), None
    finally:
        os.close(fd)


def _read_content_text(path: Path, root: Path, problems: list[Diagnostic], shown: str | None = None,
                       entry: os.DirEntry[str] | None = None) -> str | None:
    """A content file's text, refused if it holds control characters (reported with their lines)."""
    shown = shown or display_path(path)
    text = _read_text(path, problems, root, shown=shown, entry=entry)
    if text is None:
        return None
    found = 0
    for found, (line, char) in enumerate(forbidden_chars(text), 1):
        if found > _MAX_CHAR_PROBLEMS:
            break
        problems.append(error(Location(shown, line + 1), f"control character {char_name(char)} in the text",
                              "delete it; content may hold tabs and line breaks, but no other control characters"))
    return text if not found else None


def _load_yaml_file(path: Path, root: Path, problems: list[Diagnostic],
                    required: bool = False, loaded: LoadedFiles | None = None) -> RawFile | None:
    if not os.path.lexists(path):
        if required:
            problems.append(error(Location(display_path(path), 0), "file is missing",
                                  f"create {path.name}; see the README's content reference"))
        return None
    shown = display_path(path)
    stamp = _plain_stamp(path) if loaded is not None else None
    if loaded is not None and (known := loaded.hit(shown, stamp)):
        return known
    text = _read_content_text(path, root, problems, shown)
    if text is None:
        return None
    try:
        raw = RawFile(shown, path.stem, parse_yaml(text, shown))
    except YamlProblem as problem:
        problems.append(problem.diagnostic)
        return None
    if loaded is not None:
        loaded.keep(shown, stamp, raw)
    return raw


def _load_markdown_folder(content_dir: Path, root: Path, folder: str, problems: list[Diagnostic],
                          loaded: LoadedFiles | None = None) -> list[RawFile]:
    path = content_dir / folder
    if not os.path.lexists(path):
        return []
    real = _inside(path, root, problems)
    if real is None:
        return []
    if not real.is_dir():
        problems.append(error(Location(display_path(path), 1), f"'{folder}' must be a folder",
                              f"move it away and keep one .md file per id in content/{folder}/"))
        return []
    try:
        with os.scandir(path) as listing:  # one listing; its entries say which are links or special
            entries = sorted((e for e in listing if e.name.endswith(".md") and not e.name.startswith(".")),
                             key=lambda e: e.name)
    except OSError as exc:
        problems.append(error(Location(display_path(path), 1), f"cannot list folder: {exc.strerror}",
                              "check the folder is readable"))
        return []
    shown_in = _display_in(path)
    files = []
    for entry in entries:
        file, shown = path / entry.name, shown_in(entry.name)
        stamp = _plain_stamp(entry) if loaded is not None else None
        if loaded is not None and (known := loaded.hit(shown, stamp)):
            files.append(known)
            continue
        found = len(problems)
        text = _read_content_text(file, root, problems, shown, entry)
        if text is not None:
            raw = split_front_matter(text, shown, file.stem, problems)
            if raw:
                files.append(raw)
                if loaded is not None and len(problems) == found:
                    loaded.keep(shown, stamp, raw)
    return files


def load_markdown_file(content_dir: Path, folder: str, name: str) -> tuple[RawFile | None, list[Diagnostic]]:
    """One file of content/actors or content/pages, read and split as `load_content` reads it
    (the preview's fast path for an edited body)."""
    problems: list[Diagnostic] = []
    file = content_dir / folder / name
    text = _read_content_text(file, Path(os.path.realpath(content_dir)), problems)
    raw = split_front_matter(text, display_path(file), file.stem, problems) if text is not None else None
    return raw, problems


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


def load_source_texts(sources_dir: Path, problems: list[Diagnostic], content_root: Path | None = None) -> dict[str, str]:
    """The texts in `sources_dir` by file name; with `content_root`, the folder is content/sources/."""
    if content_root is not None and _inside(sources_dir, content_root, problems) is None:
        return {}
    if not sources_dir.is_dir():
        problems.append(error(Location(display_path(sources_dir), 0), "sources folder not found",
                              "pass --sources-dir a folder holding the articles' text files"))
        return {}
    texts = {}
    root, folder = (content_root, "content/") if content_root else (Path(os.path.realpath(sources_dir)), "the sources folder")
    for path in sorted(sources_dir.iterdir()):
        if path.suffix in (".txt", ".md") and not path.name.startswith("."):
            text = _read_text(path, problems, root, folder)
            if text is not None:
                texts[path.name] = text
    return texts
