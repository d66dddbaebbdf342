"""Diagnostics: every message a user sees names a file and line and says what to do."""
from __future__ import annotations

import difflib
import errno
from dataclasses import dataclass
from typing import Literal

import click

from .chars import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True, slots=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    location: Location
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        text = f"{self.location}: {prefix}{printable(self.message)}"
        return f"{text}\n    -> {printable(self.hint)}" if self.hint else text


def error(location: Location, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, message, hint, "error")


def warning(location: Location, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, message, hint, "warning")


def errors_of(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


class BuildFailed(click.ClickException):
    """Raised once, after every stage has reported what it found."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__(format_report(self.diagnostics))

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(self.format_message(), err=True)


def format_report(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    lines = [str(d) for d in diagnostics]
    lines.append(f"build failed: {errors} error(s), {warnings} warning(s); the previous site was left unchanged.")
    return "\n".join(lines)


_MAX_CANDIDATES = 2000  # difflib is slow on long lists; a guess among thousands helps nobody


def closest(name: str, candidates: list[str]) -> str:
    """The candidate `name` was most likely meant to be, or ''."""
    if len(candidates) > _MAX_CANDIDATES or len(name) > 200:
        return ""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else ""


def did_you_mean(name: str, candidates: list[str]) -> str:
    guess = closest(name, candidates)
    return f"did you mean '{guess}'?" if guess else ""


_OS_HINTS = {
    errno.ENOSPC: "free some disk space, then build again",
    errno.EDQUOT: "free some disk space (you are over quota), then build again",
    errno.EROFS: "the file system is read-only: choose an --out folder on a writable disk",
    errno.EACCES: "check the permissions of this folder, or choose another --out folder",
    errno.EPERM: "check the permissions of this folder, or choose another --out folder",
    errno.ENAMETOOLONG: "shorten the id (the file name) this output is named after",
    errno.ENOTDIR: "a file stands where a folder is needed: move it away or choose another --out folder",
    errno.EEXIST: "a file stands where a folder is needed: move it away or choose another --out folder",
    errno.EISDIR: "a folder stands where a file is needed: move it away or choose another --out folder",
    errno.ELOOP: "a symbolic link here points to itself (a loop): remove or fix it",
}


def os_problem(exc: OSError, path: str, what: str) -> Diagnostic:
    """A file-system failure as a diagnostic: where, what happened, what to do."""
    reason = exc.strerror or exc.__class__.__name__
    return error(Location(path, 0), f"{what}: {reason}",
                 _OS_HINTS.get(exc.errno or 0, "check the folder exists, is writable and has space"))
