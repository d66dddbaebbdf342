"""`build.py ingest` end to end: a draft that checks and builds, byte-identical reruns, bad input located."""
from __future__ import annotations

import hashlib
import socket
import time
from pathlib import Path

import pytest
import yaml

from engine import FIXTURES, PROJECT_ROOT, invoke

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
OWN = sorted(p for p in (FIXTURES / "ingest").iterdir() if p.suffix in {".txt", ".html"})
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS}")


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def seed_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ingest") / "draft"
    result = invoke("ingest", *sorted(SEEDS.glob("*.txt")), "--out", out, "--content", PROJECT_ROOT / "content")
    assert result.exit_code == 0, result.output
    return out


def test_the_draft_passes_check_with_every_quotation_verified(seed_draft: Path) -> None:
    result = invoke("check", "--content", seed_draft, "--strict")
    assert result.exit_code == 0, result.output
    assert "quotations checked against 5 source text(s)" in result.output


def test_the_draft_builds_into_a_site(seed_draft: Path, tmp_path: Path) -> None:
    result = invoke("build", "--content", seed_draft, "--out", tmp_path / "site", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "figures.html").is_file() and (tmp_path / "site" / "quotes.html").is_file()


def test_same_inputs_give_byte_identical_drafts(seed_draft: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = invoke("ingest", *sorted(SEEDS.glob("*.txt")), "--out", again, "--content", PROJECT_ROOT / "content")
    assert result.exit_code == 0, result.output
    assert _tree(again) == _tree(seed_draft)
    invoke("ingest", *sorted(SEEDS.glob("*.txt")), "--out", again, "--content", PROJECT_ROOT / "content")
    assert _tree(again) == _tree(seed_draft)  # a rerun over its own draft replaces it exactly


def test_saved_pages_give_byte_identical_drafts_too(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert invoke("ingest", *OWN, "--out", tmp_path / name).exit_code == 0
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_existing_actor_ids_are_reused_and_content_is_untouched(seed_draft: Path) -> None:
    before = _tree(PROJECT_ROOT / "content")
    actors = {p.stem for p in (seed_draft / "actors").glob("*.md")}
    assert {"howard-lutnick", "li-chenggang", "unnamed-us-official", "former-white-house-trade-official"} <= actors
    quotes = yaml.safe_load((seed_draft / "quotes.yaml").read_text(encoding="utf-8"))
    assert {q["speaker"] for q in quotes if q["text"].startswith("We’re not popping")} == {"unnamed-us-official"}
    assert _tree(PROJECT_ROOT / "content") == before


def test_sources_mark_inferred_values_and_list_noise(seed_draft: Path) -> None:
    sources = {s["file"]: s for s in yaml.safe_load((seed_draft / "sources.yaml").read_text(encoding="utf-8"))}
    tekedia = sources["000_4096c32f5a35f67a.txt"]
    assert tekedia["published"] == "2025-06-10..2025-06-11" and "published" in tekedia["inferred"]
    assert tekedia["publisher"] == "Tekedia" and "publisher" in tekedia["inferred"]
    assert "Register for Tekedia" not in tekedia["full_text"] and "line 5 (promotion)" in tekedia["noise"]
    assert sources["003_17bb07aacb8030ca.txt"]["byline"] == "Boluwatife Enome"
    gold = yaml.safe_load((FIXTURES / "ingest" / "gold.yaml").read_text(encoding="utf-8"))["seeds"]
    for name, expected in gold.items():
        for noise in expected["noise"]:
            assert noise not in sources[name]["full_text"] and noise in sources[name]["noise"], (name, noise)
        assert sources[name]["noise"].count("- line ") == len(expected["noise"]), name  # and nothing else


def test_figures_page_cites_both_sides_of_the_conflict_and_title_differences(seed_draft: Path) -> None:
    page = (seed_draft / "pages" / "figures.md").read_text(encoding="utf-8")
    conflicts = page.split("## Title differences")[0]
    # each side cited with its line and, as evidence `check` verifies, its own words
    assert '**over 70%** [@src-000-4096c32f5a35f67a, line 13, "over 70% of the global supply, and disruptions"]' in conflicts
    assert '**around 60%** [@src-004-7861719c98cf16a5, line 5, "around 60% of global production."]' in conflicts
    titles = page.split("## Title differences")[1].split("## Figures")[0]
    for actor in ("howard-lutnick", "jamieson-greer", "li-chenggang"):
        assert f"[[{actor}]]" in titles


def test_bad_files_are_located_and_the_others_still_ingested(tmp_path: Path) -> None:
    bad = {"empty.txt": b"", "binary.bin": b"\x00\x01\x02" * 100, "latin1.txt": b"line one\ncaf\xe9 au lait",
           "list.txt": b"apples\npears\nplums\n", "huge.txt": b"a " * 1_100_000,
           "data.yaml": (FIXTURES / "ingest" / "gold.yaml").read_bytes()}
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    result = invoke("ingest", OWN[0], *(tmp_path / n for n in bad), tmp_path / "missing.txt", "--out", tmp_path / "d")
    assert result.exit_code == 1
    for expected in ("empty.txt:1: the file is empty", "binary.bin:1: the file is binary", "latin1.txt:2: not UTF-8",
                     "list.txt:1: only 3 words", "huge.txt:1: the file is 2,200,000 bytes, over",
                     "data.yaml:1: this reads as data or code", "missing.txt:1: cannot read the file"):
        assert expected in result.output
    assert "ingested 1 of 8 file(s)" in result.output and (tmp_path / "d" / "sources.yaml").is_file()


def test_refuses_to_write_into_content(tmp_path: Path) -> None:
    result = invoke("ingest", OWN[0], "--out", PROJECT_ROOT / "content" / "draft")
    assert result.exit_code == 1 and "ingest never modifies" in result.output
    assert not (PROJECT_ROOT / "content" / "draft").exists()


def test_html_pages_lose_all_page_noise_without_any_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("ingest tried to open a network connection")
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    result = invoke("ingest", *OWN, "--out", tmp_path / "d")
    assert result.exit_code == 0, result.output
    gold = yaml.safe_load((FIXTURES / "ingest" / "gold.yaml").read_text(encoding="utf-8"))["fixtures"]
    sources = {s["file"]: s for s in yaml.safe_load((tmp_path / "d" / "sources.yaml").read_text(encoding="utf-8"))}
    for name, expected in gold.items():
        for noise in expected["noise"]:
            assert noise not in sources[name]["full_text"], (name, noise)
    assert invoke("check", "--content", tmp_path / "d").exit_code == 0


def test_under_a_second_per_article(tmp_path: Path) -> None:
    files = sorted(SEEDS.glob("*.txt")) + OWN
    started = time.perf_counter()
    assert invoke("ingest", *files, "--out", tmp_path / "d").exit_code == 0
    assert (time.perf_counter() - started) / len(files) < 1.0
