"""`python build.py serve` as a user runs it, in a subprocess on a copy of a briefing and of the
templates, on a free port it picks itself (`--port 0`). Shared by tests/test_serve.py and the
browser tests of the preview. Only 127.0.0.1 is ever contacted."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine import PROJECT_ROOT

START_SECONDS = 60  # a full build with the search index, on a machine shared with other work


@dataclass
class Preview:
    proc: subprocess.Popen[str]
    url: str  # http://127.0.0.1:PORT/
    templates: Path
    out: Path
    log: list[str] = field(default_factory=list)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def wait_for_log(self, pattern: str, seconds: float = 15) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.log):
                if re.search(pattern, line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no log line matching {pattern!r} in {seconds} s:\n" + "\n".join(self.log))


def start_preview(root: Path, content: Path, *args: str) -> Preview:
    """Serve `content` with a copy of the templates at ROOT/templates; output in ROOT/preview."""
    templates = root / "templates"
    if not templates.exists():
        shutil.copytree(PROJECT_ROOT / "templates", templates)
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "build.py"), "serve", "--content", str(content), "--templates",
         str(templates), "--out", str(root / "preview"), "--port", "0", "--no-browser", *args],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    preview = Preview(proc, "", templates, root / "preview")
    threading.Thread(target=_read_log, args=(proc, preview.log), daemon=True).start()
    try:
        line = preview.wait_for_log(r"serving .* at http://127\.0\.0\.1:\d+/", START_SECONDS)
    except AssertionError:
        preview.stop()
        raise
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match
    preview.url = match.group(0)
    return preview


def _read_log(proc: subprocess.Popen[str], log: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        log.append(line.rstrip("\n"))
