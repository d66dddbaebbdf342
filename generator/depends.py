"""What each page read: a dependency key per HTML page, for skipping unchanged pages on rebuild.

A page's key hashes everything its output can depend on, so an equal key means equal bytes:
- the shared part: the engine's code, the templates, every content file except the free
  pages, every free page's fields other than its body (titles feed links, navigation and
  previews everywhere), and the build's options;
- its own part: for a free page its body, for an actor nothing more (actor files are in the
  shared part), and for both the backlinks that other texts give it.
The generated pages (home, timeline, sources...) read the whole briefing and get no key: they
are always rendered, and written only if their bytes changed.
"""
from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path

from .model import Page
from .render import PagePlan
from .resolve import Resolved
from .views import ActorView, FreePageView

PAGES_FOLDER = "pages"


def shared_key(inputs: list[Path], content_dir: Path, resolved: Resolved, options: str) -> str:
    """The part of every page's key that does not depend on which page it is."""
    h = hashlib.blake2b(options.encode(), digest_size=16)
    skipped = content_dir / PAGES_FOLDER
    for folder in inputs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if path.parent != skipped:
                h.update(f"\0{path}\0".encode())
                h.update(path.read_bytes())
    for page in resolved.content.pages:
        h.update(repr([(f.name, getattr(page, f.name)) for f in fields(page) if f.name != "body"]).encode())
    return h.hexdigest()


def page_keys(resolved: Resolved, plan: PagePlan, shared: str) -> dict[str, str]:
    """{output path: key} for every actor and free page of the plan."""
    keys = {}
    for path, _, context in plan:
        view = context.get("view")
        if not isinstance(view, (ActorView, FreePageView)):
            continue
        entity = resolved.index[view.id]
        own = repr(entity.body) if isinstance(entity, Page) else ""
        text = f"{shared}\0{path}\0{entity.id}\0{own}\0{resolved.backlinks.get(entity.id)!r}"
        keys[path] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return keys
