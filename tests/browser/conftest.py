"""Browser tests: the built site in Debian's Chromium, driven by Playwright, checked by axe-core.

Each briefing (the test fixture and the default content) is built once per session into a temp
folder and served over http on 127.0.0.1 (Pagefind needs http) under the path of its base_url,
with the headers netlify.toml sets, as Netlify would. One browser serves every test. Where
Chromium, Playwright or axe-core is missing, the tests are skipped and pytest says why; with
REQUIRE_BROWSER=1 (as .ci/run sets it) they fail instead.
"""
from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from browsersite import (ARTIFACTS, AXE_JS, BRIEFINGS, CHROMIUM_ARGS, PROJECT_ROOT, BuiltSite, SiteHandler,
                         chromium_path, missing, netlify_headers)

if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from generator.config import BuildConfig  # noqa: E402
from generator.pipeline import build_site  # noqa: E402


def _base_path(site_dir: Path) -> str:
    base_url = json.loads((site_dir / "briefing.json").read_text(encoding="utf-8"))["briefing"]["base_url"]
    return urlsplit(base_url).path.rstrip("/") + "/" if base_url else "/"


@pytest.fixture(scope="session", params=sorted(BRIEFINGS))
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """Each briefing, built once and served over http for the whole session."""
    name = request.param
    out = tmp_path_factory.mktemp(f"browser-{name}") / "site"
    build_site(BuildConfig(content_dir=BRIEFINGS[name], out_dir=out))
    base_path = _base_path(out)
    handler = type("Handler", (SiteHandler,), {"base_path": base_path, "extra_headers": netlify_headers()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield BuiltSite(name, out, f"http://127.0.0.1:{server.server_address[1]}{base_path}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session, or a skip that says what is missing."""
    executable = chromium_path()
    if executable is None:
        missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        missing("axe-core is not installed (npm ci --prefix tests/browser)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
