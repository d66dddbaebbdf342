"""Helpers to run the engine as a user would: the CLI in-process or as a subprocess, on a
writable copy of the fixture briefing. (Kept out of conftest.py, which is not importable by name
once another conftest.py exists under tests/.)

Most tests run the CLI in-process through click's CliRunner (fast); the few that must see what a
user's shell sees (exit codes, no traceback) run `python build.py` in a subprocess.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
BASIC = FIXTURES / "basic"
TEXTS = FIXTURES / "texts"

if str(PROJECT_ROOT) not in sys.path:  # `pytest` run from anywhere can import generator/
    sys.path.insert(0, str(PROJECT_ROOT))

from generator.cli import main  # noqa: E402


def run_build_py(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` from the project root, as a user would type it."""
    return subprocess.run([sys.executable, "build.py", *map(str, args)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def invoke(*args: str | Path) -> Result:
    """The CLI in-process; paths in messages are shown relative to the current folder."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (and '<dir>' for every folder) under `folder`."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        digest[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


class Briefing:
    """A copy of tests/fixtures/basic at ROOT/content; the current folder is ROOT."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        shutil.copytree(BASIC, self.content)

    def path(self, rel: str) -> Path:
        return self.content / rel

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.path(rel).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {rel}"
        self.path(rel).write_text(text.replace(old, new), encoding="utf-8")

    def append(self, rel: str, text: str) -> None:
        with self.path(rel).open("a", encoding="utf-8") as f:
            f.write(text)

    def write(self, rel: str, data: str | bytes) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")

    def check(self, *args: str | Path) -> Result:
        return invoke("check", "--content", "content", *args)

    def build(self, *args: str | Path, out: str = "site") -> Result:
        return invoke("build", "--content", "content", "--out", out, *args)
