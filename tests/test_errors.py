"""Invalid briefings: one edit of the basic fixture per error class, with the exact text a user sees.

Each case edits a fresh copy of tests/fixtures/basic and lists the one diagnostic (`path:line:
message` and its `    -> hint` line) that `check` must print: nothing more, since a follow-on
"unknown id" for a record that was already reported would only be noise.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, TEXTS, Briefing, run_build_py, tree_digest

FORMS = "YYYY-MM-DD, YYYY-MM, early|mid|late YYYY-MM, YYYY, or FIRST..LAST"
YAML_HINT = "    -> fix the YAML syntax (indentation, quotes, colons) on or just above this line"
ALIAS_HINT = "    -> write the value out in full instead of using &anchor / *alias"
NESTING_HINT = "    -> flatten the structure; content records need only a few levels"
TAKEN_NAMES = "    -> rename the file; these names are taken: 404, commitments, glossary, index, quotes, search, sources, timeline, views"
SUMMARY = re.compile(r"^build failed: (\d+) error\(s\), (\d+) warning\(s\); the previous site was left unchanged\.$")


def replace(rel: str, old: str, new: str) -> Callable[[Briefing], None]:
    return lambda b: b.replace(rel, old, new)


def append(rel: str, text: str) -> Callable[[Briefing], None]:
    return lambda b: b.append(rel, text)


def write(rel: str, data: str | bytes) -> Callable[[Briefing], None]:
    return lambda b: b.write(rel, data)


def both(*edits: Callable[[Briefing], None]) -> Callable[[Briefing], None]:
    def apply(b: Briefing) -> None:
        for edit in edits:
            edit(b)
    return apply


def extra_page(body: str) -> Callable[[Briefing], None]:
    """A new page whose body starts on line 4 of content/pages/extra.md."""
    return write("pages/extra.md", "---\ntitle: Extra page\n---\n" + body)


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[Briefing], None]
    expected: tuple[str, ...]
    args: tuple[str, ...] = ()


NEW_EVENT = "- id: {id}\n  title: Extra\n  date: 2023\n  body: |\n    Text.\n"
PAGE = "---\ntitle: Extra page\n---\nSee [[talks]].\n"

CASES = [
    # YAML syntax
    Case("yaml_syntax_error_names_file_and_line",
         append("views.yaml", "- id: broken: here\n"),
         ("content/views.yaml:7: invalid YAML: mapping values are not allowed in this context", YAML_HINT)),
    Case("duplicate_key",
         append("briefing.yaml", "title: Again\n"),
         ("content/briefing.yaml:33: duplicate key 'title'",
          "    -> remove one of the two 'title' entries (the first is on line 1)")),
    # fields
    Case("unknown_field_with_did_you_mean",
         replace("actors/ana-ruiz.md", "summary:", "sumary:"),
         ("content/actors/ana-ruiz.md:11: unknown field 'sumary' in actor",
          "    -> did you mean 'summary'? allowed fields: name, kind, side, affiliation, roles, summary, native_name")),
    Case("misspelt_required_field_is_one_error_not_two",
         replace("quotes.yaml", "  speaker: ana-ruiz", "  speeker: ana-ruiz"),
         ("content/quotes.yaml:2: unknown field 'speeker' in quote",
          "    -> did you mean 'speaker'? allowed fields: id, speaker, text, source, context")),
    Case("unknown_field_without_a_close_match",
         replace("deadlines.yaml", "  due: 2024-03-31", "  due_date: 2024-03-31"),
         ("content/deadlines.yaml:5: unknown field 'due_date' in deadline",
          "    -> allowed fields: id, title, basis, start, days, every, due, body")),
    Case("missing_required_field",
         replace("pages/framework.md", "title: The framework\n", ""),
         ("content/pages/framework.md:2: page is missing required field 'title'",
          "    -> add `title:` (Page title.)")),
    Case("list_where_text_expected",
         replace("briefing.yaml", "subtitle: A small fixture briefing for the test suite", "subtitle: [a, b]"),
         ("content/briefing.yaml:2: 'subtitle' must be a single value, not a list or mapping",
          "    -> write it on one line after the colon, or as a `|` block")),
    Case("text_where_list_expected",
         replace("events.yaml", "actors: [ana-ruiz, port-council]", "actors: ana-ruiz"),
         ("content/events.yaml:4: 'actors' must be a list", "    -> write each item on its own `- ` line")),
    Case("non_integer_days",
         replace("deadlines.yaml", "days: 30", "days: thirty"),
         ("content/deadlines.yaml:4: 'days' must be a whole number, got 'thirty'",
          "    -> write digits only, e.g. `90`")),
    Case("fractional_order",
         replace("pages/framework.md", "order: 10", "order: 1.5"),
         ("content/pages/framework.md:4: 'order' must be a whole number, got '1.5'",
          "    -> write digits only, e.g. `90`")),
    Case("enum_value_with_did_you_mean",
         replace("actors/port-council.md", "kind: organisation", "kind: organization"),
         ("content/actors/port-council.md:3: 'kind' must be one of person, organisation, group, got 'organization'",
          "    -> did you mean 'organisation'?")),
    Case("javascript_url_field",
         replace("sources.yaml", "url: https://example.org/gazette/talks", "url: javascript:alert(1)"),
         ("content/sources.yaml:7: 'url' must be an http:// or https:// address, got 'javascript:alert(1)'",
          "    -> use a full web address; other schemes (javascript:, data:, file:) are refused")),
    # dates
    Case("month_13",
         replace("sources.yaml", "published: 2024-03-01", "published: 2025-13-01"),
         ("content/sources.yaml:6: bad date in 'published': '2025-13-01' is not a real date (month must be in 1..12)",
          f"    -> write one of {FORMS}")),
    Case("month_name",
         replace("sources.yaml", "published: 2024-03\n", "published: June\n"),
         (f"content/sources.yaml:17: bad date in 'published': 'June' is not a date in any of the forms {FORMS}",
          f"    -> write one of {FORMS}")),
    Case("as_of_must_be_a_day",
         replace("briefing.yaml", "as_of: 2024-03-05", "as_of: 2024-03"),
         ("content/briefing.yaml:1: 'as_of' must be a single day, got '2024-03'", "    -> write it as YYYY-MM-DD")),
    # ids and URLs
    Case("duplicate_id_across_kinds",
         append("events.yaml", NEW_EVENT.format(id="courier")),
         ("content/events.yaml:25: duplicate id 'courier' (also the source at content/sources.yaml:13)",
          "    -> ids are unique across the whole briefing; rename one of them")),
    Case("page_with_the_id_of_an_actor",
         write("pages/ana-ruiz.md", PAGE),
         ("content/pages/ana-ruiz.md:1: duplicate id 'ana-ruiz' (also the actor at content/actors/ana-ruiz.md:1)",
          "    -> ids are unique across the whole briefing; rename one of them")),
    Case("page_named_timeline",
         write("pages/timeline.md", PAGE),
         ("content/pages/timeline.md:1: page 'timeline' would be written to timeline.html, which the site already uses",
          TAKEN_NAMES)),
    Case("page_named_index",
         write("pages/index.md", PAGE),
         ("content/pages/index.md:1: page 'index' would be written to index.html, which the site already uses",
          TAKEN_NAMES)),
    Case("page_named_search",
         write("pages/search.md", PAGE),
         ("content/pages/search.md:1: page 'search' would be written to search.html, which the site already uses",
          TAKEN_NAMES)),
    Case("actor_named_index",
         both(write("actors/index.md", "---\nname: Index Person\nkind: person\nside: North Port\n---\nA person.\n"),
              replace("events.yaml", "actors: [ana-ruiz, port-council]", "actors: [ana-ruiz, port-council, index]")),
         ("content/actors/index.md:1: actor 'index' would be written to actors/index.html, which the site already uses",
          TAKEN_NAMES)),
    Case("file_name_not_an_id",
         write("pages/Extra_Page.md", PAGE),
         ("content/pages/Extra_Page.md:1: file name 'Extra_Page' is not a valid id",
          "    -> rename the file to lowercase letters, digits and dashes, e.g. `howard-lutnick.md`")),
    # references in Markdown
    Case("unknown_wikilink_with_did_you_mean",
         replace("pages/framework.md", "[[talks]]", "[[talk]]"),
         ("content/pages/framework.md:15: unknown id [[talk]]", "    -> did you mean 'talks'?")),
    Case("unknown_wikilink_without_a_close_match",
         replace("pages/framework.md", "[[talks]]", "[[zzz]]"),
         ("content/pages/framework.md:15: unknown id [[zzz]]",
          "    -> use the id of an existing actor, event, deadline, quote, view, page or source")),
    Case("unknown_citation_with_did_you_mean",
         replace("pages/framework.md", "Berths [@gazette]", "Berths [@gazete]"),
         ("content/pages/framework.md:13: unknown source [@gazete]", "    -> did you mean 'gazette'?")),
    Case("unknown_citation_in_a_yaml_block",
         replace("briefing.yaml", "[@gazette; @courier, para. 2]", "[@gazette; @couriers, para. 2]"),
         ("content/briefing.yaml:22: unknown source [@couriers]", "    -> did you mean 'courier'?")),
    Case("unknown_citation_in_a_footnote",
         replace("pages/framework.md", "give them [@courier]", "give them [@curier]"),
         ("content/pages/framework.md:17: unknown source [@curier]", "    -> did you mean 'courier'?")),
    Case("unknown_quote_embed",
         replace("actors/ana-ruiz.md", "![[ruiz-framework]]", "![[ruiz-framwork]]"),
         ("content/actors/ana-ruiz.md:15: unknown quote ![[ruiz-framwork]]", "    -> did you mean 'ruiz-framework'?")),
    Case("embed_of_something_not_a_quote",
         replace("actors/ana-ruiz.md", "![[ruiz-framework]]", "![[ana-ruiz]]"),
         ("content/actors/ana-ruiz.md:15: 'ana-ruiz' is an actor, not a quote", "    -> embed a quote id from quotes.yaml")),
    Case("citation_of_something_not_a_source",
         replace("pages/framework.md", "Berths [@gazette]", "Berths [@talks]"),
         ("content/pages/framework.md:13: 'talks' is an event, not a source", "    -> cite a source id from sources.yaml")),
    Case("malformed_citation",
         replace("pages/framework.md", "Berths [@gazette]", "Berths [@Gazette]"),
         ("content/pages/framework.md:13: malformed citation '[@Gazette]'",
          "    -> write [@source-id], [@a; @b], [@source-id, para. 4] or [@source-id, \"passage\"]")),
    Case("reference_in_a_folded_yaml_block_reports_its_own_line",
         replace("events.yaml", "  body: |\n    A first accord was reached [@courier].",
                 "  body: >\n    A first accord\n    was reached [@courier]\n    with [[nobody]]."),
         ("content/events.yaml:13: unknown id [[nobody]]",
          "    -> use the id of an existing actor, event, deadline, quote, view, page or source")),
    # references in structured fields
    Case("unknown_speaker",
         replace("quotes.yaml", "speaker: ben-okafor", "speaker: ben-okafr"),
         ("content/quotes.yaml:8: unknown actor 'ben-okafr'", "    -> did you mean 'ben-okafor'?")),
    Case("unknown_stance",
         replace("views.yaml", "stance: hopeful", "stance: hopefull"),
         ("content/views.yaml:3: unknown stance 'hopefull'", "    -> did you mean 'hopeful'?")),
    Case("deadline_start_neither_date_nor_event",
         replace("deadlines.yaml", "start: talks", "start: talk"),
         ("content/deadlines.yaml:3: deadline 'review-window' starts at 'talk', which is neither a date nor an event id",
          "    -> did you mean 'talks'?")),
    # arithmetic and quotations
    Case("deadline_contradicts_stated_due_date",
         replace("deadlines.yaml", "due: 2024-03-31", "due: 2024-04-15"),
         ("content/deadlines.yaml:5: deadline 'review-window': 1 March 2024 + 30 days is 31 March 2024, "
          "but 'due' says 15 April 2024",
          "    -> fix start, days or due so that they agree")),
    Case("quotation_not_in_source_text",
         replace("quotes.yaml", "text: We have a framework for the harbour", "text: We have a deal for the harbour"),
         ("content/quotes.yaml:1: quotation 'ruiz-framework' is not in the text of source 'gazette': "
          "\"We have a deal for the harbour\"",
          "    -> copy the words exactly from gazette.txt, or mark a cut with ..."),
         args=("--sources-dir", str(TEXTS))),
    Case("quotation_cut_in_the_wrong_order",
         replace("quotes.yaml", "text: This one will hold ... at least until summer",
                 "text: at least until summer ... This one will hold"),
         ("content/quotes.yaml:7: quotation 'ben-hold' is not in the text of source 'courier': \"This one will hold\"",
          "    -> copy the words exactly from courier.txt, or mark a cut with ..."),
         args=("--sources-dir", str(TEXTS))),
    # hostile Markdown
    Case("javascript_link",
         extra_page("[x](javascript:alert(1))\n"),
         ("content/pages/extra.md:4: link scheme 'javascript:' is not allowed (javascript:alert(1))",
          "    -> use an http(s) address, a relative link, or a wikilink [[id]]")),
    Case("javascript_link_hidden_by_case_and_entities",
         extra_page("[x](JaVa&#x53;cript:alert(1))\n"),
         ("content/pages/extra.md:4: link scheme 'JaVaScript:' is not allowed (JaVaScript:alert(1))",
          "    -> use an http(s) address, a relative link, or a wikilink [[id]]")),
    Case("javascript_reference_link",
         extra_page("[x][evil]\n\n[evil]: javascript:alert(1)\n"),
         ("content/pages/extra.md:4: link scheme 'javascript:' is not allowed (javascript:alert(1))",
          "    -> use an http(s) address, a relative link, or a wikilink [[id]]")),
    Case("javascript_image",
         extra_page("![x](javascript:alert(1))\n"),
         ("content/pages/extra.md:4: link scheme 'javascript:' is not allowed (javascript:alert(1))",
          "    -> use an http(s) address, a relative link, or a wikilink [[id]]")),
    Case("data_link",
         extra_page("[y](data:text/html;base64,PHNjcmlwdD4=)\n"),
         ("content/pages/extra.md:4: link scheme 'data:' is not allowed (data:text/html;base64,PHNjcmlwdD4=)",
          "    -> use an http(s) address, a relative link, or a wikilink [[id]]")),
    Case("bad_link_on_the_second_line_of_a_paragraph",
         extra_page("First line.\nSecond [x](javascript:alert(1)) line.\n"),
         ("content/pages/extra.md:5: link scheme 'javascript:' is not allowed (javascript:alert(1))",
          "    -> use an http(s) address, a relative link, or a wikilink [[id]]")),
    # hostile YAML
    Case("alias_bomb",
         write("views.yaml", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                             "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                             "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"),
         ("content/views.yaml:2: invalid YAML: aliases (*name) are not allowed in content", ALIAS_HINT)),
    Case("alias_in_front_matter",
         write("pages/extra.md", "---\ntitle: &t Extra\nsummary: *t\n---\nText.\n"),
         ("content/pages/extra.md:3: invalid YAML: aliases (*name) are not allowed in content", ALIAS_HINT)),
    Case("flow_nesting_100_deep",
         write("views.yaml", "x: " + "[" * 100 + "]" * 100 + "\n"),
         ("content/views.yaml:1: invalid YAML: nesting deeper than 32 levels", NESTING_HINT)),
    Case("block_nesting_100_deep",
         write("pages/extra.md", "---\n" + "".join("  " * i + f"k{i}:\n" for i in range(100)) + "---\nText.\n"),
         ("content/pages/extra.md:33: invalid YAML: nesting deeper than 32 levels", NESTING_HINT)),
    Case("yaml_file_over_2_mb",
         write("views.yaml", "# " + "x" * 2_100_000 + "\n"),
         ("content/views.yaml:1: file is larger than 2,000,000 bytes", "    -> split it into smaller files")),
    Case("markdown_file_over_2_mb",
         write("pages/extra.md", PAGE + "word " * 420_000),
         ("content/pages/extra.md:1: file is larger than 2,000,000 bytes", "    -> split it into smaller files")),
    # files
    Case("missing_front_matter",
         write("pages/extra.md", "title: Extra page\n\nSee [[talks]].\n"),
         ("content/pages/extra.md:1: no front matter found",
          "    -> start the file with a `---` line, the YAML fields, then another `---` line")),
    Case("unclosed_front_matter",
         write("pages/extra.md", "---\ntitle: Extra page\nSee [[talks]].\n"),
         ("content/pages/extra.md:1: front matter is not closed", "    -> add a `---` line after the YAML fields")),
    Case("non_utf8_markdown",
         write("pages/extra.md", b"---\ntitle: Caf\xe9 notes\n---\nText.\n"),
         ("content/pages/extra.md:2: not UTF-8 text (invalid continuation byte at byte 14)",
          "    -> save the file as UTF-8")),
    Case("missing_briefing_yaml",
         lambda b: b.path("briefing.yaml").unlink(),
         ("content/briefing.yaml:0: file is missing", "    -> create briefing.yaml; see the README's content reference")),
]


def diagnostics_of(stderr: str) -> tuple[list[str], tuple[int, int]]:
    """The diagnostic lines before the closing summary, and the summary's (errors, warnings)."""
    lines = stderr.rstrip("\n").split("\n")
    summary = SUMMARY.match(lines[-1])
    assert summary, f"last line is not the failure summary:\n{stderr}"
    return lines[:-1], (int(summary[1]), int(summary[2]))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_content_is_reported_with_file_line_and_hint(briefing: Briefing, case: Case) -> None:
    case.edit(briefing)
    result = briefing.check(*case.args)
    assert result.exit_code == 1, result.output
    lines, (errors, _) = diagnostics_of(result.stderr)
    assert lines == list(case.expected)
    assert errors == 1


def test_all_errors_are_reported_in_one_run(briefing: Briefing) -> None:
    briefing.replace("actors/ana-ruiz.md", "summary:", "sumary:")
    briefing.replace("views.yaml", "stance: hopeful", "stance: hopefull")
    result = briefing.build()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/actors/ana-ruiz.md:11: unknown field 'sumary' in actor",
        "    -> did you mean 'summary'? allowed fields: name, kind, side, affiliation, roles, summary, native_name",
        "content/views.yaml:3: unknown stance 'hopefull'",
        "    -> did you mean 'hopeful'?",
        "build failed: 2 error(s), 0 warning(s); the previous site was left unchanged.",
    ]
    assert not (briefing.root / "site").exists()


def test_a_broken_record_does_not_cause_false_errors_about_its_references(briefing: Briefing) -> None:
    # The event 'talks' has a bad date, so it is dropped; the deadline that starts at it
    # should not then be told that 'talks' "is neither a date nor an event id".
    briefing.replace("events.yaml", "date: 2024-03-01", "date: June")
    lines, _ = diagnostics_of(briefing.check().stderr)
    assert lines == [f"content/events.yaml:3: bad date in 'date': 'June' is not a date in any of the forms {FORMS}",
                     f"    -> write one of {FORMS}"]


def test_unclosed_bracket_is_reported_where_it_opens(briefing: Briefing) -> None:
    briefing.append("views.yaml", "- id: [broken\n")  # line 7 of a 7-line file
    result = briefing.check()
    lines, _ = diagnostics_of(result.stderr)
    yaml_errors = [line for line in lines if "invalid YAML" in line]
    assert len(yaml_errors) == 1 and yaml_errors[0].startswith("content/views.yaml:7: invalid YAML:"), result.stderr


def test_failed_build_leaves_the_previous_site_byte_identical(briefing: Briefing) -> None:
    assert briefing.build().exit_code == 0
    before = tree_digest(briefing.root / "site")
    siblings = sorted(p.name for p in briefing.root.iterdir())
    briefing.replace("pages/framework.md", "[[talks]]", "[[talk]]")
    briefing.replace("deadlines.yaml", "body: |\n    The councils", "body: |\n    New text. The councils")
    result = briefing.build()
    assert result.exit_code == 1
    assert tree_digest(briefing.root / "site") == before
    assert sorted(p.name for p in briefing.root.iterdir()) == siblings  # no staging folder left behind


def test_template_error_leaves_the_previous_site_byte_identical(briefing: Briefing, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    assert briefing.build("--templates", "templates").exit_code == 0
    before = tree_digest(briefing.root / "site")
    page = templates / "page.html"
    broken_line = page.read_text(encoding="utf-8").count("\n") + 1
    page.write_text(page.read_text(encoding="utf-8") + "{{ oops( }}\n", encoding="utf-8")
    result = briefing.build("--templates", "templates")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"templates/page.html:{broken_line}: template syntax error:"), result.stderr
    assert tree_digest(briefing.root / "site") == before


def test_refuses_to_replace_a_folder_that_is_not_a_previous_build(briefing: Briefing) -> None:
    briefing.write("../notes/keep.txt", "mine")
    result = briefing.build(out="notes")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "notes:0: the output folder exists and is not a previous build (it has no index.html)",
        "    -> choose an empty or new --out folder"]
    assert (briefing.root / "notes" / "keep.txt").read_text() == "mine"


SUBPROCESS_CASES = ["alias_bomb", "flow_nesting_100_deep", "non_utf8_markdown"]


@pytest.mark.parametrize("case_name", SUBPROCESS_CASES)
def test_cli_fails_with_exit_1_and_no_traceback(briefing: Briefing, case_name: str) -> None:
    case = next(c for c in CASES if c.name == case_name)
    case.edit(briefing)
    out = briefing.root / "out"
    proc = run_build_py("build", "--content", briefing.content, "--out", out)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert SUMMARY.match(lines[-1])
    # The message names the file relative to where build.py ran (or in full): same file, same words.
    path, rest = lines[0].split(":", 1)
    expected_path, expected_rest = case.expected[0].split(":", 1)
    assert (PROJECT_ROOT / path).resolve() == (briefing.root / expected_path).resolve()
    assert (rest, lines[1]) == (expected_rest, case.expected[1])
    assert not out.exists()
