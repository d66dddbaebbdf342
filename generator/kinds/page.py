"""Free pages: one Markdown file each (`content/pages/ID.md`), each on its own page, named in the
menu by `order`; a page may show a declared kind's table after its body (`tracker: FILE`, of a kind
with `Kind.tracker`)."""
from __future__ import annotations

from typing import Any

from .. import jsonparts as j
from ..kind import Checks, Kind, record_class, titled
from ..model import Page
from ..resolve import Resolved
from ..schema import F, R, RecordSpec
from ..urls import free_page_url
from ..views import FreePageView, free_page_view
from .actor import summary_or_title

SPEC = RecordSpec("page", "`content/pages/ID.md`: front matter of a free page; the body is Markdown.", (
    R("title", "text", "Page title."),
    F("summary", "text", "One line used in navigation and link previews."),
    F("order", "int", "Position in the navigation (lower first)."),
    F("tracker", "tracker", "Show a tracker table after the body ({trackers})."),
))


def make_page(v: dict[str, Any], checks: Checks) -> Page:
    return Page(v["id"], v["title"], v.get("summary", ""), v.get("order", 100), v["body"], v["_location"],
                v.get("tracker"))


def page_view(resolved: Resolved, page: Any, path: str, prepared: Any) -> FreePageView:
    return free_page_view(resolved, page, _tracker(resolved, page, path))


def _tracker(resolved: Resolved, page: Any, path: str) -> tuple[str, Any] | None:
    """(template, view) of the table a page asks for (`tracker: FILE`), or None: none, or no records."""
    found = next(((kind.tracker, records) for kind, records in resolved.content.declared
                  if kind.tracker and kind.file == page.tracker), None)
    if found is None or not found[1]:
        return None
    part, records = found
    return part.template, part.view(resolved, records, path)


def page_json(p: Any, r: Resolved) -> dict[str, Any]:
    return {"id": p.id, "url": r.urls[p.id], "title": p.title, "summary": p.summary, "order": p.order,
            "tracker": p.tracker, "body": j.md(p.body)}


def page_schema() -> dict[str, Any]:
    return j.record("A free page.", id=j.ID, url=j.URL, title=j.STR, summary=j.STR, order={"type": "integer"},
                    tracker=j.OPT_STR, body=j.STR)


KIND = Kind(name="page", file="pages", spec=SPEC, model=record_class("page", Page), page="", title="Pages",
            owner_title=titled, preview=summary_or_title, noun="Page", make=make_page, folder=True,
            record_url=free_page_url, record_template="page.html", record_view=page_view, to_json=page_json,
            json_schema=page_schema)
