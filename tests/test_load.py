"""The loader's fast paths keep its guarantees: each shortcut gives what the careful way gives.

The loader reads thousands of files, so it lists each folder once, resolves a path only when a
link is involved, checks characters with byte tables and regexes, and lets libyaml compose the
YAML in C. These tests hold each shortcut to the careful way it replaces.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import BASIC, PROJECT_ROOT, Briefing
from generator import yamlsafe
from generator.chars import FORBIDDEN, forbidden_chars
from generator.errors import Diagnostic
from generator.load import _display_in, _read_text, display_path, load_content, split_front_matter
from generator.yamlsafe import YamlProblem, parse_yaml


def _slow_forbidden(text: str) -> list[tuple[int, str]]:
    return [(text.count("\n", 0, m.start()), m.group()) for m in FORBIDDEN.finditer(text)]


def test_the_fast_character_check_finds_exactly_the_forbidden_characters() -> None:
    every_character = "".join(chr(c) + ("\n" if c % 4096 == 0 else "") for c in range(0x110000))
    assert list(forbidden_chars(every_character)) == _slow_forbidden(every_character)
    for code in (*range(0x00, 0x80), 0x85, 0x9F, 0xFDD0, 0xFFFE, 0x1FFFE, 0x10FFFF, 0x1F600):
        for text in (f"ascii\nline {chr(code)} end", f"caf\u00e9\nline {chr(code)} end"):
            assert list(forbidden_chars(text)) == _slow_forbidden(text), hex(code)


def _yaml_texts() -> list[tuple[str, str, int]]:
    """(name, YAML text, first line) of every YAML file and front matter the project ships."""
    texts = []
    for folder in (PROJECT_ROOT / "content", BASIC):
        for path in sorted(folder.rglob("*.yaml")):
            texts.append((str(path), path.read_text(encoding="utf-8"), 1))
        for path in sorted(folder.rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            texts.append((str(path), text[4:text.index("\n---", 3) + 1], 2))
    return texts


def test_the_c_composer_gives_the_same_values_and_lines_as_the_careful_one(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _yaml_texts()
    assert len(texts) > 40
    fast = [parse_yaml(text, name, first_line) for name, text, first_line in texts]
    monkeypatch.setattr(yamlsafe, "_CComposer", None)
    assert fast == [parse_yaml(text, name, first_line) for name, text, first_line in texts]


@pytest.mark.parametrize("text", [
    "a: b\nc: d\nc: e\n",  # duplicate key
    "a: [b, c\n",  # unclosed
    "a: *x\n",  # alias with no anchor
    "a: 'b'\n---\nc: d\n",  # two documents
    "".join("  " * n + "k:\n" for n in range(40)) + "  " * 40 + "v\n",  # deep block nesting
])
def test_the_c_composer_reports_problems_as_the_careful_one(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    with pytest.raises(YamlProblem) as fast:
        parse_yaml(text, "f.yaml")
    monkeypatch.setattr(yamlsafe, "_CComposer", None)
    with pytest.raises(YamlProblem) as careful:
        parse_yaml(text, "f.yaml")
    assert str(fast.value.diagnostic) == str(careful.value.diagnostic)


def test_nesting_too_deep_for_the_c_stack_is_a_located_error_not_a_crash() -> None:
    # libyaml's C composer recurses on the C stack: 500,000 levels would crash the interpreter.
    code = ("from generator.yamlsafe import parse_yaml, YamlProblem\n"
            "try:\n    parse_yaml('a: ' + '[' * 500_000 + ']' * 500_000, 'deep.yaml')\n"
            "except YamlProblem as p:\n    print(p.diagnostic.location.line, p.diagnostic.message)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "1 invalid YAML: nesting deeper than 32 levels\n"), result.stderr


def test_a_file_swapped_for_a_fifo_after_the_listing_is_never_read(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: A\n---\n", encoding="utf-8")
    [entry] = list(os.scandir(tmp_path))  # the listing says: a regular file
    page.unlink()
    os.mkfifo(page)  # a reader blocking on this would hang the build
    problems: list[Diagnostic] = []
    assert _read_text(page, problems, tmp_path.resolve(), entry=entry) is None
    assert [d.message for d in problems] == ["not a regular file: this is a named pipe (FIFO)"]


def test_a_link_to_a_file_inside_content_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    b = Briefing(tmp_path)
    (tmp_path / "content" / "drafts").mkdir()
    (tmp_path / "content" / "drafts" / "extra.md").write_text("---\ntitle: Extra page\n---\nText.\n", encoding="utf-8")
    os.symlink("../drafts/extra.md", b.path("pages/extra.md"))
    raw, problems = load_content(Path("content"))
    assert problems == []
    assert [f.path for f in raw.markdown["pages"] if f.stem == "extra"] == [os.path.join("content", "pages", "extra.md")]


def test_front_matter_lines_survive_the_fast_paths() -> None:
    problems: list[Diagnostic] = []
    raw = split_front_matter("---\ntitle: A\nsummary: >\n  one\n  two\n---\n\nBody\n", "p.md", "p", problems)
    assert problems == [] and raw is not None and raw.body_line == 8
    summary = raw.node.items["summary"][1]  # type: ignore[union-attr]
    assert (summary.value, summary.location.line) == ("one\ntwo\n", 3)  # type: ignore[union-attr]


@pytest.mark.parametrize("folder", [".", "content/pages", "..", "../..", "../../x/pages", "/abs/pages", "./a/../b"])
def test_file_names_are_shown_as_display_path_shows_them(folder: str) -> None:
    for path in (Path(folder), Path(folder).absolute()):
        shown_in = _display_in(path)
        for name in ("page.md", "a b.md"):
            assert shown_in(name) == display_path(path / name), path
