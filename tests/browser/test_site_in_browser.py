"""The built site in a real browser: clean loads, accessibility, links, search, previews, print.

Each test runs once per briefing (the fixture and the default content; see conftest.py).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from browsersite import AXE_JS, BuiltSite

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
SCREENSHOT_WIDTHS = (390, 1280)


class Watcher:
    """Console errors, uncaught exceptions, failed requests and HTTP errors of one browser page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console error: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def _failed(self, request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":  # cancelled by the next navigation, not missing (that is a 404)
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def visit(self, url: str) -> list[str]:
        self.problems = []
        self.page.goto(url, wait_until="load")
        return self.problems


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def _content_pages(site: BuiltSite) -> list[str]:
    return [p for p in site.html_pages() if p != "404.html"]


def _axe_report(violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                            for n in v["nodes"][:4])
        lines.append(f"axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
    return lines


def test_every_page_loads_cleanly_and_has_no_axe_violation(site: BuiltSite, browser: Any, axe_source: str,
                                                           scheme: str, artifacts: Path) -> None:
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    ctx.add_init_script(path=str(AXE_JS))  # before the page's own scripts, outside its CSP
    watcher = Watcher(ctx.new_page())
    problems: dict[str, list[str]] = {}
    violations = 0
    for page in _content_pages(site):
        found = watcher.visit(site.url(page))
        result = watcher.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        violations += len(result["violations"])
        found += _axe_report(result["violations"])
        if found:
            problems[page] = found
    ctx.close()
    _record(artifacts, f"axe-{site.name}-{scheme}", {"pages": len(_content_pages(site)), "violations": violations})
    assert not problems, json.dumps(problems, indent=2)


def test_missing_address_gets_the_styled_404_page(site: BuiltSite, context: Any) -> None:
    watcher = Watcher(context.new_page())
    missing = site.url("no/such/deep/page.html")
    found = watcher.visit(missing)
    expected = [f"HTTP 404: {missing}", "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"]
    assert sorted(found) == sorted(expected)  # the page itself is the only 404: its styles and scripts load
    assert watcher.page.locator("h1").inner_text() == "Page not found"
    assert watcher.page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderTopStyle") == "solid"
    watcher.page.get_by_role("link", name="home page").click()
    assert watcher.page.url == site.url("index.html")


def test_every_internal_link_and_anchor_resolves(site: BuiltSite, context: Any) -> None:
    page = context.new_page()
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for path in site.html_pages():
        page.goto(site.url(path), wait_until="domcontentloaded")
        ids[path] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        hrefs = page.eval_on_selector_all("a[href], link[href]", "els => els.map(e => e.href)")
        links += [(path, href) for href in hrefs]
    broken = []
    for source, href in links:
        if not href.startswith(site.root_url):
            assert href.startswith(("https://", "http://", "mailto:")), f"{source}: odd link {href}"
            continue
        target, _, fragment = href[len(site.root_url):].partition("#")
        target = unquote(urlsplit(target).path) or "index.html"
        if not (site.folder / target).is_file():
            broken.append(f"{source}: {href} (no such file)")
        elif fragment and target.endswith(".html") and unquote(fragment) not in ids[target]:
            broken.append(f"{source}: {href} (no element with id {unquote(fragment)!r})")
    assert links and not broken, "\n".join(broken)


def test_search_finds_an_actor_by_name(site: BuiltSite, context: Any) -> None:
    actor = site.data()["actors"][0]
    watcher = Watcher(context.new_page())
    assert watcher.visit(site.url("index.html")) == []
    box = watcher.page.get_by_role("searchbox", name="Search the briefing")
    box.fill(actor["name"])
    box.press("Enter")
    watcher.page.wait_for_url(re.compile(r"search\.html\?q="))
    results = watcher.page.locator("#search-results .result-title a")
    results.first.wait_for(timeout=10_000)
    hrefs = results.evaluate_all("els => els.map(e => e.href)")
    assert site.url(actor["url"]) in hrefs
    assert "match" in watcher.page.locator("#search-status").inner_text()
    assert watcher.problems == []


def test_search_for_nonsense_says_nothing_matches(site: BuiltSite, context: Any) -> None:
    watcher = Watcher(context.new_page())
    watcher.visit(site.url("search.html?q=zzqxqzzy"))
    watcher.page.locator("#search-status", has_text="No pages match").wait_for()
    assert watcher.page.locator("#search-results li").count() == 0
    assert watcher.problems == []


def test_link_previews_open_on_hover_and_focus_and_close_with_escape(site: BuiltSite, context: Any) -> None:
    page = context.new_page()
    page.goto(site.url("index.html"))
    link = page.locator("main a.xref[data-preview]").first
    popup = page.locator("#link-preview")
    link.hover()
    popup.wait_for(state="visible")
    assert link.get_attribute("data-preview") in popup.inner_text()
    page.mouse.move(0, 0)
    popup.wait_for(state="hidden")
    cite = page.locator("main sup.cite a[data-preview]").first
    cite.focus()
    popup.wait_for(state="visible")
    assert cite.get_attribute("aria-describedby") == "link-preview"
    assert cite.get_attribute("data-preview") in popup.inner_text()
    page.keyboard.press("Escape")
    popup.wait_for(state="hidden")
    assert cite.get_attribute("aria-describedby") is None


def test_pages_work_with_javascript_off(site: BuiltSite, browser: Any) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    watcher = Watcher(ctx.new_page())
    for path in ("index.html", "timeline.html", "search.html?q=anything"):
        assert watcher.visit(site.url(path)) == [], path
        assert watcher.page.locator("#site-nav-list").is_visible()
    assert "needs JavaScript" in watcher.page.locator("main").inner_text()
    ctx.close()


def test_narrow_screens_fold_the_navigation_behind_a_menu_button(site: BuiltSite, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.goto(site.url("index.html"))
    nav = page.locator("#site-nav-list")
    button = page.get_by_role("button", name="Menu")
    if page.locator("#site-nav-list > li").count() < 7:
        assert button.count() == 0 and nav.is_visible()
    else:
        assert not nav.is_visible()
        button.click()
        assert nav.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "page scrolls sideways"
    ctx.close()


def test_no_page_scrolls_sideways_on_a_phone(site: BuiltSite, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    wide = []
    for path in _content_pages(site):
        page.goto(site.url(path), wait_until="domcontentloaded")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append(f"{path}: {overflow}px too wide")
    ctx.close()
    assert not wide, "\n".join(wide)


def test_print_hides_navigation_and_shows_sources_and_urls(site: BuiltSite, context: Any, artifacts: Path) -> None:
    page = context.new_page()
    page.goto(site.url("index.html"))
    page.emulate_media(media="print")
    assert page.locator("#site-nav").is_hidden()
    assert page.locator(".site-search").is_hidden()
    endnotes = page.locator(".endnotes")
    assert endnotes.is_visible() and "Sources cited on this page" in endnotes.inner_text()
    page.pdf(path=str(artifacts / f"{site.name}-home.pdf"), format="A4", print_background=True)
    page.goto(site.url("sources.html"))
    page.emulate_media(media="print")
    page.pdf(path=str(artifacts / f"{site.name}-sources.pdf"), format="A4", print_background=True)
    page.goto(site.url("timeline.html"))
    page.emulate_media(media="print")
    external = page.locator("main a[href^='http']:not(.url)")
    if external.count():
        shown = external.first.evaluate("e => getComputedStyle(e, '::after').content")
        assert "attr(href)" in shown or "http" in shown
    page.pdf(path=str(artifacts / f"{site.name}-timeline.pdf"), format="A4", print_background=True)


def test_screenshots_at_phone_and_desktop_width(site: BuiltSite, browser: Any, artifacts: Path) -> None:
    actor = site.data()["actors"][0]["url"]
    pages = {"home": "index.html", "actor": actor, "timeline": "timeline.html", "sources": "sources.html"}
    folder = artifacts / "screenshots" / site.name
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in SCREENSHOT_WIDTHS:
            ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = ctx.new_page()
            for name, path in pages.items():
                if scheme == "dark" and name != "home":
                    continue
                page.goto(site.url(path))
                page.screenshot(path=str(folder / f"{name}-{width}-{scheme}.png"), full_page=True)
            ctx.close()
    assert len(list(folder.glob("*.png"))) == 2 * len(pages) + 2


def _record(artifacts: Path, name: str, data: dict[str, Any]) -> None:
    (artifacts / f"{name}.json").write_text(json.dumps(data) + "\n", encoding="utf-8")
