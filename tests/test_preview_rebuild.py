"""The preview's rebuilds choose what to make again by the dependency keys `build` records
(generator/depends.py, generator/preview/plan.py), never by guessing from the edit: each kind of
edit renders exactly the pages whose key changed (and the kinds' pages, which have none),
re-encodes only the JSON records that changed, reads again only the input files whose stamp
changed, and ends byte-identical to a clean build."""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, Briefing
from generator import depends
from generator.cache import cache_folder, load_record
from generator.config import BuildConfig
from generator.export_json import DATA_FILE
from generator.exports import BODY_FREE
from generator.pipeline import build_site
from generator.preview.watch import Changes
from generator.preview.previewer import Previewer

PAGE = "framework.html"


def clean_build(briefing: Briefing, templates: Path, out: Path) -> dict[str, bytes]:
    outputs = build_site(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=out)).outputs
    return {path: data for path, data in outputs.items() if not path.startswith("pagefind/")}


def previewer(briefing: Briefing, tmp_path: Path) -> tuple[Previewer, Path]:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    preview = Previewer(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=tmp_path / "preview"))
    preview.full_build()
    return preview, templates


def keyless(preview: Previewer) -> set[str]:
    """The kinds' pages, which have no key: rendered by every rebuild, written if changed."""
    return {path for path in preview.outputs if path.endswith(".html") and path not in preview.made.keys}


def edit_template(templates: Path) -> None:
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace('<main id="main">', '<main id="main"><p>probe</p>'),
                    encoding="utf-8")


EDITS: dict[str, tuple[Callable[[Briefing, Path], object], Changes]] = {
    "body, same references": (lambda b, t: b.replace("pages/framework.md", "North Port opens", "North Port still opens"),
                              Changes(content=True)),
    "body, a link added": (lambda b, t: b.append("pages/framework.md", "\nSee also [[about]].\n"), Changes(content=True)),
    "body, a link removed": (lambda b, t: b.replace("pages/framework.md", "See the [[talks]] and", "See"),
                             Changes(content=True)),
    "title": (lambda b, t: b.replace("pages/framework.md", "title: The framework", "title: The new framework"),
              Changes(content=True)),
    "actor": (lambda b, t: b.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks"),
              Changes(content=True)),
    "a page added": (lambda b, t: b.write("pages/added.md", "---\ntitle: Added\n---\nOn [[framework]].\n"),
                     Changes(content=True)),
    "a page removed": (lambda b, t: b.path("pages/about.md").unlink(), Changes(content=True)),
    "briefing.yaml": (lambda b, t: b.replace("briefing.yaml", "title: Harbour Talks Briefing", "title: Harbour Talks, Revised"),
                      Changes(content=True)),
    "template": (lambda b, t: edit_template(t), Changes(templates=True)),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_each_edit_renders_exactly_the_pages_whose_key_changed_and_ends_equal_to_a_clean_build(
        briefing: Briefing, tmp_path: Path, edit: str) -> None:
    preview, templates = previewer(briefing, tmp_path)
    before = dict(preview.made.keys)
    change, changes = EDITS[edit]
    change(briefing, templates)
    preview.apply(changes)

    after = preview.made.keys
    assert preview.failure is None
    pages = {path for path in preview.outputs if path.endswith(".html")}
    assert preview.done.rendered == {p for p in pages if p not in after or after[p] != before.get(p)}
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           clean_build(briefing, templates, tmp_path / "full")
    on_disk = {p.relative_to(preview.out_dir).as_posix() for p in preview.out_dir.rglob("*") if p.is_file()}
    assert on_disk - {p for p in on_disk if p.startswith(("pagefind/", "static/"))} == \
           {p for p in preview.outputs if not p.startswith("pagefind/")}
    for path, data in preview.outputs.items():
        assert (preview.out_dir / path).read_bytes() == data, path


def test_the_keys_are_the_ones_build_records(briefing: Briefing, tmp_path: Path) -> None:
    preview, templates = previewer(briefing, tmp_path)
    briefing.append("pages/framework.md", "\nSee also [[about]].\n")
    preview.apply(Changes(content=True))
    report = build_site(preview.config, cache_dir=cache_folder(preview.out_dir))  # as `python build.py` would
    assert report.record is not None and report.record.keys == preview.made.keys


@pytest.mark.parametrize("edit, rendered", [
    ("body, same references", {PAGE}),
    ("actor", {"actors/ana-ruiz.html"}),  # an actor's body shows on its own page only
    ("body, a link added", {PAGE, "about.html"}),  # about gains a backlink
    ("body, a link removed", {PAGE, "timeline.html"}),  # the talks lose a backlink, shown on the timeline
])
def test_a_body_edit_renders_its_page_and_only_what_shows_its_links(briefing: Briefing, tmp_path: Path, edit: str,
                                                                    rendered: set[str]) -> None:
    preview, templates = previewer(briefing, tmp_path)
    EDITS[edit][0](briefing, templates)
    preview.apply(Changes(content=True))
    assert preview.done.rendered == rendered | keyless(preview)
    assert len(preview.done.rendered) < len([p for p in preview.outputs if p.endswith(".html")])


def test_a_static_file_edit_copies_it_and_the_next_edit_renders_no_more_for_it(briefing: Briefing, tmp_path: Path) -> None:
    preview, templates = previewer(briefing, tmp_path)
    with (templates / "static" / "style.css").open("a", encoding="utf-8") as f:
        f.write("\n.probe { color: red }\n")
    preview.apply(Changes(static=True))
    EDITS["body, same references"][0](briefing, templates)
    preview.apply(Changes(content=True))
    assert preview.done.rendered == {PAGE} | keyless(preview)  # no page shows the stylesheet's bytes


def test_a_body_edit_reencodes_one_json_record_and_keeps_the_exports_that_read_no_body(briefing: Briefing,
                                                                                       tmp_path: Path) -> None:
    preview, templates = previewer(briefing, tmp_path)
    EDITS["body, same references"][0](briefing, templates)
    preview.apply(Changes(content=True))
    assert preview.done.encoded == 1  # the page's own record in briefing.json
    assert preview.done.kept == {p for p in BODY_FREE if p in preview.outputs}
    assert preview.outputs[DATA_FILE] == clean_build(briefing, templates, tmp_path / "full")[DATA_FILE]


def test_only_the_input_files_whose_stamp_changed_are_read_for_the_keys(briefing: Briefing, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    preview, templates = previewer(briefing, tmp_path)
    read: list[str] = []
    file_digest = depends._file_digest
    monkeypatch.setattr(depends, "_file_digest", lambda path: (read.append(path), file_digest(path))[1])
    EDITS["body, same references"][0](briefing, templates)
    preview.apply(Changes(content=True))
    assert read == []  # a free page's body is hashed from the briefing, not read again
    briefing.append("events.yaml", "\n")
    preview.apply(Changes(content=True))
    assert read == [str(briefing.path("events.yaml").absolute())]


def test_a_page_the_fast_path_wrote_is_rendered_again_even_if_its_text_is_back_as_it_was(
        briefing: Briefing, tmp_path: Path) -> None:
    preview, templates = previewer(briefing, tmp_path)
    preview.open_pages = lambda: frozenset({PAGE})
    briefing.replace("pages/framework.md", "North Port opens", "North Port still opens")
    assert preview.show_first(frozenset({briefing.path("pages/framework.md").absolute()})) == {PAGE}
    briefing.replace("pages/framework.md", "North Port still opens", "North Port opens")  # undone before the rebuild
    preview.apply(Changes(content=True))
    assert PAGE in preview.done.rendered
    assert preview.outputs[PAGE] == clean_build(briefing, templates, tmp_path / "full")[PAGE]




# --- the build record the preview leaves (generator/preview/record.py) ---

def site_tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def record_changes(preview: Previewer) -> Callable[[], bool]:
    before = load_record(cache_folder(preview.out_dir))
    return lambda: load_record(cache_folder(preview.out_dir)) != before


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"condition not met within {seconds} s"
        time.sleep(0.05)


@pytest.mark.parametrize("edit", ["body, a link added", "actor", "a page removed", "briefing.yaml"])
def test_after_a_rebuild_a_build_has_nothing_to_do_and_the_site_is_a_clean_builds(
        briefing: Briefing, tmp_path: Path, edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.preview.previewer.SEARCH_QUIET_SECONDS", 0.0)
    preview, templates = previewer(briefing, tmp_path)
    briefing.append("sources.yaml", "- id: unused\n  file: u.txt\n  title: Unused\n  reliability: Fine.\n")  # a warning
    preview.apply(Changes(content=True))
    wait_for(record_changes(preview))  # written once the search index has caught up
    change, changes = EDITS[edit]
    written = record_changes(preview)
    change(briefing, templates)
    preview.apply(changes)
    wait_for(written)
    report = build_site(preview.config, cache_dir=cache_folder(preview.out_dir))  # as `python build.py` would
    assert report.unchanged
    clean = build_site(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=tmp_path / "full"))
    assert site_tree(preview.out_dir) == site_tree(tmp_path / "full")
    record = load_record(cache_folder(preview.out_dir))
    assert record is not None and record.warnings == tuple(map(str, sorted(clean.warnings))) != ()


def test_the_fast_path_writes_no_record_so_a_build_after_it_does_its_work(briefing: Briefing, tmp_path: Path) -> None:
    preview, templates = previewer(briefing, tmp_path)
    preview.open_pages = lambda: frozenset({PAGE})
    briefing.replace("pages/framework.md", "North Port opens", "North Port still opens")
    unchanged = record_changes(preview)
    assert preview.show_first(frozenset({briefing.path("pages/framework.md").absolute()})) == {PAGE}
    assert not unchanged()
    report = build_site(preview.config, cache_dir=cache_folder(preview.out_dir))
    assert not report.unchanged
    build_site(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=tmp_path / "full"))
    assert site_tree(preview.out_dir) == site_tree(tmp_path / "full")


def test_after_a_template_edit_no_record_is_written_so_a_build_does_the_work(briefing: Briefing, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The content is rendered as last checked: a content file saved since may not be in it, so
    the stamps taken now cannot go into a record."""
    monkeypatch.setattr("generator.preview.previewer.SEARCH_QUIET_SECONDS", 0.0)
    preview, templates = previewer(briefing, tmp_path)
    unchanged = record_changes(preview)
    edit_template(templates)
    briefing.replace("pages/framework.md", "North Port opens", "North Port still opens")  # its event not seen yet
    preview.apply(Changes(templates=True))
    time.sleep(1)  # the search refresh, which would write a record
    assert not unchanged()
    assert not build_site(preview.config, cache_dir=cache_folder(preview.out_dir)).unchanged
    build_site(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=tmp_path / "full"))
    assert site_tree(preview.out_dir) == site_tree(tmp_path / "full")
