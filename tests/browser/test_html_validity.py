"""The Nu Html Checker (vnu.jar, from the npm package vnu-jar) finds no error on any page."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browsersite import VNU_JAR, BuiltSite, missing


def test_every_page_is_valid_html(site: BuiltSite, artifacts: Path) -> None:
    java = shutil.which("java")
    if java is None:
        missing("Java is not installed (the Nu Html Checker needs Java 11 or newer)")
    if not VNU_JAR.is_file():
        missing("vnu.jar is not installed (npm ci --prefix tests/browser)")
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
                          str(site.folder)], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m.get("type") in ("error", "non-document-error")]
    (artifacts / f"vnu-{site.name}.json").write_text(
        json.dumps({"pages": len(site.html_pages()), "errors": len(errors)}) + "\n", encoding="utf-8")
    assert run.returncode in (0, 1) and errors == [], "\n".join(errors)
