"""Turn a Jinja error into a file:line diagnostic instead of a traceback."""
from __future__ import annotations

import os
import traceback
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

from .errors import Diagnostic, Location, error
from .load import display_path


def template_problem(exc: TemplateError, templates_dir: Path) -> Diagnostic:
    if isinstance(exc, TemplateSyntaxError):
        path = exc.filename or str(templates_dir / (exc.name or "?"))
        return error(Location(display_path(Path(path)), exc.lineno), f"template syntax error: {exc.message}",
                     "fix the Jinja syntax on this line")
    if isinstance(exc, TemplateNotFound):
        return error(Location(display_path(templates_dir / str(exc.name)), 0), "template not found",
                     "restore the template or fix the name it is included by")
    frame = _last_template_frame(exc, templates_dir)
    where = Location(display_path(Path(frame[0])), frame[1]) if frame else Location(display_path(templates_dir), 0)
    return error(where, f"template error: {exc}", "check the variable names used on this line")


def template_fault(exc: Exception, templates_dir: Path) -> Diagnostic | None:
    """A diagnostic for an exception raised while rendering, if the templates raised it: a Jinja
    error, or any other (`1 / 0`, `'a' + 1`, an include of itself) raised in template code;
    None for an exception of the engine's own, which must stay a traceback to be fixed."""
    if isinstance(exc, TemplateError):
        return template_problem(exc, templates_dir)
    frame = _last_template_frame(exc, templates_dir)
    if frame is None:
        return None
    message = "templates include each other without end" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
    return error(Location(display_path(Path(frame[0])), frame[1]), f"template error: {message}",
                 "fix the template code on this line")


def _last_template_frame(exc: BaseException, templates_dir: Path) -> tuple[str, int] | None:
    root = os.path.abspath(templates_dir)
    frames = [(f.filename, f.lineno or 0) for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename).startswith(root)]
    return frames[-1] if frames else None
