"""Worst-case Markdown for `check`: 30,000 duplicate headings, 60,000 refused links in one
paragraph (plain and with the scheme entity-encoded), 60,000 wikilinks. Prints wall and CPU
seconds of `python build.py check` for each (CPU is what a loaded machine cannot inflate).

    python benchmarks/hostile_markdown.py
"""
from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = "---\ntitle: Big page\n---\nSee [[talks]].\n\n"
DOCUMENTS = {
    "30,000 duplicate headings": "## Notes\n\n" * 30_000,
    "60,000 javascript: links in one paragraph": "[x](javascript:alert(1))\n" * 60_000,
    "60,000 entity-encoded javascript: links": "[x](JaVa&#x53;cript:alert(1))\n" * 60_000,
    "60,000 wikilinks in one paragraph": "[[talks]]\n" * 60_000,
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, body in DOCUMENTS.items():
            content = Path(folder) / "content"
            shutil.rmtree(content, ignore_errors=True)
            shutil.copytree(ROOT / "tests" / "fixtures" / "basic", content)
            (content / "pages" / "big.md").write_text(HEAD + body, encoding="utf-8")
            before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
                                  capture_output=True, text=True)
            wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            size = len((HEAD + body).encode()) / 1e6
            print(f"{name:45} {size:4.1f} MB  exit {proc.returncode}  {wall:6.1f} s wall  {cpu:5.1f} s CPU")


if __name__ == "__main__":
    main()
