"""The command line as a user meets it: warnings and --strict, `check`, exit codes."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import BASIC, PROJECT_ROOT, TEXTS, Briefing, run_build_py, tree_digest

UNCITED_SOURCE = "- id: unused\n  file: unused.txt\n  title: Unused\n  reliability: Fine.\n"
UNMENTIONED_ACTOR = "---\nname: Zed\nkind: person\nside: North Port\n---\nNobody links here.\n"
UNCITED_WARNING = ("content/sources.yaml:20: warning: source 'unused' is never cited",
                   "    -> cite it with [@unused] or remove it")
UNMENTIONED_WARNING = ("content/actors/zed.md:1: warning: actor 'zed' is not mentioned anywhere",
                       "    -> link it with [[zed]] or remove it")


def diagnostics(stderr: str) -> list[tuple[str, str]]:
    """Each `path:line: message` line with the `    -> hint` line under it."""
    lines = stderr.splitlines()
    return [(line, lines[i + 1]) for i, line in enumerate(lines[:-1]) if lines[i + 1].startswith("    -> ")]


def add_warnings(briefing: Briefing) -> None:
    briefing.append("sources.yaml", UNCITED_SOURCE)
    briefing.write("actors/zed.md", UNMENTIONED_ACTOR)


def test_warnings_are_printed_and_the_build_succeeds(briefing: Briefing) -> None:
    add_warnings(briefing)
    result = briefing.build()
    assert result.exit_code == 0, result.output
    assert sorted(diagnostics(result.stderr)) == sorted([UNCITED_WARNING, UNMENTIONED_WARNING])
    assert (briefing.root / "site" / "actors" / "zed.html").is_file()


def test_strict_turns_warnings_into_a_failed_build(briefing: Briefing) -> None:
    add_warnings(briefing)
    result = briefing.build("--strict")
    assert result.exit_code == 1
    assert sorted(diagnostics(result.stderr)) == sorted([UNCITED_WARNING, UNMENTIONED_WARNING])
    assert result.stderr.splitlines()[-1] == \
        "build failed: 0 error(s), 2 warning(s); the previous site was left unchanged."
    assert not (briefing.root / "site").exists()


def test_strict_check_fails_on_a_warning(briefing: Briefing) -> None:
    briefing.append("sources.yaml", UNCITED_SOURCE)
    assert briefing.check().exit_code == 0
    result = briefing.check("--strict")
    assert result.exit_code == 1
    assert diagnostics(result.stderr) == [UNCITED_WARNING]


def test_the_fixture_has_no_warnings_even_when_strict(briefing: Briefing) -> None:
    result = briefing.build("--strict", "--sources-dir", TEXTS)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_word_count_that_disagrees_with_the_source_text_is_a_warning(briefing: Briefing) -> None:
    words = len((TEXTS / "gazette.txt").read_text(encoding="utf-8").split())
    briefing.replace("sources.yaml", f"words: {words}", f"words: {words + 1}")
    result = briefing.check("--sources-dir", TEXTS)
    assert result.exit_code == 0
    assert diagnostics(result.stderr) == [
        (f"content/sources.yaml:1: warning: source 'gazette' says words: {words + 1}, but its text has {words}",
         "    -> update `words:`")]


def test_check_writes_nothing(briefing: Briefing) -> None:
    before = tree_digest(briefing.root)
    result = briefing.check()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")
    assert result.stdout.rstrip().endswith("quotations checked against 2 source text(s)")  # content/sources/
    assert tree_digest(briefing.root) == before  # in particular, no site/ appeared


def test_check_with_sources_dir_verifies_the_quotations(briefing: Briefing) -> None:
    result = briefing.check("--sources-dir", TEXTS)
    assert result.exit_code == 0, result.output
    texts = len(list(TEXTS.glob("*.txt")))
    assert result.stdout.rstrip().endswith(f"quotations checked against {texts} source text(s)")
    briefing.replace("quotes.yaml", "at least until summer", "at least until winter")
    shutil.rmtree(briefing.path("sources"))
    assert briefing.check().exit_code == 0  # without the texts, nothing to check against (warnings only)
    assert briefing.check("--sources-dir", TEXTS).exit_code == 1


def test_missing_sources_dir_is_an_error(briefing: Briefing) -> None:
    result = briefing.check("--sources-dir", "nowhere")
    assert result.exit_code == 1
    assert ("nowhere:0: sources folder not found",
            "    -> pass --sources-dir a folder holding the articles' text files") in diagnostics(result.stderr)


def test_missing_content_folder_is_an_error(briefing: Briefing) -> None:
    result = briefing.build("--content", "nowhere")
    assert result.exit_code == 1
    assert diagnostics(result.stderr) == [
        ("nowhere:0: content folder not found", "    -> pass --content DIR or run from the project root")]


def test_refuses_to_write_over_the_content_folder(briefing: Briefing) -> None:
    before = tree_digest(briefing.content)
    result = briefing.build(out="content")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"content:0: the output folder would replace {briefing.content.resolve()}"
    assert tree_digest(briefing.content) == before


def test_build_exits_0_and_says_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "site"
    proc = run_build_py("build", "--content", BASIC, "--out", out)
    assert proc.returncode == 0, proc.stderr
    generated = [p for p in out.rglob("*") if p.is_file() and p.relative_to(out).parts[0] != "static"]
    pages = [p for p in generated if p.suffix == ".html"]
    assert re.fullmatch(rf"built {len(pages)} pages \({len(generated)} files\) into {re.escape(str(out))} in \d+ ms\n", proc.stdout)
    assert (out / "index.html").is_file()
    assert proc.stderr == ""


def test_options_without_a_command_go_to_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    proc = run_build_py("-q", "--content", BASIC, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()
    assert proc.stdout == proc.stderr == ""
    typo = run_build_py("biuld")
    assert typo.returncode == 2 and "No such command 'biuld'" in typo.stderr


def test_unknown_option_is_a_usage_error_with_exit_2() -> None:
    proc = run_build_py("build", "--bogus")
    assert proc.returncode == 2
    assert "No such option '--bogus'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_readme_field_reference_matches_the_schema() -> None:
    from generator.content_schema import reference_markdown

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert reference_markdown() in readme, "regenerate the README's field reference from generator/schema.py"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = readme.split("**Install and run the whole test suite:**", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert block.strip() in ci.splitlines()


def test_ci_requires_the_browser_tests_to_run() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export REQUIRE_BROWSER=1" in ci.splitlines()


@pytest.mark.parametrize(("require", "outcome"), [("1", "1 error"), ("", "1 skipped")])
def test_a_missing_browser_fails_under_require_browser_and_skips_otherwise(require: str, outcome: str) -> None:
    env = {**os.environ, "CHROMIUM": "/nonexistent/chromium", "REQUIRE_BROWSER": require}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/browser/test_site_in_browser.py::test_missing_address_gets_the_styled_404_page[fixture]"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert outcome in proc.stdout and proc.returncode == (1 if require else 0), proc.stdout
    if require:
        assert "REQUIRE_BROWSER=1 but Chromium is not installed" in proc.stdout


def test_an_output_folder_named_with_escape_sequences_is_never_echoed_raw(briefing: Briefing) -> None:
    out = "site\x1b[2J\x07"
    for _ in range(2):  # the build, then the no-op rebuild: both name the folder
        result = briefing.build(out=out)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "site\\x1b[2J\\x07" in result.output
