"""Entity kinds are declared once (generator/kind.py): a kind that only the tests know (risks,
tests/kind_risk.py, plus its templates) is validated, linked, rendered and exported with no
engine file naming it, and adds its section to actors' pages and the home page, its entries to
the calendar and the feed, and its quoted words to the evidence check, through its declaration
alone; and page views say which sources a page cites before it renders."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from engine import PROJECT_ROOT, Briefing

import kind_risk
from generator.config import BuildConfig
from generator.errors import BuildFailed
from generator.kinds import BUILTIN_KINDS
from generator.pipeline import build_site, check_content
from generator.render import page_plan

KINDS = (*BUILTIN_KINDS, kind_risk.KIND)
RISKS = """\
- id: port-strike
  risk: Dockers strike before the review
  likelihood: high
  sources: [gazette]
  body: |
    The union has threatened it [@courier].
"""


def config(briefing: Briefing, kinds: tuple = KINDS) -> BuildConfig:
    templates = briefing.root / "templates"
    if not templates.exists():
        shutil.copytree(PROJECT_ROOT / "templates", templates)
        for name in ("risks.html", "_actor_risks.html", "_home_risks.html", "_tracker_risks.html", "_timeline_risk.html",
                     "_timeline_risks.html"):
            shutil.copy(PROJECT_ROOT / "tests" / "fixtures" / "kinds" / name, templates)
    return BuildConfig(content_dir=briefing.content, templates_dir=templates, out_dir=briefing.root / "site",
                       kinds=kinds)


def with_risks(briefing: Briefing) -> Briefing:
    briefing.write("risks.yaml", RISKS)
    briefing.append("pages/framework.md", "\nThe main risk: [[port-strike]].\n")
    return briefing


def with_herald(briefing: Briefing) -> Briefing:
    """A third source, which only what a test adds cites."""
    briefing.append("sources.yaml", "- id: herald\n  file: herald.txt\n  title: Harbour Herald\n  publisher: Harbour Herald\n"
                                    "  published: 2024-03-02\n  url: https://example.org/herald\n  reliability: A weekly.\n  noise: None.\n")
    return briefing


def test_an_extra_kind_is_rendered_linked_and_listed(briefing: Briefing) -> None:
    build_site(config(with_risks(briefing)))
    site = briefing.root / "site"
    page = (site / "risks.html").read_text(encoding="utf-8")
    assert '<section id="port-strike" class="risk">' in page and "Dockers strike before the review" in page
    assert 'class="cite"' in page and "The union has threatened it" in page  # its Markdown, with its citation
    assert re.search(r'<a href="framework.html#[^"]+">The framework</a>', page)  # backlink to the mention
    framework = (site / "framework.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="xref" href="risks.html#port-strike"(?: id="[^"]+")? data-preview="Risk \(high\): Dockers strike '
                     r'before the review" data-kind="Risk">Dockers strike before the review</a>', framework)
    assert '<a href="risks.html">Risks</a>' in framework  # navigation
    assert '<a href="risks.html">Risks</a> <span class="count">1</span>' in (site / "index.html").read_text("utf-8")


def test_an_extra_kind_is_exported_with_its_schema(briefing: Briefing) -> None:
    build_site(config(with_risks(briefing)))
    data = json.loads((briefing.root / "site" / "briefing.json").read_text(encoding="utf-8"))
    schema = json.loads((briefing.root / "site" / "briefing.schema.json").read_text(encoding="utf-8"))
    assert data["risks"] == [{"id": "port-strike", "url": "risks.html#port-strike", "risk": "Dockers strike before the review",
                              "likelihood": "high", "sources": ["gazette"], "owners": [], "by": None, "warning": None,
                              "body": "The union has threatened it [@courier].\n"}]
    jsonschema.validate(data, schema)
    data["risks"][0]["likelihood"] = "certain"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_an_extra_kind_is_validated_with_lines(briefing: Briefing) -> None:
    with_risks(briefing)
    briefing.replace("risks.yaml", "likelihood: high", "likelyhood: high")
    briefing.append("risks.yaml", "- id: fee-war\n  risk: A fee war\n  likelihood: certain\n  sources: [gazete]\n"
                                  "  body: Fees fall.\n"
                                  "- id: berth-delay\n  risk: Berths open late\n  likelihood: low\n"
                                  "  body: Only if [[ana-ruis]] says so.\n")
    with pytest.raises(BuildFailed) as failed:
        check_content(config(briefing))
    messages = sorted(str(d) for d in failed.value.diagnostics)
    assert any(m.startswith("content/risks.yaml:3: unknown field 'likelyhood' in risk") and "likelihood" in m for m in messages)
    assert any(m.startswith("content/risks.yaml:9: 'likelihood' must be one of low, medium, high") for m in messages)
    assert any(m.startswith("content/risks.yaml:10: unknown source 'gazete'") and "gazette" in m for m in messages)
    assert any(m.startswith("content/risks.yaml:15: unknown id [[ana-ruis]]") and "ana-ruiz" in m for m in messages)


CARRIED = """\
- id: fee-war
  risk: Fees undercut the framework
  likelihood: high
  sources: [gazette]
  owners: [ana-ruiz, ben-okafor]
  by: 2024-03-03
  warning: We have a framework for the harbour
  body: |
    The council fears it [@courier].
"""


def test_an_extra_kind_adds_its_section_to_the_page_of_each_actor_it_names_in_its_place(briefing: Briefing) -> None:
    """`on_actor_page`: the risk kind's records that name an actor show on that actor's page, by the
    kind's own template, between the analyst views (place 20) and the events (30); the page's
    endnotes then list the sources the section cites."""
    with_risks(briefing).append("risks.yaml", CARRIED)
    cfg = config(briefing)
    build_site(cfg)
    site = briefing.root / "site"
    ana = (site / "actors" / "ana-ruiz.html").read_text(encoding="utf-8")
    ben = (site / "actors" / "ben-okafor.html").read_text(encoding="utf-8")
    section = '<h2 id="risks-carried">Risks carried</h2><ul><li><a href="../risks.html#fee-war">Fees undercut the framework</a></li></ul>'
    assert section in ana and section in ben
    assert ana.index(section) < ana.index('<h2 id="events">') < ana.index('class="backlinks"')
    assert ben.index('<h2 id="quotations">') < ben.index('<h2 id="view">') < ben.index(section)
    assert "port-strike" not in ana  # it names no actor
    assert "risks-carried" not in (site / "actors" / "port-council.html").read_text(encoding="utf-8")
    view = next(context["view"] for path, _, context in page_plan(check_content(cfg)) if path == "actors/ana-ruiz.html")
    assert "gazette" in view.cites


def test_an_extra_kinds_sections_keep_their_ids_from_the_headings_of_actors_texts(briefing: Briefing) -> None:
    """`ActorPart.ids`: a heading in an actor's text that would take the id of a kind's section on
    that page gets the next free id, with a warning, as for the engine's own ids."""
    with_risks(briefing).append("risks.yaml", CARRIED)
    briefing.append("actors/ana-ruiz.md", "\n## Risks carried\n\nNone she admits.\n")
    report = build_site(config(briefing))
    ana = (briefing.root / "site" / "actors" / "ana-ruiz.html").read_text(encoding="utf-8")
    assert ana.count('id="risks-carried"') == 1 and '<h2 id="risks-carried-1">Risks carried</h2>' in ana
    assert any("heading id 'risks-carried' is taken by the page itself" in str(w) for w in report.warnings)


def test_a_cached_parse_is_not_reused_when_the_kinds_reserve_other_ids(briefing: Briefing, tmp_path: Path) -> None:
    """The ids the kinds reserve change how a heading parses: a build cache made with other kinds
    must not give an actor's heading an id a section of this build's kinds now takes."""
    briefing.append("actors/ana-ruiz.md", "\n## Risks carried\n\nNone she admits.\n")
    cache = tmp_path / "cache"
    build_site(config(briefing, BUILTIN_KINDS), cache_dir=cache)
    with_risks(briefing).append("risks.yaml", CARRIED)
    build_site(config(briefing), cache_dir=cache)
    ana = (briefing.root / "site" / "actors" / "ana-ruiz.html").read_text(encoding="utf-8")
    assert ana.count('id="risks-carried"') == 1 and '<h2 id="risks-carried-1">Risks carried</h2>' in ana


def test_an_extra_kind_gives_its_table_to_a_free_page_that_asks_for_it(briefing: Briefing) -> None:
    """`tracker`: a free page's `tracker:` may name any kind that declares a table, and only those;
    the page's endnotes then list the sources the table cites; a heading cannot take its ids."""
    from generator.content_schema import content_schemas

    with_herald(with_risks(briefing)).replace("pages/framework.md", "order: 10\n", "order: 10\ntracker: risks\n")
    briefing.replace("risks.yaml", "sources: [gazette]", "sources: [herald]")
    briefing.append("pages/framework.md", "\n## Risk table\n")
    cfg = config(briefing)
    build_site(cfg)
    page = (briefing.root / "site" / "framework.html").read_text(encoding="utf-8")
    assert '<h2 id="risk-table">Risk table</h2><ul><li><a href="risks.html#port-strike">Dockers strike' in page
    assert '<h2 id="risk-table-1">Risk table</h2>' in page
    view = next(context["view"] for path, _, context in page_plan(check_content(cfg)) if path == "framework.html")
    assert "herald" in view.cites  # cited only by the table
    page_schema = json.loads(content_schemas(KINDS)["page.schema.json"])
    assert page_schema["properties"]["tracker"]["enum"] == ["commitments", "risks"]
    with pytest.raises(BuildFailed) as failed:
        check_content(config(briefing, BUILTIN_KINDS))
    assert [str(d).splitlines()[0] for d in failed.value.diagnostics if "tracker" in str(d)] == [
        "content/pages/framework.md:5: 'tracker' must be one of commitments, got 'risks'"]


def test_an_extra_kind_adds_its_section_to_the_home_page(briefing: Briefing) -> None:
    """`on_home_page`: the risk kind shows its high risks on the home page, by its own template;
    with none, no section."""
    build_site(config(with_risks(briefing)))
    home = (briefing.root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="high-risks">High risks</h2><ul><li><a href="risks.html#port-strike">Dockers strike' in home
    assert home.index('id="watch"') < home.index('id="high-risks"') < home.index('id="contents"')
    briefing.replace("risks.yaml", "likelihood: high", "likelihood: low")
    build_site(config(briefing))
    assert "high-risks" not in (briefing.root / "site" / "index.html").read_text(encoding="utf-8")


def test_an_extra_kinds_dated_records_go_on_the_timeline_among_the_events(briefing: Briefing) -> None:
    """`on_timeline`: a risk with a date is an entry of the timeline at that date, by the kind's own
    template, and the kind's list of them shows above the timeline; the page's endnotes then list
    the sources that list cites. A risk without a date is not on it."""
    with_herald(with_risks(briefing)).append("risks.yaml", CARRIED.replace("sources: [gazette]", "sources: [herald]")
                                             .replace("    warning: We have a framework for the harbour\n", ""))
    cfg = config(briefing)
    build_site(cfg)
    timeline = (briefing.root / "site" / "timeline.html").read_text(encoding="utf-8")
    entry = ('<li class="risk"><span class="dot" aria-hidden="true"></span><div class="entry"><p class="when">'
             '<time datetime="2024-03-03">3 March 2024</time> risk</p><h3><a href="risks.html#fee-war">Fees undercut the framework</a>')
    assert entry in timeline and "port-strike" not in timeline
    assert timeline.index('<time datetime="2024-03-01">') < timeline.index(entry) < timeline.index('<time datetime="2024-03-20">')
    assert timeline.index('<h2 id="risks-ahead">') < timeline.index('id="in-order"')
    view = next(context["view"] for path, _, context in page_plan(check_content(cfg)) if path == "timeline.html")
    assert "herald" in view.cites  # cited only by the kind's list


def test_an_extra_kinds_dated_records_go_into_the_calendar_and_the_feed(briefing: Briefing) -> None:
    """`dated`: a risk with a date is a calendar entry (its UID from its kind and id) and a feed
    entry, in date order among the events and deadlines; one without a date is neither."""
    import icalendar
    import xml.etree.ElementTree as ET

    with_risks(briefing).append("risks.yaml", CARRIED)
    build_site(config(briefing))
    site = briefing.root / "site"
    calendar = icalendar.Calendar.from_ical((site / "deadlines.ics").read_bytes())
    entries = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    risk = entries["risk-fee-war@example.org"]
    assert str(risk["SUMMARY"]) == "Risk: Fees undercut the framework"
    assert risk["DTSTART"].dt.isoformat() == "2024-03-03" and str(risk["URL"]) == "https://example.org/harbour/risks.html#fee-war"
    assert str(risk["DESCRIPTION"]).startswith("The council fears it [2].\n\nLikelihood: high.\n\nDate: 3 March 2024")
    assert not any("port-strike" in uid for uid in entries)
    starts = [e["DTSTART"].dt for e in calendar.walk("VEVENT")]
    assert starts == sorted(starts)
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in feed.iter("{http://www.w3.org/2005/Atom}entry")]
    assert "3 March 2024: Fees undercut the framework" in titles
    assert titles.index("3 March 2024: Fees undercut the framework") < next(i for i, t in enumerate(titles) if t.startswith("1 March 2024"))


def test_an_extra_kinds_quoted_words_are_checked_against_the_source_text(briefing: Briefing) -> None:
    """`quoting`: the words a risk quotes must be in its source's text, as a quotation's are."""
    with_risks(briefing).append("risks.yaml", CARRIED)
    check_content(config(briefing))
    briefing.replace("risks.yaml", "warning: We have a framework", "warning: We have no framework")
    with pytest.raises(BuildFailed) as failed:
        check_content(config(briefing))
    messages = [str(d) for d in failed.value.diagnostics]
    assert any(m.startswith("content/risks.yaml:7: quotation 'fee-war' is not in the text of source 'gazette'") for m in messages), messages


def test_a_kind_not_declared_is_not_read(briefing: Briefing) -> None:
    briefing.write("risks.yaml", RISKS)
    build_site(config(briefing, BUILTIN_KINDS))
    assert not (briefing.root / "site" / "risks.html").exists()
    assert "risks" not in json.loads((briefing.root / "site" / "briefing.json").read_text(encoding="utf-8"))


def test_a_page_view_knows_the_sources_its_page_cites_before_rendering(briefing: Briefing) -> None:
    """The printed endnotes (collected while the page renders) list exactly the view's `cites`."""
    cfg = config(with_risks(briefing))
    resolved = check_content(cfg)
    views = {path: context["view"] for path, _, context in page_plan(resolved) if "view" in context}
    assert {"index.html", "actors/index.html", "timeline.html", "views.html", "quotes.html", "sources.html",
            "commitments.html", "risks.html", "glossary.html", "about.html", "actors/ana-ruiz.html"} <= set(views)
    build_site(cfg)
    for path, view in views.items():
        if path == "sources.html":
            continue  # the appendix is the list of sources: it prints no endnotes
        html = (briefing.root / "site" / path).read_text(encoding="utf-8")
        endnotes = html.split('class="endnotes print-only"', 1)[-1].split("</section>", 1)[0]
        printed = [int(n) for n in re.findall(r'<li value="(\d+)">', endnotes)]
        assert printed == [resolved.citation_numbers[s] for s in view.cites], path
    assert all(views[path].cites for path in ("index.html", "timeline.html", "views.html", "quotes.html",
                                              "commitments.html", "risks.html", "actors/ana-ruiz.html"))


def test_page_views_are_plain_data_that_pickle(briefing: Briefing) -> None:
    """Views go to worker processes as they are: no resolved briefing, no live objects inside."""
    import pickle
    resolved = check_content(config(with_risks(briefing)))
    views = [context["view"] for _, _, context in page_plan(resolved) if "view" in context]
    assert len(views) >= 6
    for view in views:
        assert pickle.loads(pickle.dumps(view)) == view
        assert resolved not in vars(view).values() and resolved.content not in vars(view).values()


def test_templates_cannot_reach_the_resolved_briefing(briefing: Briefing) -> None:
    """A template reads its page's view; `content` and `resolved` are not in its context at all."""
    cfg = config(briefing)
    for name in ("content", "resolved"):
        page = cfg.templates_dir / "page.html"
        page.write_text((PROJECT_ROOT / "templates" / "page.html").read_text(encoding="utf-8")
                        .replace("{{ view.title }}", "{{ view.title }}{{ %s | length }}" % name), encoding="utf-8")
        with pytest.raises(BuildFailed, match=f"'{name}' is undefined"):
            build_site(cfg)


def test_headings_in_a_kinds_records_get_ids_unique_on_its_page(briefing: Briefing) -> None:
    """Many records share a kind's page: the same heading in two of them must not clash."""
    briefing.write("risks.yaml", RISKS.replace("    The union", "    ## Why\n\n    The union")
                   + RISKS.replace("port-strike", "fee-war").replace("    The union", "    ## Why\n\n    The union"))
    build_site(config(briefing))
    ids = re.findall(r'<h2 id="([^"]+)">Why</h2>', (briefing.root / "site" / "risks.html").read_text("utf-8"))
    assert len(ids) == 2 and len(set(ids)) == 2, ids


def test_the_page_list_and_a_partial_plan_agree_with_the_whole_plan(briefing: Briefing) -> None:
    """The exports and the preview list or render pages without making every view: the same pages,
    in the same order, with the same views."""
    from generator.render import page_paths

    resolved = check_content(config(with_risks(briefing)))
    plan = page_plan(resolved)
    assert page_paths(resolved) == [path for path, _, _ in plan]
    wanted = {"risks.html", "actors/ana-ruiz.html", "about.html", "index.html"}
    assert page_plan(resolved, wanted.__contains__) == [entry for entry in plan if entry[0] in wanted]


def test_every_text_is_listed_once_in_the_briefings_one_order(briefing: Briefing) -> None:
    """Each Markdown text comes from one declaration (a kind's or the engine's own), once, in the
    order backlinks and briefing.json follow: actors, the fixed pages' kinds, views, pages, the rest."""
    from generator.resolve import markdown_fields

    resolved = check_content(config(with_risks(briefing)))
    texts = [(key, group) for key, _, _, _, group in markdown_fields(resolved.content)]
    keys = [key for key, _ in texts]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    groups = list(dict.fromkeys(group for _, group in texts if group not in {"bottom_line", "status", "summary", "key_figures"}))
    assert groups == ["actors", "sources", "events", "deadlines", "quotes", "views", "pages", "glossary", "commitments", "risks"]


def test_every_list_file_of_the_default_briefing_is_a_declared_kind() -> None:
    """Each list file and each folder of Markdown files in content/ is read, checked, rendered and
    exported through one declaration in generator/kinds/; the engine keeps no list of its own
    (schema.py holds only briefing.yaml's fields and the records nested in fields)."""
    import generator.schema as schema

    content = PROJECT_ROOT / "content"
    lists = {path.stem for path in content.glob("*.yaml")} - {"briefing"}
    folders = {path.name for path in content.iterdir() if path.is_dir() and any(path.glob("*.md"))}
    assert {kind.file for kind in BUILTIN_KINDS if not kind.folder} == lists
    assert {kind.file for kind in BUILTIN_KINDS if kind.folder} == folders == {"actors", "pages"}
    assert not {"LIST_FILES", "RECORDS", "ACTOR", "PAGE", "SOURCE", "EVENT", "DEADLINE", "QUOTE", "VIEW"} & set(vars(schema))
    assert len({kind.name for kind in BUILTIN_KINDS}) == len(BUILTIN_KINDS)


def test_kind_declarations_pickle_so_workers_can_name_them() -> None:
    """A declaration's hooks are module-level functions (never lambdas): a kind, and the records it
    makes, go to worker processes as they are."""
    import pickle
    for kind in (*BUILTIN_KINDS, kind_risk.KIND):
        assert pickle.loads(pickle.dumps(kind)) == kind, kind.name


def test_outside_its_module_a_kind_is_named_only_for_the_citation_syntax_and_the_models_own_records() -> None:
    """The engine reads events, deadlines, analyst views, terms and commitments only through their
    declarations: no module outside generator/kinds/ imports their modules or tests a record for
    their entity name. Sources and quotations are named by the citation syntax (`[@id]`, `![[id]]`),
    actors and free pages by model.py, which holds their dataclasses. Inside generator/kinds/, a
    kind's module tests no record for another kind's name and reads no other kind's records from
    the briefing (a page that shows them takes them through a hook: `on_timeline`, `tracker`...);
    checking a reference to another kind's record (`checks.records`) is validation, not reading."""
    import importlib

    syntax_and_model = {"source", "quote", "actor", "page"}
    for path in sorted((PROJECT_ROOT / "generator").rglob("*.py")):
        folders = set(path.relative_to(PROJECT_ROOT / "generator").parts[:-1])
        text = path.read_text(encoding="utf-8")
        compared = set(re.findall(r"""entity\s*[!=]=\s*["'](\w+)["']""", text))
        if "kinds" in folders and path.stem != "__init__":
            own = importlib.import_module(f"generator.kinds.{path.stem}").KIND
            read = set(re.findall(r"""content\.records\(\s*["'](\w+)["']|kind\.file\s*==\s*["'](\w+)["']""", text))
            assert compared <= {own.name}, f"{path.name} tests records for {sorted(compared - {own.name})}"
            assert {f for pair in read for f in pair if f} <= {own.file}, f"{path.name} reads another kind's records: {read}"
            continue
        if "ingest" in folders:
            continue
        imported = set(re.findall(r"from \.+kinds\.(\w+) import", text))
        named = {"analyst_view" if name == "view" else name for name in compared} | imported
        assert named <= syntax_and_model, f"{path.name} names {sorted(named - syntax_and_model)}"


def test_no_engine_list_and_no_field_type_names_a_kind() -> None:
    """What a kind adds to others is derived from the declarations, so no list can go stale: the
    ids reserved on actors' and free pages (headings.TEMPLATE_IDS holds only the engine templates'
    own; each section declares its ids), the files `require_evidence` may name (schema.EVIDENCE_FIELDS
    holds only briefing.yaml's own texts; `Kind.evidence`), and the kinds a free page's `tracker:`
    may name (a `tracker` field, completed from `Kind.tracker`; no field's `enum:` lists a kind)."""
    import generator.schema as schema
    from generator.headings import BODY_TEMPLATES, TEMPLATE_IDS

    kinds = (*BUILTIN_KINDS, kind_risk.KIND)
    names = {kind.file for kind in kinds} | {kind.name for kind in kinds}
    specs = (schema.briefing_spec(), *schema.NESTED.values(), *(kind.spec for kind in kinds))
    enums = {(spec.name, f.name): set(f.type.rsplit("enum:", 1)[1].split("|")) for spec in specs for f in spec.fields
             if "enum:" in f.type}
    assert ("briefing", "require_evidence") in enums
    assert not {key: options & names for key, options in enums.items() if options & names}
    assert not set(schema.EVIDENCE_FIELDS) & names
    engine_ids = {i for name in BODY_TEMPLATES for i in re.findall(r'\bid="([^"{}]+)"', (PROJECT_ROOT / "templates" / name).read_text())}
    part_ids = {i for kind in kinds for part in (kind.on_actor_page, kind.tracker) if part for i in part.ids}
    assert TEMPLATE_IDS <= engine_ids and not TEMPLATE_IDS & part_ids, sorted(TEMPLATE_IDS - engine_ids)


def test_a_kinds_templates_are_its_own_and_no_template_tests_a_records_kind() -> None:
    """A page shows another kind's records only through that kind's own templates (its sections,
    entries and tables): no template compares a record's `entity`, and a kind's macros
    (`_NAME_macros.html`) are imported by its own declared templates only."""
    templates = PROJECT_ROOT / "templates"
    pages = {path.name: path.read_text(encoding="utf-8") for path in templates.glob("*.html")}
    assert not {name for name, text in pages.items() if re.search(r"entity\s*[!=]=", text)}
    for kind in BUILTIN_KINDS:
        own = {kind.template, kind.record_template, *(part.template for part in (kind.on_actor_page, kind.on_home_page, kind.tracker) if part),
               *((kind.on_timeline.entry, kind.on_timeline.summary_template) if kind.on_timeline else ())} - {""}
        assert own <= set(pages), sorted(own - set(pages))
        importers = {name for name, text in pages.items() if f'"_{kind.name}_macros.html"' in text}
        assert importers <= own, f"{sorted(importers - own)} import the {kind.name} kind's macros"
