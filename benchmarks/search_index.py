"""What the search index costs: Pagefind over a built site's pages, in shards or as one index.

    python benchmarks/generate.py 10000 /tmp/s10k
    python build.py build --content /tmp/s10k/content --out /tmp/s10k/out
    python benchmarks/search_index.py /tmp/s10k/out                 # shards, as the build makes them
    python benchmarks/search_index.py /tmp/s10k/out --single        # one index over every page
    python benchmarks/search_index.py /tmp/s10k/out --copies 3      # each page three times: ~30,000
    python benchmarks/search_index.py /tmp/s10k/out --shard-pages 1000 --processes 1

Prints the pages and shards, wall time, CPU time of Pagefind (every process) and of Python, and
the peak memory (total PSS of this process and its Pagefinds, sampled every 50 ms). The pages
are read from disk as the build reads them back; the index files are counted, not written.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scale import _pss_kb, _tree  # noqa: E402

from generator.search import (SearchIndexer, ShardIndexing, assign_shards, is_indexed,  # noqa: E402
                              page_digest)


def site_pages(site: Path, copies: int) -> dict[str, Path]:
    """{indexed path: file}, each page `copies` times under its own path."""
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return {(f"copy{n}/{path}" if n else path): site / path
            for n in range(copies) for path in paths if is_indexed(path)}


def index_once(pages: dict[str, Path]) -> int:
    indexer = SearchIndexer("en")
    try:
        for path, file in pages.items():
            indexer.add(path, file.read_text(encoding="utf-8"))
        return len(indexer.finish())
    finally:
        indexer.close()


def index_sharded(pages: dict[str, Path], processes: int) -> tuple[int, int]:
    digests = {path: page_digest(file.read_bytes()) for path, file in pages.items()}
    names = list(assign_shards(digests))
    indexing = ShardIndexing(names, digests, lambda path: pages[path].read_bytes(), "en", processes)
    return len(names), sum(1 for _ in indexing.files())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site (its HTML pages are indexed)")
    parser.add_argument("--copies", type=int, default=1, help="index each page this many times")
    parser.add_argument("--single", action="store_true", help="one index over every page (no shards)")
    parser.add_argument("--shard-pages", type=int, help="pages per shard at most (default: the build's)")
    parser.add_argument("--processes", type=int, default=2, help="Pagefind processes at a time")
    args = parser.parse_args()
    if args.shard_pages:
        os.environ["BRIEFING_SEARCH_SHARD_PAGES"] = str(args.shard_pages)
    pages = site_pages(args.site, args.copies)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(os.getpid())))

    threading.Thread(target=sample, daemon=True).start()
    started, cpu = time.perf_counter(), time.process_time()
    shards, files = (1, index_once(pages)) if args.single else index_sharded(pages, args.processes)
    wall = time.perf_counter() - started
    done.set()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{len(pages)} pages, {shards} shard(s), {files} index files: {wall:.1f} s wall, "
          f"Pagefind {children.ru_utime + children.ru_stime:.1f} CPU-s, Python {time.process_time() - cpu:.1f} CPU-s, "
          f"peak {peak[0] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
