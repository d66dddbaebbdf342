"""The content-format additions of issue 9 (/work/FORMAT.md): each is accepted when well formed,
and each mistake is reported as `path:line: message` with a hint, all at once, exit 1."""
from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from engine import Briefing

GLOSSARY = """\
- id: customs-house
  term: customs house
  aliases: [old customs house]
  definition: |
    Where the delegations met [@gazette, "Delegations met"].
"""
COMMITMENTS = """\
- id: north-berths
  commitment: North Port to open berths
  side: North Port
  actors: [ana-ruiz]
  status: agreed
  confidence: medium
  sources: [gazette]
  body: |
    Ruiz says so [@gazette: "We have a framework for the harbour"].
"""
FIXED = "- id: fixed-one\n  title: Fixed\n  basis: reported\n  due: 2024-04-02\n  body: |\n    Text [@gazette].\n"
RECURRING = "- id: weekly\n  title: Weekly\n  basis: binding\n  start: 2024-03-01\n  every: 7\n  body: |\n    Text [@gazette].\n"


def problems(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    lines = result.stderr.splitlines()
    return [(line, lines[i + 1]) for i, line in enumerate(lines[:-1]) if lines[i + 1].startswith("    -> ")]


def only_problem(briefing: Briefing, *args: str) -> tuple[str, str]:
    result = briefing.check(*args)
    assert result.exit_code == 1, result.output
    (found,) = problems(result)
    return found


def test_every_addition_is_accepted_together(briefing: Briefing) -> None:
    # The fixture already has a summary, updated, require_evidence, a glossary, commitments, a tracker
    # page, a native name, inferred values, planned and hindsight events; add the other forms.
    briefing.append("deadlines.yaml", FIXED + RECURRING)
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks [@gazette]",
                     "Ruiz led the talks [@gazette, para. 1, \u201cdelegations  MET\u201d; @courier: \"cargo rose 12%\"]")
    result = briefing.build("--strict")
    assert result.exit_code == 0, result.output
    data = json.loads((briefing.root / "site" / "briefing.json").read_text(encoding="utf-8"))
    deadlines = {d["id"]: d for d in data["deadlines"]}
    assert deadlines["fixed-one"]["form"] == "fixed" and deadlines["fixed-one"]["expected_due"]["first"] == "2024-04-02"
    assert deadlines["weekly"]["expected_due"]["first"] == "2024-03-08"  # the first after as_of (5 March)
    assert data["briefing"]["updated"] == "2024-03-06"
    assert "cargo rose 12%" in [e["passage"].lower() for e in data["evidence"]["courier"]]
    assert data["glossary"][0]["term"] == "customs house" and data["commitments"][0]["status"] == "agreed"
    schema = json.loads((briefing.root / "site" / "briefing.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


@pytest.mark.parametrize("edit, expected", [
    (("actors/ana-ruiz.md", "Ruiz led the talks [@gazette]", 'Ruiz led the talks [@gazette, "met at the harbour"]'),
     ("content/actors/ana-ruiz.md:13: passage not found in source 'gazette': \"met at the harbour\"",
      "    -> copy the words exactly from gazette.txt (quotes, dashes, spacing and case may differ)")),
    (("actors/ana-ruiz.md", "Ruiz led the talks [@gazette]", "Ruiz led the talks [@gazette: para. 3]"),
     ("content/actors/ana-ruiz.md:13: malformed citation '[@gazette: para. 3]'",
      '    -> write [@source-id], [@a; @b], [@source-id, para. 4] or [@source-id, "passage"]')),
    (("deadlines.yaml", "  basis: binding\n", ""),
     ("content/deadlines.yaml:1: deadline is missing required field 'basis'",
      "    -> add `basis:` (`binding`: set in an agreement, law or official text; `reported`: a source reports it "
      "but no text setting it is cited; `framing`: a speaker's own time frame. Only binding ones count down.)")),
    (("deadlines.yaml", "basis: binding", "basis: firm"),
     ("content/deadlines.yaml:6: 'basis' must be one of binding, reported, framing, got 'firm'",
      "    -> pick one of the listed values")),
    (("deadlines.yaml", "  days: 30\n  due: 2024-03-31\n", ""),
     ("content/deadlines.yaml:3: deadline 'review-window' has a start but neither 'days' nor 'every'",
      "    -> write `start:` + `days:` (a span), `due:` alone (a fixed date), or `start:` + `every:` (recurring)")),
    (("deadlines.yaml", "  due: 2024-03-31\n", "  every: 7\n"),
     ("content/deadlines.yaml:5: deadline 'review-window' has both 'days' and 'every'",
      "    -> write `start:` + `days:` (a span), `due:` alone (a fixed date), or `start:` + `every:` (recurring)")),
    (("deadlines.yaml", "  days: 30\n", "  every: 30\n"),
     ("content/deadlines.yaml:5: deadline 'review-window' recurs (every 30 days), so it cannot have a fixed 'due'",
      "    -> write `start:` + `days:` (a span), `due:` alone (a fixed date), or `start:` + `every:` (recurring)")),
    (("events.yaml", "date: early 2024-02", "date: 2024-02..2024-04"),
     ("content/events.yaml:9: event 'earlier-accord' ends after the briefing date (2024-03-05) but has no status",
      "    -> add `status: planned` (scheduled, not yet happened at as_of) or `status: hindsight` "
      "(happened later, known from a later source); or narrow the date")),
    (("actors/ana-ruiz.md", "kind: person\n", "kind: person\nnative_name: {text: Ana}\n"),
     ("content/actors/ana-ruiz.md:4: native_name is missing required field 'lang'",
      "    -> add `lang:` (BCP 47 language tag, e.g. `zh-Hans`.)")),
    (("sources.yaml", "inferred: [title, published]", "inferred: [url]"),
     ("content/sources.yaml:16: 'inferred' must be one of title, publisher, published, byline, got 'url'",
      "    -> pick one of the listed values")),
], ids=["passage_not_in_source", "colon_form_without_passage", "deadline_without_basis", "unknown_basis",
        "start_without_days", "days_and_every", "every_with_due", "event_after_as_of_without_status",
"native_name_without_lang", "unknown_inferred_field"])
def test_format_mistakes_are_located(briefing: Briefing, edit: tuple[str, str, str], expected: tuple[str, str]) -> None:
    briefing.replace(*edit)
    assert only_problem(briefing) == expected


def test_a_status_on_an_event_over_by_as_of_is_a_warning(briefing: Briefing) -> None:
    briefing.replace("events.yaml", "date: early 2024-02", "date: early 2024-02\n  status: planned")
    assert briefing.check().exit_code == 0
    assert only_problem(briefing, "--strict") == (
        "content/events.yaml:10: warning: event 'earlier-accord' is over by the briefing date (2024-03-05), so it is no longer planned",
        "    -> remove `status:`; it is only for events whose date ends after as_of")


def test_require_evidence_warns_and_strict_fails(briefing: Briefing) -> None:
    briefing.replace("briefing.yaml", 'Rise in cargo volume [@courier, "Cargo rose 12%"]', "Rise in cargo volume [@courier]")
    assert briefing.check().exit_code == 0
    assert only_problem(briefing, "--strict") == (
        "content/briefing.yaml:32: warning: citation [@courier] in key_figures has no passage, which require_evidence asks for",
        '    -> quote the supporting words: [@courier, "..."]')
    briefing.replace("briefing.yaml", "require_evidence: [summary, key_figures]", "require_evidence: [summary]")
    assert briefing.check("--strict").exit_code == 0


def test_a_quoted_source_without_text_is_a_warning_that_strict_refuses(briefing: Briefing) -> None:
    shutil.rmtree(briefing.path("sources"))
    assert briefing.check().exit_code == 0
    result = briefing.check("--strict")
    assert result.exit_code == 1
    assert ("content/sources.yaml:1: warning: source 'gazette' has no text, so its 1 quotation(s), 4 passage(s) cannot be verified",
            "    -> put the article at content/sources/gazette.txt, pass --sources-dir, or add `full_text:`") in problems(result)


def test_glossary_and_commitment_ids_share_the_one_id_space(briefing: Briefing) -> None:
    briefing.replace("glossary.yaml", "id: customs-house", "id: talks")
    line, hint = only_problem(briefing)
    assert line.startswith("content/glossary.yaml:1: duplicate id 'talks'")


def test_a_commitment_names_known_actors_and_sources(briefing: Briefing) -> None:
    briefing.write("commitments.yaml", COMMITMENTS.replace("sources: [gazette]", "sources: [gazete]"))
    assert only_problem(briefing) == ("content/commitments.yaml:7: unknown source 'gazete'", "    -> did you mean 'gazette'?")
