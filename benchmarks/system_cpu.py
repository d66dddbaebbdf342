"""Where a cold build's system CPU goes: kernel time by cause, the engine's processes apart
from Pagefind's, sampled with Linux `perf`; and what creating a file costs on this machine.

    python benchmarks/generate.py 10000 /tmp/s10k
    python benchmarks/system_cpu.py /tmp/s10k/content            # a cold build under perf, then the file probe
    python benchmarks/system_cpu.py /tmp/s10k/content --probe-only

Needs `perf` (Debian: `apt-get install linux-perf`) and permission to sample (root, or
kernel.perf_event_paranoid <= 1). The build goes to --out (default /tmp/system-cpu-site; it
and its cache folder are removed first, as a cold build in `scale.py` is). Kernel samples are
put under the first cause found in their call chain (page fault, file creation, write...);
seconds are samples divided by the sampling frequency, so they are estimates.

The file probe creates 20,000 small files in a new folder beside --out and, for comparison,
under /dev/shm (tmpfs), removes them and creates them again at once: on ext4 without a journal
each new inode skips every inode of its block group deleted in the last five minutes, one
lookup each (`recently_deleted` in fs/ext4/ialloc.c), so right after a `rm -rf` of a site a
build pays for it, whatever the engine does.
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# (a function in the kernel call chain, the cause it stands for), the first match wins
CAUSES = [("exc_page_fault", "page faults"), ("ext4_create", "creating files"), ("do_unlinkat", "removing files"),
          ("ext4_rename", "renames"), ("ext4_link", "hard links"), ("vfs_write", "writing"), ("vfs_read", "reading"),
          ("copy_process", "fork"), ("do_exit", "process exit"), ("exit_mmap", "process exit"),
          ("__x64_sys_munmap", "munmap"), ("madvise", "madvise"), ("newfstatat", "stat"), ("statx", "stat"),
          ("sys_futex", "futex (threads)"), ("do_mkdirat", "mkdir"), ("openat", "opening files"),
          ("sys_close", "close"), ("getdents", "listing folders"), ("sys_brk", "brk"), ("mmap", "mmap"),
          ("schedule", "scheduling"), ("irq", "interrupts")]
PAGEFIND = {"pagefind", "tokio-rt-worker"}  # its main thread and its worker threads


def sample_build(content: Path, out: Path, frequency: int) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / ".cache" / f"build-{out.name}", ignore_errors=True)
    data = Path(tempfile.mkdtemp(prefix="system-cpu-")) / "perf.data"
    command = ["perf", "record", "-q", "-F", str(frequency), "-g", "-o", str(data), "--",
               sys.executable, str(PROJECT / "build.py"), "build", "--content", str(content), "--out", str(out), "-q"]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    print(f"cold build under perf: {time.perf_counter() - started:.1f} s wall (sampling slows it)")
    return data


def causes(data: Path) -> dict[str, collections.Counter[str]]:
    """{"engine" or "pagefind": Counter of "user", "kernel" and each kernel cause, in samples}."""
    script = subprocess.run(["perf", "script", "-i", str(data), "-F", "comm,ip,sym,dso"],
                            capture_output=True, text=True, check=True).stdout
    found: dict[str, collections.Counter[str]] = {"engine": collections.Counter(), "pagefind": collections.Counter()}
    for block in script.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        if len(lines) < 2:
            continue
        counter = found["pagefind" if lines[0].split()[0] in PAGEFIND else "engine"]
        if "kernel.kallsyms" not in lines[1]:
            counter["user"] += 1
            continue
        chain = " ".join(lines[1:])
        counter["kernel"] += 1
        counter[next((cause for function, cause in CAUSES if function in chain), "other kernel work")] += 1
    return found


def report(found: dict[str, collections.Counter[str]], frequency: int) -> None:
    for who, counter in found.items():
        print(f"{who}: user {counter['user'] / frequency:.2f} s, kernel {counter['kernel'] / frequency:.2f} s")
        for cause, samples in counter.most_common():
            if cause not in ("user", "kernel") and samples / frequency >= 0.02:
                print(f"    {cause:<20} {samples / frequency:6.2f} s")


def create_files(folder: Path, count: int) -> float:
    """System CPU seconds to create `count` files of 4 KB in `folder` (made here)."""
    folder.mkdir()
    data = b"x" * 4096
    before = os.times().system
    for i in range(count):
        fd = os.open(folder / f"f{i}.html", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.close(fd)
    return os.times().system - before


def probe(beside: Path, count: int = 20_000) -> None:
    places = [beside.parent] + ([Path("/dev/shm")] if Path("/dev/shm").is_dir() else [])
    for place in places:
        root = Path(tempfile.mkdtemp(prefix=".system-cpu-probe-", dir=place))
        try:
            first = create_files(root / "a", count)
            shutil.rmtree(root / "a")
            again = create_files(root / "b", count)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"creating {count:,} files in {place}: {first:.2f} s system CPU ({first / count * 1e6:.0f} µs each); "
              f"right after removing them: {again:.2f} s ({again / count * 1e6:.0f} µs each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/system-cpu-site"))
    parser.add_argument("--frequency", type=int, default=499, help="samples per second and CPU")
    parser.add_argument("--probe-only", action="store_true", help="only the file creation probe")
    args = parser.parse_args()
    if not args.probe_only:
        if shutil.which("perf") is None:
            raise SystemExit("perf not found: apt-get install linux-perf (or pass --probe-only)")
        data = sample_build(args.content.resolve(), args.out.absolute(), args.frequency)
        report(causes(data), args.frequency)
        shutil.rmtree(data.parent, ignore_errors=True)
    probe(args.out.absolute())


if __name__ == "__main__":
    main()
