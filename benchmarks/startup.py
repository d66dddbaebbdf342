"""Start-up and checking: the default briefing's cold build, and loading and `check` at scale.

    python3 benchmarks/startup.py                 # default briefing 10 times; 10,000 pages 3 times
    python3 benchmarks/startup.py --pages 1000 --runs 5

Prints min and median of wall time and CPU time (user + system, children such as Pagefind
included) for:
- `build --no-cache -q` of the default briefing, `site/` and `.cache/` removed before each run
  (into a temporary folder, so the project's own site/ is left alone);
- the load stage alone at N pages (in this process, the stage's own CPU time, with the cyclic
  garbage collector paused as the pipeline pauses it);
- `check` at N pages, with the Markdown facts cached as a build leaves them (the way
  benchmarks/scale.py runs it, after builds).
Run it with the project's interpreter (.venv/bin/python). On a shared machine, CPU time is the
steadier figure.
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(PROJECT))

from generate import generate  # noqa: E402


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def report(name: str, runs: list[tuple[float, float]]) -> None:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    print(f"  {name:<34} wall min {min(walls):6.3f} median {statistics.median(walls):6.3f}   "
          f"CPU min {min(cpus):6.3f} median {statistics.median(cpus):6.3f}   ({len(runs)} runs)", flush=True)


def default_build(runs: int, work: Path) -> None:
    out = work / "default-site"
    cache = work / ".cache"
    results = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        results.append(timed([sys.executable, str(PROJECT / "build.py"), "build", "--no-cache", "-q", "--out", str(out)],
                             PROJECT))
    report("default briefing, cold build", results)


def load_stage(content: Path, runs: int) -> None:
    from generator.config import BuildConfig
    from generator.kind import list_files
    from generator.load import load_content

    kinds = tuple(list_files(BuildConfig().entity_kinds))
    results = []
    for _ in range(runs):
        gc.disable()  # as the pipeline loads: with the cyclic collector paused
        started, cpu = time.perf_counter(), time.process_time()
        load_content(content, list_files=kinds)
        results.append((time.perf_counter() - started, time.process_time() - cpu))
        gc.enable()
    report("load stage (in process)", results)


def check(root: Path, runs: int) -> None:
    from generator.pipeline import check_content  # (also where older versions kept it)
    from generator.cache import cache_folder
    from generator.config import BuildConfig

    # The facts a build of ./site leaves in .cache/build-site, which `check` reads (keyed by the
    # texts' paths as shown, so made from the same folder).
    here = Path.cwd()
    os.chdir(root)
    try:
        check_content(BuildConfig(content_dir=Path("content")), cache_dir=cache_folder(Path("site")), workers=2)
    finally:
        os.chdir(here)
    report("check (facts cached)", [timed([sys.executable, str(PROJECT / "build.py"), "check", "--content", "content"], root)
                                    for _ in range(runs)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="runs at N pages (the default briefing gets 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-startup-") as tmp:
        work = Path(tmp)
        default_build(10, work)
        root = work / f"pages-{args.pages}"
        generate(args.pages, root)
        print(f"{args.pages:,} pages:")
        load_stage(root / "content", args.runs)
        check(root, args.runs)


if __name__ == "__main__":
    main()
