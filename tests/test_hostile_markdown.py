"""Markdown that tries to be slow or to clash with the page: tens of thousands of duplicate
headings or bad links must check in seconds (both used to be quadratic), and a heading never
takes an id the template (or the renderer) already gives an element of the same page."""
from __future__ import annotations

import re
import resource
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, Briefing
from generator.errors import Location
from generator.headings import BODY_TEMPLATES, TEMPLATE_IDS
from generator.markdown import make_parser, parse_markdown
from generator.model import Markdown
from test_errors import diagnostics_of

# CPU seconds, not wall time, so a loaded machine cannot fail the test: the linear versions use
# one to four CPU seconds, the quadratic ones took minutes (3 for the headings, 6 for the links).
SECONDS = 30
PAGE_HEAD = "---\ntitle: Big page\n---\nSee [[talks]].\n\n"  # the body starts on line 4


@dataclass(frozen=True)
class Run:
    exit_code: int
    output: str
    stderr: str


def _limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (2 * SECONDS, 2 * SECONDS + 5))


def timed_check(briefing: Briefing, body: str) -> tuple[float, Run]:
    """`build.py check` in a subprocess: the CPU seconds it used. The kernel stops it after twice
    the bound, so a regression fails in a minute instead of holding up the suite."""
    briefing.write("pages/big.md", PAGE_HEAD + body)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "check", "--content", "content"],
                          cwd=briefing.root, capture_output=True, text=True, timeout=600, preexec_fn=_limit_cpu)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, Run(proc.returncode, proc.stdout + proc.stderr, proc.stderr)


def test_30000_duplicate_headings_check_in_seconds(briefing: Briefing) -> None:
    seconds, result = timed_check(briefing, "## Notes\n\n" * 30_000)
    assert result.exit_code == 0, result.output
    assert seconds < SECONDS, f"{seconds:.1f} CPU s"


@pytest.mark.parametrize("link", ["[x](javascript:alert(1))", "[x](JaVa&#x53;cript:alert(1))"])
def test_60000_bad_links_in_one_paragraph_check_in_seconds_each_at_its_line(briefing: Briefing, link: str) -> None:
    """The second form hides the scheme from a text search: each bad link once rescanned the
    whole paragraph for its line."""
    seconds, result = timed_check(briefing, "Text.\n" * 5 + f"{link}\n" * 60_000)
    assert result.exit_code == 1
    lines, (errors, _) = diagnostics_of(result.stderr)
    assert errors == 60_000
    scheme = "javascript" if "javascript" in link else "JaVaScript"
    assert lines[0] == f"content/pages/big.md:11: link scheme '{scheme}:' is not allowed ({scheme}:alert(1))"
    assert lines[-2] == f"content/pages/big.md:60010: link scheme '{scheme}:' is not allowed ({scheme}:alert(1))"
    assert seconds < SECONDS, f"{seconds:.1f} CPU s"


def test_60000_wikilinks_in_one_paragraph_check_in_seconds(briefing: Briefing) -> None:
    seconds, result = timed_check(briefing, "[[talks]]\n" * 60_000)
    assert result.exit_code == 0, result.output
    assert seconds < SECONDS, f"{seconds:.1f} CPU s"


def test_duplicate_headings_get_the_same_ids_as_before() -> None:
    """Linear, but the ids are those of mdit-py-plugins' anchors plugin, so links keep working."""
    text = "## Notes\n\n## Notes\n\n## Notes 1\n\n## Notes\n\n### Notes-2\n"
    parsed = parse_markdown(make_parser(), Markdown(text, Location("doc.md", 1)), "doc")
    ids = list(parsed.headings)
    assert ids == ["notes", "notes-1", "notes-1-1", "notes-2", "notes-2-1"]


def template_ids(templates: Path, names: tuple[str, ...] = BODY_TEMPLATES) -> set[str]:
    """Every literal id="..." in the templates of pages whose body keeps plain heading ids."""
    found = set()
    for path in (templates / name for name in names):
        found |= set(re.findall(r'\bid="([^"{}]+)"', path.read_text(encoding="utf-8")))
    return found


def included(templates: Path, name: str) -> set[str]:
    """The templates one template extends, includes or imports."""
    return set(re.findall(r'\{%-? *(?:extends|include|import|from) +"([^"]+)"', (templates / name).read_text(encoding="utf-8")))


def test_every_id_the_templates_use_is_reserved_for_headings() -> None:
    """The engine's own templates of actors' and free pages give the ids in headings.TEMPLATE_IDS;
    each section a kind adds there (Kind.on_actor_page, Kind.tracker) declares the ids its own
    templates give (`ids`), and kind.page_ids reserves them all. The test kind's too."""
    import kind_risk
    from generator.kind import page_ids
    from generator.kinds import BUILTIN_KINDS

    templates = PROJECT_ROOT / "templates"
    for name in ("actor.html", "page.html"):  # the body templates, and everything they build on
        used = included(templates, name)
        assert used <= set(BODY_TEMPLATES), f"add {sorted(used - set(BODY_TEMPLATES))} to BODY_TEMPLATES"
    missing = template_ids(templates, BODY_TEMPLATES) - TEMPLATE_IDS
    assert not missing, f"add these template ids to TEMPLATE_IDS in generator/headings.py: {sorted(missing)}"
    kinds = (*BUILTIN_KINDS, kind_risk.KIND)
    parts = [part for kind in kinds for part in (kind.on_actor_page, kind.tracker) if part]
    assert len(parts) >= 5 and all(part.ids for part in parts)
    for part in parts:
        folder = templates if (templates / part.template).exists() else PROJECT_ROOT / "tests" / "fixtures" / "kinds"
        own = (part.template, *sorted(included(folder, part.template) - set(BODY_TEMPLATES)))
        undeclared = template_ids(folder, own) - set(part.ids)
        assert not undeclared, f"declare these ids of {part.template} in its part's `ids`: {sorted(undeclared)}"
        assert set(part.ids) <= page_ids(kinds)
    assert TEMPLATE_IDS <= page_ids(kinds)


def test_headings_named_like_the_page_own_ids_get_other_ids_and_a_warning(briefing: Briefing) -> None:
    briefing.append("actors/ana-ruiz.md", "\n## Quotations\n\n## Main\n\n## View\n")
    result = briefing.build()
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "taken by the page" in line]
    assert warnings == [
        "content/actors/ana-ruiz.md:17: warning: heading id 'quotations' is taken by the page itself; the heading gets 'quotations-1'",
        "content/actors/ana-ruiz.md:19: warning: heading id 'main' is taken by the page itself; the heading gets 'main-1'",
        "content/actors/ana-ruiz.md:21: warning: heading id 'view' is taken by the page itself; the heading gets 'view-1'",
    ]
    assert briefing.build("--strict").exit_code == 1


def test_no_page_has_two_elements_with_one_id_whatever_the_headings(briefing: Briefing) -> None:
    """Headings named after every template id, footnote id and reference anchor of the body."""
    all_templates = tuple(p.name for p in (PROJECT_ROOT / "templates").glob("*.html"))
    titles = sorted(template_ids(PROJECT_ROOT / "templates", all_templates)) + ["fn-ana-ruiz-body-1", "fnref-ana-ruiz-body-1",
                                                                  "ana-ruiz-body-r1", "view-2"]
    body = "".join(f"\n## {t}\n\nText[^1] [[talks]].\n" for t in titles) + "\n[^1]: A note.\n"
    briefing.append("actors/ana-ruiz.md", body)
    briefing.append("pages/framework.md", body.replace("ana-ruiz-body", "framework-body"))
    result = briefing.build()
    assert result.exit_code == 0, result.output
    for page in (briefing.root / "site").rglob("*.html"):
        ids = Counter(re.findall(r'\sid="([^"]*)"', page.read_text(encoding="utf-8")))
        assert [i for i, n in ids.items() if n > 1] == [], page
