"""Wall time, CPU and peak memory of the first build after the engine itself changed.

    .venv/bin/python benchmarks/generate.py 30000 /tmp/s30k
    .venv/bin/python benchmarks/engine_change.py /tmp/s30k            # cold, then after an engine change
    .venv/bin/python benchmarks/engine_change.py /tmp/s30k --repeats 2

Copies the engine (`build.py`, `generator/`, `templates/`) into DIR/engine, builds DIR/content
with that copy from scratch (no site, no build cache), then adds a comment to one of the copy's
engine files, as a new version of `generator/` would change it, and builds again: every cached
text and file is stale, and the last build's record and caches are all there. Peak memory is
the largest total PSS of the process tree (the build, its workers, Pagefind), sampled every
200 ms as `scale.py` samples it.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import PROJECT, Run, measure  # noqa: E402


def copy_engine(engine: Path) -> None:
    shutil.rmtree(engine, ignore_errors=True)
    engine.mkdir(parents=True)
    shutil.copy2(PROJECT / "build.py", engine / "build.py")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PROJECT / "generator", engine / "generator", ignore=ignore)
    shutil.copytree(PROJECT / "templates", engine / "templates", ignore=ignore)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="a folder made by generate.py (its content/ is built)")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    root, engine = args.root.absolute(), args.root.absolute() / "engine"
    build = [sys.executable, str(engine / "build.py"), "build", "--content", str(root / "content"),
             "--templates", str(engine / "templates"), "--out", "site", "-q"]
    for repeat in range(1, args.repeats + 1):
        copy_engine(engine)
        for path in (root / "site", root / ".cache"):
            shutil.rmtree(path, ignore_errors=True)
        _print(repeat, "cold build", measure(build, root))
        with open(engine / "generator" / "__init__.py", "a", encoding="utf-8") as f:
            f.write(f"# a new version of the engine ({repeat})\n")
        _print(repeat, "after an engine change", measure(build, root))


def _print(repeat: int, name: str, run: Run) -> None:
    print(f"{repeat}: {name:<24} {run.seconds:7.1f} s wall {run.cpu_seconds:7.1f} s CPU {run.peak_mb:7.0f} MB peak",
          flush=True)


if __name__ == "__main__":
    main()
