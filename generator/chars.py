"""Characters that must never reach a page, a feed, a calendar or the terminal.

Content may not hold C0/C1 control characters (other than tab and line breaks), lone
surrogates or Unicode non-characters: they make the Atom feed ill-formed XML, break the .ics,
and an ESC or BEL echoed in an error message would drive the user's terminal. The loader
refuses them with their line; `printable` makes any text safe to print.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# C0 except tab, LF and CR; DEL; C1; surrogates; the non-characters U+FDD0..FDEF and U+xFFFE/F.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                       + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17)) + "]")
# The same found fast: one range for every astral character (a class of 34 astral characters makes
# the regex engine ten times slower on every character), the non-characters among them picked out
# after; and for ASCII text, which can hold only C0 and DEL, a byte table instead of a regex.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      "\U00010000-\U0010ffff]")
_NOT_ASCII_CONTROLS = bytes(b for b in range(128) if 0x20 <= b < 0x7F or b in b"\t\n\r")
# Also kept off the terminal: line breaks inside one message, bidi overrides that reorder it, and
# invisible zero-width spaces, which would make `unknown id [[ta<ZWSP>lks]]` look like a good id
# (not the joiners U+200C/D: emoji and some scripts need them).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]")


def char_name(char: str) -> str:
    """`U+001B (ESC)`-style name of a character, for messages."""
    code = ord(char)
    names = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 0x1B: "ESC", 0x7F: "DEL"}
    name = names.get(code) or unicodedata.name(char, "control character" if code < 0xA0 else "non-character")
    return f"U+{code:04X} ({name})"


def forbidden_chars(text: str) -> Iterator[tuple[int, str]]:
    """(0-based line, character) of every forbidden character, in order; linear in the text."""
    if text.isascii() and not text.encode("ascii").translate(None, _NOT_ASCII_CONTROLS):
        return
    line, counted_to = 0, 0
    for match in _SUSPECT.finditer(text):
        char = match.group()
        if char > "\uffff" and ord(char) & 0xFFFE != 0xFFFE:
            continue  # an astral character that is not a non-character: emoji, CJK extensions...
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        yield line, char


def first_forbidden(text: str) -> tuple[int, str] | None:
    """(0-based line, character) of the first forbidden character, or None."""
    return next(forbidden_chars(text), None)


def printable(text: str) -> str:
    """The text with control, bidi and surrogate characters shown as escapes (`\\x1b`)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
