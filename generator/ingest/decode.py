"""Step 1: bytes to text, refusing what is not a readable article (with the reason and a hint)."""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 20_000_000  # a saved web page, scripts and styles included
MAX_TEXT_CHARS = 400_000  # the article's own text: far beyond any news article (about 60,000 words)
MIN_WORDS = 40
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<!--)", re.IGNORECASE)


@dataclass(frozen=True)
class Refusal:
    line: int
    message: str
    hint: str


def decode_article(data: bytes, html: bool = False) -> str | Refusal:
    """The article's text, or why it cannot be read as one (plain text over MAX_TEXT_CHARS is refused too)."""
    if not data.strip():
        return Refusal(1, "the file is empty", "pass a plain-text article or a saved web page")
    limit = MAX_BYTES if html else MAX_TEXT_CHARS * 4
    if len(data) > limit:
        return Refusal(1, f"the file is {len(data):,} bytes, over the {limit:,}-byte limit for one article",
                       "split it, or pass the article alone")
    if b"\x00" in data[:8192]:
        return Refusal(1, "the file is binary, not text", "pass a .txt article or a saved .html page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Refusal(line, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                       "re-save the file as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_html(name: str, text: str) -> bool:
    return name.lower().endswith((".html", ".htm")) or bool(_HTML_START.match(text))


def not_an_article(text: str) -> Refusal | None:
    """Prose has sentences: refuse lists, data dumps and code, which would only give noise."""
    if len(text) > MAX_TEXT_CHARS:
        return Refusal(1, f"{len(text):,} characters of text, over the {MAX_TEXT_CHARS:,} of the longest article",
                       "split it into its articles")
    words = text.split()
    if len(words) < MIN_WORDS:
        return Refusal(1, f"only {len(words)} words of text; an article has at least {MIN_WORDS}",
                       "pass the full article text")
    sentences = len(re.findall(r"[a-z,)”\"'’][.!?][”\"’]?(\s|$)", text))
    letters = sum(c.isalpha() for c in text)
    if sentences < 2 or letters < 0.6 * len(text.replace(" ", "").replace("\n", "")):
        return Refusal(1, "this does not read as an article (too few sentences or too little prose)",
                       "pass news articles only")
    return None
