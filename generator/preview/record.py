"""The build record of the site as the preview leaves it, so a `build` after the preview has
nothing to do.

After a whole rebuild, and the search refresh that follows it, every file of the site is what a
build of the content then checked writes (tested byte for byte), so the preview writes the record
that build would have written: the inputs' stamps taken before that check, its warnings, the
dependency keys, input digests and JSON spans (`Made`), each output's digest and its stamp as on
disk, and what the search index read of each page. The fast path and a rebuild cut short leave
the site between two checks, and a rebuild after a template edit renders the content as last
checked (content saved since may not be in it): they write none, and the record on disk no
longer matches the files they wrote, so the next build does their work again.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..cache import BuildRecord, build_options, digest, stamp
from ..config import BuildConfig
from ..write import Outputs
from .plan import Made


def output_digests(files: Outputs) -> dict[str, str]:
    """Each output's digest (hashing lets other threads run: taken outside the preview's lock)."""
    return {path: digest(data) for path, data in files.items()}


def site_record(config: BuildConfig, made: Made, files: Outputs, digests: Mapping[str, str],
                search: Mapping[str, str]) -> BuildRecord | None:
    """The record of the site whose every file is `files` (with these `digests`), if each file
    on disk still has its size: else None (something else wrote it; no record is better than a
    wrong one). The caller makes sure that nothing wrote to the site meanwhile."""
    stored: dict[str, tuple[str, int, int]] = {}
    for path, data in files.items():
        found = stamp(Path(config.out_dir) / path)
        if found is None or found[0] != len(data):
            return None
        stored[path] = (digests[path], *found)
    return BuildRecord(build_options(config), dict(made.inputs), dict(made.keys), stored, made.warnings,
                       dict(search), {path: dict(spans) for path, spans in made.fragments.items()}, dict(made.digests))
