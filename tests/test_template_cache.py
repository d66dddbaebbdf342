"""Compiled templates are kept between builds, like Python's __pycache__: never stale, never in the way."""
from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

import generator.render as render
from engine import PROJECT_ROOT, Briefing, tree_digest
from generator.template_cache import compiled_templates


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The names of the templates compiled (not loaded from the cache) since the test began;
    the cache is the test's own folder."""
    names: list[str] = []
    real_compile = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        names.append(str(name))
        return real_compile(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    monkeypatch.setattr(render, "compiled_templates", lambda options: compiled_templates(options, str(tmp_path / "compiled")))
    (tmp_path / "compiled").mkdir()
    return names


def _own_templates(briefing: Briefing) -> Path:
    shutil.copytree(PROJECT_ROOT / "templates", briefing.root / "templates")
    return briefing.root / "templates"


def test_a_second_build_compiles_no_template_and_an_edited_one_is_compiled_anew(briefing: Briefing, compiles: list[str]) -> None:
    templates = _own_templates(briefing)
    assert briefing.build("--templates", templates, "--no-cache").exit_code == 0
    assert "base.html" in compiles
    compiles.clear()
    assert briefing.build("--templates", templates, "--no-cache").exit_code == 0
    assert compiles == []
    base = templates / "base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- edited -->\n</body>"))
    assert briefing.build("--templates", templates, "--no-cache").exit_code == 0
    assert compiles == ["base.html"]
    assert "<!-- edited -->" in (briefing.root / "site" / "index.html").read_text()


def test_templates_compiled_by_another_jinja_or_with_other_options_are_not_loaded(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ours = compiled_templates("options A", str(tmp_path))
    assert ours is not None
    key = ours.get_cache_key("base.html", "/t/base.html")
    assert compiled_templates("options B", str(tmp_path)).get_cache_key("base.html", "/t/base.html") != key  # type: ignore[union-attr]
    monkeypatch.setattr(jinja2, "__version__", "0.0")
    assert ours.get_cache_key("base.html", "/t/base.html") != key
    assert ours.get_cache_key("base.html", "/other/base.html") != ours.get_cache_key("base.html", "/t/base.html")


def test_a_cache_that_cannot_be_written_or_read_only_costs_time(briefing: Briefing, compiles: list[str], tmp_path: Path) -> None:
    assert briefing.build("--no-cache", out="plain").exit_code == 0
    for cached in (tmp_path / "compiled").iterdir():  # damaged entries are compiled afresh
        cached.write_bytes(b"j2 not a compiled template")
    assert briefing.build("--no-cache", out="damaged").exit_code == 0
    assert tree_digest(briefing.root / "damaged") == tree_digest(briefing.root / "plain")
    shutil.rmtree(tmp_path / "compiled")
    (tmp_path / "compiled").write_text("a file where the folder should be")
    compiles.clear()
    result = briefing.build("--no-cache", out="unwritable")
    assert result.exit_code == 0, result.output
    assert "base.html" in compiles
    assert tree_digest(briefing.root / "unwritable") == tree_digest(briefing.root / "plain")
