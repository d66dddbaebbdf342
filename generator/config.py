"""Build settings: where content, templates and output live, and how strict to be."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kind import Kind

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildConfig:
    content_dir: Path = PROJECT_ROOT / "content"
    templates_dir: Path = PROJECT_ROOT / "templates"
    out_dir: Path = PROJECT_ROOT / "site"
    sources_dir: Path | None = None  # folder of the sources' full texts, for quotation checks
    strict: bool = False  # warnings fail the build
    kinds: tuple[Kind, ...] | None = None  # the declared entity kinds; None: generator/kinds/'s

    @property
    def entity_kinds(self) -> tuple[Kind, ...]:
        # Imported here, not above: reading a config must not load the engine (a no-op build
        # answers before it does).
        from .kinds import BUILTIN_KINDS
        return BUILTIN_KINDS if self.kinds is None else self.kinds

    @property
    def static_dir(self) -> Path:
        return self.templates_dir / "static"
