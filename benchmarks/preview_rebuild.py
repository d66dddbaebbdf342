"""What one preview rebuild does after each kind of edit: pages rendered, JSON records encoded,
wall and CPU time, in process (no browser, no server).

    .venv/bin/python benchmarks/preview_rebuild.py [--content content] [--edits body,link,...]
    .venv/bin/python benchmarks/preview_rebuild.py --content /tmp/s10k/content --edits body,link,title,actor

Copies the briefing and the templates to a temporary folder, makes the preview's first build
(`build`'s own, cold), then for each edit saves the file and times `Previewer.rebuild` (as the
server's rebuild thread calls it, after the pause that follows a save). The search index's
refresh, which follows in the background and is the same whatever the rebuild did, is left out.
Pages and records are counted where the engine renders and encodes them, so the script
measures any version of the previewer. CPU is this process's (all threads): `time.process_time`.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import pipeline, splice  # noqa: E402
from generator.preview.previewer import Previewer  # noqa: E402
from generator.preview.watch import Changes  # noqa: E402
from generator.config import BuildConfig  # noqa: E402

COUNTS = {"pages": 0, "records": 0}


def _counting() -> None:
    """Count pages rendered and JSON records encoded, wherever the previewer asks for them."""
    render_pages, dump_json = pipeline.render_pages, splice.dump_json

    def pages(*args: Any, **kwargs: Any) -> Iterator[tuple[str, bytes]]:
        for page in render_pages(*args, **kwargs):
            COUNTS["pages"] += 1
            yield page

    def dump(*args: Any, **kwargs: Any) -> splice.SplicedJson:
        spliced = dump_json(*args, **kwargs)
        COUNTS["records"] += spliced.encoded
        return spliced

    pipeline.render_pages, splice.dump_json = pages, dump  # type: ignore[assignment]


def _first_page(content: Path) -> Path:
    return sorted((content / "pages").glob("*.md"))[0]


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: no {old!r} to replace"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edits(content: Path, templates: Path) -> dict[str, Callable[[], None]]:
    page = _first_page(content)
    actor = sorted((content / "actors").glob("*.md"))[0]
    other = sorted((content / "pages").glob("*.md"))[-1].stem

    def body() -> None:  # a sentence more, the same references
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence, no link.\n", encoding="utf-8")

    def link() -> None:  # a new [[link]]: the target's backlinks change
        page.write_text(page.read_text(encoding="utf-8") + f"\nSee also [[{other}]].\n", encoding="utf-8")

    def title() -> None:
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"^title: .*$", "title: Retitled", text, count=1, flags=re.M), encoding="utf-8")

    def actor_edit() -> None:
        actor.write_text(actor.read_text(encoding="utf-8") + "\nOne more sentence about them.\n", encoding="utf-8")

    def template() -> None:
        base = templates / "base.html"
        _replace_once(base, '<main id="main">', '<main id="main"><!-- probe -->')

    def static() -> None:
        with (templates / "static" / "style.css").open("a", encoding="utf-8") as f:
            f.write("\n.probe { color: red }\n")

    return {"body": body, "link": link, "title": title, "actor": actor_edit, "template": template, "static": static}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--edits", default="body,link,title,actor,static,template")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="preview-rebuild-") as tmp:
        content, templates = Path(tmp) / "content", Path(tmp) / "templates"
        shutil.copytree(args.content, content)
        shutil.copytree(ROOT / "templates", templates)
        config = BuildConfig(content_dir=content, templates_dir=templates, out_dir=Path(tmp) / "site")
        previewer = Previewer(config)
        previewer._refresh_search_later = lambda *a: None  # type: ignore[method-assign,assignment,return-value]
        started = time.perf_counter()
        previewer.full_build()
        print(f"first build: {time.perf_counter() - started:.1f} s")
        _counting()
        edits = _edits(content, templates)
        for name in args.edits.split(","):
            edits[name]()
            COUNTS.update(pages=0, records=0)
            wall, cpu = time.perf_counter(), time.process_time()
            if name == "static":
                previewer.apply(Changes(static=True))
            else:
                previewer.apply(Changes(content=name != "template", templates=name == "template"))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{name:9} {COUNTS['pages']:6} pages rendered {COUNTS['records']:6} JSON records encoded"
                  f"   wall {wall * 1000:7.0f} ms  CPU {cpu * 1000:7.0f} ms", flush=True)


if __name__ == "__main__":
    main()
