"""Save-to-visible latency of the live preview, measured in headless Chromium under the pages' own CSP.

    .venv/bin/python benchmarks/preview_latency.py [--content content] [--chromium /usr/bin/chromium]
    .venv/bin/python benchmarks/generate.py 10000 /tmp/scale-10k
    .venv/bin/python benchmarks/preview_latency.py --content /tmp/scale-10k/content --edit page --only-body --pause 2

Runs `python build.py serve` on a copy of the briefing and its templates, opens an actor's page (or
with `--edit page` a free page's) and saves files as an editor would: 12 saves of its Markdown (the
last three 150 ms apart), then template edits and briefing.yaml edits (`--only-body` skips those,
which re-render every page of a large briefing). Each save writes a new marker word; a script added by the
browser (outside the page's policy) timestamps, with a MutationObserver, the moment each marker
enters the page's body. Latency = that moment minus the moment before the file was written (one
clock: both are the machine's wall clock). A save counts as seen once its marker, or a later save's
marker in the same series, is in the page; a series whose last marker never shows is "dropped".
Prints median and max per kind, the number dropped, and every console error or CSP violation;
also how many saves showed in the document already open (put in place before the page reloads),
and the server's own side from its log: the fast path (file events in -> open page written and
announced) and the full rebuilds that follow.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"actor": (100, 250), "page": (100, 250), "template": (300, None), "briefing": (150, None)}  # median, max (ms)
SCALE_TARGET = (500, 500)  # issue 11: at 10,000 pages, one edited page visible in < 500 ms
SCALE_PAGES = 5000  # a briefing this large is measured against SCALE_TARGET
WAIT_SECONDS = 5.0
DONE_AT: list[float] = []  # when the server said "rebuild ok"

# Runs in every document before the page's own scripts; records when each marker first appears.
PROBE_JS = r"""
(() => {
  const seen = JSON.parse(sessionStorage.getItem("probe-seen") || "{}");
  const found = /\b([a-z]+)probe(\d+)x\b/g;
  function scan() {
    if (!document.body) return;
    const now = performance.timeOrigin + performance.now();
    let match, fresh = false;
    found.lastIndex = 0;
    const text = document.body.textContent;
    while ((match = found.exec(text)) !== null) {
      if (!(match[0] in seen)) { seen[match[0]] = [now, performance.timeOrigin]; fresh = true; }
    }
    if (fresh) sessionStorage.setItem("probe-seen", JSON.stringify(seen));
  }
  new MutationObserver(scan).observe(document, {childList: true, subtree: true, characterData: true});
  document.addEventListener("securitypolicyviolation",
    (e) => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));
})();
"""


@dataclass
class Series:
    kind: str
    writes: list[tuple[str, float]] = field(default_factory=list)  # (marker, epoch seconds before the write)


def chromium_path(given: str | None) -> str:
    found = given or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        sys.exit("Chromium not found: apt-get install chromium, or pass --chromium PATH")
    return found


def start_server(content: Path, templates: Path, out: Path) -> tuple[subprocess.Popen[str], str, list[str]]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                             "--templates", str(templates), "--out", str(out), "--port", "0", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        log.append(line.rstrip())
        if match := re.search(r"at (http://\S+/) ", line):
            threading.Thread(target=_read_log, args=(proc, log), daemon=True).start()
            return proc, match.group(1), log
    sys.exit("the preview server did not start:\n" + "\n".join(log))


def _read_log(proc: subprocess.Popen[str], log: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        DONE_AT.append(time.time()) if line.startswith("rebuild ok") else None
        log.append(line.rstrip())


def wait_until_current(since: float, seconds: float) -> float | None:
    """Seconds from `since` to the server's next "rebuild ok" (every page and export current)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if done := [t for t in DONE_AT if t > since]:
            return done[0] - since
        time.sleep(0.05)
    return None


def replace_marker(path: Path, pattern: str, marker: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, marker, text, count=1), encoding="utf-8")


def seen_times(page) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    for _ in range(20):  # a reload may be under way: the document (and its storage) comes back
        try:
            return json.loads(page.evaluate("sessionStorage.getItem('probe-seen') || '{}'"))
        except Exception:  # noqa: BLE001 - "execution context was destroyed" during a navigation
            time.sleep(0.01)
    return {}


def wait_seen(page, marker: str, seconds: float = WAIT_SECONDS) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if marker in seen_times(page):
            return True
        time.sleep(0.01)
    return False


def save(series: Series, path: Path, pattern: str, n: int) -> str:
    marker = f"{series.kind}probe{n}x"
    series.writes.append((marker, time.time()))
    replace_marker(path, pattern, marker)
    return marker


def latencies(series: Series, seen: dict[str, list[float]]) -> tuple[list[float], list[float], int]:
    """Per save: ms until its marker or a later one in the series showed, and whether it showed in
    a document loaded before the save (in place); and 1 if the series' last marker never showed."""
    total, in_place = [], []
    for i, (_, written) in enumerate(series.writes):
        shown = sorted(seen[m] for m, _ in series.writes[i:] if m in seen)
        if shown:
            total.append(shown[0][0] - written * 1000)
            in_place.append(float(shown[0][1] < written * 1000))
    return total, in_place, 0 if series.writes and series.writes[-1][0] in seen else 1


def run(content_src: Path, chromium: str, actor_saves: int, other_saves: int, verbose: bool,
        edit: str = "actor", pause: float = 0.3) -> int:
    from playwright.sync_api import sync_playwright

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    work = Path(tempfile.mkdtemp(prefix="preview-latency-"))
    content, templates = work / "content", work / "templates"
    shutil.copytree(content_src, content)
    shutil.copytree(ROOT / "templates", templates)
    folder = "actors" if edit == "actor" else "pages"
    body = sorted((content / folder).glob("*.md"))[0]
    body.write_text(body.read_text(encoding="utf-8").rstrip() + f"\n\nMarker: {edit}probe0x.\n", encoding="utf-8")
    url_path = f"actors/{body.stem}.html" if edit == "actor" else f"{body.stem}.html"
    pages = len(list((content / "pages").glob("*.md")))
    replace_marker(content / "briefing.yaml", r"(?m)^title: ", "title: briefingprobe0x ")
    replace_marker(templates / "base.html", r"<main id=\"main\">", '<main id="main"><p>templateprobe0x</p>')
    proc, url, log = start_server(content, templates, work / "site")
    problems: list[str] = []
    series = {kind: Series(kind) for kind in (edit, "template", "briefing")}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_context().new_page()
            page.add_init_script(PROBE_JS)
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{url}{url_path}")
            page.wait_for_function("() => document.querySelector('script[src=\"/__preview__/reload.js\"]')")
            time.sleep(0.5)  # the event stream connects
            s, marker = series[edit], rf"{edit}probe\d+x"
            for n in range(1, actor_saves - 2):
                wait_seen(page, save(s, body, marker, n))
                time.sleep(pause)
            for n in range(actor_saves - 2, actor_saves + 1):  # three saves 150 ms apart
                save(s, body, marker, n)
                time.sleep(0.15)
            wait_seen(page, s.writes[-1][0])
            current = wait_until_current(s.writes[-1][1], 300)
            print(f"last {edit} save -> the whole site current (the server's 'rebuild ok'): "
                  + (f"{current:.2f} s" if current is not None else "not within 300 s"))
            time.sleep(pause)
            for kind, path, pattern in (("template", templates / "base.html", r"templateprobe\d+x"),
                                        ("briefing", content / "briefing.yaml", r"briefingprobe\d+x")):
                for n in range(1, other_saves + 1 if other_saves else 0):
                    wait_seen(page, save(series[kind], path, pattern, n))
                    time.sleep(0.4)
            seen = seen_times(page)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    if verbose:
        print("\n".join(line for line in log if "ok in" in line or "written in" in line))
    print(f"{pages} free pages")
    server_side(log)
    return report({k: s for k, s in series.items() if s.writes}, seen, problems, pages >= SCALE_PAGES)


def server_side(log: list[str]) -> None:
    """Our side of each save, from the server's log lines."""
    fast = [int(m[1]) for line in log if (m := re.match(r"open pages? written in (\d+) ms", line))]
    full = [int(m[1]) for line in log if (m := re.match(r"rebuild ok in (\d+) ms", line))]
    cut = sum(1 for line in log if line.startswith("rebuild cut short"))
    for name, values in (("fast path, file events in -> open page written and announced", fast),
                         ("full rebuilds that followed", full)):
        if values:
            print(f"server: {name}: median {statistics.median(values):.0f} ms, max {max(values)} ms ({len(values)})")
    print(f"server: full rebuilds cut short by a newer save: {cut}")


def report(series: dict[str, Series], seen: dict[str, list[float]], problems: list[str], at_scale: bool) -> int:
    dropped_total = 0
    for kind, s in series.items():
        values, in_place, dropped = latencies(s, seen)
        dropped_total += dropped + len(s.writes) - len(values)
        median_target, max_target = SCALE_TARGET if at_scale and kind in ("actor", "page") else TARGETS[kind]
        verdict = "ok" if values and statistics.median(values) < median_target and \
            (max_target is None or max(values) < max_target) else "MISSED"
        print(f"{kind:<9} saves {len(s.writes):>2}  median {statistics.median(values) if values else float('nan'):6.1f} ms"
              f"  max {max(values) if values else float('nan'):6.1f} ms  dropped {dropped + len(s.writes) - len(values)}"
              f"  (target median < {median_target} ms{f', max < {max_target} ms' if max_target else ''}: {verdict})")
        print("          each: " + " ".join(f"{v:.0f}" for v in values))
        print(f"          shown in the open document before its reload: {int(sum(in_place))} of {len(values)}")
    print(f"console errors or CSP violations: {len(problems)}; load average after: {os.getloadavg()[0]:.1f}")
    for problem in problems:
        print(f"  {problem}")
    return 1 if dropped_total or problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--chromium", default=None)
    parser.add_argument("--actor-saves", type=int, default=12)
    parser.add_argument("--other-saves", type=int, default=5)
    parser.add_argument("--edit", choices=("actor", "page"), default="actor", help="whose Markdown to edit (default: an actor's)")
    parser.add_argument("--only-body", action="store_true", help="no template or briefing.yaml edits")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between a save showing and the next save")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print the server's rebuild times")
    args = parser.parse_args()
    sys.exit(run(args.content, chromium_path(args.chromium), args.actor_saves, 0 if args.only_body else args.other_saves,
                 args.verbose, args.edit, args.pause))


if __name__ == "__main__":
    main()
