"""Random and mutated content (hypothesis): whatever the bytes, `check` and `build` exit 0 or 1,
every message is located (`path:line:`) and printable, nothing raises, and a failed build
leaves the previous site as it was, with no staging folder behind.

Each example is a copy of the basic fixture with one file mutated: fragments of YAML and
Markdown syntax, control characters, YAML tags and escapes, extreme dates, deep nesting,
invalid UTF-8. Bounded for CI: a fixed number of examples, each with a deadline.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import BASIC, tree_digest
from generator.cli import main

FILES = sorted({path.relative_to(BASIC).as_posix() for path in BASIC.rglob("*") if path.is_file()}
               | {"pages/extra.md", "actors/new.md"})
FRAGMENTS = [
    "\x00", "\x1b[31m", "\x07", "\x08", "\x7f", "\x85", "\x9b", "\ufffe", "\uffff", "\u202e", "\t", "\r", "\n",
    "\\e", "\\0", "\\x1b", "\\a", "\\uFFFE", "\"", "'", ":", ": ", "- ", "  ", "---\n", "...\n", "#", "|", ">",
    "{", "}", "[", "]", "&a ", "*a", "!!python/object/apply:os.system [x]", "!x ", "!!str ", "? ",
    "[[", "]]", "![[", "[[talks]]", "[[framework#what-was-agreed]]", "[[framework#nope]]", "[@", "[@gazette]",
    "[@gazette; @courier, para. 2]", "[^1]", "[^1]: n\n", "## Main\n", "## Quotations\n", "## Notes\n",
    "[x](javascript:alert(1))", "<script>alert(1)</script>", "9999-12-31", "0001-01-01", "2024-02-30",
    "late 9999-12", "days: 999999", "start: 9999-12-01", "id: ", "id: talks\n", "\ud800",
]
deep = st.one_of(
    st.integers(1, 120).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 120).map(lambda n: "".join("  " * i + "- x\n" for i in range(n))),
    st.integers(1, 120).map(lambda n: "> " * n + "quote\n"),
    st.integers(1, 60).map(lambda n: "".join("  " * i + f"k{i}:\n" for i in range(n))),
)
text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6), deep), max_size=25).map("".join)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, float, bytes]:
    """(file, how, where as a fraction of its length, bytes to put there)."""
    name = draw(st.sampled_from(FILES))
    how = draw(st.sampled_from(["insert", "insert", "replace-line", "truncate", "whole"]))
    data = draw(text).encode("utf-8", "surrogatepass") + draw(st.sampled_from([b"", b"", b"\xff", b"\xc3"]))
    return name, how, draw(st.floats(0, 1)), data


def apply(content: Path, change: tuple[str, str, float, bytes]) -> None:
    name, how, where, data = change
    path = content / name
    old = path.read_bytes() if path.exists() else b"---\ntitle: Extra\n---\nText.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    cut = int(len(old) * where)
    if how == "insert":
        new = old[:cut] + data + old[cut:]
    elif how == "replace-line":
        start, end = old.rfind(b"\n", 0, cut) + 1, old.find(b"\n", cut)
        new = old[:start] + data + (old[end:] if end >= 0 else b"")
    elif how == "truncate":
        new = old[:cut] + data
    else:
        new = data
    path.write_bytes(new)


LOCATED = re.compile(r"^(?:\S.*:\d+: (?:warning: )?\S.*|    -> \S.*|build failed: \d+ error\(s\), \d+ warning\(s\); "
                     r"the previous site was left unchanged\.)$")
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)  # an exception fails the test
    return result.exit_code, result.stdout, result.stderr


def assert_reported_well(code: int, stdout: str, stderr: str) -> None:
    assert code in (0, 1), (code, stdout, stderr)
    assert not UNPRINTABLE.search(stdout + stderr), repr(stdout + stderr)
    assert "Traceback" not in stdout + stderr
    bad = [line for line in stderr.splitlines() if not LOCATED.match(line)]
    assert bad == [], stderr
    if code == 1:
        assert stderr.rstrip().splitlines()[-1].startswith("build failed:")


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        yield Path(folder)


def fresh_content(workspace: Path) -> Path:
    content = workspace / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(BASIC, content)
    return content


@settings(max_examples=120, deadline=timedelta(seconds=10), derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutation(), min_size=1, max_size=3))
def test_check_survives_any_content(workspace: Path, changes: list[tuple[str, str, float, bytes]]) -> None:
    content = fresh_content(workspace)
    for change in changes:
        apply(content, change)
    assert_reported_well(*run("check", "--content", str(content)))


@settings(max_examples=15, deadline=timedelta(seconds=20), derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutation(), min_size=1, max_size=2))
def test_build_survives_any_content_and_keeps_the_previous_site(workspace: Path,
                                                                changes: list[tuple[str, str, float, bytes]]) -> None:
    site = workspace / "site"
    if not (site / "index.html").exists():
        assert run("build", "--content", str(fresh_content(workspace)), "--out", str(site), "-q")[0] == 0
    before = tree_digest(site)
    content = fresh_content(workspace)
    for change in changes:
        apply(content, change)
    code, stdout, stderr = run("build", "--content", str(content), "--out", str(site), "-q")
    assert_reported_well(code, stdout, stderr)
    if code == 1:
        assert tree_digest(site) == before
    assert (site / "index.html").is_file()
    assert [p.name for p in workspace.iterdir() if p.name.startswith(".site-")] == []
