"""Ingest accuracy against the hand-made gold (tests/fixtures/ingest/gold.yaml).

Per article: quotations found (recall), right speaker, precision, noise removed, time. Then the
seed checks: relative dates, the rare-earth conflict, the title differences.

    .venv/bin/python benchmarks/ingest_accuracy.py
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest import InputFile, ingest_articles  # noqa: E402
from generator.ingest.actors import build_registry  # noqa: E402
from generator.ingest.figures import find_conflicts, find_figures, title_differences  # noqa: E402
from generator.evidence import normalise_quote_text  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"


def norm(text: str) -> str:
    return re.sub(r"[^\w\s]", "", normalise_quote_text(text).lower()).strip()


def same_quote(found: str, gold: str) -> bool:
    found_n = norm(found.replace("...", " "))
    parts = [norm(p) for p in gold.split("...") if norm(p)]
    return any(p in found_n or (found_n and found_n in p) for p in parts) or norm(gold) in found_n


def same_speaker(found: str | None, gold: str) -> bool:
    if not found:
        return False
    simple = lambda s: re.sub(r"\b(a|an|the|one)\b", "", s.lower().replace("(unnamed)", "")).split()  # noqa: E731
    return simple(found) == simple(gold)


def score(gold: dict, files: list[Path], label: str, timed: bool = True) -> tuple[int, int, int, int, int, int, int]:
    started = time.perf_counter()
    result = ingest_articles([InputFile(str(p), p.read_bytes()) for p in files])
    per_article = (time.perf_counter() - started) / len(files)
    totals = [0, 0, 0, 0, 0, 0, 0]  # gold, found-of-gold, right speaker, extracted, extracted-real, noise, noise removed
    print(f"\n{label}: {len(files)} articles, {per_article * 1000:.0f} ms per article (batch of {len(files)})")
    print(f"{'article':32} {'found':>9} {'speaker':>9} {'precise':>9} {'noise':>7} {'time alone':>11}")
    for path, article in zip(files, result.articles):
        expected = gold[path.name]
        got = [q for q in result.quotes if q.source_id == article.source_id]
        matched = [next((q for q in got if same_quote(q.text, g["text"])), None) for g in expected["quotes"]]
        found = sum(1 for m in matched if m)
        right = sum(1 for m, g in zip(matched, expected["quotes"])
                    if m and same_speaker(result.speakers.get(_id(result, m.speaker)), g["speaker"]))
        real = sum(1 for q in got if any(same_quote(q.text, g["text"]) for g in expected["quotes"]))
        kept = article.full_text
        removed = sum(1 for n in expected["noise"] if n not in kept)
        n_gold, n_noise = len(expected["quotes"]), len(expected["noise"])
        alone = _time_alone(path) if timed else 0.0
        print(f"{path.name:32} {found:>3}/{n_gold:<5} {right:>3}/{n_gold:<5} {real:>3}/{len(got):<5} {removed:>3}/{n_noise:<3} "
              f"{alone * 1000:>8.0f} ms")
        for value, index in ((n_gold, 0), (found, 1), (right, 2), (len(got), 3), (real, 4), (n_noise, 5), (removed, 6)):
            totals[index] += value
        for m, g in zip(matched, expected["quotes"]):
            if not m:
                print(f"    missed: {g['text'][:70]}")
            elif not same_speaker(result.speakers.get(_id(result, m.speaker)), g["speaker"]):
                print(f"    speaker {m.speaker!r} for {g['speaker']!r}: {g['text'][:50]}")
    return tuple(totals)  # type: ignore[return-value]


def _time_alone(path: Path) -> float:
    """The article ingested on its own, best of three (the draft files included)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        ingest_articles([InputFile(str(path), path.read_bytes())])
        best = min(best, time.perf_counter() - started)
    return best


def _id(result, key: str | None) -> str:
    from generator.ingest.run import UNATTRIBUTED, _actor_ids  # the same ids the draft uses
    registry = build_registry(list(result.articles))
    return _actor_ids(registry, list(result.quotes), ())[key or UNATTRIBUTED]


def seed_checks() -> list[tuple[str, bool]]:
    files = sorted(SEEDS.glob("*.txt"))
    result = ingest_articles([InputFile(str(p), p.read_bytes()) for p in files])
    events = yaml.safe_load(result.files["events.yaml"])
    sources = {s["file"]: s for s in yaml.safe_load(result.files["sources.yaml"])}
    def has(file: str, phrase: str, date: str) -> bool:
        src = sources[file]["id"]
        return any(e["date"] == date and e["title"].startswith(phrase) and f"[@{src}," in e["body"] for e in events)
    figures = [f for a in result.articles for f in find_figures(a)]
    conflicts = find_conflicts(figures)
    titles = {t.actor for t in title_differences(list(build_registry(list(result.articles)).actors.values()))}
    return [
        ("talks' Monday -> 2025-06-09 (enome)", has("003_17bb07aacb8030ca.txt", "on Monday", "2025-06-09")),
        ("agreement's Tuesday -> 2025-06-10 (tekedia)", has("000_4096c32f5a35f67a.txt", "on Tuesday", "2025-06-10")),
        ("announced Tuesday -> 2025-06-10 (explainer)", has("001_c27792ad86a9def7.txt", "Tuesday", "2025-06-10")),
        ("'last month' Geneva -> 2025-05 (tekedia)", has("000_4096c32f5a35f67a.txt", "last month", "2025-05")),
        ("'last month' Geneva -> 2025-05 (enome)", has("003_17bb07aacb8030ca.txt", "last month", "2025-05")),
        ("leaders' call 'June 5th' -> 2025-06-05", has("002_5e3d171ad75f7c9f.txt", "June 5th", "2025-06-05")),
        ("leaders' call 'four days earlier' -> 2025-06-05", has("003_17bb07aacb8030ca.txt", "four days earlier", "2025-06-05")),
        ("leaders' call 'last week' -> 2025-06-02..2025-06-08", has("002_5e3d171ad75f7c9f.txt", "last week", "2025-06-02..2025-06-08")),
        ("rare-earth share conflict (over 70% vs around 60%)",
         any({c.first.text, c.second.text} == {"over 70%", "around 60%"} for c in conflicts)),
        ("no other conflicts", len(conflicts) == 1),
        ("title differences: Lutnick, Greer, Li Chenggang",
         {"howard lutnick", "jamieson greer", "li chenggang"} <= titles),
    ]


def main() -> None:
    gold = yaml.safe_load((FIXTURES / "gold.yaml").read_text(encoding="utf-8"))
    blind = yaml.safe_load((FIXTURES / "gold-blind.yaml").read_text(encoding="utf-8"))
    rows = [score(gold["seeds"], sorted(SEEDS.glob("*.txt")), "seeds"),
            score(gold["fixtures"], sorted(FIXTURES / name for name in gold["fixtures"]), "own test articles"),
            score(blind, sorted(FIXTURES / name for name in blind), "own test articles, gold written blind")]
    n_gold, found, right, got, real = (sum(r[i] for r in rows) for i in range(5))
    print(f"\nall: found {found}/{n_gold} = {found / n_gold:.1%}; right speaker {right}/{n_gold} = {right / n_gold:.1%}; "
          f"precision {real}/{got} = {real / got:.1%}")
    print()
    for label, ok in seed_checks():
        print(f"{'ok  ' if ok else 'FAIL'} {label}")


if __name__ == "__main__":
    main()
