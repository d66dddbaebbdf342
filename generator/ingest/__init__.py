"""Ingest: raw articles (plain text or saved HTML) to a draft briefing in our content format.

One module per step, each a pure function over strings; `run.ingest_articles` chains them and
`draft.write_draft` turns the result into the draft's files. Only the CLI touches the disk.
"""
from .run import ExistingActor, IngestResult, InputFile, ingest_articles

__all__ = ["ExistingActor", "IngestResult", "InputFile", "ingest_articles"]
