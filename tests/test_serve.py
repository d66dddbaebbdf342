"""The preview server as a user runs it: `python build.py serve`, a browser fetching pages,
an editor saving files. Bounded waits; only 127.0.0.1 is ever contacted."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, Briefing
from generator.serve import resolve_request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {seconds} s")


@pytest.fixture
def server(briefing: Briefing, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "build.py"), "serve", "--content", str(briefing.content),
         "--out", str(tmp_path / "preview"), "--port", str(port), "--no-browser"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/")[0] == 200)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_shows_an_edit_then_an_error_then_the_fix(server: tuple[str, subprocess.Popen[str]],
                                                         briefing: Briefing) -> None:
    base, proc = server
    status, page = fetch(base + "/actors/ana-ruiz.html")
    assert status == 200 and "Ruiz led the talks" in page
    assert "livereload.js" in page  # the browser will reload by itself

    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    wait_for(lambda: "Ruiz steered the talks" in fetch(base + "/actors/ana-ruiz.html")[1])

    briefing.append("events.yaml", "- id: [broken\n")
    wait_for(lambda: fetch(base + "/actors/ana-ruiz.html")[0] == 500)
    status, page = fetch(base + "/actors/ana-ruiz.html")
    assert "Build failed" in page and "events.yaml:" in page and "invalid YAML" in page
    assert proc.poll() is None, "the server must keep running after a failed rebuild"

    text = briefing.path("events.yaml").read_text(encoding="utf-8")
    briefing.path("events.yaml").write_text(text.replace("- id: [broken\n", ""), encoding="utf-8")
    wait_for(lambda: fetch(base + "/actors/ana-ruiz.html")[0] == 200)
    assert "Ruiz steered the talks" in fetch(base + "/actors/ana-ruiz.html")[1]


def test_serve_answers_unknown_paths_with_the_404_page(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, _ = server
    status, page = fetch(base + "/no-such-page.html")
    assert status == 404 and "Page not found" in page


def test_requests_cannot_leave_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("home")
    (tmp_path / "secret.txt").write_text("secret")
    assert resolve_request(tmp_path / "site", "/") == (tmp_path / "site" / "index.html").resolve()
    assert resolve_request(tmp_path / "site", "/../secret.txt") is None
    assert resolve_request(tmp_path / "site", "/%2e%2e/secret.txt") is None


def test_serve_listens_on_loopback_by_default() -> None:
    help_text = subprocess.run([sys.executable, "build.py", "serve", "--help"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=60).stdout
    assert "[default: 127.0.0.1]" in help_text


def test_a_body_edit_rerenders_only_its_page_and_matches_a_full_build(briefing: Briefing, tmp_path: Path) -> None:
    from generator.config import BuildConfig
    from generator.pipeline import build_site
    from generator.serve import Previewer

    preview = Previewer(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "preview"))
    preview.full_build()
    before = dict(preview.outputs)
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    preview.content_changed()
    changed = sorted(path for path, data in preview.outputs.items()
                     if before.get(path) != data and not path.startswith("pagefind/"))
    assert changed == ["actors/ana-ruiz.html", "briefing.json"]  # the JSON export carries the text too

    full = build_site(BuildConfig(content_dir=briefing.content, out_dir=tmp_path / "full")).outputs
    assert {p: d for p, d in preview.outputs.items() if not p.startswith("pagefind/")} == \
           {p: d for p, d in full.items() if not p.startswith("pagefind/")}
    assert (tmp_path / "preview" / "actors" / "ana-ruiz.html").read_bytes() == full["actors/ana-ruiz.html"]


def test_the_search_index_catches_up_with_a_content_edit_in_the_background(briefing: Briefing, tmp_path: Path) -> None:
    from generator.config import BuildConfig
    from generator.serve import Previewer

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
