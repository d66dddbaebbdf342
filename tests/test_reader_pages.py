"""Issue 9's reader features in the HTML of the basic fixture: each guarantee, checked on the pages
a reader gets (the browser tests check layout and scripts)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from engine import Briefing
from sitehtml import Node, Site


@pytest.fixture(scope="module")
def site(built_site: Path) -> Site:
    return Site(built_site)


def rebuilt(briefing: Briefing) -> Site:
    result = briefing.build()
    assert result.exit_code == 0, result.output
    return Site(briefing.root / "site")


def classes(node: Node) -> list[str]:
    return node.attrs.get("class", "").split()


# --- engine items 1-5 -------------------------------------------------------------------------

def test_the_appendix_lists_each_cited_passage_with_a_link_to_it_in_the_original(site: Site) -> None:
    gazette = site.element("sources.html", "gazette")
    assert gazette is not None
    passages = {li.find("q").text(): li for li in gazette.find("ul", cls="evidence").find_all("li")}
    assert "We have a framework for the harbour" in passages
    original = [a.attrs["href"] for a in passages["We have a framework for the harbour"].find_all("a", cls="passage")]
    assert original == ["https://example.org/gazette/talks#:~:text=We%20have%20a%20framework%20for%20the%20harbour"]
    courier = site.element("sources.html", "courier")
    assert courier is not None and not courier.find_all("a", cls="passage")  # no URL, no deep link


def test_a_citation_carries_its_passage_and_whether_it_was_checked(site: Site) -> None:
    marks = [a for sup in site["index.html"].find_all("sup", cls="cite") for a in sup.links() if "data-passage" in a.attrs]
    assert {a.attrs["data-passage"] for a in marks} >= {"We have a framework for the harbour", "Cargo rose 12%"}
    assert {a.attrs["data-verified"] for a in marks} == {"true"}


def test_combined_citation_numbers_are_in_order(briefing: Briefing) -> None:
    briefing.replace("briefing.yaml", "[@gazette; @courier, para. 2]", "[@courier, para. 2; @gazette]")
    status = rebuilt(briefing)["index.html"].find("section", cls="bluf").parent
    marks = [sup.text() for sup in status.find_all("sup", cls="cite") if "para. 2" in sup.text()]
    assert marks == ["[1; 2, para. 2]"]


def test_quotations_show_whether_they_were_verified(site: Site, briefing: Briefing) -> None:
    quotes = site["quotes.html"]
    assert len(quotes.find_all("span", cls="check-ok")) == 1 + 2  # the legend, then both quotations
    shutil.rmtree(briefing.path("sources"))
    unchecked = rebuilt(briefing)["quotes.html"]
    assert not [q for q in unchecked.find_all("figure", cls="quote") if q.find_all("span", cls="check-ok")]
    assert len([q for q in unchecked.find_all("figure", cls="quote") if q.find_all("span", cls="check-no")]) == 2


def test_every_deadline_card_shows_its_basis_and_only_binding_ones_count_down(site: Site, briefing: Briefing) -> None:
    card = site["index.html"].find("ul", cls="deadline-cards").find("li")
    assert "Binding: set in a text" in card.find("span", cls="basis").text()
    assert "26 days left" in card.text()
    row = site["timeline.html"].find("table", cls="deadlines").find("tbody").find("tr")
    assert "Binding" in row.find("span", cls="basis").text()
    briefing.replace("deadlines.yaml", "basis: binding", "basis: framing")
    card = rebuilt(briefing)["index.html"].find("ul", cls="deadline-cards").find("li")
    assert "Framing: a speaker's time frame, not a deadline" in card.text()
    assert "days left" not in card.text()


def test_a_recurring_deadline_shows_its_next_occurrence(briefing: Briefing) -> None:
    briefing.append("deadlines.yaml", "- id: weekly\n  title: Weekly check\n  basis: binding\n  start: 2024-02-02\n"
                                      "  every: 7\n  body: |\n    Every Friday [@gazette].\n")
    entry = rebuilt(briefing).element("timeline.html", "weekly")
    assert entry is not None
    assert "every 7 days" in entry.text() and "8 March 2024" in entry.find("dl", cls="arithmetic").text()


def test_planned_and_hindsight_events_are_apart_from_what_was_still_ahead(site: Site) -> None:
    timeline = site["timeline.html"]
    main_list = timeline.find("ol", cls="timeline")
    assert site.element("timeline.html", "briefing-date") in list(main_list.iter())
    in_main = {li.attrs.get("id") for li in main_list.find_all("li")}
    assert {"talks", "review-window"} <= in_main and not {"council-vote", "sign-off"} & in_main
    after = {s.find("h2").attrs["id"]: {li.attrs.get("id") for li in s.find_all("li")}
             for s in timeline.find_all("section", cls="after-as-of")}
    assert after == {"after-planned": {"council-vote"}, "after-hindsight": {"sign-off"}}


def test_an_actor_shows_a_native_script_name_with_its_language(site: Site) -> None:
    name = site["actors/port-council.html"].find("h1").find("span", cls="native-name")
    assert (name.text(), name.attrs["lang"]) == ("北港理事会", "zh-Hans")


def test_every_free_page_is_reachable_from_the_navigation(briefing: Briefing) -> None:
    # Before issue 9, pages with no `order` or one of 50 and up were in no menu.
    for name, order in (("late", "order: 60\n"), ("unordered", ""), ("early", "order: 1\n")):
        briefing.write(f"pages/{name}.md", f"---\ntitle: Page {name}\n{order}---\nSee [[talks]].\n")
    site = rebuilt(briefing)
    free_pages = {"framework.html", "about.html", "late.html", "unordered.html", "early.html"}
    for page, root in site.pages.items():
        nav = root.find("nav", cls="site-nav")
        linked = {site.page_linked(page, a.attrs["href"]) for a in nav.links()}
        assert free_pages | {"glossary.html", "commitments.html"} <= linked, page


# --- reader ----------------------------------------------------------------------------------

def test_the_home_page_opens_with_a_cited_summary_above_the_bottom_line(site: Site) -> None:
    main = site["index.html"].find("main")
    sections = [s for s in main.children if isinstance(s, Node) and s.tag == "section"]
    assert [classes(s)[0] for s in sections[:2]] == ["in-brief", "bluf"]
    headings = [h.text() for h in sections[0].find_all("h3")]
    assert headings == ["Agreed", "Not agreed", "What's next", "What we don't know"]
    assert sections[0].find("section", cls="summary-agreed").find_all("sup", cls="cite")


def test_the_title_appears_once_and_every_footer_names_editors_and_last_update(site: Site) -> None:
    home = site["index.html"]
    body = home.find("body")
    assert body.text().count("Harbour Talks Briefing") == 1
    assert [h.text() for h in body.find_all("h1")] == ["Harbour Talks Briefing"]
    for page, root in site.pages.items():
        footer = root.find("footer", cls="site-footer").text()
        assert "Edited by Test Desk" in footer and "Last updated 6 March 2024" in footer, page


def test_commitments_have_their_own_page_and_a_tracker_where_a_page_asks(site: Site) -> None:
    for page in ("commitments.html", "about.html"):
        table = site[page].find("table", cls="commitments")
        assert [th.text() for th in table.find("thead").find_all("th")] == ["Commitment", "Side", "Status", "Sources", "Confidence"]
        rows = table.find("tbody").find_all("tr")
        assert [r.find("th").text() for r in rows] == ["North Port to open berths", "South Port to lower fees"]
        assert [c.text() for c in rows[0].find_all("td")][:2] == ["North Port", "agreed"]
    assert not site["framework.html"].find_all("table", cls="commitments")  # no `tracker:` there


def test_an_actors_page_lists_the_commitments_the_actor_made_with_status_and_sources(site: Site) -> None:
    """Who promised what: each commitment naming the actor, linked to its entry, with the others
    who made it, its status and confidence, and its sources cited (so they are in the endnotes)."""
    page = site["actors/ana-ruiz.html"]
    section = next(s for s in page.find("main").find_all("section") if s.find("h2").attrs.get("id") == "commitments")
    items = section.find("ul", cls="commitment-list").find_all("li")
    assert [li.text() for li in items] == ["North Port to open berths: agreed, confidence medium [1; 2]"]
    assert site.page_linked("actors/ana-ruiz.html", items[0].find("a").attrs["href"]) == "commitments.html"
    assert site.target("actors/ana-ruiz.html", items[0].find("a").attrs["href"]) is not None
    html = (site.folder / "actors" / "ana-ruiz.html").read_text(encoding="utf-8")
    assert html.index('<h2 id="events">') < html.index('<h2 id="commitments">') < html.index('class="backlinks"')
    endnotes = page.find("section", cls="endnotes").text()
    assert "Harbour Gazette report on the talks" in endnotes and "Courier" in endnotes
    assert site.element("actors/ben-okafor.html", "commitments") is None  # he made none


def test_quotations_are_grouped_by_side_then_speaker(site: Site) -> None:
    main = site["quotes.html"].find("main")
    groups = [(s.find("h2").text(), [h.text() for h in s.find_all("h3")]) for s in main.find_all("section")]
    assert groups == [("Analysts", ["Ben Okafor"]), ("North Port", ["Ana Ruiz"])]


def test_each_quotation_appears_once_on_its_speakers_page(site: Site) -> None:
    page = site["actors/ana-ruiz.html"]
    assert len([b for b in page.find_all("blockquote") if "We have a framework" in b.text()]) == 1
    assert site.element("actors/ana-ruiz.html", "quotations") is None  # its one quotation is in the body


def test_the_first_use_of_a_term_on_each_page_links_to_the_glossary(site: Site) -> None:
    glossary = site["glossary.html"]
    assert [dt.attrs["id"] for dt in glossary.find_all("dt")] == ["customs-house", "review-period"]
    assert not glossary.find_all("a", cls="gloss")  # the glossary does not link to itself
    timeline = site["timeline.html"]
    glossed = timeline.find_all("a", cls="gloss")
    assert [(a.text(), a.attrs["href"]) for a in glossed] == [("old customs house", "glossary.html#customs-house")]


def test_glossary_links_skip_headings_links_and_code_and_repeat_uses(briefing: Briefing) -> None:
    briefing.append("pages/framework.md", "\n## The customs house\n\n[customs house](https://example.org) and "
                    "`customs house`, then the customs house, and the Customs House again.\n")
    page = rebuilt(briefing)["framework.html"]
    glossed = page.find_all("a", cls="gloss")
    assert len(glossed) == 1 and glossed[0].parent.tag == "p"
    assert re.search(r"then the customs house", glossed[0].parent.text())


def test_a_briefing_with_many_pages_keeps_a_short_menu_that_still_reaches_every_page(briefing: Briefing) -> None:
    for n in range(20):
        briefing.write(f"pages/extra-{n:02}.md", f"---\ntitle: Extra {n:02}\n---\nSee [[talks]].\n")
    site = rebuilt(briefing)
    nav = site["framework.html"].find("nav", cls="site-nav")
    linked = {site.page_linked("framework.html", a.attrs["href"]) for a in nav.links()}
    assert len(nav.links()) < 25  # not one link per page on every page
    assert "index.html" in linked
    home_list = site["index.html"].find("section", cls="toc")
    listed = {site.page_linked("index.html", a.attrs["href"]) for a in home_list.links()}
    assert {f"extra-{n:02}.html" for n in range(20)} <= listed
