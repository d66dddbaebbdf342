"""The briefing that ships in content/: it builds strictly, cites every source, gives every
actor a page, computes deadlines from its as_of date, and keeps to its sources' words."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, invoke
from sitehtml import Site

CONTENT = PROJECT_ROOT / "content"
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
SOURCE_CHECK = PROJECT_ROOT.parent / "shared" / "tools" / "source_check.py"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source articles are not at {SEEDS}")


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default") / "site"
    result = invoke("build", "--strict", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def site(default_site: Path) -> Site:
    return Site(default_site)


def test_default_briefing_builds_in_strict_mode_with_no_warnings(default_site: Path) -> None:
    result = invoke("check", "--strict")
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.output


@needs_seeds
def test_every_quotation_is_found_in_its_source_article() -> None:
    result = invoke("check", "--strict", "--sources-dir", SEEDS)
    assert result.exit_code == 0, result.output
    assert "quotations checked against 5 source text(s)" in result.output


def test_the_appendix_cites_each_source_and_never_shows_internal_file_names(site: Site) -> None:
    appendix = site["sources.html"]
    entries = appendix.find("ol", cls="sources").find_all("li")
    sources = [li for li in entries if li.attrs.get("id") and li.parent.tag == "ol"]
    assert len(sources) == len(list((CONTENT / "sources").glob("*.txt")))
    for li in sources:
        cited_in = [aside for aside in li.find_all("aside") if "Cited in" in aside.text()]
        assert cited_in and cited_in[0].links(), f"source {li.attrs['id']} is cited nowhere"
    assert ".txt" not in appendix.text()  # `file:` is ours, not the reader's (issue 9)


def test_every_actor_has_a_page_linked_from_the_actors_list(site: Site) -> None:
    actor_ids = sorted(p.stem for p in (CONTENT / "actors").glob("*.md"))
    assert len(actor_ids) >= 20
    listed = {site.page_linked("actors/index.html", a.attrs["href"]) for a in site["actors/index.html"].links()}
    missing = [a for a in actor_ids if f"actors/{a}.html" not in site.pages or f"actors/{a}.html" not in listed]
    assert missing == []


def test_only_binding_deadlines_count_down_from_the_briefing_date(site: Site, default_site: Path) -> None:
    # A reported date or a speaker's "next 60 days" is no deadline to count down to (issue 9).
    basis = {d["id"]: d["basis"] for d in json.loads((default_site / "briefing.json").read_text())["deadlines"]}
    timeline = site["timeline.html"]
    statuses = {li.attrs["id"]: li.find("span", cls="status").text()
                for li in timeline.find_all("li", cls="deadline")}
    assert statuses.keys() == basis.keys()
    for deadline_id, status in statuses.items():
        counts_down = "days left" in status
        assert counts_down == (basis[deadline_id] == "binding" and status.startswith("running")), (deadline_id, status)


def test_moving_the_briefing_date_moves_every_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    briefing = content / "briefing.yaml"
    briefing.write_text(briefing.read_text(encoding="utf-8").replace("as_of: 2025-06-11", "as_of: 2025-08-20"),
                        encoding="utf-8")
    result = invoke("build", "--content", content, "--out", tmp_path / "site")
    assert result.exit_code == 0, result.output
    timeline = Site(tmp_path / "site")["timeline.html"]
    statuses = [span.text() for span in timeline.find_all("span", cls="status")]
    assert statuses and all(s.startswith("passed") for s in statuses), statuses


def test_every_internal_link_of_the_default_site_resolves(site: Site) -> None:
    broken = [f"{page}: {a.attrs['href']}" for page, root in site.pages.items() for a in root.links()
              if site.resolve(page, a.attrs["href"]) is not None and site.target(page, a.attrs["href"]) is None]
    assert broken == []


@pytest.mark.skipif(not SOURCE_CHECK.is_file(), reason=f"the source check tool is not at {SOURCE_CHECK}")
@needs_seeds
def test_no_sentence_is_copied_from_the_articles_and_every_quotation_is_in_one(default_site: Path) -> None:
    proc = subprocess.run([sys.executable, str(SOURCE_CHECK), str(default_site), str(SEEDS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().endswith("0 copied runs, 0 unverified quotations")


def test_the_default_briefing_requires_evidence_on_its_key_fields() -> None:
    import yaml
    briefing = yaml.safe_load((CONTENT / "briefing.yaml").read_text(encoding="utf-8"))
    required = {"key_figures", "deadlines", "bottom_line", "summary"}
    assert required <= set(briefing.get("require_evidence", [])), briefing.get("require_evidence")


def test_every_home_summary_bullet_cites_the_passage_it_rests_on(site: Site) -> None:
    groups = {g: site["index.html"].find("section", cls=f"summary-{g}")
              for g in ("agreed", "not-agreed", "next", "unknown")}
    for group, section in groups.items():
        bullets = section.find_all("li")
        assert bullets, f"summary group {group} is empty"
        for li in bullets:
            marks = [a for a in li.links() if a.attrs.get("href", "").startswith("sources.html#")]
            assert marks and all(a.attrs.get("data-passage") for a in marks), (group, li.text())


def test_a_speakers_time_frame_is_not_listed_as_a_deadline(default_site: Path) -> None:
    # Cutler's "next 60 days" is a framing in a LinkedIn post, not a deadline (issue 9).
    deadlines = json.loads((default_site / "briefing.json").read_text())["deadlines"]
    assert deadlines and all(d["basis"] != "framing" for d in deadlines), deadlines
    calendar = (default_site / "deadlines.ics").read_text(encoding="utf-8")
    assert "60 days" not in calendar
