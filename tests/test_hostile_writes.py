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
    result = briefing.build("--no-cache")  # every file written again, not only what changed
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
    result = briefing.build("--no-cache")  # a whole second build and swap, not the no-op
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
    result = briefing.build("--no-cache")
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
    main(["build", "--content", "content", "--out", "site", "-q", "--no-cache"])
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


IN_A_NAMESPACE = textwrap.dedent("""
    import hashlib, json, os, subprocess, sys
    mount, content, build_py = sys.argv[1:4]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=800k", "tmpfs", mount], check=True)
    site = os.path.join(mount, "site")

    def build():
        run = subprocess.run([sys.executable, build_py, "build", "--content", content, "--out", site, "-q", "--no-cache"],
                             capture_output=True, text=True)
        return {"code": run.returncode, "stderr": run.stderr}

    def state():
        files = {}
        for folder, _, names in os.walk(site):
            for name in names:
                with open(os.path.join(folder, name), "rb") as f:
                    files[os.path.relpath(os.path.join(folder, name), site)] = hashlib.sha256(f.read()).hexdigest()
        return {"files": files, "others": sorted(set(os.listdir(mount)) - {"site"})}

    first = build(); after_first = state()
    full = build(); after_full = state()  # a second site does not fit beside the first
    subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
    read_only = build(); after_read_only = state()
    print(json.dumps({"first": first, "after_first": after_first, "full": full, "after_full": after_full,
                      "read_only": read_only, "after_read_only": after_read_only}))
""")


def test_a_real_full_disk_and_a_real_read_only_disk(briefing: Briefing, tmp_path: Path) -> None:
    """The same on a real 800 kB tmpfs (one site fits, two do not), mounted in a user namespace."""
    import json
    import shutil

    mount = tmp_path / "disk"
    mount.mkdir()
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "-rm", "true"], capture_output=True) if unshare else None
    if probe is None or probe.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (unshare -rm is not permitted); the monkeypatched disks cover the same paths")
    run = subprocess.run([unshare, "-rm", sys.executable, "-c", IN_A_NAMESPACE, str(mount), str(briefing.content),
                          str(PROJECT_ROOT / "build.py")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["first"]["code"] == 0, result["first"]
    assert len(result["after_first"]["files"]) > 20 and result["after_first"]["others"] == []
    for case, reason in (("full", "No space left on device"), ("read_only", "Read-only file system")):
        assert result[case]["code"] == 1, result[case]
        lines, _ = diagnostics_of(result[case]["stderr"])
        assert len(lines) == 2 and lines[0].endswith(f": {reason}") and lines[0].startswith(str(mount)), lines
        assert "Traceback" not in result[case]["stderr"]
        assert result[f"after_{case}"] == result["after_first"]  # the old site intact, no staging folder left
