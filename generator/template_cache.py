"""Compiled templates kept between builds, the way Python keeps compiled modules in __pycache__.

Compiling the templates is about a fifth of a cold build of the default briefing. Jinja's
bytecode cache stores each compiled template under a key and loads it only while the
template's source is unchanged. Ours adds Jinja's version and our environment's options to
the key (code compiled by another Jinja, or with other options, is never loaded) and names
its files apart from other Jinja users'. It lives in Jinja's per-user temporary folder, which
Jinja creates private to the user and refuses if anyone else owns it. It only ever saves
time: a cache folder that cannot be made, read or written is skipped.
"""
from __future__ import annotations

import hashlib
import pickle
from contextlib import suppress

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

FILE_PATTERN = "briefing-template-%s.cache"


class CompiledTemplates(FileSystemBytecodeCache):
    def __init__(self, options: str, directory: str | None = None) -> None:
        super().__init__(directory, FILE_PATTERN)
        self.options = options

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = f"{jinja2.__version__}\0{self.options}\0{name}\0{filename}"
        return hashlib.sha256(key.encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()  # unreadable or damaged: compiled afresh and stored again

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):  # a full disk or a read-only folder costs only the time saved
            super().dump_bytecode(bucket)


def compiled_templates(options: str, directory: str | None = None) -> CompiledTemplates | None:
    """The cache in `directory` (default: Jinja's private per-user folder), or None if that
    folder cannot be made or is not safely ours."""
    try:
        return CompiledTemplates(options, directory)
    except (OSError, RuntimeError):
        return None
