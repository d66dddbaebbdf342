"""YAML through PyYAML's safe composer only, keeping the line of every value.

Values stay strings (no implicit dates or numbers); the schema converts them, so a bad date is
reported by our validator with its line, not silently turned into something else. Aliases are
refused (they make "billion laughs" bombs possible and content never needs them), nesting is
capped, and files over MAX_BYTES are refused before parsing. Text with no `!` and no `&` (no
tag, no anchor) is composed by libyaml in C; any other, or any that fails there, by our careful
composer, which finds and words every problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import textwrap

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from .chars import char_name, first_forbidden
from .errors import Diagnostic, Location, error

MAX_BYTES = 2_000_000
MAX_DEPTH = 32


# Scalars and sequences are named tuples, not dataclasses: the build cache keeps every content
# file's tree (~60,000 scalars at 10,000 pages), and a rebuild unpickles them all.
class YScalar(NamedTuple):
    value: str
    location: Location
    block: bool = False  # a `|` or `>` block: its text starts on the next line

    @property
    def text_location(self) -> Location:
        return Location(self.location.path, self.location.line + (1 if self.block else 0))


class YSeq(NamedTuple):
    items: tuple["YNode", ...]
    location: Location


@dataclass(frozen=True)
class YMap:
    items: dict[str, tuple[Location, "YNode"]] = field(default_factory=dict)
    location: Location = Location("", 0)


YNode = YScalar | YSeq | YMap


class YamlProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


try:  # libyaml's parser (in PyYAML's wheels) is ten times faster; our composer runs on its events
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found]

    class _EventSource(_Parser, Composer, Resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document

    class _CComposer(_Parser):  # type: ignore[misc, valid-type]
        """libyaml's own composer, in C, ten times faster than composing nodes in Python. Used
        only on text with no `!` and no `&`, so with no tag and no anchor (thus no alias) to
        refuse; nesting, the other thing refused, is capped through the resolver's hooks, which
        the C composer calls on every node (it recurses on the C stack, so it must be capped)."""

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._depth = 0

        def descend_resolver(self, parent: object, index: object) -> None:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _TooDeep

        def ascend_resolver(self) -> None:
            self._depth -= 1

        def resolve(self, kind: type, value: str | None, implicit: object) -> None:
            return None  # values stay strings: the schema converts them

    _BYTE_POSITIONS = True  # libyaml reports reader errors at a UTF-8 byte offset
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _EventSource = yaml.SafeLoader  # type: ignore[misc, assignment]
    _CComposer = None  # type: ignore[assignment, misc]
    _BYTE_POSITIONS = False


class _TooDeep(Exception):
    """Nesting past MAX_DEPTH in the C composer: the careful composer then reports it."""


class _SafeComposer(_EventSource):  # type: ignore[misc, valid-type]
    """Composes nodes from the parser's events, refusing aliases and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in content",
                                       event.start_mark)
        event = self.peek_event()
        if getattr(event, "tag", None) is not None:
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
            raise yaml.MarkedYAMLError(None, None, f"explicit YAML tag '{tag}' is not allowed in content",
                                       event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                                           self.peek_event().start_mark)
            return Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1


def parse_yaml(text: str, path: str, first_line: int = 1) -> YNode | None:
    """Parse one YAML document; raise YamlProblem naming the file and line."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlProblem(error(Location(path, first_line), f"file is larger than {MAX_BYTES:,} bytes",
                                "split it into smaller files"))
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        line = first_line + _problem_line(exc, text)
        what = f"{exc.problem} ({exc.context})" if exc.context and exc.problem else (exc.problem or exc.context or "")
        raise YamlProblem(error(Location(path, line), f"invalid YAML: {what}", _hint_for(what))) from None
    except yaml.reader.ReaderError as exc:
        raise YamlProblem(_reader_problem(exc, text, path, first_line)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(error(Location(path, first_line), f"invalid YAML: {exc}", "fix the YAML syntax")) from None
    return None if node is None else _Converter(path, first_line, text, first_forbidden(text) is None).convert(node)


def _compose(text: str) -> yaml.Node | None:
    """The document's nodes. Text that could hold something to refuse, or that fails in C, goes
    through the careful composer, so every problem is found and worded as it always was."""
    if _CComposer is not None and "!" not in text and "&" not in text:
        fast = _CComposer(text)
        try:
            return fast.get_single_node()
        except (yaml.YAMLError, _TooDeep):
            pass
    loader = _SafeComposer(text)
    try:
        return loader.get_single_node()
    finally:
        if hasattr(loader, "dispose"):
            loader.dispose()


def _reader_problem(exc: yaml.reader.ReaderError, text: str, path: str, first_line: int) -> Diagnostic:
    """A character the YAML reader refuses, at its real line (PyYAML gives only an offset)."""
    before = text.encode("utf-8")[:exc.position] if _BYTE_POSITIONS else text[:exc.position]
    line = first_line + before.count(b"\n" if isinstance(before, bytes) else "\n")  # type: ignore[arg-type]
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    return error(Location(path, line), f"invalid YAML: character {char_name(char)} is not allowed",
                 "delete it; YAML files may hold tabs and line breaks, but no other control characters")


def _problem_line(exc: yaml.MarkedYAMLError, text: str) -> int:
    """0-based line of the problem. A problem found at the end of the file belongs to what was
    left open: where it started if the parser says so, else the last line that has text."""
    lines = text.splitlines()
    last_text_line = max((i for i, line in enumerate(lines) if line.strip()), default=0)
    marks = [m for m in (exc.problem_mark, exc.context_mark) if m is not None]
    if not marks:
        return 0
    if marks[0].line <= last_text_line and text[getattr(marks[0], "index", 0):].strip():
        return marks[0].line
    started = [m.line for m in marks[1:] if m.line <= last_text_line]
    return started[0] if started else last_text_line


def _hint_for(problem: str) -> str:
    if "tag" in problem:
        return "remove the `!tag`; content values are plain text, lists and mappings"
    if "aliases" in problem:
        return "write the value out in full instead of using &anchor / *alias"
    if "nesting" in problem:
        return "flatten the structure; content records need only a few levels"
    return "fix the YAML syntax (indentation, quotes, colons) on or just above this line"


def _line_true_text(node: yaml.ScalarNode, lines: list[str]) -> str:
    """A folded (`>`) or multi-line plain scalar, with its line breaks kept.

    YAML folds those lines into one, which would put every Markdown reference on the block's
    first line. Markdown reads a single line break as a space, so keeping the breaks renders
    the same while errors point at the right line.
    """
    start, end = node.start_mark, node.end_mark
    if node.style == ">":
        block = lines[start.line + 1:end.line + (1 if end.column else 0)]
        return textwrap.dedent("\n".join(block)).strip("\n") + "\n"
    block = lines[start.line:end.line + 1]
    block[-1] = block[-1][:end.column]
    block[0] = block[0][start.column:]
    return "\n".join(part.strip() for part in block)


@dataclass(frozen=True)
class _Converter:
    """Our nodes from PyYAML's, with each value's line, every value checked for control characters."""

    path: str
    first_line: int
    text: str
    raw_clean: bool  # the text holds no forbidden character, so only escapes ("\e") can make one

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def convert(self, node: yaml.Node) -> YNode:
        location = Location(self.path, self.first_line + node.start_mark.line)
        if isinstance(node, yaml.ScalarNode):
            multi_line_plain = node.style in (None, "") and node.start_mark.line != node.end_mark.line
            value = _line_true_text(node, self.lines) if node.style == ">" or multi_line_plain else str(node.value)
            block = node.style in ("|", ">")
            self._refuse_control_characters(node, value, location, block)
            return YScalar(value, location, block)
        if isinstance(node, yaml.SequenceNode):
            return YSeq(tuple(self.convert(item) for item in node.value), location)
        items: dict[str, tuple[Location, YNode]] = {}
        for key_node, value_node in node.value:
            key_location = Location(self.path, self.first_line + key_node.start_mark.line)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(error(key_location, "a key must be a plain name", "write `name: value`"))
            self._refuse_control_characters(key_node, str(key_node.value), key_location, False)
            if key_node.value in items:
                raise YamlProblem(error(key_location, f"duplicate key '{key_node.value}'",
                                        f"remove one of the two '{key_node.value}' entries (the first is on line {items[key_node.value][0].line})"))
            items[key_node.value] = (key_location, self.convert(value_node))
        return YMap(items, location)

    def _refuse_control_characters(self, node: yaml.ScalarNode, value: str, location: Location, block: bool) -> None:
        """Escapes such as "\\e", "\\0" or "\\x07" in a double-quoted value make control characters
        that the raw text check cannot see; refuse them at the line they end up on."""
        if self.raw_clean and node.style != '"':
            return  # every character of the value is one of the text's own
        found = first_forbidden(value)
        if found:
            line = location.line + (1 if block else 0) + found[0]
            raise YamlProblem(error(Location(location.path, line), f"control character {char_name(found[1])} in a value",
                                    "remove the escape (such as \\e, \\0, \\a or \\x1b); content may hold tabs and line breaks only"))
