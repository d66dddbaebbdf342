"""How long `python build.py serve` takes from its start to the first page served.

    .venv/bin/python benchmarks/generate.py 10000 /tmp/s10k
    .venv/bin/python benchmarks/serve_start.py --content /tmp/s10k/content              # cold, then after a build
    .venv/bin/python benchmarks/serve_start.py --content /tmp/s10k/content --repeats 3

For each repeat, two starts of the preview on one output folder (beside the content folder,
`serve-out/`): *cold* (no output folder, no build cache), then *after a build*, once
`python build.py build` has built the same briefing into the same folder and nothing changed.
Each start is timed from the moment the server process is started until `GET /` has answered
with the home page in full (polled every 20 ms); CPU is the server's user + system time by then,
with its workers' (children it waited for). Also printed: when the preview holds its state for
edits (its log's "full build ok" or "nothing changed since the last build"), and the most
processes its tree held at once (more than one: the build's workers or Pagefind). Medians are
printed, with every run.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 600.0
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import _tree  # noqa: E402  # the process tree under a pid, as scale.py samples it


def first_page(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
        conn.request("GET", "/")
        response = conn.getresponse()
        body = response.read()
        conn.close()
    except OSError:
        return False
    return response.status == 200 and b"</html>" in body


def cpu_seconds(pid: int) -> float:
    """User + system time of the process and of the children it has waited for."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def start(content: Path, templates: Path, out: Path) -> tuple[float, float, int, float]:
    """(seconds to the first page served, CPU seconds by then, the most processes seen at once,
    seconds until the preview holds its state for edits) for one start of the preview."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                             "--templates", str(templates), "--out", str(out), "--port", "0", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=out.parent)
    most, ready = [1], []
    threading.Thread(target=_sample, args=(proc, most), daemon=True).start()
    try:
        port = _port(proc, started, ready)
        while not first_page(port):
            if proc.poll() is not None or time.perf_counter() - started > TIMEOUT_SECONDS:
                sys.exit("the preview did not serve its home page")
            time.sleep(0.02)
        served, cpu = time.perf_counter() - started, cpu_seconds(proc.pid)
        while not ready and proc.poll() is None and time.perf_counter() - started < TIMEOUT_SECONDS:
            time.sleep(0.02)
        return served, cpu, most[0], ready[0] if ready else float("nan")
    finally:
        proc.terminate()
        proc.wait()


def _sample(proc: subprocess.Popen[str], most: list[int]) -> None:
    while proc.poll() is None:
        most[0] = max(most[0], len(_tree(proc.pid)))
        time.sleep(0.1)


def _port(proc: subprocess.Popen[str], started: float, ready: list[float]) -> int:
    """The port the preview listens on, from its log (printed before it serves anything). The
    rest of the log is read on a thread, which notes when the first build or read-back is done."""
    assert proc.stdout is not None
    log = []
    for line in proc.stdout:
        log.append(line)
        _note_ready(line, started, ready)
        if "serving " in line and " at http://127.0.0.1:" in line:
            threading.Thread(target=_read_log, args=(proc, started, ready), daemon=True).start()
            return int(line.split(" at http://127.0.0.1:")[1].split("/")[0])
    sys.exit("the preview did not start:\n" + "".join(log))


def _read_log(proc: subprocess.Popen[str], started: float, ready: list[float]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        _note_ready(line, started, ready)


def _note_ready(line: str, started: float, ready: list[float]) -> None:
    if not ready and line.startswith(("full build ok", "nothing changed since the last build")):
        ready.append(time.perf_counter() - started)


def build(content: Path, templates: Path, out: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "-q", "--content", str(content),
                    "--templates", str(templates), "--out", str(out)], check=True, cwd=out.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    out = args.content.absolute().parent / "serve-out"
    runs: dict[str, list[tuple[float, float, int, float]]] = {"cold": [], "after a build": []}
    for _ in range(args.repeats):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.parent / ".cache" / f"build-{out.name}", ignore_errors=True)
        _report("cold", runs["cold"], start(args.content, args.templates, out))
        build(args.content, args.templates, out)
        _report("after a build", runs["after a build"], start(args.content, args.templates, out))
    for name, found in runs.items():
        print(f"{name}: median {statistics.median(run[0] for run in found):.2f} s to the first page served, "
              f"{statistics.median(run[1] for run in found):.1f} s CPU; ready for edits at "
              f"{statistics.median(run[3] for run in found):.2f} s (of {len(found)} starts)")


def _report(name: str, runs: list[tuple[float, float, int, float]], run: tuple[float, float, int, float]) -> None:
    runs.append(run)
    print(f"{name}: first page served at {run[0]:.2f} s wall, {run[1]:.1f} s CPU, up to {run[2]} processes at once; "
          f"ready for edits at {run[3]:.2f} s", flush=True)


if __name__ == "__main__":
    main()
