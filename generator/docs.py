"""Parse every Markdown text for the resolve stage: in worker processes, and from the on-disk
cache for texts parsed by an earlier build.

Workers send back each text's facts (references, problems, heading ids) and its HTML with
holes for what the rendering page fills in (markdown.py), never the tokens: the tokens of
thousands of pages would hold a gigabyte, and each text is parsed once. Parsed texts are
cached by a digest of the text, its place, the glossary's terms and the engine's code, in
shards (`parsed/NN.pickle`, cache.py), so a build that parsed one text rewrites one shard.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from .cache import SHARDS, digest, save_shards, shard_of
from .markdown import ParsedDoc
from .model import Markdown
from .resolve import parse_doc
from .workers import ordered_map

FACTS_DIR = "parsed"  # in shards (cache.py): at 10,000 pages an edit rewrites ~400 KB, not 25 MB
TEXTS_PER_CHUNK = 128
PARALLEL_FROM_TEXTS = 400  # below this, forking costs more than it saves
TEXTS_PER_PROCESS = 4096  # then a fresh worker (workers.py)

Text = tuple[str, str, str, Markdown]  # (doc key, home page, owner title, text)


@dataclass
class FactsParser:
    """A `DocParser` for resolve_references: parses what `known` lacks, in `workers` processes."""

    md: MarkdownIt
    workers: int
    engine: str  # digest of the engine's code: a new engine may parse differently
    known: dict[str, ParsedDoc] = field(default_factory=dict)
    used: dict[str, ParsedDoc] = field(default_factory=dict)
    changed: frozenset[int] = frozenset()  # the shards whose texts differ from what was `known`: worth saving
    parsed: int = 0  # texts parsed here (the others were known)

    def __call__(self, texts: list[Text], glossary: str) -> list[ParsedDoc]:
        keys = [self._key(text, glossary) for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in self.known]

        def parse_chunk(chunk: list[int]) -> list[ParsedDoc]:
            return [parse_doc(self.md, texts[i][3], texts[i][0], texts[i][1], glossary) for i in chunk]

        chunks = [missing[i:i + TEXTS_PER_CHUNK] for i in range(0, len(missing), TEXTS_PER_CHUNK)]
        workers = self.workers if len(missing) >= PARALLEL_FROM_TEXTS else 1
        loaded = set(self.known)
        for chunk, parsed in zip(chunks, ordered_map(parse_chunk, chunks, workers, TEXTS_PER_PROCESS // TEXTS_PER_CHUNK)):
            self.known.update(zip((keys[i] for i in chunk), parsed))
        self.used = {key: self.known[key] for key in keys}
        self.changed = frozenset(map(shard_of, loaded.symmetric_difference(self.used)))
        self.parsed = len(missing)
        return [self.known[key] for key in keys]

    def _key(self, text: Text, glossary: str) -> str:
        key, home, _, doc = text
        where = repr((self.engine, key, home, glossary, doc.location.path, doc.location.line))
        # The text's bytes hashed as they are (its repr would scan and copy every character).
        return digest(where.encode() + b"\0" + doc.text.encode())


def save_facts(cache_dir: Path, facts: dict[str, ParsedDoc], shards: Iterable[int] = range(SHARDS),
               engine: str = "") -> None:
    save_shards(cache_dir / FACTS_DIR, facts, shards, engine)
    try:
        (cache_dir / "parsed.pickle").unlink(missing_ok=True)  # the one-file cache of earlier versions
    except OSError:
        pass


def engine_digest(engine_dir: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(engine_dir.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
