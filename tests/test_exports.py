"""Everything beside the HTML, read back by independent parsers: the calendar with icalendar, the
Atom feed and sitemap with xml.etree, briefing.json with json and jsonschema; plus the search
index, page metadata, the Content-Security-Policy and byte-identical rebuilds."""
from __future__ import annotations

import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar import Event as CalendarEvent

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from generator import ics  # noqa: E402
from generator.config import BuildConfig  # noqa: E402
from generator.pipeline import build_site  # noqa: E402
from generator.urls import passage_url  # noqa: E402

BASIC = PROJECT_ROOT / "tests" / "fixtures" / "basic"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/harbour"


def build(content: Path, out: Path) -> Path:
    build_site(BuildConfig(content_dir=content, out_dir=out))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(BASIC, tmp_path_factory.mktemp("exports") / "site")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the fixture briefing to edit."""
    return Path(shutil.copytree(BASIC, tmp_path / "content"))


def calendar_events(site: Path) -> dict[str, object]:
    cal = Calendar.from_ical((site / "deadlines.ics").read_bytes())
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


# --- calendar ---------------------------------------------------------------------------------

def test_calendar_has_one_all_day_entry_per_event_and_deadline(site: Path) -> None:
    events = calendar_events(site)
    assert sorted(events) == ["deadline-review-window@example.org", "event-council-vote@example.org",
                              "event-earlier-accord@example.org", "event-sign-off@example.org", "event-talks@example.org"]
    talks = events["event-talks@example.org"]
    assert talks["dtstart"].dt == date(2024, 3, 1) and talks["dtend"].dt == date(2024, 3, 2)
    assert str(talks["summary"]) == "Harbour talks open"
    assert str(talks["url"]) == f"{BASE}/timeline.html#talks"
    assert talks["dtstamp"].dt.date() == date(2024, 3, 5)  # the briefing's as_of, never the clock


def test_an_imprecise_date_is_one_day_with_its_range_in_the_description(site: Path) -> None:
    accord = calendar_events(site)["event-earlier-accord@example.org"]  # date: early 2024-02 (ten days)
    assert accord["dtstart"].dt == date(2024, 2, 1)
    assert accord["dtend"].dt == date(2024, 2, 1) + timedelta(days=1)  # never a ten-day (or month-long) block
    assert "part of a month" in str(accord["description"])
    assert "from 1 February 2024 to 10 February 2024" in " ".join(str(accord["description"]).split())
    assert str(accord["summary"]) == "Earlier accord (early February 2024, no exact day)"


def edit(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    assert path.read_text(encoding="utf-8").count(old) == 1
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_short_range_spans_its_days(content: Path, tmp_path: Path) -> None:
    edit(content, "events.yaml", "date: early 2024-02", "date: 2024-02-01..2024-02-03")
    accord = calendar_events(build(content, tmp_path / "site"))["event-earlier-accord@example.org"]
    assert (accord["dtstart"].dt, accord["dtend"].dt) == (date(2024, 2, 1), date(2024, 2, 4))


def test_a_deadline_entry_shows_its_basis(content: Path, tmp_path: Path) -> None:
    edit(content, "deadlines.yaml", "basis: binding", "basis: framing")
    deadline = calendar_events(build(content, tmp_path / "site"))["deadline-review-window@example.org"]
    assert "Basis: framing, a speaker's time frame, not a deadline." in str(deadline["description"])
    assert "days left" not in str(deadline["description"])


def test_a_deadline_entry_gives_due_date_arithmetic_and_status(site: Path) -> None:
    deadline = calendar_events(site)["deadline-review-window@example.org"]
    assert deadline["dtstart"].dt == date(2024, 3, 31)
    text = str(deadline["description"])
    assert "1 March 2024 + 30 days = 31 March 2024" in text
    assert "Status on 5 March 2024: running: 26 days left" in text
    assert str(deadline["summary"]) == "Deadline: 30-day review window"


def test_calendar_uids_stay_the_same_when_the_briefing_changes(content: Path, tmp_path: Path) -> None:
    before = calendar_events(build(content, tmp_path / "one"))
    events = content / "events.yaml"
    events.write_text(events.read_text().replace("Harbour talks open", "Harbour talks opened")
                      .replace("early 2024-02", "mid 2024-02"), encoding="utf-8")
    after = calendar_events(build(content, tmp_path / "two"))
    assert sorted(before) == sorted(after)
    assert str(after["event-talks@example.org"]["summary"]) == "Harbour talks opened"
    assert after["event-earlier-accord@example.org"]["dtstart"].dt == date(2024, 2, 11)


@pytest.mark.parametrize("content_dir", [BASIC, PROJECT_ROOT / "content"], ids=["fixture", "default"])
def test_the_calendar_is_written_as_icalendar_writes_it(content_dir: Path, tmp_path: Path) -> None:
    # icalendar re-writes a calendar it reads in its own canonical form: property order, TEXT
    # escaping, folding; ours must already be in that form.
    ours = (build(content_dir, tmp_path / "site") / "deadlines.ics").read_bytes()
    assert Calendar.from_ical(ours).to_ical() == ours


def _icalendar_vevent(value: str) -> bytes:
    theirs = CalendarEvent()
    theirs.add("categories", [value])
    theirs.add("description", value)
    return theirs.to_ical()


def _our_vevent(value: str) -> bytes:
    return ics.document(ics.component("VEVENT", [("CATEGORIES", ics.text_list([value])),
                                                  ("DESCRIPTION", ics.text(value))]))


@pytest.mark.parametrize("pad", ["a", "\u00e9", "\u2013", "\U0001f600"])
def test_calendar_lines_fold_as_icalendar_folds_them_whatever_falls_at_the_fold(pad: str) -> None:
    for before in range(150):
        for special in (";", ",", "\\", "^", "\n", "\u00e9", "\U0001f600"):
            value = pad * before + special + "b" * 100
            assert _our_vevent(value) == _icalendar_vevent(value), (before, special)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400),
                 st.text("ab ,;:\\^\n", max_size=400),  # ASCII lines, escapes falling on folds
                 st.text("ab\\^\u00e9\u2013", max_size=400)))  # the same among multi-byte characters
def test_calendar_text_escaping_and_folding_match_icalendar(value: str) -> None:
    assert _our_vevent(value) == _icalendar_vevent(value)


# --- feed, sitemap, robots --------------------------------------------------------------------

def test_atom_feed_has_absolute_links_and_is_updated_as_of_the_briefing(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2024-03-05T00:00:00Z"
    assert feed.findtext(f"{ATOM}title") == "Harbour Talks Briefing"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE}/feed.xml"  # type: ignore[union-attr]
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Briefing as of 5 March 2024", "1 March 2024: Harbour talks open", "early February 2024: Earlier accord"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith(BASE + "/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated", ""))
        assert entry.find(f"{ATOM}link").get("href", "").startswith(BASE + "/")  # type: ignore[union-attr]
        assert "<p>" in entry.findtext(f"{ATOM}content", "")


def test_sitemap_lists_every_page_but_404_and_search(site: Path) -> None:
    urlset = ET.parse(site / "sitemap.xml").getroot()
    locs = [u.findtext(f"{SITEMAP}loc") for u in urlset.findall(f"{SITEMAP}url")]
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert locs == [f"{BASE}/{p}" for p in pages if p not in ("404.html", "search.html")]
    assert {u.findtext(f"{SITEMAP}lastmod") for u in urlset} == {"2024-03-05"}


def test_robots_txt_points_to_the_sitemap(site: Path) -> None:
    assert (site / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {BASE}/sitemap.xml\n"


def test_without_a_base_url_there_is_no_feed_or_sitemap(content: Path, tmp_path: Path) -> None:
    briefing = content / "briefing.yaml"
    briefing.write_text(briefing.read_text().replace(f"base_url: {BASE}\n", ""), encoding="utf-8")
    out = build(content, tmp_path / "site")
    assert not (out / "feed.xml").exists() and not (out / "sitemap.xml").exists()
    assert "Sitemap" not in (out / "robots.txt").read_text()
    assert (out / "deadlines.ics").is_file() and 'rel="alternate"' not in (out / "index.html").read_text()


# --- data export ------------------------------------------------------------------------------

@pytest.mark.parametrize("content_dir", [BASIC, PROJECT_ROOT / "content"], ids=["fixture", "default"])
def test_briefing_json_is_valid_against_its_schema(content_dir: Path, tmp_path: Path) -> None:
    out = build(content_dir, tmp_path / "site")
    data = json.loads((out / "briefing.json").read_text(encoding="utf-8"))
    schema = json.loads((out / "briefing.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    for record in (*data["actors"], *data["events"], *data["deadlines"], *data["quotes"], *data["pages"]):
        assert (out / record["url"].split("#")[0]).is_file(), record["url"]


def test_briefing_json_has_computed_deadlines_and_resolved_citations(site: Path) -> None:
    data = json.loads((site / "briefing.json").read_text(encoding="utf-8"))
    (deadline,) = data["deadlines"]
    assert deadline["computed_due"]["first"] == "2024-03-31"
    assert deadline["status"] == {"state": "running", "days_left_min": 26, "days_left_max": 26, "countdown": True,
                                  "description": "running: 26 days left"}
    assert [s["number"] for s in data["sources"]] == [1, 2]
    assert {m["in"] for m in data["citations"]["courier"]} >= {"Home", "The framework"}
    quote = next(q for q in data["quotes"] if q["id"] == "ruiz-framework")
    assert quote["passage_url"] == "https://example.org/gazette/talks#:~:text=We%20have%20a%20framework%20for%20the%20harbour"


def test_schema_rejects_a_deadline_without_status(site: Path) -> None:
    data = json.loads((site / "briefing.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "briefing.schema.json").read_text(encoding="utf-8"))
    del data["deadlines"][0]["status"]
    with pytest.raises(jsonschema.ValidationError, match="'status' is a required property"):
        jsonschema.validate(data, schema)


# --- quotations deep-link with a text fragment ------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("We have a framework", "#:~:text=We%20have%20a%20framework"),
    ("This one will hold ... at least until summer", "#:~:text=This%20one%20will%20hold,at%20least%20until%20summer"),
    ("A well-known, long sentence that goes on and on for many more words",
     "#:~:text=A%20well%2Dknown%2C%20long%20sentence,for%20many%20more%20words"),
])
def test_passage_url_is_a_text_fragment(text: str, expected: str) -> None:
    assert passage_url("https://example.org/a#top", text) == "https://example.org/a" + expected


def test_quotation_links_to_the_passage_in_the_original(site: Path) -> None:
    html = (site / "quotes.html").read_text(encoding="utf-8")
    assert ('<a class="passage" href="https://example.org/gazette/talks#:~:text=We%20have%20a%20framework'
            '%20for%20the%20harbour">') in html


# --- search, metadata, CSP, determinism -------------------------------------------------------

def test_search_index_covers_every_page_but_404_and_search(site: Path) -> None:
    shards = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    entries = [json.loads((site / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
               for name in shards]
    pages = [p for p in site.rglob("*.html") if p.name not in ("404.html", "search.html")]
    assert sum(entry["languages"]["en"]["page_count"] for entry in entries) == len(pages)
    assert (site / "pagefind" / shards[0] / "pagefind.js").is_file()
    assert not list((site / "pagefind").rglob("pagefind-ui*"))  # the stock UI is not shipped


def test_every_page_has_a_title_description_open_graph_and_a_strict_policy(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(site).as_posix()
        assert re.search(r"<title>[^<]+</title>", html), name
        assert re.search(r'<meta name="description" content="[^"]+">', html), name
        assert f'<meta property="og:url" content="{BASE}/{name}">' in html
        assert '<meta property="og:title" content="' in html
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert policy and policy[1].startswith("default-src 'self'; script-src 'self'"), name
        assert ("'wasm-unsafe-eval'" in policy[1]) == (name == "search.html"), name
        assert "unsafe-inline" not in policy[1]
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), f"{name}: inline script"
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), f"{name}: inline style or handler"


def test_printed_pages_end_with_the_sources_they_cite(site: Path) -> None:
    html = (site / "actors" / "ben-okafor.html").read_text(encoding="utf-8")
    endnotes = html[html.index('<section class="endnotes print-only"'):]
    assert '<li value="2">Courier analysis, March 2024.</li>' in endnotes
    assert "Harbour Gazette" not in endnotes  # Ben Okafor's page cites only the courier
    assert '<section class="endnotes' not in (site / "sources.html").read_text(encoding="utf-8")


def test_the_build_is_byte_identical_twice(tmp_path: Path) -> None:
    one = build(PROJECT_ROOT / "content", tmp_path / "one")
    two = build(PROJECT_ROOT / "content", tmp_path / "two")
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert [f for f in files if (one / f).read_bytes() != (two / f).read_bytes()] == []
