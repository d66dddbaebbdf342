"""The preview's outputs as files: read back from the output folder, the static files from the
templates, and the search index's share of them."""
from __future__ import annotations

from pathlib import Path

from ..cache import BuildRecord
from ..search import SEARCH_DIR
from ..write import Outputs


def read_outputs(out_dir: Path, record: BuildRecord) -> Outputs | None:
    """The files a build wrote (but the copied assets) as they are in the output folder, or
    None if one cannot be read."""
    try:
        return {path: (out_dir / path).read_bytes() for path in record.outputs if not path.startswith("static/")}
    except OSError:
        return None


def read_static(static_dir: Path) -> Outputs:
    """templates/static/ by output path, skipping what `StagedSite.copy_static` skips (dot files, __pycache__)."""
    if not static_dir.is_dir():
        return {}
    files: Outputs = {}
    for path in sorted(static_dir.rglob("*")):
        rel = path.relative_to(static_dir)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts) or not path.is_file():
            continue
        try:
            files[f"static/{rel.as_posix()}"] = path.read_bytes()
        except FileNotFoundError:  # deleted while we looked: its own event follows
            continue
    return files


def search_files(outputs: Outputs) -> Outputs:
    return {path: data for path, data in outputs.items() if path.startswith(f"{SEARCH_DIR}/")}
