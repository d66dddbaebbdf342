"""The declared entity kinds, in the order their files, pages and exports appear."""
from __future__ import annotations

from ..kind import Kind
from .actor import KIND as ACTOR
from .analyst_view import KIND as VIEW
from .commitment import KIND as COMMITMENT
from .deadline import KIND as DEADLINE
from .event import KIND as EVENT
from .page import KIND as PAGE
from .quote import KIND as QUOTE
from .source import KIND as SOURCE
from .term import KIND as TERM

BUILTIN_KINDS: tuple[Kind, ...] = (ACTOR, SOURCE, EVENT, DEADLINE, QUOTE, VIEW, PAGE, TERM, COMMITMENT)
