"""The preview server: what it serves and refuses over a real socket, how it reports a busy port,
and how the previewer rebuilds and announces. The reload itself, in a browser under the pages'
own CSP, is tested in tests/browser/test_preview_in_browser.py."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, Briefing, invoke
from generator.config import BuildConfig
from generator.preview.guards import (Found, Redirect, Refusal, Target, host_allowed, locate, output_name,
                                     parse_target)
from generator.preview.server import RELOAD_JS, with_reload_script
from generator.preview.updates import EVERYTHING, UpdateLog
from generator.preview.watch import ChangeQueue, Changes, classify
from generator import serve
from generator.preview.previewer import Outcome, Previewer
from previewserver import Preview, start_preview

SCRIPT_TAG = re.compile(rb'<script src="/__preview__/reload\.js" data-pages="[^"]*" data-build="[^"]*" defer></script>')


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {seconds} s")


def raw_get(preview: Preview, target: str | bytes) -> tuple[int, dict[str, str], bytes]:
    """Send a request line exactly as given (no client-side cleaning) and read the answer."""
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    line = target if isinstance(target, bytes) else target.encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + line + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.fixture
def preview(briefing: Briefing, tmp_path: Path) -> Iterator[Preview]:
    running = start_preview(tmp_path, briefing.content)
    yield running
    running.stop()


# --- request guards (pure) ---

@pytest.mark.parametrize("target, status", [
    ("/../secret.txt", 400),
    ("/%2e%2e/secret.txt", 400),
    ("/%2E%2E/%2e%2E/secret.txt", 400),
    ("/actors/.%2e/.%2e/secret.txt", 400),
    ("/%252e%252e/secret.txt", 400),  # encoded twice
    ("/%c0%ae%c0%ae/secret.txt", 400),  # overlong UTF-8 for '.'
    ("/..%5csecret.txt", 400),
    ("/a\\..\\secret.txt", 400),
    ("/..%2fsecret.txt", 400),
    ("/./index.html", 400),
    ("/index.html%00.css", 400),
    ("/index\x00.html", 400),
    ("/%0d%0aSet-Cookie:%20x", 400),
    ("secret.txt", 400),
    ("http://elsewhere/", 400),
    ("/" + "a" * 3000, 414),
])
def test_bad_request_targets_are_refused_before_the_file_system(target: str, status: int) -> None:
    refusal = parse_target(target)
    assert isinstance(refusal, Refusal) and refusal.status == status


def test_on_loopback_only_loopback_host_names_are_answered() -> None:
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST", "127.0.0.1"):
        assert host_allowed(host, "127.0.0.1"), host
    for host in ("evil.example:8000", "evil.example", None, "127.0.0.1.evil.example:8000"):
        assert not host_allowed(host, "127.0.0.1"), host
    assert host_allowed("my-laptop.lan:8000", "0.0.0.0")  # listening everywhere was asked for


def test_a_good_target_is_decoded_once_and_keeps_its_query() -> None:
    assert parse_target("/actors/ana%20ruiz.html?since=a%3A1#top") == \
        Target("/actors/ana ruiz.html", {"since": ["a:1"]})


def test_nothing_outside_the_output_folder_is_located(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "actors").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "actors" / "index.html").write_text("actors")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert locate(site, "/") == Found((site / "index.html").resolve(), "index.html")
    assert locate(site, "/actors/") == Found((site / "actors" / "index.html").resolve(), "actors/index.html")
    assert locate(site, "/actors") == Redirect("/actors/")
    assert locate(site, "/link.txt") is None  # a symbolic link out of the folder
    assert locate(site, "//" + str(tmp_path / "secret.txt")) is None
    assert locate(site, "/" + "x" * 1000) is None  # too long for the file system, not an error
    assert output_name("/") == "index.html" and output_name("/actors/") == "actors/index.html"


def test_the_reload_script_goes_once_before_the_end_of_head_with_escaped_attributes() -> None:
    html = b"<html><head><title>t</title></head><body><p>&lt;/head&gt;</p></body></html>"
    out = with_reload_script(html, ['a"b.html'], "tok:3")
    assert out.count(RELOAD_JS.encode()) == 1
    assert out.index(b"<script") < out.index(b"</head>")
    assert b'data-pages="a&quot;b.html"' in out and b'data-build="tok:3"' in out
    assert SCRIPT_TAG.sub(b"", out) == html


# --- the update log ---

def test_an_open_page_hears_every_change_since_the_build_it_was_served_from() -> None:
    log = UpdateLog()
    served = log.build
    log.publish(frozenset({"a.html"}), None)
    log.publish(frozenset({"b.html"}), None)
    update = log.newer_than(served, timeout=0)
    assert update is not None and update.changed == {"a.html", "b.html"} and update.error is None
    assert log.newer_than(update.build, timeout=0.05) is None  # nothing newer: wait, then heartbeat


def test_a_page_from_another_server_run_is_told_to_reload_everything() -> None:
    log = UpdateLog()
    update = log.newer_than("0000:0", timeout=0)
    assert update is not None and update.changed == {EVERYTHING}


def test_an_error_is_announced_once_and_its_fix_even_with_no_file_changed() -> None:
    log = UpdateLog()
    assert log.publish(frozenset(), None) is None
    assert log.publish(frozenset(), "boom") is not None
    assert log.publish(frozenset(), "boom") is None
    fixed = log.publish(frozenset(), None)
    assert fixed is not None and fixed.error is None


def test_a_waiting_stream_wakes_as_soon_as_an_update_is_published() -> None:
    log = UpdateLog()
    served, woke = log.build, []
    reader = threading.Thread(target=lambda: woke.append((log.newer_than(served, timeout=10), time.monotonic())))
    reader.start()
    time.sleep(0.1)
    published = time.monotonic()
    log.publish(frozenset({"x.html"}), None)
    reader.join(5)
    assert woke and woke[0][0] is not None and woke[0][1] - published < 0.5


def test_a_rebuild_waits_for_the_reloading_page_to_be_fetched_but_not_for_long() -> None:
    log = UpdateLog()
    log.publish(frozenset({"a.html"}), None)
    assert log.wait_until_fetched(frozenset({"a.html"}), timeout=0.05) is False
    threading.Timer(0.05, log.serving, args=("a.html",)).start()
    started = time.monotonic()
    assert log.wait_until_fetched(frozenset({"a.html"}), timeout=5) is True
    assert time.monotonic() - started < 2


def test_open_pages_are_counted_while_their_streams_are_open() -> None:
    log = UpdateLog()
    with log.listening(["a.html"]), log.listening(["a.html", "404.html"]):
        assert log.open_pages() == {"a.html", "404.html"}
    assert log.open_pages() == frozenset()


# --- change detection ---

def test_changes_are_sorted_by_what_they_touch(tmp_path: Path) -> None:
    config = BuildConfig(content_dir=tmp_path / "content", templates_dir=tmp_path / "templates",
                         out_dir=tmp_path / "content" / "site")
    def kinds(*paths: str) -> Changes:
        return classify([str(tmp_path / p) for p in paths], config)
    assert kinds("content/actors/a.md") == Changes(content=True, paths=frozenset({tmp_path / "content/actors/a.md"}))
    assert kinds("templates/base.html") == Changes(templates=True)
    assert kinds("templates/static/style.css") == Changes(static=True)
    assert not kinds("content/site/index.html")  # our own output, never a reason to rebuild
    assert kinds("content/briefing.yaml", "templates/static/site.js") == \
        Changes(content=True, static=True, paths=frozenset({tmp_path / "content/briefing.yaml"}))


def test_changes_saved_during_a_rebuild_are_merged_into_the_next_and_none_is_lost() -> None:
    queue, stop = ChangeQueue(), threading.Event()
    queue.put(Changes(content=True))
    assert queue.take(stop) == Changes(content=True) and not queue.waiting()
    queue.put(Changes(templates=True))
    queue.put(Changes(content=True))
    assert queue.waiting()  # the running rebuild may stop early
    assert queue.take(stop) == Changes(content=True, templates=True)
    stop.set()
    assert queue.take(stop) is None


# --- the previewer (in process) ---

def recording_previewer(briefing: Briefing, tmp_path: Path, open_pages: frozenset[str] = frozenset()) -> tuple[Previewer, list[Outcome]]:
    heard: list[Outcome] = []
    preview = Previewer(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "preview"),
                        on_update=heard.append, open_pages=lambda: open_pages)
    preview.full_build()
    heard.clear()
    return preview, heard


def test_a_body_edit_rerenders_only_its_page_and_matches_a_full_build(briefing: Briefing, tmp_path: Path) -> None:
    from generator.pipeline import build_site

    preview, heard = recording_previewer(briefing, tmp_path)
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    preview.content_changed()
    assert heard == [Outcome(frozenset({"actors/ana-ruiz.html", "briefing.json"}))]  # the JSON export has the text too

    full = build_site(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "full")).outputs
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           {p: d for p, d in full.items() if not p.startswith("pagefind/")}
    assert (tmp_path / "preview" / "actors" / "ana-ruiz.html").read_bytes() == full["actors/ana-ruiz.html"]


def test_the_open_page_is_written_and_announced_before_the_rest_of_the_site(briefing: Briefing, tmp_path: Path) -> None:
    preview, heard = recording_previewer(briefing, tmp_path, open_pages=frozenset({"actors/ana-ruiz.html"}))
    written_when_told: list[bool] = []
    preview.on_update = lambda o: (heard.append(o), written_when_told.append(
        "Harbour Talks, Revised" in (tmp_path / "preview" / "actors" / "ana-ruiz.html").read_text()))
    briefing.replace("briefing.yaml", "title: Harbour Talks Briefing", "title: Harbour Talks, Revised")
    preview.content_changed()
    assert [o.changed for o in heard][0] == {"actors/ana-ruiz.html"} and written_when_told[0]
    assert "index.html" in heard[1].changed and "actors/ana-ruiz.html" not in heard[1].changed
    assert all(o.error is None for o in heard)


def test_a_rebuild_cut_short_by_a_newer_save_still_ends_equal_to_a_full_build(briefing: Briefing, tmp_path: Path) -> None:
    from generator.pipeline import build_site

    preview, heard = recording_previewer(briefing, tmp_path, open_pages=frozenset({"actors/ana-ruiz.html"}))
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    preview.rebuild(superseded=lambda: True)
    assert [o.changed for o in heard] == [{"actors/ana-ruiz.html"}]  # the open page, then it stopped
    briefing.replace("actors/ana-ruiz.md", "Ruiz steered the talks", "Ruiz led the talks")  # the newer save undoes it
    preview.rebuild()
    full = build_site(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "full")).outputs
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           {p: d for p, d in full.items() if not p.startswith("pagefind/")}


def full_build_outputs(briefing: Briefing, out: Path) -> dict[str, bytes]:
    from generator.pipeline import build_site

    full = build_site(BuildConfig(content_dir=briefing.content, out_dir=out)).outputs
    return {p: d for p, d in full.items() if not p.startswith("pagefind/")}


def test_a_body_edit_shows_in_the_open_page_before_the_briefing_is_checked_again(
        briefing: Briefing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = "actors/ana-ruiz.html"
    preview, heard = recording_previewer(briefing, tmp_path, open_pages=frozenset({page}))
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    edited = frozenset({briefing.path("actors/ana-ruiz.md").absolute(), briefing.path("actors/.ana-ruiz.md.swp").absolute()})
    with monkeypatch.context() as patch:  # the fast path must not check (nor render) the whole briefing
        patch.setattr("generator.preview.previewer.check_content", lambda *a, **k: pytest.fail("the whole briefing was checked"))
        assert preview.show_first(edited) == {page}
    assert heard == [Outcome(frozenset({page}))]  # only the open page, written before it was announced
    assert "Ruiz steered the talks" in (tmp_path / "preview" / page).read_text(encoding="utf-8")
    preview.apply(Changes(content=True, paths=edited))  # the rebuild that always follows
    assert page not in heard[-1].changed  # the fast path already wrote exactly these bytes
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           full_build_outputs(briefing, tmp_path / "full")


@pytest.mark.parametrize("edit", ["front matter", "new reference", "unknown reference", "new file", "yaml", "removed"])
def test_the_fast_path_leaves_every_other_edit_to_the_full_rebuild(briefing: Briefing, tmp_path: Path, edit: str) -> None:
    preview, heard = recording_previewer(briefing, tmp_path, open_pages=frozenset({"actors/ana-ruiz.html", "index.html"}))
    changed = {"front matter": "actors/ana-ruiz.md", "new reference": "actors/ana-ruiz.md",
               "unknown reference": "actors/ana-ruiz.md", "new file": "actors/new-one.md",
               "yaml": "events.yaml", "removed": "actors/ben-okafor.md"}[edit]
    if edit == "front matter":
        briefing.replace(changed, "name: Ana Ruiz", "name: Ana Ruiz-Soto")
    elif edit == "new reference":
        briefing.replace(changed, "Ruiz led the talks", "Ruiz led the talks with [[ben-okafor]]")
    elif edit == "unknown reference":
        briefing.replace(changed, "Ruiz led the talks", "Ruiz led the talks with [[nobody-here]]")
    elif edit == "new file":
        briefing.write(changed, briefing.path("actors/ana-ruiz.md").read_text(encoding="utf-8"))
    elif edit == "yaml":
        briefing.append(changed, "\n")
    else:
        briefing.path(changed).unlink()
    assert preview.show_first(frozenset({briefing.path(changed).absolute()})) == frozenset()
    assert heard == [] and preview.checked  # nothing written, nothing announced: the rebuild decides


def test_a_rebuild_never_writes_older_text_over_the_fast_path(briefing: Briefing, tmp_path: Path) -> None:
    page = "actors/ana-ruiz.html"
    preview, heard = recording_previewer(briefing, tmp_path, open_pages=frozenset({page}))
    edited = frozenset({briefing.path("actors/ana-ruiz.md").absolute()})
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")

    def newer_save_meanwhile() -> bool:  # while this rebuild renders, a newer save takes the fast path
        if not heard or heard[-1].changed != {page} or "newer" in (tmp_path / "preview" / page).read_text(encoding="utf-8"):
            return False
        briefing.replace("actors/ana-ruiz.md", "Ruiz steered the talks", "Ruiz steered the newer talks")
        assert preview.show_first(edited) == {page}
        return False

    preview.rebuild(superseded=newer_save_meanwhile)
    assert "Ruiz steered the newer talks" in (tmp_path / "preview" / page).read_text(encoding="utf-8")
    assert not any(page in o.changed for o in heard[heard.index(Outcome(frozenset({page}))) + 2:])
    preview.rebuild()  # the rebuild that the newer save queued
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           full_build_outputs(briefing, tmp_path / "full")


def _rebuild_during_a_burst_checks_nothing(preview: Previewer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild with a newer save waiting, within the pause after the fast path: no check
    competes with that save's fast path."""
    with monkeypatch.context() as patch:
        patch.setattr("generator.preview.previewer.check_content", lambda *a, **k: pytest.fail("checked during a burst of saves"))
        preview.rebuild(superseded=lambda: True)


def test_after_the_fast_path_the_rebuild_waits_for_saves_to_pause(briefing: Briefing, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    page = "actors/ana-ruiz.html"
    preview, heard = recording_previewer(briefing, tmp_path, open_pages=frozenset({page}))
    edited = frozenset({briefing.path("actors/ana-ruiz.md").absolute()})
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    monkeypatch.setattr("generator.preview.previewer.SHOWN_QUIET_SECONDS", 60.0)  # however slow the machine
    assert preview.show_first(edited) == {page}
    _rebuild_during_a_burst_checks_nothing(preview, monkeypatch)
    assert heard == [Outcome(frozenset({page}))]
    preview.shown_at -= 60  # the saves paused
    preview.rebuild()
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           full_build_outputs(briefing, tmp_path / "full")


def test_the_pause_after_the_fast_path_is_as_long_as_the_last_check(briefing: Briefing, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # At 10,000 pages a full check takes seconds: saves a few seconds apart must not each start one.
    page, body = "actors/ana-ruiz.html", "actors/ana-ruiz.md"
    preview, _ = recording_previewer(briefing, tmp_path, open_pages=frozenset({page}))
    edited = frozenset({briefing.path(body).absolute()})
    briefing.replace(body, "Ruiz led the talks", "Ruiz steered the talks")
    assert preview.show_first(edited) == {page}
    with monkeypatch.context() as patch:
        patch.setattr("generator.preview.previewer.SHOWN_QUIET_SECONDS", 3.0)
        preview.rebuild()
    assert 0 < preview.check_seconds < 3.0  # the check only: the wait for a pause is not counted (it would grow)
    preview.check_seconds = 30.0  # as if the briefing were huge
    briefing.replace(body, "Ruiz steered the talks", "Ruiz led the talks")
    assert preview.show_first(edited) == {page}
    preview.shown_at -= 1  # a second ago: past the fixed pause, within the last check's time
    _rebuild_during_a_burst_checks_nothing(preview, monkeypatch)


def test_a_template_edit_renders_the_content_as_last_checked(briefing: Briefing, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    preview = Previewer(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=tmp_path / "out"))
    preview.full_build()
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace('<main id="main">', '<main id="main"><p>probe</p>'),
                    encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr("generator.preview.previewer.check_content", lambda *a, **k: pytest.fail("unchanged content was checked again"))
        preview.apply(Changes(templates=True))
    assert all(b"<p>probe</p>" in data for path, data in preview.outputs.items() if path.endswith(".html"))
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    preview.apply(Changes(content=True, templates=True))  # content changed too: checked again
    assert b"Ruiz steered the talks" in preview.outputs["actors/ana-ruiz.html"]


def test_an_error_is_announced_and_its_fix_brings_the_pages_back(briefing: Briefing, tmp_path: Path) -> None:
    preview, heard = recording_previewer(briefing, tmp_path)
    briefing.append("events.yaml", "- id: [broken\n")
    preview.apply(Changes(content=True))
    assert heard[-1].changed == frozenset() and "events.yaml:" in (heard[-1].error or "")
    text = briefing.path("events.yaml").read_text(encoding="utf-8")
    briefing.path("events.yaml").write_text(text.replace("- id: [broken\n", ""), encoding="utf-8")
    preview.apply(Changes(content=True))
    assert heard[-1].error is None and preview.failure is None


def test_a_stylesheet_edit_copies_only_that_file(briefing: Briefing, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    heard: list[Outcome] = []
    preview = Previewer(BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=tmp_path / "out"),
                        on_update=heard.append)
    preview.full_build()
    with (templates / "static" / "style.css").open("a", encoding="utf-8") as f:
        f.write("\n.probe { color: red }\n")
    preview.apply(Changes(static=True))
    assert heard[-1] == Outcome(frozenset({"static/style.css"}))
    assert (tmp_path / "out" / "static" / "style.css").read_bytes() == (templates / "static" / "style.css").read_bytes()


def test_the_search_index_catches_up_with_a_content_edit_in_the_background(briefing: Briefing, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    preview = Previewer(BuildConfig(content_dir=briefing.content, out_dir=out))
    preview.full_build()
    index_before = {p for p in preview.outputs if p.startswith("pagefind/")}
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the quinquennial talks")
    preview.content_changed()
    wait_for(lambda: {p for p in preview.outputs if p.startswith("pagefind/")} != index_before)
    with preview.lock:
        on_disk = {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*") if p.is_file()}
        assert on_disk == {p for p in preview.outputs if p.startswith("pagefind/")}


def test_the_search_refresh_reindexes_only_the_shards_an_edit_touched(briefing: Briefing, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.search

    monkeypatch.setenv("BRIEFING_SEARCH_SHARD_PAGES", "2")  # the fixture's pages in several shards
    monkeypatch.setattr("generator.preview.previewer.SEARCH_QUIET_SECONDS", 0.0)
    indexed: list[str] = []
    index_shards = generator.search.index_shards
    monkeypatch.setattr("generator.search.index_shards",
                        lambda names, *args, **kwargs: (indexed.extend(names), index_shards(names, *args, **kwargs))[1])
    preview = Previewer(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "preview"))
    preview.full_build()
    seeded = preview.search
    shards = {p.split("/")[1] for p in preview.outputs if p.count("/") >= 2 and p.startswith("pagefind/")}
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the quinquennial talks")
    preview.content_changed()
    wait_for(lambda: preview.search is not seeded)
    assert 1 <= len(indexed) < len(shards) >= 3  # the edited page's shard, not all of them
    full = build_site_outputs(briefing, tmp_path / "full")
    assert {p: d for p, d in preview.outputs.items() if p.startswith("pagefind/")} == \
           {p: d for p, d in full.items() if p.startswith("pagefind/")}


# --- the first build: build's own cached build, or none if nothing changed ---

def site_files(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of a site, by its inode and modification time: equal if nothing was written."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def test_the_first_build_is_builds_own_so_a_build_after_it_has_nothing_to_do(briefing: Briefing, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    Previewer(BuildConfig(content_dir=briefing.content, out_dir=out)).full_build()
    result = invoke("build", "--content", briefing.content, "--out", out)
    assert result.exit_code == 0 and "nothing changed" in result.output


def test_the_first_build_renders_on_every_core(briefing: Briefing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.preview.previewer

    asked: list[dict[str, object]] = []
    build_site = generator.preview.previewer.build_site
    monkeypatch.setattr("generator.preview.previewer.build_site", lambda *args, **kwargs: (asked.append(kwargs), build_site(*args, **kwargs))[1])
    monkeypatch.setenv("BRIEFING_WORKERS", "3")
    Previewer(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "preview")).full_build()
    assert [call["workers"] for call in asked] == [3]


def test_after_a_build_with_nothing_changed_the_site_is_read_back_not_built(briefing: Briefing, tmp_path: Path) -> None:
    from generator.search import is_indexed, page_digest

    out = tmp_path / "preview"
    assert invoke("build", "--content", briefing.content, "--out", out).exit_code == 0
    built = site_files(out)
    heard: list[Outcome] = []
    preview = Previewer(BuildConfig(content_dir=briefing.content, out_dir=out), on_update=heard.append)
    preview.full_build()
    assert site_files(out) == built  # nothing written, not even linked again
    assert heard == [Outcome(frozenset())] and preview.resolved is not None
    assert preview.outputs == {path: (out / path).read_bytes() for path in built if not path.startswith("static/")}
    assert preview.search and preview.search.digests == \
        {path: page_digest(data) for path, data in preview.outputs.items() if is_indexed(path)}
    # what it keeps in memory serves edits as a build of its own would: only the edited page is rendered
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    preview.content_changed()
    assert heard[-1] == Outcome(frozenset({"actors/ana-ruiz.html", "briefing.json"}))
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           {p: d for p, d in build_site_outputs(briefing, tmp_path / "full").items() if not p.startswith("pagefind/")}


def test_a_file_saved_while_the_site_is_read_back_is_built_not_missed(briefing: Briefing, tmp_path: Path) -> None:
    from generator.preview.previewer import last_site

    out = tmp_path / "preview"
    assert invoke("build", "--content", briefing.content, "--out", out).exit_code == 0
    config = BuildConfig(content_dir=briefing.content, out_dir=out)
    found = last_site(config)
    assert found[2]  # nothing changed when the preview looked
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")  # then a save
    preview = Previewer(config)
    preview.full_build(found)
    assert b"Ruiz steered the talks" in preview.outputs["actors/ana-ruiz.html"]
    assert b"Ruiz steered the talks" in (out / "actors" / "ana-ruiz.html").read_bytes()


def build_site_outputs(briefing: Briefing, out: Path) -> dict[str, bytes]:
    from generator.pipeline import build_site

    return build_site(BuildConfig(content_dir=briefing.content, out_dir=out)).outputs


# --- the server as a user runs it ---

def test_preview_serves_exactly_the_bytes_build_writes_and_only_pages_get_the_script(
        preview: Preview, briefing: Briefing, tmp_path: Path) -> None:
    assert invoke("build", "--content", briefing.content, "--out", tmp_path / "built").exit_code == 0
    built = tmp_path / "built"
    files = sorted(p for p in built.rglob("*") if p.is_file())
    assert any(p.suffix == ".ics" for p in files) and any(p.suffix == ".json" for p in files)
    for path in files:
        rel = path.relative_to(built).as_posix()
        status, headers, body = raw_get(preview, "/" + rel)
        assert status == 200, rel
        if path.suffix == ".html":
            expected = path.read_bytes()
            if rel == "404.html":  # served at any depth: its links resolve from the preview's root
                expected = re.sub(rb'<base href="[^"]*">', b'<base href="/">', expected)
            assert len(SCRIPT_TAG.findall(body)) == 1, rel
            assert SCRIPT_TAG.sub(b"", body) == expected, rel
        else:
            assert body == path.read_bytes(), rel
    status, headers, body = raw_get(preview, RELOAD_JS)
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"EventSource" in body


def test_assets_are_revalidated_not_fetched_again_and_pages_never_kept(preview: Preview) -> None:
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))

    def get(target: str, etag: str = "") -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", target, headers={"If-None-Match": etag} if etag else {})
        response = connection.getresponse()
        response.read()
        return response

    first = get("/static/style.css")
    etag = first.getheader("ETag") or ""
    assert first.status == 200 and etag and first.getheader("Cache-Control") == "no-cache"
    assert get("/static/style.css", etag).status == 304  # the browser keeps its copy
    with (preview.templates / "static" / "style.css").open("a", encoding="utf-8") as f:
        f.write("\n.probe { color: red }\n")
    preview.wait_for_log(r"copied static/style\.css")
    changed = get("/static/style.css", etag)
    assert changed.status == 200 and changed.getheader("ETag") not in ("", etag)
    page = get("/index.html")
    assert page.getheader("ETag") is None and page.getheader("Cache-Control") == "no-store"


@pytest.mark.parametrize("target, status", [
    ("/%2e%2e/%2e%2e/etc/passwd", 400),
    ("/../../etc/passwd", 400),
    ("/..%5c..%5cetc%5cpasswd", 400),
    ("/a%00b", 400),
    ("/" + "a" * 5000, 414),
])
def test_bad_requests_get_a_4xx_and_one_log_line(preview: Preview, target: str, status: int) -> None:
    before = len(preview.log)
    assert raw_get(preview, target)[0] == status
    line = preview.wait_for_log(rf"refused .*: {status} ")
    time.sleep(0.2)
    new = preview.log[before:]
    assert new == [line] and len(line) < 300, new


def test_a_request_for_another_host_name_is_refused(preview: Preview) -> None:
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 421


def test_a_raw_nul_byte_in_the_request_line_is_refused_quietly(preview: Preview) -> None:
    before = len(preview.log)
    assert raw_get(preview, b"/index\x00.html")[0] == 400
    time.sleep(0.2)
    assert len(preview.log[before:]) == 1 and "Traceback" not in "\n".join(preview.log)


def test_a_folder_without_its_slash_redirects_so_relative_links_work(preview: Preview) -> None:
    status, headers, _ = raw_get(preview, "/actors?x=1")
    assert status == 301 and headers["location"] == "/actors/?x=1"
    status, _, body = raw_get(preview, "/actors/")
    assert status == 200 and b"Ana Ruiz" in body


def test_an_unknown_address_gets_the_404_page_resolving_from_the_site_root(preview: Preview) -> None:
    status, _, body = raw_get(preview, "/no/such/page.html")
    assert status == 404 and b"Page not found" in body
    assert b'<base href="/">' in body and b'data-pages="no/such/page.html 404.html"' in body


def read_events(preview: Preview, since: str, events: list[dict[str, object]]) -> None:
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", f"/__preview__/events?since={since}&pages=actors/ana-ruiz.html")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    for line in response:
        if line.startswith(b"data: "):
            events.append(json.loads(line[6:]))


def test_an_edit_then_an_error_then_the_fix_are_pushed_to_the_open_page(preview: Preview, briefing: Briefing) -> None:
    status, _, page = raw_get(preview, "/actors/ana-ruiz.html")
    build = re.search(rb'data-build="([^"]+)"', page)
    assert status == 200 and build
    events: list[dict[str, object]] = []
    threading.Thread(target=read_events, args=(preview, build.group(1).decode(), events), daemon=True).start()

    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    wait_for(lambda: any("actors/ana-ruiz.html" in e["changed"] for e in events))  # type: ignore[operator]
    assert b"Ruiz steered the talks" in raw_get(preview, "/actors/ana-ruiz.html")[2]

    briefing.append("events.yaml", "- id: [broken\n")
    wait_for(lambda: bool(events) and events[-1]["error"] is not None)
    assert "events.yaml:" in str(events[-1]["error"])
    status, _, page = raw_get(preview, "/actors/ana-ruiz.html")
    assert status == 500 and b"invalid YAML" in page and b"script-src 'self'" in page and SCRIPT_TAG.search(page)
    assert raw_get(preview, "/briefing.json")[0] == 200  # data files stay available
    assert preview.proc.poll() is None, "the server must keep running after a failed rebuild"

    text = briefing.path("events.yaml").read_text(encoding="utf-8")
    briefing.path("events.yaml").write_text(text.replace("- id: [broken\n", ""), encoding="utf-8")
    wait_for(lambda: events[-1]["error"] is None)
    status, _, page = raw_get(preview, "/actors/ana-ruiz.html")
    assert status == 200 and b"Ruiz steered the talks" in page


def test_a_save_by_rename_as_editors_do_is_seen(preview: Preview, briefing: Briefing) -> None:
    target = briefing.path("actors/ana-ruiz.md")
    temporary = target.with_name(".ana-ruiz.md.swp-new")
    temporary.write_text(target.read_text(encoding="utf-8").replace("Ruiz led the talks", "Ruiz renamed the talks"),
                         encoding="utf-8")
    os.replace(temporary, target)
    wait_for(lambda: b"Ruiz renamed the talks" in raw_get(preview, "/actors/ana-ruiz.html")[2])


def test_after_a_build_serve_serves_the_site_at_once_and_reads_it_back_meanwhile(briefing: Briefing,
                                                                               tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    assert invoke("build", "--content", briefing.content, "--templates", tmp_path / "templates",
                  "--out", tmp_path / "preview").exit_code == 0
    preview = start_preview(tmp_path, briefing.content)
    try:
        serving = preview.wait_for_log(r"^serving ")
        read_back = preview.wait_for_log(r"^nothing changed since the last build")
        assert preview.log.index(serving) < preview.log.index(read_back)
        assert not any(line.startswith("full build ok") for line in preview.log)
        briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
        wait_for(lambda: b"Ruiz steered the talks" in raw_get(preview, "/actors/ana-ruiz.html")[2])
    finally:
        preview.stop()


def test_a_busy_port_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run([sys.executable, "build.py", "serve", "--port", str(port), "--no-browser",
                                 "--out", str(tmp_path / "out")], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert f"127.0.0.1:{port}: that port is already in use" in result.stderr and "--port 0" in result.stderr
    assert time.monotonic() - started < 30 and not (tmp_path / "out").exists()  # nothing was built


def test_port_0_picks_a_free_port_and_prints_it(preview: Preview) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", preview.url) and not preview.url.endswith(":0/")
    assert raw_get(preview, "/")[0] == 200


def test_serve_listens_on_loopback_by_default() -> None:
    help_text = subprocess.run([sys.executable, "build.py", "serve", "--help"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=60).stdout
    assert "[default: 127.0.0.1]" in help_text


def test_the_preview_threads_take_turns_every_millisecond_and_the_interpreter_is_restored_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # At Python's default 5 ms, a rebuild busy in Python held the fast path and the HTTP thread
    # back at every file and socket operation: a save took up to 0.8 s to show at 10,000 pages.
    seen: list[float] = []
    monkeypatch.setattr(serve, "_serve", lambda *args: seen.append(sys.getswitchinterval()))
    before = sys.getswitchinterval()
    serve.serve_site(BuildConfig(out_dir=tmp_path / "site"), "127.0.0.1", 0, open_browser=False)
    assert seen == [serve.SWITCH_INTERVAL_SECONDS] and serve.SWITCH_INTERVAL_SECONDS <= 0.001
    assert sys.getswitchinterval() == before
