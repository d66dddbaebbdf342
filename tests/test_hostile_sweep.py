"""What an adversarial sweep of every command found (README, "When something is wrong"): files
no stage checks (a FIFO or /dev/zero beside the content, a FIFO in the build cache), names that
are not UTF-8, folders that appear where the no-op check did not look, template code that
raises, and output folders inside an input folder. Each must be a located message with a hint
and exit 1 (or a build that carries on), never a traceback or a hang.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import PROJECT_ROOT, Briefing, tree_digest
from test_errors import diagnostics_of

PAGE = "---\ntitle: Extra page\n---\nSee [[talks]].\n"
HANG = 60  # seconds: a build of the basic fixture takes about one


def build_py(briefing: Briefing, *args: str) -> subprocess.CompletedProcess[str]:
    """`python build.py build` in a subprocess, so that a hang fails the test instead of stalling it."""
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--content", "content",
                           "--out", "site", *args], cwd=briefing.root, capture_output=True, text=True, timeout=HANG)


def test_special_files_beside_the_content_never_hang_the_build(briefing: Briefing) -> None:
    # No stage reads them, but the build's change record hashes every file under content/.
    os.mkfifo(briefing.path("notes.fifo"))
    os.symlink("/dev/zero", briefing.path("zero"))
    result = build_py(briefing)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_cache_files_that_are_not_regular_files_are_never_read(briefing: Briefing) -> None:
    assert briefing.build().exit_code == 0
    cache = briefing.root / ".cache"
    for path in [p for p in cache.rglob("*") if p.is_file()]:
        path.unlink()
        os.mkfifo(path)
    briefing.write("pages/extra.md", PAGE)
    result = build_py(briefing)
    assert result.returncode == 0, result.stderr
    check = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "check", "--content", "content"],
                           cwd=briefing.root, capture_output=True, text=True, timeout=HANG)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("where", ["pages", "."])
def test_a_file_name_that_is_not_utf8_is_reported_not_a_traceback(briefing: Briefing, where: str) -> None:
    folder = os.fsencode(briefing.path(where))
    with open(os.path.join(folder, b"x\xff.md"), "w", encoding="utf-8") as f:
        f.write(PAGE)
    result = briefing.build()  # in-process: an exception would fail the test with its traceback
    if where == ".":  # not a content file: built around
        assert result.exit_code == 0, result.output
        return
    lines, _ = diagnostics_of(result.stderr)
    assert lines[0] == "content/pages/x\\udcff.md:1: file name 'x\\udcff' is not a valid id"


@pytest.mark.parametrize("make", [
    lambda b: os.symlink("../actors", b.path("pages/extra.md")),
    lambda b: b.path("pages/extra.md").mkdir(),
], ids=["a link to a folder", "a folder"])
def test_a_new_folder_named_like_a_page_is_not_taken_for_nothing_changed(briefing: Briefing, make) -> None:  # type: ignore[no-untyped-def]
    assert briefing.build().exit_code == 0
    make(briefing)
    result = briefing.build()
    assert result.exit_code == 1, result.output
    lines, _ = diagnostics_of(result.stderr)
    assert lines[0] == "content/pages/extra.md:1: not a regular file: this is a folder"


KINDS = st.sampled_from(["file", "folder", "link to a folder", "link to a file", "fifo", "dangling link"])
NAMES = st.text(st.sampled_from("abc.-_é"), min_size=1, max_size=8).filter(lambda n: n not in {".", ".."})


@settings(max_examples=60, deadline=None)
@given(kind=KINDS, name=NAMES, deep=st.booleans())
def test_anything_added_to_an_input_folder_changes_its_stamps(tmp_path_factory: pytest.TempPathFactory,
                                                              kind: str, name: str, deep: bool) -> None:
    from generator.cache import input_stamps
    root = tmp_path_factory.mktemp("inputs")
    (root / "sub").mkdir()
    (root / "sub" / "kept.md").write_text("x")
    before = input_stamps([root])
    target = (root / "sub" if deep else root) / name
    if target.exists():
        return
    {"file": lambda: target.write_text(""), "folder": target.mkdir, "fifo": lambda: os.mkfifo(target),
     "link to a folder": lambda: os.symlink(root / "sub", target),
     "link to a file": lambda: os.symlink(root / "sub" / "kept.md", target),
     "dangling link": lambda: os.symlink("nowhere", target)}[kind]()
    assert input_stamps([root]) != before


BROKEN_TEMPLATES = [
    ("page.html", "{{ 1 / 0 }}", "template error: ZeroDivisionError: division by zero"),
    ("page.html", "{{ 'a' + 1 }}", 'template error: TypeError: can only concatenate str (not "int") to str'),
    ("_nav.html", "{% include '_nav.html' %}", "template error: templates include each other without end"),
]


@pytest.mark.parametrize(("name", "code", "message"), BROKEN_TEMPLATES, ids=["division", "type", "include loop"])
def test_template_code_that_raises_is_reported_at_its_line(briefing: Briefing, name: str, code: str, message: str) -> None:
    templates = briefing.root / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    assert briefing.build("--templates", "templates").exit_code == 0
    before = tree_digest(briefing.root / "site")
    page = templates / name
    text = page.read_text(encoding="utf-8")
    at = text.index("{{")  # the first output tag: inside a block in a template that extends another
    page.write_text(text[:at] + code + text[at:], encoding="utf-8")
    result = briefing.build("--templates", "templates")  # in-process: a traceback fails the test
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    assert lines == [f"templates/{name}:{text[:at].count(chr(10)) + 1}: {message}", "    -> fix the template code on this line"]
    assert tree_digest(briefing.root / "site") == before


def test_a_template_that_is_not_utf8_is_reported_at_its_line(briefing: Briefing) -> None:
    templates = briefing.root / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    page = templates / "page.html"
    data = page.read_bytes()
    page.write_bytes(data + b"caf\xe9\n")
    result = briefing.build("--templates", "templates")
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    line = data.count(b"\n") + 1
    assert lines == [f"templates/page.html:{line}: template syntax error: not UTF-8 text "
                     f"(invalid continuation byte at byte {len(data) + 3})", "    -> fix the Jinja syntax on this line"]


@pytest.mark.parametrize(("out", "folder"), [("content/site", "content"), ("templates/static/site", "templates")])
def test_an_output_folder_inside_an_input_folder_is_refused(briefing: Briefing, out: str, folder: str) -> None:
    shutil.copytree(PROJECT_ROOT / "templates", briefing.root / "templates")
    result = briefing.build("--templates", "templates", out=out)
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    assert lines == [f"{out}:0: the output folder is inside {os.path.realpath(briefing.root / folder)}, which the build reads",
                     f"    -> choose an --out folder outside {folder}/, e.g. site"]
    assert not (briefing.root / out).exists()


def test_an_invisible_character_in_a_reference_is_shown_in_the_message(briefing: Briefing) -> None:
    briefing.write("pages/extra.md", "---\ntitle: Extra page\n---\nSee [[ta\u200blks]] and [[talks\ufeff]].\n")
    lines, _ = diagnostics_of(briefing.check().stderr)
    assert sorted(lines[0::2]) == ["content/pages/extra.md:4: unknown id [[ta\\u200blks]]",
                                   "content/pages/extra.md:4: unknown id [[talks\\ufeff]]"]


def test_ingest_refuses_special_files_bad_names_and_control_characters_with_the_others_ingested(tmp_path: Path) -> None:
    article = (PROJECT_ROOT / "tests" / "fixtures" / "ingest" / "eu-summit.txt").read_text(encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    (tmp_path / os.fsdecode(b"name\xff.txt")).write_text(article, encoding="utf-8")
    lines = article.split("\n")
    (tmp_path / "esc.txt").write_text("\n".join([*lines[:2], lines[2] + "\x1b[2J", *lines[3:]]), encoding="utf-8")
    (tmp_path / "good.txt").write_text(article, encoding="utf-8")
    names = ["pipe.txt", "zero.txt", os.fsdecode(b"name\xff.txt"), "esc.txt", "good.txt"]

    def under_a_gigabyte() -> None:  # /dev/zero read whole would take all the memory there is
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "ingest", *names, "--out", "draft"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=HANG, preexec_fn=under_a_gigabyte)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("    -> ")] == [
        "esc.txt:3: control character U+001B (ESC) in the text",
        "name\\udcff.txt:1: the file name is not UTF-8",
        "pipe.txt:1: cannot read the file (not a regular file)",
        "zero.txt:1: cannot read the file (not a regular file)"]
    assert "ingested 1 of 5 file(s)" in result.stdout
    check = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "check", "--content", "draft"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=HANG)
    assert check.returncode == 0, check.stderr


def test_schema_replaces_a_fifo_or_a_link_where_a_schema_was_and_writes_nothing_through_it(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    out.mkdir()
    os.mkfifo(out / "actor.schema.json")  # writing into it would wait for a reader for ever
    (tmp_path / "victim.txt").write_text("mine")
    os.symlink(tmp_path / "victim.txt", out / "page.schema.json")
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "schema", "--out", str(out)],
                            capture_output=True, text=True, timeout=HANG)
    assert result.returncode == 0, result.stderr
    assert (out / "actor.schema.json").is_file() and not (out / "page.schema.json").is_symlink()
    assert (tmp_path / "victim.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_the_preview_watches_on_after_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    import threading

    from generator.config import BuildConfig
    from generator.preview.watch import Changes, watch_changes
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    seen: list[Changes] = []
    stop = threading.Event()
    config = BuildConfig(content_dir=content, templates_dir=tmp_path / "templates", out_dir=tmp_path / "site")
    watcher = threading.Thread(target=watch_changes, args=(config, seen.append, stop), daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)  # watching
        with open(os.path.join(os.fsencode(content / "pages"), b"x\xff.md"), "w", encoding="utf-8") as f:
            f.write(PAGE)
        time.sleep(0.5)
        (content / "pages" / "later.md").write_text(PAGE, encoding="utf-8")  # a save after it is still seen
        deadline = time.monotonic() + 10
        while not any(content / "pages" / "later.md" in c.paths for c in seen) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(content / "pages" / "later.md" in c.paths for c in seen), seen
        assert watcher.is_alive()
    finally:
        stop.set()
        watcher.join(5)
