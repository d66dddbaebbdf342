"""Guarantees from the README that once went unguarded: removing any of them must fail a test
here (or in the test named beside it in the README's table of guarantees)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import jinja2
import pytest

from engine import TEXTS, Briefing
from test_errors import diagnostics_of
from test_hostile_content import errors_in


def test_a_section_link_to_a_missing_heading_is_reported(briefing: Briefing) -> None:
    briefing.replace("pages/framework.md", "[[framework#what-was-agreed|", "[[framework#what-was-agred|")
    result = briefing.check()
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    assert lines == ["content/pages/framework.md:19: no section '#what-was-agred' on the page of 'framework'",
                     "    -> did you mean 'what-was-agreed'?"]


def test_a_section_link_to_another_page_heading_is_checked_against_that_page(briefing: Briefing) -> None:
    briefing.append("actors/ana-ruiz.md", "\nSee [[framework#what-was-agreed]] and [[ana-ruiz#what-was-agreed]].\n")
    result = briefing.check()
    lines, _ = diagnostics_of(result.stderr)
    assert lines == ["content/actors/ana-ruiz.md:17: no section '#what-was-agreed' on the page of 'ana-ruiz'",
                     "    -> link to a heading's id (its title in lowercase with dashes)"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..\\secret.txt", ".hidden.txt", "sub/gazette.txt"])
def test_a_source_file_must_be_a_plain_name_never_a_path(briefing: Briefing, name: str) -> None:
    briefing.replace("sources.yaml", "file: gazette.txt", f"file: '{name}'")
    result = briefing.check("--sources-dir", str(TEXTS))
    assert result.exit_code == 1
    assert errors_in(result.stderr) == [f"content/sources.yaml:1: source file '{name}' must be a plain file name",
                     "    -> give the name only, e.g. `000_4096c32f5a35f67a.txt`, not a path"]


def test_a_source_text_linked_from_outside_the_sources_folder_is_not_read(briefing: Briefing, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "courier.txt").write_bytes((TEXTS / "courier.txt").read_bytes())
    (texts / "gazette.txt").symlink_to(TEXTS / "gazette.txt")
    result = briefing.check("--sources-dir", str(texts))
    assert result.exit_code == 1
    assert errors_in(result.stderr) == ["texts/gazette.txt:1: link points outside the sources folder",
                     "    -> copy the file (or folder) into the sources folder instead of linking to it"]


@pytest.fixture
def render_counter(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts every template render, by template name."""
    counts: Counter[str] = Counter()
    real = jinja2.Template.render

    def render(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        counts[str(self.name)] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render)
    return counts


def test_the_preview_rerenders_only_the_page_of_an_edited_body(briefing: Briefing, tmp_path: Path,
                                                                render_counter: Counter[str]) -> None:
    from generator.config import BuildConfig
    from generator.preview.previewer import Previewer

    preview = Previewer(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "preview"))
    preview.full_build()
    full = sum(render_counter.values())
    assert full > 10
    render_counter.clear()
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    preview.content_changed()
    # and the kinds' own pages, which have no dependency key (depends.py); and the shared menu
    del render_counter["_nav.html"]
    assert render_counter == Counter({"actor.html": 1, "commitments.html": 1, "glossary.html": 1})

    render_counter.clear()  # a change other pages show (a name) renders them all again
    briefing.replace("actors/ana-ruiz.md", "name: Ana Ruiz", "name: Ana Ruiz-Vega")
    preview.content_changed()
    assert sum(render_counter.values()) == full
