"""Caches: the on-disk record and caches of the last build, and the preview's copy in memory.

A build keeps what it loaded and parsed in its cache folder (`.cache/build-SITE/`), and a record
of what it read and wrote, so the next build skips what did not change. The preview server
keeps the same caches in memory between its rebuilds (`BuildCache`), read from that folder once.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import pickle
import stat
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import BuildConfig

ENGINE_DIR = Path(__file__).resolve().parent  # the engine's own code is an input of every build


@dataclass
class BuildCache:
    """What the last check loaded and parsed, by the keys of the on-disk caches (`LoadedFiles`,
    `FactsParser`): the preview's, kept between its rebuilds so an edit reads and parses only
    what changed. None: not taken from the cache folder yet (the first check reads it there)."""

    loaded: dict[str, Any] | None = None  # file key -> (stamp, loaded file)
    parsed: dict[str, Any] | None = None  # text key -> parsed text


# --- the on-disk build cache --------------------------------------------------------------------
# What the last successful build read and wrote, so the next one can skip the work whose
# inputs did not change. It lives in its own folder (default `.cache/`, beside `site/`).

RECORD_FILE = "build-record.json"
RECORD_VERSION = 2
Stamp = tuple[int, int]  # (size, mtime in ns) of a file


def cache_folder(out_dir: Path) -> Path:
    """.cache/build-NAME beside the output folder NAME (site/ -> .cache/build-site)."""
    out_dir = out_dir.absolute()
    return out_dir.parent / ".cache" / f"build-{out_dir.name}"


@dataclass(frozen=True)
class BuildRecord:
    """The last successful build: its options, its inputs' stamps, each page's dependency key,
    and every output file's digest and stamp (as written)."""

    options: str
    inputs: dict[str, Stamp]
    keys: dict[str, str]
    outputs: dict[str, tuple[str, int, int]]  # path -> (digest, size, mtime ns)
    warnings: tuple[str, ...] = ()
    search: dict[str, str] = field(default_factory=dict)  # indexed page -> digest of the text Pagefind read
    fragments: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # JSON export -> its Spans (splice.py)
    digests: dict[str, tuple[Stamp, str]] = field(default_factory=dict)  # input file -> (stamp, digest) (depends.py)


def stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


FOLDER: Stamp = (-2, 0)  # a folder's stamp: only that it is there (its files have their own)


def input_stamps(folders: list[Path]) -> dict[str, Stamp]:
    """(size, mtime) of every file under the input folders: equal stamps mean nothing was edited.
    Folders are listed too, so that a new folder (`pages/x.md/`) or a new link to one, which the
    walk does not follow, counts as an edit; a link's stamp is its own, so retargeting it does."""
    stamps: dict[str, Stamp] = {}
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in dirs:
                path = os.path.join(root, name)
                stamps[path] = _link_stamp(path) if os.path.islink(path) else FOLDER
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                    stamps[path] = (st.st_size, st.st_mtime_ns)
                except OSError:  # a broken link or a loop: the loader reports it with its line
                    stamps[path] = (-1, -1)
    return stamps


def _link_stamp(path: str) -> Stamp:
    try:
        st = os.lstat(path)
    except OSError:
        return (-1, -1)
    return (-3, st.st_mtime_ns)


def open_regular(path: Path | str) -> io.BufferedReader:
    """A regular file, opened for reading. Anything else (a FIFO, a device, a folder) raises
    OSError without being read, and O_NONBLOCK means opening a FIFO put in its place cannot
    hang: cache files, and input files no stage checks, may be anything."""
    return open(path, "rb", opener=_regular_fd)


def _regular_fd(path: str, flags: int) -> int:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path | str) -> bytes:
    with open_regular(path) as f:
        return f.read()


def digest(data: bytes) -> str:
    # SHA-256, cut to 128 bits: twice as fast as BLAKE2b here (the CPU computes SHA in hardware)
    return hashlib.sha256(data).hexdigest()[:32]


def load_record(cache_dir: Path) -> BuildRecord | None:
    """The last build's record, or None if there is none or it is unreadable (then build cold)."""
    try:
        data = json.loads(read_regular(cache_dir / RECORD_FILE).decode("utf-8"))
        if data.get("version") != RECORD_VERSION:
            return None
        return BuildRecord(data["options"], {p: tuple(s) for p, s in data["inputs"].items()},  # type: ignore[misc]
                           data["keys"], {p: tuple(o) for p, o in data["outputs"].items()},  # type: ignore[misc]
                           tuple(data["warnings"]), dict(data["search"]),
                           {path: {key: tuple(span) for key, span in spans.items()}  # type: ignore[misc]
                            for path, spans in data["fragments"].items()},
                           {path: (tuple(st), d) for path, (st, d) in data["digests"].items()})  # type: ignore[misc]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_record(cache_dir: Path, record: BuildRecord) -> None:
    """Keep the record for the next build; one that cannot be written only makes that build cold."""
    data = {"version": RECORD_VERSION, "options": record.options, "inputs": record.inputs, "keys": record.keys,
            "outputs": record.outputs, "warnings": list(record.warnings),
            "search": record.search, "fragments": record.fragments, "digests": record.digests}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = cache_dir / f".{RECORD_FILE}.new"
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, cache_dir / RECORD_FILE)
    except OSError:
        forget_record(cache_dir)


def forget_record(cache_dir: Path) -> None:
    try:
        (cache_dir / RECORD_FILE).unlink(missing_ok=True)
    except OSError:
        pass  # nothing there to trust either


def build_inputs(config: BuildConfig) -> list[Path]:
    """The folders whose files decide the output: content, templates, source texts, and the engine."""
    return [config.content_dir, config.templates_dir, ENGINE_DIR, *([config.sources_dir] if config.sources_dir else [])]


def build_options(config: BuildConfig) -> str:
    """What, besides the input files, decides the output: the folders and flags of the build."""
    folders = (config.content_dir, config.templates_dir, config.out_dir, config.sources_dir)
    return repr((RECORD_VERSION, *(os.path.realpath(p) if p else None for p in folders), config.strict))


def up_to_date(config: BuildConfig, cache_dir: Path) -> tuple[BuildRecord | None, dict[str, Stamp], bool]:
    """(the last build's record if it is usable, the inputs' stamps now, whether nothing changed).
    Cheap enough to run before the engine is even imported."""
    record = load_record(cache_dir)
    if record is None or record.options != build_options(config) or not config.out_dir.is_dir():
        return None, input_stamps(build_inputs(config)), False
    stamps = input_stamps(build_inputs(config))
    return record, stamps, record.inputs == stamps and outputs_intact(record, config.out_dir)


def outputs_intact(record: BuildRecord, out_dir: Path) -> bool:
    """Every file the last build wrote is still there, as written (nobody edited site/)."""
    return all(stamp(out_dir / path) == (size, mtime) for path, (_, size, mtime) in record.outputs.items())


# --- pickled entries kept in shards ----------------------------------------------------------
# Parsed texts (docs.py) and loaded files (load.py) are kept between builds in a folder of
# SHARDS pickles, by a hash of each entry's key, so a build that changed one entry rewrites
# one small file instead of tens of megabytes. Each shard is replaced whole (written beside
# it, then renamed), and every entry is keyed by what decides it, so any mix of shards is valid.

SHARDS = 64
SMALL = 512  # entries: up to this many are kept in one file (a small briefing writes one, not dozens)
WHOLE = "all.pickle"
ENGINE_FILE = "engine"  # the digest of the engine that made a folder's entries


def shard_of(key: str) -> int:
    # surrogatepass: a key holds a file's name, which need not be UTF-8 (Python gives its bad bytes as lone surrogates)
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


def load_shards(folder: Path, engine: str = "") -> dict[str, Any]:
    """Every entry kept in `folder` (one of our cache folders: nothing else writes it); a
    shard that is missing or unreadable is left out (its entries are made again). With an
    `engine` (digest), a folder another engine wrote is not read at all: none of its entries
    could be used, and at 30,000 pages they would hold ~400 MB through the whole build."""
    if engine and _engine_of(folder) != engine:
        return {}
    entries: dict[str, Any] = {}
    for name in [WHOLE, *(f"{shard:02d}.pickle" for shard in range(SHARDS))]:
        try:
            with open_regular(folder / name) as f:
                found = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            continue
        if isinstance(found, dict):
            entries.update(found)
    return entries


def save_shards(folder: Path, entries: dict[str, Any], shards: Iterable[int] = range(SHARDS), engine: str = "") -> None:
    """Keep `entries`, every entry of this build, in the given shards (those that changed);
    up to SMALL entries go into one file instead. With an `engine` (digest) that is not the
    one the folder was written by, every file is replaced, then the folder is marked as this
    engine's. One that cannot be written only makes the next build slower."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        another_engine = bool(engine) and _engine_of(folder) != engine
        if another_engine:
            shards = range(SHARDS)
        whole = folder / WHOLE
        if len(entries) <= SMALL:
            _write_pickle(whole, entries)
            shards, entries = range(SHARDS), {}  # and no shard files beside it
        elif whole.exists():  # grown past SMALL: every entry moves to its shard
            shards = range(SHARDS)
            whole.unlink()
        by_shard: dict[int, dict[str, Any]] = {shard: {} for shard in shards}
        for key, value in entries.items():
            if (shard := shard_of(key)) in by_shard:
                by_shard[shard][key] = value
        for shard, found in by_shard.items():
            target = folder / f"{shard:02d}.pickle"
            if found:
                _write_pickle(target, found)
            else:  # a missing shard loads as an empty one
                target.unlink(missing_ok=True)
        if another_engine:  # last: until the entries are all written, the folder stays the other engine's
            temporary = folder / f".{ENGINE_FILE}.new"
            temporary.write_text(engine, encoding="utf-8")
            temporary.replace(folder / ENGINE_FILE)
    except OSError:
        pass


def _engine_of(folder: Path) -> str:
    """The digest of the engine that wrote a cache folder ("" if none is marked)."""
    try:
        return read_regular(folder / ENGINE_FILE).decode("utf-8")
    except (OSError, ValueError):
        return ""


def _write_pickle(target: Path, value: dict[str, Any]) -> None:
    """Replace `target` whole: written beside it, then renamed."""
    temporary = target.with_name(f".{target.name}.new")
    with open(temporary, "wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(target)
