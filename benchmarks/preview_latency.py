"""Save-to-visible latency of the live preview, measured in headless Chromium under the pages' own CSP.

    .venv/bin/python benchmarks/preview_latency.py [--content content] [--chromium /usr/bin/chromium]

Runs `python build.py serve` on a copy of the briefing and its templates, opens an actor's page and
saves files as an editor would: 12 saves of the actor's Markdown (the last three 150 ms apart), then
template edits and briefing.yaml edits. Each save writes a new marker word; a script added by the
browser (outside the page's policy) timestamps, with a MutationObserver, the moment each marker
enters the page's body. Latency = that moment minus the moment before the file was written (one
clock: both are the machine's wall clock). A save counts as seen once its marker, or a later save's
marker in the same series, is in the page; a series whose last marker never shows is "dropped".
Prints median and max per kind, the number dropped, and every console error or CSP violation;
also, per save, the part until the page's reload began (it can be negative in a burst: a reload
already under way waits for the rebuild in progress and so shows the newer save).
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
TARGETS = {"actor": (100, 250), "template": (300, None), "briefing": (150, None)}  # median, max (ms)
WAIT_SECONDS = 5.0

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
            threading.Thread(target=lambda: log.extend(l.rstrip() for l in proc.stdout), daemon=True).start()  # type: ignore[union-attr]
            return proc, match.group(1), log
    sys.exit("the preview server did not start:\n" + "\n".join(log))


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
    """Per save: ms until its marker or a later one in the series showed, and of that the part
    before the page's reload started; and 1 if the series' last marker never showed."""
    total, before_reload = [], []
    for i, (_, written) in enumerate(series.writes):
        shown = sorted(seen[m] for m, _ in series.writes[i:] if m in seen)
        if shown:
            total.append(shown[0][0] - written * 1000)
            before_reload.append(shown[0][1] - written * 1000)
    return total, before_reload, 0 if series.writes and series.writes[-1][0] in seen else 1


def run(content_src: Path, chromium: str, actor_saves: int, other_saves: int, verbose: bool) -> int:
    from playwright.sync_api import sync_playwright

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    work = Path(tempfile.mkdtemp(prefix="preview-latency-"))
    content, templates = work / "content", work / "templates"
    shutil.copytree(content_src, content)
    shutil.copytree(ROOT / "templates", templates)
    actor = sorted((content / "actors").glob("*.md"))[0]
    actor.write_text(actor.read_text(encoding="utf-8").rstrip() + "\n\nMarker: actorprobe0x.\n", encoding="utf-8")
    replace_marker(content / "briefing.yaml", r"(?m)^title: ", "title: briefingprobe0x ")
    replace_marker(templates / "base.html", r"<main id=\"main\">", '<main id="main"><p>templateprobe0x</p>')
    proc, url, log = start_server(content, templates, work / "site")
    problems: list[str] = []
    series = {kind: Series(kind) for kind in ("actor", "template", "briefing")}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_context().new_page()
            page.add_init_script(PROBE_JS)
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{url}actors/{actor.stem}.html")
            page.wait_for_function("() => document.querySelector('script[src=\"/__preview__/reload.js\"]')")
            time.sleep(0.5)  # the event stream connects
            s = series["actor"]
            for n in range(1, actor_saves - 2):
                wait_seen(page, save(s, actor, r"actorprobe\d+x", n))
                time.sleep(0.3)
            for n in range(actor_saves - 2, actor_saves + 1):  # three saves 150 ms apart
                save(s, actor, r"actorprobe\d+x", n)
                time.sleep(0.15)
            wait_seen(page, s.writes[-1][0])
            time.sleep(0.3)
            for kind, path, pattern in (("template", templates / "base.html", r"templateprobe\d+x"),
                                        ("briefing", content / "briefing.yaml", r"briefingprobe\d+x")):
                for n in range(1, other_saves + 1):
                    wait_seen(page, save(series[kind], path, pattern, n))
                    time.sleep(0.4)
            seen = seen_times(page)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    if verbose:
        print("\n".join(line for line in log if "ok in" in line))
    return report(series, seen, problems)


def report(series: dict[str, Series], seen: dict[str, list[float]], problems: list[str]) -> int:
    dropped_total = 0
    for kind, s in series.items():
        values, server_part, dropped = latencies(s, seen)
        dropped_total += dropped + len(s.writes) - len(values)
        median_target, max_target = TARGETS[kind]
        verdict = "ok" if values and statistics.median(values) < median_target and \
            (max_target is None or max(values) < max_target) else "MISSED"
        print(f"{kind:<9} saves {len(s.writes):>2}  median {statistics.median(values) if values else float('nan'):6.1f} ms"
              f"  max {max(values) if values else float('nan'):6.1f} ms  dropped {dropped + len(s.writes) - len(values)}"
              f"  (target median < {median_target} ms{f', max < {max_target} ms' if max_target else ''}: {verdict})")
        print("          each: " + " ".join(f"{v:.0f}" for v in values))
        print("          of which save to reload start (watch, rebuild, push): " + " ".join(f"{v:.0f}" for v in server_part))
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
    parser.add_argument("-v", "--verbose", action="store_true", help="also print the server's rebuild times")
    args = parser.parse_args()
    sys.exit(run(args.content, chromium_path(args.chromium), args.actor_saves, args.other_saves, args.verbose))


if __name__ == "__main__":
    main()
