"""The command line: `python build.py [build|check|serve]`. Thin: parse options, call the pipeline."""
from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cache import cache_folder, up_to_date
from .chars import printable
from .config import BuildConfig
from .errors import BuildFailed, os_problem
from .workers import worker_count

if TYPE_CHECKING:
    from .check import BuildReport
# The pipeline (Jinja, markdown-it...) is imported only when there is work: a build that finds
# nothing changed answers in the time it takes to stat the inputs.

_content = click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=BuildConfig.content_dir, show_default="content/", help="Folder holding the briefing.")
_templates = click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=BuildConfig.templates_dir, show_default="templates/", help="Folder of Jinja templates and static/.")
_out = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                    default=BuildConfig.out_dir, show_default="site/", help="Output folder (replaced whole on success).")
_strict = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
_sources = click.option("--sources-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Folder of the sources' full texts, by file name; quotations are checked against them.")


def _file_system_errors_reported(command: Callable[..., None]) -> Callable[..., None]:
    """The last net under every stage's own checks: a file-system error is a located message."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except OSError as exc:
            raise BuildFailed([os_problem(exc, str(exc.filename or "."), "file-system error")]) from None
    return wrapper


class _BuildByDefault(click.Group):
    """`python build.py -q --strict` means `python build.py build -q --strict`: options given
    without a command go to `build`, the command run when none is named."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ctx.help_option_names:
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_BuildByDefault, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Build a static briefing site from content/ into site/.

    With no command, builds the default briefing (same as `build`, and takes its options).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@main.command()
@_content
@_templates
@_out
@_sources
@_strict
@click.option("-q", "--quiet", is_flag=True, help="Print errors only (and no progress bar).")
@click.option("-v", "--verbose", is_flag=True, help="Print the wall and CPU time each stage took, and what was done anew.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that render pages (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Build everything afresh, ignoring and not keeping a build cache.")
@_file_system_errors_reported
def build(content_dir: Path, templates_dir: Path, out_dir: Path, sources_dir: Path | None,
          strict: bool, quiet: bool, verbose: bool, jobs: int | None, no_cache: bool) -> None:
    """Build the site into --out (default site/); on any error, the old site is left as it was.

    What the build read and wrote is recorded in .cache/ beside the output folder, so the next
    build redoes only what changed (nothing at all if nothing did)."""
    started = time.perf_counter()
    config = BuildConfig(content_dir, templates_dir, out_dir, sources_dir, strict)
    cache_dir = None if no_cache else cache_folder(out_dir)
    record, stamps, unchanged = up_to_date(config, cache_dir) if cache_dir else (None, {}, False)
    if record and unchanged:
        files = [path for path in record.outputs if not path.startswith("static/")]
        if not quiet:
            for warning in record.warnings:
                click.echo(warning, err=True)
            click.echo(f"nothing changed: {printable(str(out_dir))} is up to date ({_pages(files)} pages, {len(files)} files; "
                       f"checked in {(time.perf_counter() - started) * 1000:.0f} ms)")
        return
    from .pipeline import build_site

    bar = ProgressBar(started, enabled=not quiet and sys.stderr.isatty())
    try:
        report = build_site(config, cache_dir=cache_dir, workers=jobs or worker_count(), keep_outputs=False, progress=bar,
                            last=(record, stamps))
    finally:
        bar.clear()
    _print_warnings(report, quiet)
    if verbose:
        for (stage, seconds), (_, cpu) in zip(report.timings, report.cpu_timings):
            click.echo(f"  {stage:<9} {seconds * 1000:7.1f} ms  (CPU {cpu * 1000:7.1f} ms)", err=True)
        for work, count in report.counts.items():
            click.echo(f"  {work}: {count}", err=True)
    if not quiet:
        files = [path for path in report.files if not path.startswith("static/")]  # generated, not copied
        elapsed = time.perf_counter() - started
        click.echo(f"built {_pages(files)} pages ({len(files)} files) into {printable(str(out_dir))} in {elapsed * 1000:.0f} ms")


def _pages(files: list[str]) -> int:
    return sum(1 for path in files if path.endswith(".html"))


class ProgressBar:
    """A one-line bar on stderr while pages render, shown only once a build has taken 2 s."""

    DELAY, WIDTH = 2.0, 30

    def __init__(self, started: float, enabled: bool) -> None:
        self.started, self.enabled, self.shown, self.last = started, enabled, False, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.started < self.DELAY or (now - self.last < 0.1 and done < total):
            return
        self.last, self.shown = now, True
        filled = self.WIDTH * done // max(total, 1)
        sys.stderr.write(f"\rrendering [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{total:,} pages")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * (self.WIDTH + 40) + "\r")
            sys.stderr.flush()
            self.shown = False


@main.command()
@_content
@_sources
@_strict
@_file_system_errors_reported
def check(content_dir: Path, sources_dir: Path | None, strict: bool) -> None:
    """Validate the content without writing anything."""
    from .check import BuildReport, check_content  # not the pipeline: check renders nothing

    report = BuildReport()
    # Texts parsed by an earlier build (of ./site, or else the default site/) are not parsed again.
    cached = next((c for c in (cache_folder(Path("site")), cache_folder(BuildConfig.out_dir)) if c.is_dir()), None)
    resolved = check_content(BuildConfig(content_dir=content_dir, sources_dir=sources_dir, strict=strict), report,
                             cache_dir=cached, workers=worker_count(), save_facts=False)
    _print_warnings(report, quiet=False)
    verified = len(resolved.checked_sources)
    click.echo(f"ok: {len(resolved.index)} records, {len(resolved.docs)} Markdown texts, "
               f"{len(report.warnings)} warning(s); quotations checked against {verified} source text(s)")


@main.command()
@_content
@_templates
@_out
@_sources
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one (printed).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser tab.")
def serve(content_dir: Path, templates_dir: Path, out_dir: Path, sources_dir: Path | None,
          host: str, port: int, no_browser: bool) -> None:
    """Preview with live reload: rebuild on every change to content/ or templates/."""
    from .serve import serve_site

    serve_site(BuildConfig(content_dir, templates_dir, out_dir, sources_dir), host, port, open_browser=not no_browser)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"),
              show_default=True, help="Folder to write the schemas into.")
@_file_system_errors_reported
def schema(out_dir: Path) -> None:
    """Write JSON Schemas of the content files, for editor validation and autocomplete."""
    from .content_schema import content_schemas
    from .write import write_files

    files = content_schemas()
    write_files(files, out_dir)
    click.echo(f"wrote {len(files)} schemas into {out_dir}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the draft briefing (created; a previous draft there is replaced).")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="An existing briefing whose actor ids are reused by name; it is only read.")
@_file_system_errors_reported
def ingest(files: tuple[Path, ...], out_dir: Path, content_dir: Path | None) -> None:
    """Draft a briefing from raw articles (.txt, or saved .html pages): quotations, actors, dates, figures."""
    from .ingest_cli import run_ingest

    raise SystemExit(run_ingest(list(files), out_dir, content_dir))


def _print_warnings(report: BuildReport, quiet: bool) -> None:
    if not quiet:
        for warning in sorted(report.warnings):
            click.echo(str(warning), err=True)


__all__ = ["main", "BuildFailed"]
