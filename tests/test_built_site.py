"""End to end: the HTML a reader gets from the basic fixture, checked by following its links."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import BASIC, Briefing, run_build_py, tree_digest
from sitehtml import Node, Site


@pytest.fixture(scope="module")
def site(built_site: Path) -> Site:
    return Site(built_site)


def cite_links(node: Node) -> list[Node]:
    return [a for sup in node.find_all("sup", cls="cite") for a in sup.links()]


def test_every_internal_link_and_anchor_resolves(site: Site) -> None:
    broken = []
    for page, root in site.pages.items():
        for link in root.links():
            href = link.attrs["href"]
            if site.resolve(page, href) is not None and site.target(page, href) is None:
                broken.append(f"{page}: {href} ({link.text().strip()!r})")
    assert not broken, "links that lead nowhere:\n" + "\n".join(broken)


def test_every_stylesheet_and_script_exists(site: Site) -> None:
    missing = []
    for page, root in site.pages.items():
        for node in root.find_all("link") + root.find_all("script"):
            ref = node.attrs.get("href") or node.attrs.get("src")
            if ref and (resolved := site.resolve(page, ref)) and not (site.folder / resolved[0]).is_file():
                missing.append(resolved[0])
    assert not missing, f"assets that pages link to but the site lacks: {sorted(set(missing))}"


def repeated(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


def test_ids_are_unique_on_every_page(site: Site) -> None:
    assert {page: repeated(site.ids(page)) for page in site.pages if repeated(site.ids(page))} == {}


def test_same_heading_in_two_texts_of_one_page_gives_two_ids(briefing: Briefing) -> None:
    for old in ("    Delegations met", "    A first accord"):
        briefing.replace("events.yaml", old, "    ## Notes\n\n" + old)
    assert briefing.build().exit_code == 0
    assert repeated(Site(briefing.root / "site").ids("timeline.html")) == []


def test_actor_page_lists_backlinks_to_each_mention(site: Site) -> None:
    actor = "actors/ana-ruiz.html"
    backlinks = site[actor].find("aside", cls="backlinks").links()
    for link in backlinks:
        landing = site.target(actor, link.attrs["href"])
        assert landing is not None, link.attrs["href"]
        target_page = site.page_linked(actor, link.attrs["href"])
        hrefs = [landing.attrs.get("href")] + [a.attrs["href"] for a in landing.links()]
        assert any(h and site.resolve(target_page, h) == (actor, "") for h in hrefs), \
            f"{link.attrs['href']} does not land on a link to {actor}"
    mentioning = {page for page, root in site.pages.items() if page != actor
                  for a in root.find_all("a", cls="xref")
                  if "id" in a.attrs and site.resolve(page, a.attrs["href"]) == (actor, "")}
    assert mentioning == {"index.html", "sources.html", "framework.html"}  # bottom line, a source note, a page
    assert {site.page_linked(actor, a.attrs["href"]) for a in backlinks} == mentioning


def test_a_text_that_cites_a_source_twice_is_listed_once_with_its_count(site: Site, built_site: Path) -> None:
    cited_in = [li.text().split() for aside in site["sources.html"].find_all("aside", cls="backlinks")
                for li in aside.find_all("li")]
    assert ["Home", "(2×)"] in cited_in and ["Summary:", "Agreed"] in cited_in
    data = json.loads((built_site / "briefing.json").read_text(encoding="utf-8"))
    counts = [m["count"] for mentions in data["citations"].values() for m in mentions]
    assert 2 in counts and 1 in counts


def test_citations_are_numbered_in_source_order_and_link_to_the_source(site: Site) -> None:
    order = [li.attrs["id"] for li in site["sources.html"].find("ol", cls="sources").find_all("li")
             if "id" in li.attrs]
    assert order == ["gazette", "courier"]  # the order of sources.yaml
    for n, source in enumerate(order, 1):
        heading = site.element("sources.html", source).find("h2").text()  # type: ignore[union-attr]
        assert heading.startswith(f"[{n}] ")
    seen = set()
    for page, root in site.pages.items():
        for a in cite_links(root):
            target = site.resolve(page, a.attrs["href"])
            if target and target[0] == "sources.html" and target[1]:
                assert a.text() == str(order.index(target[1]) + 1), f"{page}: {a.attrs['href']} numbered {a.text()}"
                seen.add(a.text())
    assert seen == {"1", "2"}


def test_citation_of_two_sources_with_a_locator(site: Site) -> None:
    # briefing.yaml status: [@gazette; @courier, para. 2]
    status = site.element("index.html", "status").parent  # type: ignore[union-attr]
    assert [sup.text() for sup in status.find_all("sup", cls="cite")] == ["[1; 2, para. 2]"]


def test_source_appendix_lists_the_places_that_cite_each_source(site: Site) -> None:
    for source in ("gazette", "courier"):
        entry = site.element("sources.html", source)
        assert entry is not None
        listed = entry.find("aside", cls="backlinks").links()
        for link in listed:
            landing = site.target("sources.html", link.attrs["href"])
            assert landing is not None, f"{source}: {link.attrs['href']} leads nowhere"
            page = site.page_linked("sources.html", link.attrs["href"])
            assert any(site.resolve(page, a.attrs["href"]) == ("sources.html", source)
                       for a in [landing, *landing.iter()] if "href" in a.attrs), \
                f"{link.attrs['href']} does not land on a citation of {source}"
        listed_pages = {site.page_linked("sources.html", a.attrs["href"]) for a in listed}
        citing_pages = {page for page, root in site.pages.items()
                        for sup in root.find_all("sup", cls="cite") if "id" in sup.attrs
                        for a in sup.links() if site.resolve(page, a.attrs["href"]) == ("sources.html", source)}
        assert citing_pages and citing_pages <= listed_pages


def crumbs(site: Site, page: str) -> list[tuple[str, str | None]]:
    nav = [n for n in site[page].find_all("nav") if n.attrs.get("aria-label") == "Breadcrumb"]
    if not nav:
        return []
    items = []
    for li in nav[0].find_all("li"):
        links = li.links()
        items.append((li.text().strip(), site.page_linked(page, links[0].attrs["href"]) if links else None))
    return items


def test_breadcrumbs(site: Site) -> None:
    assert crumbs(site, "actors/ana-ruiz.html") == [("Home", "index.html"), ("Actors", "actors/index.html"),
                                                    ("Ana Ruiz", None)]
    assert crumbs(site, "framework.html") == [("Home", "index.html"), ("The framework", None)]
    assert crumbs(site, "index.html") == []


def test_navigation_marks_the_page_it_is_on_and_no_other(site: Site) -> None:
    """The navigation is rendered once per folder and again for each page it names (render.py):
    each page must still get its own current mark, and links that work from its folder."""
    for page, root in site.pages.items():
        nav = root.find("nav", cls="site-nav")
        current = [site.page_linked(page, a.attrs["href"]) for a in nav.links() if "aria-current" in a.attrs]
        linked = {site.page_linked(page, a.attrs["href"]) for a in nav.links() if "#" not in a.attrs["href"]}
        assert current == ([page] if page in linked else []), page
        assert linked <= set(site.pages), page


def test_raw_html_in_content_is_shown_as_text(briefing: Briefing) -> None:
    briefing.append("pages/framework.md", "\n<script>alert(1)</script>\n\nAn <img src=x onerror=alert(2)> image.\n")
    briefing.replace("events.yaml", "title: Earlier accord", "title: <b onmouseover=alert(3)>Earlier</b> accord")
    briefing.replace("quotes.yaml", "context: |\n", "context: |\n    <iframe src=//evil.example></iframe>\n")
    result = briefing.build()
    assert result.exit_code == 0, result.output
    site = Site(briefing.root / "site")
    for page, root in site.pages.items():
        scripts = [s.attrs.get("src", "") for s in root.find_all("script")]
        assert all(src and site.page_linked(page, src).startswith("static/") for src in scripts), f"{page}: {scripts}"
        assert not root.find_all("iframe") and not root.find_all("img"), page
        handlers = [(n.tag, k) for n in root.iter() for k in n.attrs if k.startswith("on")]
        assert not handlers, f"{page}: {handlers}"
    framework = site["framework.html"].text()
    assert "<script>alert(1)</script>" in framework and "<img src=x onerror=alert(2)>" in framework
    assert "<b onmouseover=alert(3)>Earlier</b> accord" in site["timeline.html"].text()
    assert "<iframe src=//evil.example></iframe>" in site["quotes.html"].text()


@pytest.mark.parametrize("as_of, state, text", [
    ("2024-03-05", "running", "running: 26 days left"),
    ("2024-03-30", "running", "running: 1 day left"),
    ("2024-03-31", "due", "due now: the briefing date falls inside the due window"),
    ("2024-04-02", "passed", "passed (2 days ago at the latest)"),
])
def test_deadline_status_is_computed_from_as_of(briefing: Briefing, as_of: str, state: str, text: str) -> None:
    # review-window: starts with the talks (2024-03-01), 30 days, so due 31 March 2024.
    briefing.replace("briefing.yaml", "as_of: 2024-03-05", f"as_of: {as_of}")
    assert briefing.build().exit_code == 0
    site = Site(briefing.root / "site")
    entry = site.element("timeline.html", "review-window")
    assert entry is not None
    status = entry.find("span", cls="status")
    assert (status.attrs["class"], status.text()) == (f"status status-{state}", text)


def test_timeline_is_in_date_order(site: Site) -> None:
    entries = {"earlier-accord", "talks", "review-window"}
    items = [li.attrs["id"] for li in site["timeline.html"].find("ol", cls="timeline").find_all("li")
             if li.attrs.get("id") in entries]
    assert items == ["earlier-accord", "talks", "review-window"]  # early Feb, 1 March, 31 March 2024


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        proc = run_build_py("build", "--content", BASIC, "--out", out, env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        trees.append(tree_digest(out))
    assert trees[0] and any(path.endswith(".html") for path in trees[0])
    assert trees[0] == trees[1]
