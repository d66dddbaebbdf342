"""The `ingest` command's I/O: read the articles and an existing briefing's actors, write the draft."""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from pathlib import Path

import click

from .cache import open_regular
from .errors import BuildFailed, Diagnostic, Location, error, os_problem
from .ingest import ExistingActor, InputFile, ingest_articles
from .ingest.decode import MAX_BYTES
from .ingest.draft import MARKER


def run_ingest(files: list[Path], out_dir: Path, content_dir: Path | None) -> int:
    """Ingest what can be read, report the rest; 1 if any file failed, else 0."""
    started = time.perf_counter()
    problems: list[Diagnostic] = []
    inputs = [item for path in files if (item := _read(path, problems))]
    existing = _existing_actors(content_dir, problems) if content_dir else ()
    refused = _refuse_out_dir(out_dir, content_dir)
    if refused:
        problems.append(refused)
        inputs = []
    result = ingest_articles(inputs, existing) if inputs else None
    if result:
        problems.extend(result.problems)
        if result.files:
            _replace_folder(out_dir, result.files)
    for problem in sorted(problems, key=lambda p: (p.location.path, p.location.line)):
        click.echo(str(problem), err=True)
    if result and result.files:
        click.echo(f"ingested {len(result.articles)} of {len(files)} file(s): {len(result.quotes)} quotations; "
                   f"draft in {out_dir} ({(time.perf_counter() - started) * 1000:.0f} ms); "
                   f"check it with: python build.py check --content {out_dir}")
    return 1 if any(p.severity == "error" for p in problems) else 0


def _read(path: Path, problems: list[Diagnostic]) -> InputFile | None:
    where = Location(str(path), 1)
    if not _is_utf8(path.name):  # it would be written into the draft's YAML
        problems.append(error(where, "the file name is not UTF-8", "rename the file"))
        return None
    try:
        # A FIFO or a device is refused unread: reading one would hang, or (/dev/zero) fill memory.
        with open_regular(path) as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        what = "not a regular file" if exc.errno == errno.EINVAL else exc.strerror
        problems.append(error(where, f"cannot read the file ({what})", "pass a plain-text article or a saved web page"))
        return None
    if len(data) > MAX_BYTES:  # not even decoded: far beyond any saved page
        problems.append(error(where, f"the file is over the {MAX_BYTES:,}-byte limit for one article",
                              "split it, or pass the article alone"))
        return None
    return InputFile(str(path), data)


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _existing_actors(content_dir: Path, problems: list[Diagnostic]) -> tuple[ExistingActor, ...]:
    from .kind import folders, list_files
    from .kinds import BUILTIN_KINDS
    from .load import load_content
    from .validate import validate_content

    raw, load_problems = load_content(content_dir, list_files=tuple(list_files(BUILTIN_KINDS)), folders=folders(BUILTIN_KINDS))
    validated = validate_content(raw, BUILTIN_KINDS)
    if load_problems or validated.content is None:
        problems.append(error(Location(str(content_dir / "briefing.yaml"), 1), "the existing briefing could not be read",
                              f"run: python build.py check --content {content_dir}"))
        return ()
    return tuple(ExistingActor(a.id, a.name, a.kind, a.side) for a in validated.content.actors)


def _refuse_out_dir(out_dir: Path, content_dir: Path | None) -> Diagnostic | None:
    out = Path(os.path.realpath(out_dir))  # never raises, even on a link loop
    protected = [Path(os.path.realpath(p)) for p in (content_dir, Path("content")) if p is not None]
    for folder in protected:
        if out == folder or folder in out.parents or out in folder.parents:
            return error(Location(str(out_dir), 1), f"the draft would be written into (or over) {folder}, which ingest never modifies",
                         "choose another --out folder, e.g. draft/")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        return error(Location(str(out_dir), 1), "the folder is not empty and holds no previous draft",
                     "choose an empty or new --out folder")
    return None


def _replace_folder(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write the draft beside the target, then swap it in whole: no stale files from a previous run."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".ingest-", dir=out_dir.parent))
    except OSError as exc:
        raise BuildFailed([os_problem(exc, str(out_dir), "cannot create the draft folder")]) from None
    try:
        for path, data in sorted(files.items()):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except OSError as exc:
        raise BuildFailed([os_problem(exc, str(out_dir), "cannot write the draft")]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already once renamed
