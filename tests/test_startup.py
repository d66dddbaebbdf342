"""Start-up: a command imports only what it uses, so a small build and `check` start fast.

Importing is a large part of a small build (Jinja, markdown-it, PyYAML, click: most of 0.3 s),
so what a command does not need stays unimported: `check` renders nothing, and a small build
forks no workers and runs no asyncio client.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import BASIC, PROJECT_ROOT

HEAVY = ("jinja2", "generator.render", "generator.exports", "generator.search", "generator.write",
         "multiprocessing", "asyncio", "icalendar")


def imported_by(command: list[str]) -> list[str]:
    """Which of HEAVY a CLI command, run in a fresh interpreter, has imported by its end."""
    code = ("import sys\nfrom generator.cli import main\n"
            f"try:\n    main({command!r}, standalone_mode=False)\nfinally:\n"
            f"    print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own printed list


def test_check_imports_nothing_that_renders(tmp_path: Path) -> None:
    assert imported_by(["check", "--content", str(BASIC)]) == []


def test_a_small_build_forks_no_workers_and_runs_no_asyncio(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert imported_by(["build", "-q", "--no-cache", "--content", str(BASIC), "--out", str(out)]) == [
        "generator.exports", "generator.render", "generator.search", "generator.write", "jinja2"]
    assert (out / "deadlines.ics").is_file() and (out / "pagefind").is_dir()


def test_the_pagefind_binary_is_found_where_pagefind_looks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from pagefind.service import get_executable

    from generator.search import _pagefind_binary
    assert _pagefind_binary() == str(get_executable())
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/opt/pagefind")
    assert _pagefind_binary() == str(get_executable()) == "/opt/pagefind"
