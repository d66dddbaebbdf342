"""Build settings: where content, templates and output live, and how strict to be."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .kind import Kind
from .kinds import BUILTIN_KINDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildConfig:
    content_dir: Path = PROJECT_ROOT / "content"
    templates_dir: Path = PROJECT_ROOT / "templates"
    out_dir: Path = PROJECT_ROOT / "site"
    sources_dir: Path | None = None  # folder of the sources' full texts, for quotation checks
    strict: bool = False  # warnings fail the build
    kinds: tuple[Kind, ...] = BUILTIN_KINDS  # the declared entity kinds (generator/kinds/)

    @property
    def static_dir(self) -> Path:
        return self.templates_dir / "static"
