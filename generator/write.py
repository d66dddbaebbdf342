"""Stage 5, write: the only module that writes the output folder.

A build goes into a fresh folder beside the output and is swapped in only when complete, so
a failure at any point leaves the previous site exactly as it was.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from .errors import BuildFailed, Diagnostic, Location, error, os_problem
from .workers import ordered_map

Outputs = dict[str, bytes]


def check_output_paths(paths: list[str]) -> list[Diagnostic]:
    """Refuse absolute paths, `..`, and two outputs at one path (case-insensitively, for macOS)."""
    problems: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for path in paths:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
            problems.append(error(Location(path, 0), "output path leaves the site folder", "use a plain relative name"))
        key = path.lower()
        if key in seen:
            problems.append(error(Location(path, 0), f"two pages would be written to {path} (also {seen[key]})",
                                  "rename one of the two ids"))
        seen[key] = path
    return problems


def refuse_unsafe_out_dir(out_dir: Path, protected: list[Path]) -> list[Diagnostic]:
    """Never replace a folder that is not a previous build (say `--out .` by mistake), nor write
    into an input folder (the next build would read its own output: a site inside templates/
    would be copied into its own static/ again and again)."""
    where = Location(str(out_dir), 0)
    try:
        resolved = Path(os.path.realpath(out_dir, strict=os.path.lexists(out_dir)))
        for folder in protected:
            folder = Path(os.path.realpath(folder))
            if resolved == folder or folder.is_relative_to(resolved):
                return [error(where, f"the output folder would replace {folder}", "choose another --out folder, e.g. site")]
            if resolved.is_relative_to(folder):
                return [error(where, f"the output folder is inside {folder}, which the build reads",
                              f"choose an --out folder outside {folder.name}/, e.g. site")]
        if os.path.lexists(out_dir) and not out_dir.is_dir():
            return [error(where, "the output path exists and is not a folder", "choose another --out folder, e.g. site")]
        if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "index.html").is_file():
            return [error(where, "the output folder exists and is not a previous build (it has no index.html)",
                          "choose an empty or new --out folder")]
    except OSError as exc:
        return [os_problem(exc, str(out_dir), "cannot use the output folder")]
    return []


def _make_staging(out_dir: Path, shown: Path) -> Path:
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    except OSError as exc:
        blocker = next((p for p in reversed(out_dir.parents) if p.exists() and not p.is_dir()), None)
        what = "cannot create the output folder" + (f" ({os.path.relpath(blocker)} is a file)" if blocker else "")
        raise BuildFailed([os_problem(exc, str(shown), what)]) from None


def write_new_file(target: Path, data: bytes) -> os.stat_result:
    """Create `target` (never an existing file, never through a link), write all of `data`;
    returns the file's status once written (closing it changes neither size nor mtime)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd)
    finally:
        os.close(fd)


class Terminated(SystemExit):
    """SIGTERM arrived while the site was being written; raised so that cleanup runs."""


@contextmanager
def terminate_gracefully() -> Iterator[None]:
    """Turn SIGTERM into an exception while the staging folder exists (main thread only:
    Python delivers signals there), so `finally` removes it before the process exits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: object) -> None:
        raise Terminated(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class StagedSite:
    """A new site, file by file, in a fresh folder beside the output; `commit()` swaps it in.

    A file whose bytes equal the current site's is hard-linked from it (`keep`), so a rebuild
    writes only what changed; the current site is never written to, and stays whole until the
    swap. Each `put` or `keep` returns the file's (size, mtime ns) as stored."""

    def __init__(self, out_dir: Path) -> None:
        self.shown = out_dir  # as the user gave it, for messages
        self.out_dir = out_dir.absolute()
        self.staging = _make_staging(self.out_dir, self.shown)
        self._folders: set[str] = {""}
        self._linking: Iterator[dict[str, tuple[int, int]]] | None = None
        self._linked: dict[str, tuple[int, int]] = {}  # linked ahead (`link_ahead`), not yet kept

    def link_ahead(self, expected: dict[str, tuple[int, int]]) -> None:
        """Start linking the current site's files (those still as `expected`) into the new one
        in a forked process, while this one checks the content; `keep` then takes a file
        linked ahead as it is, `put` replaces it, and `commit` removes those nobody kept. At
        10,000 pages the ~22,000 links take ~0.4 s that the other core does meanwhile."""
        self._linking = ordered_map(self._link_all, [expected, {}], 2)

    def _linked_ahead(self) -> dict[str, tuple[int, int]]:
        if self._linking is not None:
            for linked in self._linking:
                self._linked |= linked
            self._linking = None
        return self._linked

    def unlink_ahead(self, paths: list[str]) -> None:
        """Remove the files linked ahead at `paths`, before other processes write them there
        (render workers): this site would not see what they took of its links, and `commit`
        would remove their files as linked ahead and kept by nobody."""
        linked = self._linked_ahead()
        for path in paths:
            if linked.pop(path, None) is not None:
                self.remove(path)

    def _take_linked(self, path: str, expected: tuple[int, int]) -> tuple[int, int] | None:
        """The file linked ahead at `path`, if it is `expected`; one that is not is removed."""
        stamp = self._linked_ahead().pop(path, None)
        if stamp is not None and stamp != expected:
            self.remove(path)
            return None
        return stamp

    def _target(self, path: str) -> Path:
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            (self.staging / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return self.staging / path

    def put(self, path: str, data: bytes, again: bool = False) -> tuple[int, int]:
        """Write a new file; any file-system error is a BuildFailed naming the output path.
        With `again`, a file this build already put there is replaced (a page a render worker
        wrote before it failed, rendered again by the build's own process)."""
        if self._linked_ahead().pop(path, None) is not None:
            self.remove(path)
        try:
            target = self._target(path)
            try:
                st = write_new_file(target, data)
            except FileExistsError:
                if not again:
                    raise
                target.unlink()  # the staging folder is ours: only this build wrote there
                st = write_new_file(target, data)
        except OSError as exc:
            raise BuildFailed([os_problem(exc, str(self.shown / path), "cannot write")]) from None
        return st.st_size, st.st_mtime_ns

    def keep(self, path: str, expected: tuple[int, int]) -> tuple[int, int] | None:
        """Link the current site's file at `path` into the new one, if its (size, mtime ns) are
        still `expected` (nobody edited it); None if not, or if it cannot be linked."""
        if (linked := self._take_linked(path, expected)) is not None:
            return linked
        current = self.out_dir / path
        try:
            st = current.stat()
            if (st.st_size, st.st_mtime_ns) != expected:
                return None
            os.link(current, self._target(path))
        except OSError:
            return None
        return expected  # a hard link is the same file: same size and modification time

    def keep_all(self, expected: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """`keep` for many files at once (at 10,000 pages ~22,000 of them): {path: stamp} of
        those linked."""
        kept = {path: stamp for path, stamp in expected.items() if self._take_linked(path, stamp) is not None}
        return kept | self._link_all({path: stamp for path, stamp in expected.items() if path not in kept})

    def _link_all(self, expected: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        """`keep`'s checks, in one loop over plain strings; a file found linked already (by
        `link_ahead`'s process, which died before it said so) is the same file, and kept."""
        kept: dict[str, tuple[int, int]] = {}
        current, staging, link, status = f"{self.out_dir}/", f"{self.staging}/", os.link, os.stat
        for path, stamp in expected.items():
            try:
                st = status(current + path)
                if (st.st_size, st.st_mtime_ns) == stamp:
                    if path.rpartition("/")[0] not in self._folders:
                        self._target(path)  # makes the folder
                    try:
                        link(current + path, staging + path)
                    except FileExistsError:
                        if not os.path.samestat(st, status(staging + path)):
                            continue
                    kept[path] = stamp
            except OSError:
                continue
        return kept

    def read_current(self, path: str) -> bytes:
        return (self.out_dir / path).read_bytes()

    def remove(self, path: str) -> None:
        """Remove a file put or kept in the new site (never one of the current site)."""
        try:
            (self.staging / path).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise BuildFailed([os_problem(exc, str(self.shown / path), "cannot remove")]) from None

    def read_new(self, path: str) -> bytes:
        """A file already put or kept in the new site."""
        return (self.staging / path).read_bytes()

    def copy_static(self, static_dir: Path) -> dict[str, bytes]:
        """Copy the static assets under static/; returns them by output path."""
        files = {}
        if static_dir.is_dir():
            for source in sorted(static_dir.rglob("*")):
                rel = source.relative_to(static_dir)
                if source.is_file() and not source.is_symlink() and not any(
                        part.startswith(".") or part == "__pycache__" for part in rel.parts):
                    files[f"static/{rel.as_posix()}"] = source.read_bytes()
        return files

    def commit(self) -> None:
        left = self._linked_ahead()
        for path in sorted(left, key=lambda p: -p.count("/")):  # linked ahead, not part of this site
            self.remove(path)
            folder = self.staging / path.rpartition("/")[0]
            try:
                while folder != self.staging and not any(folder.iterdir()):
                    folder.rmdir()  # as in a clean build, no folder is left empty
                    folder = folder.parent
            except OSError as exc:
                raise BuildFailed([os_problem(exc, str(self.shown / path), "cannot remove")]) from None
        left.clear()
        _swap(self.staging, self.out_dir, self.shown)

    def discard(self) -> None:
        close = getattr(self._linking, "close", None)
        if close:
            close()  # stops the linking process before its folder goes
        shutil.rmtree(self.staging, ignore_errors=True)


def _swap(staging: Path, out_dir: Path, shown: Path) -> None:
    """Rename the new site into place. SIGTERM is held back between the two renames, so the
    output folder is never missing; the old site is removed only once the new one is in."""
    try:
        if not os.path.lexists(out_dir):
            os.rename(staging, out_dir)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
        os.rmdir(old)
        with _signals_held():
            os.rename(out_dir, old)
            try:
                os.rename(staging, out_dir)
            except BaseException:
                os.rename(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise BuildFailed([os_problem(exc, str(shown), "cannot replace the output folder")]) from None


@contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGTERM, signal.SIGINT}
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def sync_changed(outputs: Outputs, out_dir: Path, previous: Outputs) -> list[str]:
    """For the preview server: write only the files whose bytes changed since the last build."""
    # `is` first: an unchanged page is the same bytes object, and comparing 10,000 pages byte by byte takes a while
    changed = [path for path, data in outputs.items() if (old := previous.get(path)) is not data and old != data]
    current = ""
    try:
        for current in changed:
            target = out_dir / current
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(outputs[current])
        for current in set(previous) - set(outputs):
            (out_dir / current).unlink(missing_ok=True)
    except OSError as exc:
        raise BuildFailed([os_problem(exc, str(out_dir / current), "cannot write")]) from None
    return sorted(changed)


def write_files(files: Outputs, out_dir: Path) -> None:
    """Write a few loose files (e.g. schemas) into a folder, leaving its other files alone."""
    problems = check_output_paths(list(files))
    if problems:
        raise BuildFailed(problems)
    for path, data in sorted(files.items()):
        target = out_dir / path
        temporary = target.with_name(f".{target.name}.new")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.unlink(missing_ok=True)
            # Written beside it, then renamed over it: whatever stood there (a FIFO would block
            # the write, a link would be written through) is replaced, never written into.
            write_new_file(temporary, data)
            os.replace(temporary, target)
        except OSError as exc:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise BuildFailed([os_problem(exc, str(target), "cannot write")]) from None
