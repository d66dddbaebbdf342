"""A synthetic briefing of N pages, and the same pages as a plain Hugo site, for benchmarks.

Deterministic: the same N gives byte-identical files. Each page has ~600 words with a heading,
a list, a table, emphasis, five `[[page-K]]` wikilinks, one `[@source]` citation and one
footnote. Actors, events, quotes, deadlines and views come in proportion (one actor and one event
per ten pages, one quote per twenty, one view per fifty, one deadline per hundred); five sources.

    python benchmarks/generate.py 1000 /tmp/scale-1000     # -> content/ and hugo/ under it
"""
from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Callable
from pathlib import Path

SOURCES = ("wire", "gazette", "courier", "tribune", "ledger")
WORDS = ("tariff trade export licence magnet rare earth chip talks framework council minister deal "
         "market shipment port review deadline agreement delegation supply chain quota official "
         "statement analyst outlook pressure truce negotiation customs volume price steel factory").split()
AS_OF = "2024-06-30"


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(9, 15)) for _ in range(sentences))


def _page_parts(i: int, n: int, rng: random.Random) -> dict[str, object]:
    """The pieces of page i, shared by both renderings so both sites hold the same text."""
    links = [(i * 7 + k * 131 + 1) % n for k in range(5)]
    return {
        "title": f"Page {i}: {_sentence(rng, 4)[:-1]}",
        "intro": _paragraph(rng, 7),
        "heading": f"Section {i} {rng.choice(WORDS)}",
        "items": [_sentence(rng, 8) for _ in range(4)],
        "rows": [(rng.choice(WORDS), rng.randint(1, 999), rng.choice(WORDS)) for _ in range(4)],
        "body": [_paragraph(rng, 11) for _ in range(3)],
        "emph": rng.choice(WORDS),
        "links": links,
        "source": SOURCES[i % len(SOURCES)],
        "note": _sentence(rng, 10),
    }


def _page_body(p: dict, link: Callable[[int], str], cite: str) -> str:
    """Page p's Markdown below its front matter, with `link(k)` for a link to page k."""
    a, b, c, d, e = p["links"]
    items = "\n".join(f"- {item}" for item in p["items"])
    rows = "\n".join(f"| {w} | {n} | {x} |" for w, n, x in p["rows"])
    body = p["body"]
    return (f"{p['intro']} See {link(a)} and {link(b)} {cite}.\n\n"
            f"## {p['heading']}\n\n{items}\n\n"
            f"| word | count | note |\n|------|-------|------|\n{rows}\n\n"
            f"{body[0]} This is *{p['emph']}* and **{p['emph']}**, as {link(c)} shows.[^1]\n\n"
            f"{body[1]} Compare {link(d)}.\n\n{body[2]} Also {link(e)}.\n\n"
            f"[^1]: {p['note']}\n")


def _briefing_page(i: int, p: dict) -> str:
    return (f"---\ntitle: \"{p['title']}\"\nsummary: Synthetic page {i}.\norder: {100 + i}\n---\n"
            + _page_body(p, lambda k: f"[[page-{k}]]", f"[@{p['source']}]"))


def _hugo_page(i: int, p: dict) -> str:
    return (f"---\ntitle: \"{p['title']}\"\ndate: {AS_OF}\nsummary: Synthetic page {i}.\nweight: {100 + i}\n"
            f"tags: [{p['source']}]\n---\n"
            + _page_body(p, lambda k: f"[Page {k}](/page-{k}/)", f"[[1]](/sources/#{p['source']})"))


def write_briefing(n: int, root: Path) -> None:
    rng = random.Random(n)
    content = root / "content"
    (content / "pages").mkdir(parents=True)
    (content / "actors").mkdir()
    n_actors, n_events, n_quotes = max(n // 10, 2), max(n // 10, 1), max(n // 20, 1)
    n_views, n_deadlines = max(n // 50, 1), max(n // 100, 1)
    (content / "briefing.yaml").write_text(
        f"title: Synthetic briefing of {n} pages\nas_of: {AS_OF}\nbase_url: https://example.org/scale\n"
        "bottom_line: |\n  A synthetic briefing [@wire], linking [[page-0]] and [[actor-0]].\n"
        "status: |\n  Generated for benchmarks [@gazette].\n"
        "stance_scale:\n  - {id: doubtful, label: Doubtful, description: Expects failure.}\n"
        "  - {id: hopeful, label: Hopeful, description: Expects success.}\n"
        "key_figures:\n  - value: \"42%\"\n    label: A figure [@courier].\n", encoding="utf-8")
    (content / "sources.yaml").write_text("".join(
        f"- id: {s}\n  file: {s}.txt\n  title: The {s.title()} report\n  published: 2024-06\n"
        f"  reliability: |\n    A synthetic source [[actor-{k}]].\n" for k, s in enumerate(SOURCES)), encoding="utf-8")
    (content / "events.yaml").write_text("".join(
        f"- id: event-{k}\n  title: Event {k} {rng.choice(WORDS)}\n  date: 2024-{1 + k % 6:02d}-{1 + k % 28:02d}\n"
        f"  actors: [actor-{k % n_actors}]\n  body: |\n    {_sentence(rng, 12)} [[page-{k % n}]] [@{SOURCES[k % 5]}].\n"
        for k in range(n_events)), encoding="utf-8")
    (content / "deadlines.yaml").write_text("".join(
        f"- id: deadline-{k}\n  title: Deadline {k}\n  basis: binding\n  start: event-{k % n_events}\n  days: {30 + k % 60}\n"
        f"  body: |\n    {_sentence(rng, 10)} [@{SOURCES[k % 5]}].\n" for k in range(n_deadlines)), encoding="utf-8")
    (content / "quotes.yaml").write_text("".join(
        f"- id: quote-{k}\n  speaker: actor-{k % n_actors}\n  text: {_sentence(rng, 8)[:-1]}\n"
        f"  source: {SOURCES[k % 5]}\n  context: |\n    Said on [[event-{k % n_events}]] [@{SOURCES[k % 5]}].\n"
        for k in range(n_quotes)), encoding="utf-8")
    (content / "views.yaml").write_text("".join(
        f"- id: view-{k}\n  analyst: actor-{k % n_actors}\n  stance: {('doubtful', 'hopeful')[k % 2]}\n"
        f"  gist: |\n    {_sentence(rng, 12)} [@{SOURCES[k % 5]}]\n  quotes: [quote-{k % n_quotes}]\n"
        for k in range(n_views)), encoding="utf-8")
    for k in range(n_actors):
        (content / "actors" / f"actor-{k}.md").write_text(
            f"---\nname: Actor {k}\nkind: {('person', 'organisation')[k % 2]}\nside: Side {k % 4}\n"
            f"roles:\n  - title: Official {k}\n    sources: [{SOURCES[k % 5]}]\nsummary: Synthetic actor {k}.\n---\n"
            f"{_paragraph(rng, 3)} See [[page-{k % n}]] [@{SOURCES[k % 5]}].\n\n![[quote-{k % n_quotes}]]\n",
            encoding="utf-8")
    for i in range(n):
        parts = _page_parts(i, n, random.Random(f"{n}-{i}"))
        (content / "pages" / f"page-{i}.md").write_text(_briefing_page(i, parts), encoding="utf-8")


_HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range first 8 site.RegularPages.ByWeight }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>Synthetic benchmark</footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Summary | plainify | truncate 80 }}</p>
{{ .Content }}</article>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">previous</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">next</a>{{ end }}{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}


def write_hugo(n: int, root: Path) -> None:
    site = root / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text(f'baseURL = "https://example.org/scale/"\ntitle = "Synthetic briefing of {n} pages"\n'
                                    'languageCode = "en"\n[markup.goldmark.renderer]\nunsafe = false\n', encoding="utf-8")
    for name, text in _HUGO_LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site / "content" / "_index.md").write_text("---\ntitle: Home\n---\nA synthetic briefing.\n", encoding="utf-8")
    for i in range(n):
        parts = _page_parts(i, n, random.Random(f"{n}-{i}"))
        (site / "content" / f"page-{i}.md").write_text(_hugo_page(i, parts), encoding="utf-8")


def generate(n: int, root: Path) -> Path:
    """root/content (the briefing) and root/hugo (the Hugo site), made afresh."""
    if root.exists():
        shutil.rmtree(root)
    write_briefing(n, root)
    write_hugo(n, root)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=int)
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    generate(args.pages, args.root)
    print(f"wrote {args.root}/content and {args.root}/hugo ({args.pages} pages)")


if __name__ == "__main__":
    main()
