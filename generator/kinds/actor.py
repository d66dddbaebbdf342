"""Actors: people, organisations and groups, one Markdown file each (`content/actors/ID.md`), each
on its own page, all listed by side on actors/index.html."""
from __future__ import annotations

from typing import Any

from .. import jsonparts as j
from ..kind import Checks, Kind, Lookup, record_class, titled
from ..model import Actor, NativeName, Role
from ..resolve import Resolved
from ..schema import F, R, RecordSpec
from ..urls import ACTORS, actor_url
from ..views import ActorGroups, actor_view, actors_view, group_by_actor

SPEC = RecordSpec("actor", "`content/actors/ID.md`: front matter of a person or organisation; the body is Markdown.", (
    R("name", "text", "Display name."),
    R("kind", "enum:person|organisation|group", "What sort of actor this is (`group` for unnamed officials)."),
    R("side", "text", "Side or affiliation group, e.g. `United States`, `China`, `Analysts`."),
    F("affiliation", "ref:actor", "Id of the organisation this actor belongs to."),
    F("roles", "list:record:role", "Titles, each with the sources that give it."),
    F("summary", "text", "One line used in lists and link previews."),
    F("native_name", "record:native_name", "The name in its own script, with its language."),
))


def make_actor(v: dict[str, Any], checks: Checks) -> Actor:
    roles = tuple(Role(r["title"], r.get("sources", ()), r["_location"]) for r in v.get("roles", ()) if "title" in r)
    native = v.get("native_name")
    return Actor(v["id"], v["name"], v["kind"], v["side"], v.get("affiliation"), roles,
                 v.get("summary", ""), v["body"], v["_location"],
                 NativeName(native["text"], native["lang"]) if native and {"text", "lang"} <= native.keys() else None)


def actor_groups(resolved: Resolved) -> ActorGroups:
    return group_by_actor(resolved.content)


def summary_or_title(record: Any, lookup: Lookup) -> str:
    """A link's hover text: the record's one-line summary, or its title."""
    return str(record.summary or record.title)


def actor_json(a: Any, r: Resolved) -> dict[str, Any]:
    return {"id": a.id, "url": r.urls[a.id], "name": a.name, "kind": a.kind, "side": a.side,
            "affiliation": a.affiliation, "summary": a.summary, "body": j.md(a.body),
            "native_name": {"text": a.native_name.text, "lang": a.native_name.lang} if a.native_name else None,
            "roles": [{"title": role.title, "sources": list(role.sources)} for role in a.roles]}


def actor_schema() -> dict[str, Any]:
    role = j.record("A title as one or more sources give it.", title=j.STR, sources=j.list_of(j.ID))
    return j.record("A person or organisation.", id=j.ID, url=j.URL, name=j.STR,
                    kind={"enum": ["person", "organisation", "group"]}, side=j.STR,
                    affiliation={"oneOf": [j.ID, {"type": "null"}]}, summary=j.STR, body=j.STR, roles=j.list_of(role),
                    native_name={"oneOf": [j.record("A name in its own script.", text=j.STR, lang=j.STR), {"type": "null"}]})


KIND = Kind(name="actor", file="actors", spec=SPEC, model=record_class("actor", Actor), page=ACTORS, title="Actors",
            template="actors.html", view=actors_view, owner_title=titled, preview=summary_or_title, noun="Actor",
            make=make_actor, folder=True, record_url=actor_url, record_template="actor.html", record_view=actor_view,
            prepare=actor_groups, unused=("is not mentioned anywhere", "link it with [[{id}]] or remove it"),
            to_json=actor_json, json_schema=actor_schema)
