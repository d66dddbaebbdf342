"""Each kind's records get its own label in link previews, with no edit to site.js: the page
writes the kind's noun on each link (data-kind), for the built-in kinds and for the one only
the tests know (risks, tests/kind_risk.py); site.js names no page path. In real Chromium, under
the site's own Content-Security-Policy."""
from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsersite import PROJECT_ROOT, SiteHandler, netlify_headers

if str(PROJECT_ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))

import kind_risk  # noqa: E402
from generator.config import BuildConfig  # noqa: E402
from generator.kinds import BUILTIN_KINDS  # noqa: E402
from generator.pipeline import build_site  # noqa: E402


@pytest.fixture(scope="module")
def risk_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("kinds")
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "basic", root / "content")
    shutil.copytree(PROJECT_ROOT / "templates", root / "templates")
    for name in ("risks.html", "_actor_risks.html", "_home_risks.html"):
        shutil.copy(PROJECT_ROOT / "tests" / "fixtures" / "kinds" / name, root / "templates")
    (root / "content" / "risks.yaml").write_text(
        "- id: port-strike\n  risk: Dockers strike\n  likelihood: high\n  body: The union threatens it [@courier].\n",
        encoding="utf-8")
    with (root / "content" / "pages" / "framework.md").open("a", encoding="utf-8") as f:
        f.write("\nRisks: [[port-strike]]; commitments: [[north-berths]]; the customs house.\n"
                "\nBuilt-in kinds: [[talks]], [[review-window]], [[ben-hold]], [[view-ben]], [[gazette]], [[about]].\n")
    build_site(BuildConfig(content_dir=root / "content", templates_dir=root / "templates", out_dir=root / "site",
                           kinds=(*BUILTIN_KINDS, kind_risk.KIND)))
    handler = type("Handler", (SiteHandler,), {"base_path": "/", "extra_headers": netlify_headers()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("selector, label", [
    ('main a.xref[href="risks.html#port-strike"]', "Risk"),
    ('main a.xref[href="commitments.html#north-berths"]', "Commitment"),
    ('main a.gloss[href="glossary.html#customs-house"]', "Glossary"),
    ('main a.xref[href^="actors/"]', "Actor"),
    ('main a.xref[href="timeline.html#talks"]', "Timeline"),
    ('main a.xref[href="timeline.html#review-window"]', "Timeline"),
    ('main a.xref[href="quotes.html#ben-hold"]', "Quotation"),
    ('main a.xref[href="views.html#view-ben"]', "Analyst view"),
    ('main a.xref[href="sources.html#gazette"]', "Source"),
    ('main a.xref[href="about.html"]', "Page"),
    ('main sup.cite a', "Source"),
])
def test_a_link_preview_names_the_kind_of_record(risk_site: str, browser: Any, selector: str, label: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(risk_site + "framework.html")
    link = page.locator(selector).first
    link.hover()
    popup = page.locator("#link-preview")
    popup.wait_for(state="visible")
    assert popup.locator(".preview-kind").text_content() == label
    assert link.get_attribute("data-preview") in popup.inner_text()
    assert errors == []
    page.close()


def test_site_js_names_no_page_path() -> None:
    """What a preview calls a record comes from the record's kind (data-kind), never from where
    its page lives: site.js matches no page path."""
    script = (PROJECT_ROOT / "templates" / "static" / "site.js").read_text(encoding="utf-8")
    assert ".html" not in script and "actors/" not in script and "pathname" not in script
