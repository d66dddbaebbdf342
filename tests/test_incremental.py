"""Builds at scale: parallel and cached builds write exactly what a clean one-process build does,
a rebuild with nothing changed does nothing, and an edit rewrites only the outputs it changes."""
from __future__ import annotations

import gc
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from engine import PROJECT_ROOT, TEXTS, Briefing, invoke, tree_digest

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from generate import write_briefing  # noqa: E402

from markdown_it import MarkdownIt  # noqa: E402

from generator import pipeline, render  # noqa: E402
from generator.check import check_content  # noqa: E402
from generator.config import BuildConfig  # noqa: E402
from generator.exports import BODY_FREE  # noqa: E402
from generator.urls import GENERATED_PAGES  # noqa: E402
from generator.write import StagedSite  # noqa: E402
from generator.pipeline import build_site  # noqa: E402
from generator.resolve import markdown_fields  # noqa: E402


def build(content: Path, out: Path, *args: str) -> str:
    result = invoke("build", "--content", content, "--out", out, *args)
    assert result.exit_code == 0, result.output
    return result.output


def clean_build(content: Path, out: Path, *args: str) -> dict[str, str]:
    """The reference: one process, no cache, into a new folder."""
    shutil.rmtree(out, ignore_errors=True)
    build(content, out, "--no-cache", "--jobs", "1", *args)
    return tree_digest(out)


def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic briefing large enough to render in worker processes."""
    root = tmp_path_factory.mktemp("synthetic")
    write_briefing(render.PARALLEL_FROM_PAGES, root)
    return root / "content"


def test_parallel_build_is_byte_identical_to_one_process(synthetic: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    forked = []
    real = render.ordered_map
    monkeypatch.setattr(render, "ordered_map", lambda fn, items, n, *more: forked.append(n) or real(fn, items, n, *more))
    serial = clean_build(synthetic, tmp_path / "serial")
    assert forked == [1]
    build(synthetic, tmp_path / "parallel", "--no-cache", "--jobs", "2")
    assert forked == [1, 2]
    assert tree_digest(tmp_path / "parallel") == serial


def test_pages_rendered_by_many_short_lived_workers_are_byte_identical(synthetic: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    serial = clean_build(synthetic, tmp_path / "serial")
    monkeypatch.setattr(render, "PAGES_PER_PROCESS", render.PAGES_PER_CHUNK)  # a fresh process per chunk
    build(synthetic, tmp_path / "parallel", "--no-cache", "--jobs", "2")
    assert tree_digest(tmp_path / "parallel") == serial


def test_pages_a_failed_worker_had_stored_are_stored_again_by_the_build(synthetic: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies after writing some of its pages (killed, out of memory): the build's
    own process stops the other workers, renders the rest itself, and replaces those files."""
    serial = clean_build(synthetic, tmp_path / "serial")
    here, real_store = os.getpid(), pipeline._page_store

    def store_then_die(sink: Any, keep_html: bool) -> Any:
        store = real_store(sink, keep_html)

        def stored(path: str, html: bytes) -> Any:
            page = store(path, html)
            if os.getpid() != here and path.endswith("page-99.html"):
                os._exit(1)  # after storing, as a worker killed between two pages
            return page
        return stored

    monkeypatch.setattr(pipeline, "_page_store", store_then_die)
    build_site(BuildConfig(synthetic, PROJECT_ROOT / "templates", tmp_path / "parallel"), workers=2)
    assert tree_digest(tmp_path / "parallel") == serial


def test_a_template_error_in_a_worker_is_reported_with_its_line(synthetic: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ view.title }}", "{{ view.nope() }}"),
                    encoding="utf-8")
    result = invoke("build", "--content", synthetic, "--templates", templates, "--out", tmp_path / "site", "--jobs", "2")
    assert result.exit_code == 1
    assert "page.html:7: template error:" in result.output
    assert "Traceback" not in result.output


def test_nothing_changed_means_nothing_is_done(briefing: Briefing) -> None:
    assert "built" in briefing.build().output
    before = inodes(briefing.root / "site")
    second = briefing.build()
    assert second.exit_code == 0
    assert "nothing changed: site is up to date" in second.output
    assert inodes(briefing.root / "site") == before


def test_warnings_are_repeated_by_a_build_that_changed_nothing(briefing: Briefing) -> None:
    briefing.append("sources.yaml", "- id: unused\n  file: u.txt\n  title: Unused\n  reliability: Fine.\n")
    assert "source 'unused' is never cited" in briefing.build().output
    again = briefing.build()
    assert "nothing changed" in again.output and "source 'unused' is never cited" in again.output


def test_editing_one_page_rewrites_only_what_it_changes(briefing: Briefing, tmp_path: Path) -> None:
    briefing.build()
    before = inodes(briefing.root / "site")
    briefing.replace("pages/framework.md", "North Port opens berths", "North Port opens new berths")
    briefing.build()
    after = inodes(briefing.root / "site")
    rewritten = {path for path in after if before.get(path) != after[path]}
    assert "framework.html" in rewritten
    assert "actors/ana-ruiz.html" not in rewritten and "static/style.css" not in rewritten
    assert any(path.startswith("pagefind/") for path in rewritten)  # the page's text changed: re-indexed
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean")


def test_a_stylesheet_edit_rewrites_only_the_stylesheet(briefing: Briefing, tmp_path: Path) -> None:
    """No page's bytes show a static file, so none is rendered again for it (depends.py)."""
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    briefing.build("--templates", templates)
    before = inodes(briefing.root / "site")
    with (templates / "static" / "style.css").open("a", encoding="utf-8") as f:
        f.write("\n.probe { color: red }\n")
    output = briefing.build("--templates", templates, "-v").output
    after = inodes(briefing.root / "site")
    assert {path for path in after if before.get(path) != after[path]} == {"static/style.css"}
    assert "pages rendered: 2\n" in output  # the kinds' own pages (commitments, glossary), which have no key
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean", "--templates", str(templates))


@pytest.mark.parametrize("edit", ["page title", "page body", "actor", "actor body", "quote", "template", "delete page",
                                  "add page", "glossary term", "page links an event", "page embeds a quote",
                                  "page cites a source"])
def test_a_cached_build_after_an_edit_is_byte_identical_to_a_clean_build(briefing: Briefing, tmp_path: Path,
                                                                          edit: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    briefing.build("--templates", templates)
    if edit == "page title":
        briefing.replace("pages/framework.md", "title: The framework", "title: The new framework")
    elif edit == "page body":
        # a new first mention of an actor: that actor's page must show the new backlink anchor
        briefing.replace("pages/framework.md", "North Port opens berths", "[[ben-okafor]]: North Port opens berths")
    elif edit in ("page links an event", "page embeds a quote", "page cites a source"):
        # what the timeline, the quotations page and the source appendix show from other pages' bodies
        added = {"page links an event": "[[council-vote]]", "page embeds a quote": "![[ben-hold]]",
                 "page cites a source": "[@gazette, \"Delegations met\"]"}[edit]
        briefing.append("pages/about.md", f"\n{added}\n")
    elif edit == "actor":
        briefing.replace("actors/ana-ruiz.md", "name: Ana Ruiz", "name: Ana Ruiz-Vega")
    elif edit == "actor body":  # its own page, and a new backlink on another actor's page
        briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz led the talks with [[ben-okafor]]")
    elif edit == "quote":
        briefing.replace("quotes.yaml", "We have a framework for the harbour", "We have a framework")
    elif edit == "template":
        page = templates / "page.html"
        page.write_text(page.read_text(encoding="utf-8").replace('<article class="prose">', '<article class="prose x">'),
                        encoding="utf-8")
    elif edit == "delete page":
        briefing.replace("pages/framework.md", "[[ana-ruiz]] said", "Ana said")
        briefing.write("pages/extra.md", "---\ntitle: Extra\n---\nSee [[framework]] [@gazette].\n")
        briefing.build("--templates", templates)
        (briefing.content / "pages" / "extra.md").unlink()
    elif edit == "add page":
        briefing.write("pages/extra.md", "---\ntitle: Extra\nsummary: More.\n---\nSee [[framework]] and [[ana-ruiz]].\n")
    elif edit == "glossary term":
        # unedited texts that use the new alias (the framework's "berths") must link it now
        briefing.replace("glossary.yaml", "aliases: [old customs house]", "aliases: [old customs house, berths]")
    output = briefing.build("--templates", templates).output
    assert "nothing changed" not in output
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean",
                                                              "--templates", str(templates))


@pytest.mark.parametrize("workers", [1, 2])
def test_each_markdown_text_is_parsed_once_per_build(briefing: Briefing, tmp_path: Path, workers: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts are parsed (and rendered, holes aside) in the resolve stage; pages only fill the holes."""
    parses: list[str] = []
    real = MarkdownIt.parse
    monkeypatch.setattr(MarkdownIt, "parse", lambda md, src, env=None: parses.append(src) or real(md, src, env))
    config = BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "site")
    report = build_site(config, cache_dir=tmp_path / "cache", workers=workers)
    texts = [text.text for _, _, _, text, _ in markdown_fields(report.resolved.content)]  # type: ignore[union-attr]
    assert sorted(parses) == sorted(texts)
    assert '<a class="gloss" href="glossary.html#customs-house"' in report.outputs["timeline.html"].decode()


def test_a_changed_source_text_is_noticed(briefing: Briefing, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(TEXTS, texts)
    assert briefing.build("--sources-dir", texts).exit_code == 0
    gazette = texts / "gazette.txt"
    gazette.write_text(gazette.read_text(encoding="utf-8").replace("framework", "frame work"), encoding="utf-8")
    failed = briefing.build("--sources-dir", texts)
    assert failed.exit_code == 1 and "is not in the text of source 'gazette'" in failed.output


def test_a_site_edited_by_hand_is_rebuilt(briefing: Briefing, tmp_path: Path) -> None:
    briefing.build()
    (briefing.root / "site" / "index.html").write_text("vandalised", encoding="utf-8")
    assert "nothing changed" not in briefing.build().output
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean")


def test_a_failed_rebuild_leaves_the_site_and_the_next_build_is_whole(briefing: Briefing, tmp_path: Path) -> None:
    briefing.build()
    before, files = tree_digest(briefing.root / "site"), inodes(briefing.root / "site")
    briefing.replace("pages/framework.md", "[[ana-ruiz]] said", "[[ana-ruis]] said")
    assert briefing.build().exit_code == 1
    assert tree_digest(briefing.root / "site") == before
    briefing.replace("pages/framework.md", "[[ana-ruis]] said", "[[ana-ruiz]] said")
    assert "built" in briefing.build().output  # the file was touched, so it is read again...
    assert inodes(briefing.root / "site") == files  # ...but its bytes are the same: nothing is rewritten
    assert not [p for p in os.listdir(briefing.root) if p.startswith(".site-")]  # no staging folder left behind


def test_progress_bar_appears_only_after_two_seconds_and_only_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    import time

    from generator.cli import ProgressBar

    ProgressBar(time.perf_counter(), enabled=True)(5, 10)  # a build that just started: no bar yet
    ProgressBar(time.perf_counter() - 3, enabled=False)(5, 10)  # -q, or stderr not a terminal
    assert capsys.readouterr().err == ""
    bar = ProgressBar(time.perf_counter() - 3, enabled=True)
    bar(5, 10)
    bar.clear()
    err = capsys.readouterr().err
    assert "rendering [" + "#" * 15 + "." * 15 + "] 5/10 pages" in err and err.endswith("\r")


def test_no_progress_bar_when_stderr_is_not_a_terminal(synthetic: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli

    monkeypatch.setattr(cli.ProgressBar, "DELAY", 0.0)
    assert "rendering [" not in build(synthetic, tmp_path / "site", "--no-cache")


def test_an_edit_redoes_only_its_page_its_json_record_and_its_search_shard(briefing: Briefing, tmp_path: Path) -> None:
    config = BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "site")
    cold = build_site(config, cache_dir=tmp_path / "cache")
    assert cold.resolved is not None
    pages = len(render.page_paths(cold.resolved))
    assert cold.counts["pages rendered"] == pages and cold.counts["JSON records encoded"] > 20
    briefing.replace("pages/framework.md", "North Port opens berths", "North Port opens new berths")
    edited = build_site(config, cache_dir=tmp_path / "cache")
    kind_pages = sum(1 for kind, records in cold.resolved.content.other_kinds() if records and kind.template)  # unkeyed
    assert edited.counts == {"files read": 1, "texts parsed": 1, "pages rendered": kind_pages + 1, "exports kept": len(BODY_FREE),
                             "search shards indexed": 1, "JSON records encoded": 1}
    assert tree_digest(tmp_path / "site") == clean_build(briefing.content, tmp_path / "clean")


def test_a_hand_edited_export_is_not_copied_from(briefing: Briefing, tmp_path: Path) -> None:
    briefing.build()
    data = briefing.root / "site" / "briefing.json"
    data.write_bytes(data.read_bytes().replace(b"North Port", b"South Port"))
    briefing.replace("pages/framework.md", "North Port opens berths", "North Port opens new berths")
    briefing.build()
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean")


def test_the_outputs_kept_after_a_body_edit_do_not_show_any_page_body(briefing: Briefing, tmp_path: Path) -> None:
    """The exports in BODY_FREE and the generated pages are kept when only actors' and pages'
    bodies changed (and with them no backlink, citation or cited passage, which the generated
    pages' keys cover): so no body may show in them."""
    config = BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "site")
    before = build_site(config).outputs
    for page in sorted([*(briefing.content / "pages").glob("*.md"), *(briefing.content / "actors").glob("*.md")]):
        page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added to every body.\n", encoding="utf-8")
    after = build_site(config).outputs
    assert before["briefing.json"] != after["briefing.json"]
    kept = [*BODY_FREE, *GENERATED_PAGES]
    assert {path: after[path] for path in kept} == {path: before[path] for path in kept}


def test_a_file_swapped_for_a_link_is_not_taken_from_the_cache(briefing: Briefing, tmp_path: Path) -> None:
    """Files unchanged since the last build (same size and modification time) are not read
    again, but only plain files: a link is always followed and checked."""
    briefing.build()
    page = briefing.content / "pages" / "about.md"
    outside = tmp_path / "about.md"
    shutil.copy2(page, outside)
    status = page.stat()
    page.unlink()
    page.symlink_to(outside)
    os.utime(outside, ns=(status.st_atime_ns, status.st_mtime_ns))  # the very stamp the cache recorded
    briefing.replace("pages/framework.md", "North Port opens berths", "North Port opens new berths")
    result = briefing.build()
    assert result.exit_code == 1 and "link points outside content/" in result.output


@pytest.mark.parametrize("edit", ["page body", "delete page", "add page", "site edited by hand", "more shards",
                                  "fewer shards", "content error"])
def test_a_site_linked_ahead_on_another_core_ends_as_a_clean_build(briefing: Briefing, tmp_path: Path, edit: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A large site's rebuild links the current site's files into the new one in a forked
    process while the content is checked; what the build does not keep is taken out again."""
    from generator import pipeline

    monkeypatch.setattr(pipeline, "LINK_AHEAD_FROM", 0)  # the fixture is small: link ahead anyway
    monkeypatch.setenv("BRIEFING_SEARCH_SHARD_PAGES", "4")
    linked_ahead: list[int] = []
    real = StagedSite.link_ahead
    monkeypatch.setattr(StagedSite, "link_ahead", lambda site, expected: linked_ahead.append(len(expected))
                        or real(site, expected))
    briefing.build("--jobs", "2")
    assert not linked_ahead  # a first build has nothing to link
    if edit == "page body":
        briefing.replace("pages/framework.md", "North Port opens berths", "North Port opens new berths")
    elif edit == "delete page":
        (briefing.content / "pages" / "about.md").unlink()
    elif edit == "add page":
        briefing.write("pages/extra.md", "---\ntitle: Extra\nsummary: More.\n---\nSee [[framework]].\n")
    elif edit == "site edited by hand":
        (briefing.root / "site" / "framework.html").write_text("vandalised", encoding="utf-8")
        briefing.append("pages/about.md", "\nOne more line.\n")
    elif edit in ("more shards", "fewer shards"):
        for n in range(12):
            briefing.write(f"pages/extra-{n}.md", f"---\ntitle: Extra {n}\n---\nPage {n}.\n")
        if edit == "fewer shards":  # then their folders, pagefind/4/ to pagefind/7/, go again
            assert briefing.build("--jobs", "2").exit_code == 0
            assert (briefing.root / "site" / "pagefind" / "7").is_dir()
            for n in range(12):
                (briefing.content / "pages" / f"extra-{n}.md").unlink()
    elif edit == "content error":
        before = tree_digest(briefing.root / "site")
        briefing.replace("pages/framework.md", "[[ana-ruiz]] said", "[[ana-ruis]] said")
        assert briefing.build("--jobs", "2").exit_code == 1
        assert tree_digest(briefing.root / "site") == before
        assert not [p for p in os.listdir(briefing.root) if p.startswith(".site-")]
        return
    assert briefing.build("--jobs", "2").exit_code == 0
    assert linked_ahead and linked_ahead[0] > 20
    assert not [p for p in os.listdir(briefing.root) if p.startswith(".site-")]
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean")


def test_checking_leaves_the_collector_on_and_nothing_frozen(briefing: Briefing) -> None:
    """check_content pauses the cyclic collector and, at the end, moves what it made straight to
    the oldest generation (freeze, enable, unfreeze): the collector must be back as it was."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    check_content(BuildConfig(content_dir=briefing.content))
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("edit", ["page body", "template"])
def test_pages_stored_by_workers_into_a_site_linked_ahead_end_as_a_clean_build(
        briefing: Briefing, tmp_path: Path, edit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render workers store the pages they render into a site linked ahead: the files linked
    ahead at those paths are taken out first, or the build's own process, which does not see
    what the workers did with them, would remove the workers' pages as linked and never kept."""
    monkeypatch.setattr(pipeline, "LINK_AHEAD_FROM", 0)
    monkeypatch.setattr(render, "PARALLEL_FROM_PAGES", 1)
    monkeypatch.setattr(render, "PAGES_PER_CHUNK", 2)
    monkeypatch.setattr(render, "PAGES_PER_PROCESS", 4)
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    assert briefing.build("--jobs", "2", "--templates", str(templates)).exit_code == 0
    if edit == "page body":
        briefing.replace("pages/framework.md", "North Port opens berths", "North Port opens new berths")
    else:
        page = templates / "page.html"
        page.write_text(page.read_text(encoding="utf-8").replace("{{ view.title }}", "{{ view.title }}!"),
                        encoding="utf-8")
    assert briefing.build("--jobs", "2", "--templates", str(templates)).exit_code == 0
    assert tree_digest(briefing.root / "site") == clean_build(briefing.content, tmp_path / "clean",
                                                              "--templates", str(templates))


def test_a_small_cache_is_one_file_and_a_large_one_is_kept_in_shards(tmp_path: Path) -> None:
    """A small briefing's cold build writes one file per cache, not dozens; past SMALL entries
    an edit rewrites only its shard; either way every entry loads back."""
    from generator.cache import SMALL, load_shards, save_shards, shard_of

    def files() -> list[str]:
        return sorted(path.name for path in tmp_path.iterdir())

    small = {f"text-{i}": i for i in range(SMALL)}
    save_shards(tmp_path, small)
    assert files() == ["all.pickle"] and load_shards(tmp_path) == small
    large = {f"text-{i}": i for i in range(SMALL * 4)}
    save_shards(tmp_path, large, {shard_of("text-0")})  # grown: every entry moves to its shard
    assert "all.pickle" not in files() and len(files()) == 64 and load_shards(tmp_path) == large
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in files()}
    large["text-0"] = -1
    save_shards(tmp_path, large, {shard_of("text-0")})
    assert [name for name in files() if (tmp_path / name).stat().st_mtime_ns != before[name]] == \
        [f"{shard_of('text-0'):02d}.pickle"]
    assert load_shards(tmp_path) == large
    save_shards(tmp_path, small, {0})  # shrunk again
    assert files() == ["all.pickle"] and load_shards(tmp_path) == small


def test_after_an_engine_change_the_last_engines_cache_is_not_even_read(briefing: Briefing, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Its loaded files and parsed texts are keyed by the engine, so none could be used; at
    30,000 pages they would hold ~400 MB through the whole build. The new engine's are kept."""
    import pickle

    from generator import check

    config, cache = BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "site"), tmp_path / "cache"
    build_site(config, cache_dir=cache)
    engine = check.engine_digest
    monkeypatch.setattr(check, "engine_digest", lambda folder: "new" + engine(folder))
    unpickled: list[str] = []
    load = pickle.load
    # only the build cache's files: Jinja's bytecode cache (templating) reads its own with pickle too
    monkeypatch.setattr(pickle, "load", lambda f, **kwargs: (unpickled.append(f.name) if str(f.name).startswith(str(cache)) else None,
                                                             load(f, **kwargs))[1])
    briefing.replace("pages/framework.md", "[[ana-ruiz]] said", "[[ana-ruiz]] added")  # past the no-op check
    first = build_site(config, cache_dir=cache)
    assert unpickled == [] and first.counts["texts parsed"] > 1
    assert tree_digest(tmp_path / "site") == clean_build(briefing.content, tmp_path / "clean")
    briefing.replace("pages/framework.md", "[[ana-ruiz]] added", "[[ana-ruiz]] said")
    again = build_site(config, cache_dir=cache)
    assert unpickled and again.counts["files read"] == 1 and again.counts["texts parsed"] == 1
