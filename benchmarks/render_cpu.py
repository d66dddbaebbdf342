"""CPU and wall time of the resolve stage (load, validate, parse every text) and of rendering
every page, each with its worker processes, on a content folder; nothing is written.

    python benchmarks/generate.py 10000 /tmp/s10k
    python benchmarks/render_cpu.py /tmp/s10k/content            # -j 2
    python benchmarks/render_cpu.py /tmp/s10k/content --jobs 1

CPU time (user + system, this process and its workers) is the steadier figure on a shared machine.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.config import BuildConfig  # noqa: E402
from generator.pipeline import BuildReport, check_content, heap_frozen  # noqa: E402
from generator.render import make_environment, page_plan, render_pages  # noqa: E402


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    config = BuildConfig(content_dir=args.content)
    cpu, wall = cpu_seconds(), time.perf_counter()
    resolved = check_content(config, BuildReport(), workers=args.jobs)
    resolve_cpu, resolve_wall = cpu_seconds() - cpu, time.perf_counter() - wall
    cpu, wall = cpu_seconds(), time.perf_counter()
    plan = page_plan(resolved)
    with heap_frozen():
        size = sum(len(html) for _, html in render_pages(resolved, plan, make_environment(config.templates_dir),
                                                         None, args.jobs))
    print(f"resolve stage: {resolve_cpu:.1f} CPU-s, {resolve_wall:.1f} s wall | "
          f"render {len(plan)} pages: {cpu_seconds() - cpu:.1f} CPU-s, {time.perf_counter() - wall:.1f} s wall, "
          f"{size / 1e6:.0f} MB of HTML")


if __name__ == "__main__":
    main()
