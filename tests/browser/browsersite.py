"""What the browser tests share: where things are, the built site, and the http handler that
serves it under its base path with the headers netlify.toml sets (as Netlify would)."""
from __future__ import annotations

import http.server
import json
import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AXE_JS = PROJECT_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = PROJECT_ROOT / "tests" / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BRIEFINGS = {"fixture": PROJECT_ROOT / "tests" / "fixtures" / "basic", "default": PROJECT_ROOT / "content"}


def missing(reason: str) -> NoReturn:
    """Skip a test whose tool is missing; under REQUIRE_BROWSER=1 (CI) fail it instead, so a
    failed Chromium install can never let CI pass with the browser tests silently skipped."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason}; skipped (set REQUIRE_BROWSER=1 to make this a failure)")


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and os.access(found, os.X_OK) else None


@dataclass(frozen=True)
class BuiltSite:
    name: str
    folder: Path
    root_url: str  # where the test server serves the site, ending in /

    def url(self, page: str) -> str:
        return self.root_url + page

    def html_pages(self) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*.html"))

    def data(self) -> dict[str, Any]:
        return json.loads((self.folder / "briefing.json").read_text(encoding="utf-8"))


def netlify_headers() -> dict[str, str]:
    """The headers netlify.toml sets on every path, so the tests run under the deployed policy."""
    config = tomllib.loads((PROJECT_ROOT / "netlify.toml").read_text(encoding="utf-8"))
    headers: dict[str, str] = {}
    for rule in config.get("headers", []):
        if rule.get("for") == "/*":
            headers.update(rule.get("values", {}))
    return headers


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one built site under its base path; a missing page gets 404.html with status 404."""

    base_path = "/"
    extra_headers: dict[str, str] = {}

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        clean = "/" + clean[len(self.base_path):] if clean.startswith(self.base_path) else "/.outside-the-site"
        return super().translate_path(clean)

    def send_head(self):  # type: ignore[no-untyped-def]
        target = Path(self.translate_path(self.path))
        if not (target / "index.html" if target.is_dir() else target).is_file():
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass
