"""The live preview in headless Chromium, under the pages' own Content-Security-Policy.

`python build.py serve` runs on a copy of the fixture briefing and of the templates; the test opens
a page once and then only edits files, as a writer would: every change must show up by itself.
Any console error, uncaught exception or CSP violation fails the test (the 404 and 500 statuses of
the pages that are meant to have them excepted).
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from engine import Briefing
from previewserver import Preview, start_preview

SHOWS = 10_000  # ms: generous for a loaded machine; the benchmark measures the real latency
EXPECTED_STATUS = re.compile(r"Failed to load resource: the server responded with a status of (404|500)")
# Runs before the page's own scripts; a violation of the page's policy becomes a console error.
REPORT_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI));"""


@dataclass
class Tab:
    page: Any
    preview: Preview
    problems: list[str] = field(default_factory=list)
    events_requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.events_requests.clear()
        self.page.goto(self.preview.url + path, wait_until="load")

    def shows(self, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("body")).to_contain_text(text, timeout=SHOWS)

    def until(self, expression: str) -> None:
        """Poll an expression from outside the page (page.wait_for_function would need 'unsafe-eval');
        a reload under way meanwhile just means: ask the next document."""
        from playwright.sync_api import Error

        deadline = time.monotonic() + SHOWS / 1000
        while True:
            try:
                if self.page.evaluate(expression):
                    return
            except Error as exc:
                if "context was destroyed" not in str(exc):
                    raise
            assert time.monotonic() < deadline, f"never true: {expression}"
            self.page.wait_for_timeout(20)

    def connected(self) -> None:
        """The reload script ran (under the page's policy) and opened its event stream."""
        deadline = time.monotonic() + SHOWS / 1000
        while not self.events_requests:
            assert time.monotonic() < deadline, f"no event stream from {self.page.url}"
            self.page.wait_for_timeout(20)
        self.page.wait_for_timeout(150)  # the stream's request reaches the server


@pytest.fixture
def preview(briefing: Briefing, tmp_path: Path) -> Iterator[Preview]:
    running = start_preview(tmp_path, briefing.content)
    yield running
    running.stop()


@pytest.fixture
def tab(browser: Any, preview: Preview) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1000, "height": 600})
    context.add_init_script(REPORT_CSP)
    tab = Tab(context.new_page(), preview)
    tab.page.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" and not EXPECTED_STATUS.search(m.text) else None)
    tab.page.on("pageerror", lambda e: tab.problems.append(f"uncaught: {e}"))
    tab.page.on("request", lambda r: tab.events_requests.append(r.url) if "/__preview__/events" in r.url else None)
    yield tab
    context.close()
    assert tab.problems == [], "console errors or CSP violations:\n" + "\n".join(tab.problems)


def test_every_page_kind_runs_the_reload_script_under_its_own_policy(tab: Tab, briefing: Briefing) -> None:
    pages = sorted(p.relative_to(tab.preview.out).as_posix() for p in tab.preview.out.rglob("*.html"))
    assert "404.html" in pages and "actors/ana-ruiz.html" in pages and "search.html" in pages
    for page in pages + ["no/such/page.html"]:
        tab.open(page)
        tab.connected()


def test_an_actor_edit_shows_without_navigation(tab: Tab, briefing: Briefing) -> None:
    tab.open("actors/ana-ruiz.html")
    tab.connected()
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    tab.shows("Ruiz steered the talks")


def test_an_edit_shows_in_place_and_the_page_then_reloads_with_its_scripts(tab: Tab, briefing: Briefing) -> None:
    tab.open("actors/ana-ruiz.html")
    tab.connected()
    tab.until("document.getElementById('link-preview') !== null")  # site.js's link previews are set up
    tab.page.evaluate("window.sameDocument = true")
    briefing.replace("actors/ana-ruiz.md", "Ruiz led the talks", "Ruiz steered the talks")
    tab.shows("Ruiz steered the talks")
    tab.until("window.sameDocument === undefined")  # then a real reload: a fresh document ...
    tab.until("document.getElementById('link-preview') !== null")  # ... whose own scripts ran again
    tab.shows("Ruiz steered the talks")


def test_three_saves_150_ms_apart_end_on_the_last(tab: Tab, briefing: Briefing) -> None:
    tab.open("actors/ana-ruiz.html")
    tab.connected()
    previous = "Ruiz led the talks"
    for word in ("first", "second", "third"):
        briefing.replace("actors/ana-ruiz.md", previous, f"Ruiz led the {word} talks")
        previous = f"Ruiz led the {word} talks"
        time.sleep(0.15)
    tab.shows("Ruiz led the third talks")
    tab.page.wait_for_timeout(800)  # nothing older may arrive late
    body = tab.page.locator("body").inner_text()
    assert "Ruiz led the third talks" in body and "second talks" not in body


def test_template_and_briefing_edits_show_without_navigation(tab: Tab, briefing: Briefing) -> None:
    tab.open("actors/ana-ruiz.html")
    tab.connected()
    base = tab.preview.templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace('<main id="main">', '<main id="main"><p>Template probe</p>'),
                    encoding="utf-8")
    tab.shows("Template probe")
    briefing.replace("briefing.yaml", "title: Harbour Talks Briefing", "title: Harbour Talks, Revised")
    tab.shows("Harbour Talks, Revised")


def test_an_error_appears_in_the_open_page_and_vanishes_on_the_fix(tab: Tab, briefing: Briefing) -> None:
    from playwright.sync_api import expect

    tab.open("actors/ana-ruiz.html")
    tab.connected()
    tab.page.evaluate("window.sameDocument = true")
    briefing.append("events.yaml", "- id: [broken\n")
    alert = tab.page.locator("#preview-build-error")
    expect(alert).to_contain_text("events.yaml:", timeout=SHOWS)
    expect(alert).to_have_attribute("role", "alert")
    assert tab.page.evaluate("window.sameDocument") is True  # shown over the page, not instead of it

    text = briefing.path("events.yaml").read_text(encoding="utf-8")
    briefing.path("events.yaml").write_text(text.replace("- id: [broken\n", ""), encoding="utf-8")
    expect(alert).to_have_count(0, timeout=SHOWS)
    tab.shows("Ruiz led the talks")


def test_the_error_page_and_the_404_page_reload_by_themselves(tab: Tab, briefing: Briefing) -> None:
    briefing.append("events.yaml", "- id: [broken\n")
    tab.preview.wait_for_log(r"events\.yaml:")
    tab.open("actors/ana-ruiz.html")
    tab.shows("Build failed")
    tab.connected()
    text = briefing.path("events.yaml").read_text(encoding="utf-8")
    briefing.path("events.yaml").write_text(text.replace("- id: [broken\n", ""), encoding="utf-8")
    tab.shows("Ruiz led the talks")

    tab.open("actors/new-envoy.html")
    tab.shows("Page not found")
    tab.connected()
    briefing.write("actors/new-envoy.md", "---\nname: Nadia Envoy\nkind: person\nside: North Port\n---\nA new envoy.\n")
    tab.shows("Nadia Envoy")


def test_a_stylesheet_edit_swaps_in_place_and_a_reload_keeps_the_scroll_position(tab: Tab, briefing: Briefing) -> None:
    tab.open("timeline.html")
    tab.connected()
    tab.page.evaluate("window.sameDocument = true")
    style = tab.preview.templates / "static" / "style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", encoding="utf-8")
    tab.until("getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'")
    assert tab.page.evaluate("window.sameDocument") is True, "a stylesheet edit must not reload the page"

    height = tab.page.evaluate("document.documentElement.scrollHeight")
    assert height > 1200, "the timeline must be long enough to scroll"
    tab.page.evaluate("window.scrollTo(0, 700)")
    briefing.replace("briefing.yaml", "title: Harbour Talks Briefing", "title: Harbour Talks, Revised")
    tab.shows("Harbour Talks, Revised")
    tab.until("window.sameDocument === undefined")  # this time the page did reload
    tab.page.wait_for_load_state("load")
    tab.page.wait_for_timeout(100)
    assert abs(tab.page.evaluate("window.scrollY") - 700) <= 2
