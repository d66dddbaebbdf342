"""Hostile content: special files, symbolic links, control characters, YAML tags, extreme
dates, odd ids. Each case edits a fresh copy of the basic fixture and lists the exact
diagnostics `check` must print; none may hang, crash or print a raw control character.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Briefing, run_build_py
from test_errors import Case, append, both, diagnostics_of, replace, write

CTRL_HINT = "    -> delete it; content may hold tabs and line breaks, but no other control characters"
ESCAPE_HINT = ("    -> remove the escape (such as \\e, \\0, \\a or \\x1b); "
               "content may hold tabs and line breaks only")
TAG_HINT = "    -> remove the `!tag`; content values are plain text, lists and mappings"
OUTSIDE_HINT = "    -> copy the file (or folder) into content/ instead of linking to it"
LOOP_HINT = "    -> remove the link or point it at a real file inside content/"
SPECIAL_HINT = "    -> content files must be plain text files; remove it or move it out of the folder"
PAGE = "---\ntitle: Extra page\n---\nSee [[talks]].\n"


def errors_in(stderr: str) -> list[str]:
    """The error diagnostics (message and hint lines), leaving out warnings."""
    lines, _ = diagnostics_of(stderr)
    pairs = [lines[i:i + 2] if i + 1 < len(lines) and lines[i + 1].startswith("    -> ") else lines[i:i + 1]
             for i in range(len(lines)) if not lines[i].startswith("    -> ")]
    return [line for pair in pairs if ": warning: " not in pair[0] for line in pair]


def symlink(rel: str, target: str | Path) -> Callable[[Briefing], None]:
    def apply(b: Briefing) -> None:
        b.path(rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, b.path(rel))
    return apply


def outside_folder(b: Briefing) -> None:
    """pages/ replaced by a link to a folder outside content/ holding a page."""
    elsewhere = b.root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text(PAGE, encoding="utf-8")
    for page in b.path("pages").iterdir():
        page.unlink()
    b.path("pages").rmdir()
    os.symlink(elsewhere, b.path("pages"))


def fifo(rel: str) -> Callable[[Briefing], None]:
    return lambda b: os.mkfifo(b.path(rel))


CASES = [
    # special files: never opened for reading, so nothing hangs or fills memory
    Case("fifo_markdown_file",
         fifo("pages/extra.md"),
         ("content/pages/extra.md:1: not a regular file: this is a named pipe (FIFO)", SPECIAL_HINT)),
    Case("fifo_yaml_file",
         lambda b: (b.path("views.yaml").unlink(), os.mkfifo(b.path("views.yaml"))),
         ("content/views.yaml:1: not a regular file: this is a named pipe (FIFO)", SPECIAL_HINT)),
    Case("character_device_linked_in",  # /dev/zero would be read until memory runs out
         symlink("pages/zero.md", "/dev/zero"),
         ("content/pages/zero.md:1: link points outside content/", OUTSIDE_HINT)),
    Case("folder_named_like_a_page",
         lambda b: b.path("pages/extra.md").mkdir(),
         ("content/pages/extra.md:1: not a regular file: this is a folder", SPECIAL_HINT)),
    # symbolic links
    Case("link_to_itself",
         symlink("pages/self.md", "self.md"),
         ("content/pages/self.md:1: symbolic link loop (the link points back to itself)", LOOP_HINT)),
    Case("two_links_to_each_other",
         both(symlink("pages/a.md", "b.md"), symlink("pages/b.md", "a.md")),
         ("content/pages/a.md:1: symbolic link loop (the link points back to itself)", LOOP_HINT,
          "content/pages/b.md:1: symbolic link loop (the link points back to itself)", LOOP_HINT)),
    Case("folder_link_loop",
         lambda b: (os.rename(b.path("pages"), b.root / "old-pages"), os.symlink("pages", b.path("pages"))),
         ("content/pages:1: symbolic link loop (the link points back to itself)", LOOP_HINT)),
    Case("dangling_link",
         symlink("pages/gone.md", "nowhere.md"),
         ("content/pages/gone.md:1: cannot read: No such file or directory",
          "    -> remove the broken link or restore the file it points to")),
    Case("file_link_outside_content",
         symlink("pages/passwd.md", "/etc/passwd"),
         ("content/pages/passwd.md:1: link points outside content/", OUTSIDE_HINT)),
    Case("yaml_link_outside_content",
         lambda b: (b.path("views.yaml").rename(b.root / "views.yaml"), os.symlink(b.root / "views.yaml", b.path("views.yaml"))),
         ("content/views.yaml:1: link points outside content/", OUTSIDE_HINT)),
    Case("source_texts_folder_linked_from_outside",
         lambda b: (b.path("sources").rename(b.root / "texts"), os.symlink(b.root / "texts", b.path("sources"))),
         ("content/sources:1: link points outside content/", OUTSIDE_HINT)),
    Case("source_text_linked_from_outside",
         lambda b: (b.path("sources/gazette.txt").rename(b.root / "gazette.txt"),
                    os.symlink(b.root / "gazette.txt", b.path("sources/gazette.txt"))),
         ("content/sources/gazette.txt:1: link points outside content/", OUTSIDE_HINT)),
    Case("folder_link_outside_content",
         outside_folder,
         ("content/pages:1: link points outside content/", OUTSIDE_HINT)),
    # control characters, raw and escaped
    Case("raw_esc_in_markdown_body",
         write("pages/extra.md", "---\ntitle: Extra page\n---\nSee [[talks]].\n\nRed \x1b[31malert\x07.\n"),
         ("content/pages/extra.md:6: control character U+0007 (BEL) in the text", CTRL_HINT,
          "content/pages/extra.md:6: control character U+001B (ESC) in the text", CTRL_HINT)),
    Case("raw_nul_in_yaml_reported_at_its_line",
         replace("views.yaml", "stance: hopeful", "stance: hope\x00ful"),
         ("content/views.yaml:3: control character U+0000 (NUL) in the text", CTRL_HINT)),
    Case("raw_esc_in_yaml_reported_at_its_line",
         replace("events.yaml", "title: Harbour talks open", "title: Harbour talks open  # a comment with \x1b[2J in it"),
         ("content/events.yaml:2: control character U+001B (ESC) in the text", CTRL_HINT)),
    Case("raw_u_fffe_in_yaml_reported_at_its_line",
         replace("events.yaml", "title: Harbour talks open", "title: Harbour talks open  # \ufffe"),
         ("content/events.yaml:2: control character U+FFFE (non-character) in the text", CTRL_HINT)),
    Case("c1_control_in_front_matter",
         write("pages/extra.md", "---\ntitle: Extra\x9b page\n---\nText.\n"),
         ("content/pages/extra.md:2: control character U+009B (control character) in the text", CTRL_HINT)),
    Case("yaml_escape_makes_esc",
         replace("events.yaml", "title: Harbour talks open", 'title: "Harbour \\e[31mtalks"'),
         ("content/events.yaml:2: control character U+001B (ESC) in a value", ESCAPE_HINT)),
    Case("yaml_escape_makes_nul_in_a_block_line",
         replace("quotes.yaml", "text: We have a framework for the harbour", 'text: "We have\\0 a framework"'),
         ("content/quotes.yaml:3: control character U+0000 (NUL) in a value", ESCAPE_HINT)),
    Case("yaml_escape_makes_bel_in_a_key",
         replace("views.yaml", "stance: hopeful", '"st\\aance": hopeful'),
         ("content/views.yaml:3: control character U+0007 (BEL) in a value", ESCAPE_HINT)),
    Case("yaml_escape_makes_a_non_character",
         replace("events.yaml", "title: Harbour talks open", 'title: "Harbour \\uFFFF"'),
         ("content/events.yaml:2: control character U+FFFF (non-character) in a value", ESCAPE_HINT)),
    # YAML tags: refused, never silently dropped or obeyed
    Case("python_tag_on_a_value",
         replace("events.yaml", "title: Harbour talks open", "title: !!python/object/apply:os.system [echo hi]"),
         ("content/events.yaml:2: invalid YAML: explicit YAML tag '!!python/object/apply:os.system' is not allowed in content",
          TAG_HINT)),
    Case("str_tag_on_a_value",
         replace("briefing.yaml", "language: en", "language: !!str en"),
         ("content/briefing.yaml:5: invalid YAML: explicit YAML tag '!!str' is not allowed in content", TAG_HINT)),
    Case("local_tag_in_front_matter",
         write("pages/extra.md", "---\ntitle: !shout Extra page\n---\nText.\n"),
         ("content/pages/extra.md:2: invalid YAML: explicit YAML tag '!shout' is not allowed in content", TAG_HINT)),
    Case("tag_on_a_mapping",
         replace("events.yaml", "- id: talks", "- !!map\n  id: talks"),
         ("content/events.yaml:1: invalid YAML: explicit YAML tag '!!map' is not allowed in content", TAG_HINT)),
    # ids
    Case("file_name_with_a_trailing_newline",
         write("pages/extra\n.md", PAGE),
         ("content/pages/extra\\n.md:1: file name 'extra\\n' is not a valid id",
          "    -> rename the file to lowercase letters, digits and dashes, e.g. `howard-lutnick.md`")),
    Case("file_name_with_escape_sequences_is_not_echoed_raw",
         write("pages/x\x1b[2J\x07.md", PAGE),
         ("content/pages/x\\x1b[2J\\x07.md:1: file name 'x\\x1b[2J\\x07' is not a valid id",
          "    -> rename the file to lowercase letters, digits and dashes, e.g. `howard-lutnick.md`")),
    Case("id_too_long_for_a_file_name",
         write("pages/" + "a" * 250 + ".md", PAGE),
         ("content/pages/" + "a" * 250 + ".md:1: file name '" + "a" * 120 + "' is not a valid id",
          "    -> rename the file to at most 100 characters long, e.g. `howard-lutnick.md`")),
    # extreme dates
    Case("deadline_running_past_the_last_date",
         both(replace("deadlines.yaml", "start: talks", "start: 9999-12-01"),
              replace("deadlines.yaml", "due: 2024-03-31", "due: 9999-12-30")),
         ("content/deadlines.yaml:4: deadline 'review-window': 9999-12-01 + 30 days is later than 9999-12-30, "
          "the last date there is", "    -> check start and days")),
    Case("date_on_the_last_day",
         replace("events.yaml", "date: 2024-03-01", "date: 9999-12-31"),
         ("content/events.yaml:3: bad date in 'date': '9999-12-31' is too late: dates end on 9999-12-30",
          "    -> write one of YYYY-MM-DD, YYYY-MM, early|mid|late YYYY-MM, YYYY, or FIRST..LAST")),
    Case("year_9999",
         replace("sources.yaml", "published: 2024-03-01", "published: 9999"),
         ("content/sources.yaml:6: bad date in 'published': '9999' is too late: dates end on 9999-12-30",
          "    -> write one of YYYY-MM-DD, YYYY-MM, early|mid|late YYYY-MM, YYYY, or FIRST..LAST")),
    Case("huge_days",
         both(replace("deadlines.yaml", "start: talks", "start: 9000-01-01"),
              replace("deadlines.yaml", "days: 30", "days: 999999")),
         ("content/deadlines.yaml:4: deadline 'review-window': 9000-01-01 + 999999 days is later than 9999-12-30, "
          "the last date there is", "    -> check start and days")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_content_is_reported_with_file_line_and_hint(briefing: Briefing, case: Case) -> None:
    case.edit(briefing)
    result = briefing.check()
    assert result.exit_code == 1, result.output
    _, (errors, _) = diagnostics_of(result.stderr)
    assert errors_in(result.stderr) == list(case.expected)  # warnings that follow from an error aside
    assert errors == len(case.expected) // 2


def test_an_id_is_matched_whole_so_a_trailing_newline_is_not_an_id() -> None:
    from generator.validate import id_problem
    assert id_problem("talks") is None
    assert id_problem("talks\n") == "lowercase letters, digits and dashes"
    assert id_problem("a" * 101) == "at most 100 characters long"


@pytest.mark.parametrize(("text", "line", "char"), [
    ("a: 1\nb: 2\nc: x\x00y\n", 3, "U+0000 (NUL)"),
    ("a: 1\n\nb: caf\u00e9 \x1b[31m\n", 3, "U+001B (ESC)"),  # a two-byte character before it
    ("a: 1\nb: |\n  one\n  two \ufffe\n", 4, "U+FFFE (non-character)"),
])
def test_a_character_yaml_refuses_is_reported_at_its_real_line(text: str, line: int, char: str) -> None:
    from generator.yamlsafe import YamlProblem, parse_yaml
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text, "f.yaml", first_line=1)
    assert str(caught.value.diagnostic).split("\n")[0] == f"f.yaml:{line}: invalid YAML: character {char} is not allowed"
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text, "f.md", first_line=2)  # front matter starts on line 2
    assert caught.value.diagnostic.location.line == line + 1


def test_messages_never_carry_raw_control_characters() -> None:
    from generator.errors import Location, error
    shown = str(error(Location("a\x1b.md", 1), "bad \x07 thing \u202e", "fix \x9b it"))
    assert shown == "a\\x1b.md:1: bad \\x07 thing \\u202e\n    -> fix \\x9b it"


def test_a_character_device_inside_content_is_never_read(briefing: Briefing) -> None:
    try:
        os.mknod(briefing.path("pages/zero.md"), stat.S_IFCHR | 0o666, os.makedev(1, 5))  # like /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD (root); the FIFO cases cover the same check")
    result = briefing.check()
    lines, _ = diagnostics_of(result.stderr)
    assert lines == ["content/pages/zero.md:1: not a regular file: this is a character device", SPECIAL_HINT]
