"""What the preview server will answer: request targets checked and mapped into the output folder.

Pure functions of strings and paths, so every guard is unit-tested without a socket. A request
is refused (4xx) before the file system is touched if its target is too long, is not a path, has
a NUL or control character or a backslash, does not decode as UTF-8, is percent-encoded twice,
or has a `.` or `..` segment in any encoding. What is left is joined to the output folder and
must still resolve inside it (symbolic links included).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes

MAX_TARGET = 2048  # characters; a real page address here is under 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Target:
    path: str  # decoded, starting with "/"
    query: dict[str, list[str]]


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


@dataclass(frozen=True)
class Found:
    file: Path
    output: str  # site-relative name, e.g. "actors/index.html"


@dataclass(frozen=True)
class Redirect:
    location: str


def parse_target(raw: str) -> Target | Refusal:
    """The request line's target, decoded once and checked, or why it is refused."""
    if len(raw) > MAX_TARGET:
        return Refusal(414, f"request target longer than {MAX_TARGET} characters")
    if not raw.startswith("/"):
        return Refusal(400, "request target is not a path")
    if _CONTROL.search(raw):
        return Refusal(400, "request target has a NUL or control character")
    raw_path, _, raw_query = raw.partition("#")[0].partition("?")
    try:
        path = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "path is not valid UTF-8")
    if _CONTROL.search(path):
        return Refusal(400, "path has a NUL or control character")
    if "\\" in path:
        return Refusal(400, "path has a backslash")
    if "%" in path:
        return Refusal(400, "path is percent-encoded twice")
    if any(segment in (".", "..") for segment in path.split("/")):
        return Refusal(400, "path has a '.' or '..' segment")
    return Target(path, parse_qs(raw_query))


def locate(root: Path, url_path: str) -> Found | Redirect | None:
    """The file a checked URL path names inside `root`; a folder without its slash redirects."""
    root = root.resolve()
    try:
        candidate = (root / url_path.lstrip("/")).resolve()
        if not candidate.is_relative_to(root):
            return None
        if candidate.is_dir():
            if not url_path.endswith("/"):
                return Redirect(url_path + "/")
            candidate = candidate / "index.html"
        if not candidate.is_file():
            return None
    except OSError:  # a name too long for the file system, say: it cannot be ours
        return None
    return Found(candidate, candidate.relative_to(root).as_posix())


def output_name(url_path: str) -> str:
    """The output file a URL path stands for, whether or not it exists ("/actors/" -> "actors/index.html")."""
    name = url_path.lstrip("/")
    return name + "index.html" if name == "" or name.endswith("/") else name


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def host_allowed(host_header: str | None, listening_on: str) -> bool:
    """On a loopback address, only requests that name a loopback host: a page on another site
    cannot then read the preview by pointing its own name at 127.0.0.1 (DNS rebinding)."""
    if listening_on not in LOOPBACK_NAMES:
        return True
    name = (host_header or "").strip().lower()
    name = name[1:].partition("]")[0] if name.startswith("[") else name.rpartition(":")[0] if name.count(":") == 1 else name
    return name in LOOPBACK_NAMES
