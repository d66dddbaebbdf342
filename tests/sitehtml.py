"""A tiny HTML tree on top of html.parser, enough to follow links and anchors in a built site."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self):  # type: ignore[no-untyped-def]
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.attrs.get("class", "").split())]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls!r}> in <{self.tag} {self.attrs}>"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def links(self) -> list[Node]:
        return [n for n in self.iter() if n.tag == "a" and "href" in n.attrs]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


class Site:
    """Every HTML page of a built site, parsed once, keyed by its path relative to the site."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages = {p.relative_to(folder).as_posix(): parse_html(p.read_text(encoding="utf-8"))
                      for p in sorted(folder.rglob("*.html"))}

    def __getitem__(self, page: str) -> Node:
        return self.pages[page]

    def ids(self, page: str) -> list[str]:
        return [n.attrs["id"] for n in self.pages[page].iter() if "id" in n.attrs]

    def element(self, page: str, element_id: str) -> Node | None:
        return next((n for n in self.pages[page].iter() if n.attrs.get("id") == element_id), None)

    def resolve(self, page: str, href: str) -> tuple[str, str] | None:
        """(target page, fragment) of a link inside the site; None for an external address."""
        if href.startswith(("http://", "https://", "mailto:")):
            return None
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        return target, fragment

    def page_linked(self, page: str, href: str) -> str:
        """The page an internal link leads to."""
        resolved = self.resolve(page, href)
        assert resolved is not None, f"{href} is external"
        return resolved[0]

    def target(self, page: str, href: str) -> Node | None:
        """The element a link lands on: the page's root for a link without #fragment, a stand-in
        node for a file that is not HTML (a feed, JSON), None if there is nothing there."""
        target, fragment = self.resolve(page, href) or (None, "")
        assert target is not None, f"{href} is external"
        if target not in self.pages:
            return Node("#file", {}) if not fragment and (self.folder / target).is_file() else None
        return self.element(target, fragment) if fragment else self.pages[target]
