"""The file system fails while the site is written: a full disk, a read-only disk, a name too
long, a file where a folder should be, a symbolic link loop, SIGTERM. Each time: a located
message with a hint, exit 1 (143 for SIGTERM), no traceback, the previous site intact, no
staging folder left behind. And a site built twice into one folder is swapped in whole.
"""
from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine import PROJECT_ROOT, Briefing, tree_digest
from test_errors import diagnostics_of


@pytest.fixture
def old_site(briefing: Briefing) -> dict[str, str]:
    """A first, successful build into site/; its digest."""
    result = briefing.build()
    assert result.exit_code == 0, result.output
    return tree_digest(briefing.root / "site")


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site-"))


class FailingDisk:
    """Makes the Nth file opened for writing under `root` fail with `code`, whichever way it is
    opened (os.open or io.open, which pathlib uses), and records every file opened for writing."""

    def __init__(self, root: Path, code: int | None, after: int = 0) -> None:
        self.root, self.code, self.after = str(root), code, after
        self.written: list[str] = []

    def check(self, path: object, writing: bool) -> None:
        name = os.path.abspath(os.fsdecode(path)) if isinstance(path, (str, bytes, os.PathLike)) else ""
        if writing and name.startswith(self.root + os.sep):
            self.written.append(name)
            if self.code is not None and len(self.written) > self.after:
                raise OSError(self.code, os.strerror(self.code), name)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_os_open, real_io_open = os.open, io.open

        def os_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.check(path, bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)))
            return real_os_open(path, flags, *args, **kwargs)

        def io_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            self.check(file, any(c in mode for c in "wax+"))
            return real_io_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(io, "open", io_open)


def fail_disk(monkeypatch: pytest.MonkeyPatch, root: Path, code: int | None, after: int = 0) -> FailingDisk:
    disk = FailingDisk(root, code, after)
    disk.install(monkeypatch)
    return disk


@pytest.mark.parametrize(("code", "hint"), [
    (errno.ENOSPC, "free some disk space, then build again"),
    (errno.EROFS, "the file system is read-only: choose an --out folder on a writable disk"),
    (errno.ENAMETOOLONG, "shorten the id (the file name) this output is named after"),
    (errno.EACCES, "check the permissions of this folder, or choose another --out folder"),
])
def test_a_write_failing_midway_is_reported_and_the_old_site_survives(
        briefing: Briefing, old_site: dict[str, str], monkeypatch: pytest.MonkeyPatch, code: int, hint: str) -> None:
    disk = fail_disk(monkeypatch, briefing.root, code, after=10)
    result = briefing.build()
    assert result.exit_code == 1, result.output
    lines, (errors, _) = diagnostics_of(result.stderr)
    failed = disk.written[-1]
    shown = "site/" + failed.split(os.sep + ".site-new-")[1].split(os.sep, 1)[1]
    assert lines == [f"{shown}:0: cannot write: {os.strerror(code)}", f"    -> {hint}"]
    assert "Traceback" not in result.output
    assert tree_digest(briefing.root / "site") == old_site
    assert leftovers(briefing.root) == []


def test_every_file_of_a_second_build_is_written_beside_the_old_site_then_swapped_in(
        briefing: Briefing, old_site: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No in-place writes: while the new site is written, the old one is untouched."""
    site = briefing.root / "site"
    old_inode = site.stat().st_ino
    briefing.replace("pages/framework.md", "title: The framework", "title: The new framework")
    disk = fail_disk(monkeypatch, briefing.root, None)
    result = briefing.build()
    assert result.exit_code == 0, result.output
    inside_site = [p for p in disk.written if p.startswith(str(site) + os.sep)]
    assert inside_site == [], "files were written into the live site instead of beside it"
    assert len(disk.written) > 20
    assert site.stat().st_ino != old_inode  # a new folder was swapped in
    assert tree_digest(site) != old_site and "The new framework" in (site / "framework.html").read_text()
    assert leftovers(briefing.root) == []


def test_building_twice_into_one_folder_gives_the_same_site(briefing: Briefing, old_site: dict[str, str]) -> None:
    result = briefing.build()
    assert result.exit_code == 0, result.output
    assert tree_digest(briefing.root / "site") == old_site
    assert leftovers(briefing.root) == []


def test_output_folder_under_a_file(briefing: Briefing) -> None:
    (briefing.root / "afile").write_text("not a folder")
    result = briefing.build(out="afile/site")
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    assert lines == ["afile/site:0: cannot create the output folder (afile is a file): File exists",
                     "    -> a file stands where a folder is needed: move it away or choose another --out folder"]


def test_output_path_that_is_a_file(briefing: Briefing) -> None:
    (briefing.root / "afile").write_text("keep me")
    result = briefing.build(out="afile")
    assert result.exit_code == 2  # a usage error, caught by the command line itself
    assert "Directory 'afile' is a file." in result.output
    assert (briefing.root / "afile").read_text() == "keep me"


def test_output_folder_that_is_a_symlink_loop(briefing: Briefing) -> None:
    os.symlink("loop", briefing.root / "loop")
    result = briefing.build(out="loop")
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    assert lines == ["loop:0: cannot use the output folder: Too many levels of symbolic links",
                     "    -> a symbolic link here points to itself (a loop): remove or fix it"]


def test_swap_failing_restores_the_old_site(briefing: Briefing, old_site: dict[str, str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real_rename = os.rename
    calls: list[str] = []

    def rename(src, dst):  # type: ignore[no-untyped-def]
        calls.append(str(src))
        if ".site-new-" in str(src) and len(calls) > 1:  # the new site moving in, after the old moved out
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(src))
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    result = briefing.build()
    assert result.exit_code == 1
    lines, _ = diagnostics_of(result.stderr)
    assert lines == [f"site:0: cannot replace the output folder: {os.strerror(errno.EIO)}",
                     "    -> check the folder exists, is writable and has space"]
    assert tree_digest(briefing.root / "site") == old_site
    assert leftovers(briefing.root) == []


SLOW_WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import generator.write as write
    real = write.write_new_file
    def slow(target, data):
        real(target, data)
        open({ready!r}, "w").close()
        time.sleep(0.2)
    write.write_new_file = slow
    from generator.cli import main
    main(["build", "--content", "content", "--out", "site", "-q"])
""")


def test_sigterm_while_writing_removes_the_staging_folder(briefing: Briefing, old_site: dict[str, str]) -> None:
    ready = briefing.root / "ready"
    script = SLOW_WRITER.format(root=str(PROJECT_ROOT), ready=str(ready))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=briefing.root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready.exists(), proc.communicate()
        assert leftovers(briefing.root), "the build should be writing its staging folder now"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in stderr
    assert leftovers(briefing.root) == []
    assert tree_digest(briefing.root / "site") == old_site
