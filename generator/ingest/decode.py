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
    if prose_share(text) < 0.5:
        return Refusal(1, "this reads as data or code, not an article (under half of its text is sentences)",
                       "pass news articles only")
    sentences = len(re.findall(r"[a-z,)”\"'’][.!?][”\"’]?(\s|$)", text))
    letters = sum(c.isalpha() for c in text)
    if sentences < 2 or letters < 0.6 * len(text.replace(" ", "").replace("\n", "")):
        return Refusal(1, "this does not read as an article (too few sentences or too little prose)",
                       "pass news articles only")
    return None


_PROSE_LINE = re.compile(r"^(?![-*#>{\[]|[\w-]+:\s)(?=(?:\S+\s+){5}).*[a-z,)][.!?][”\"'’)]*(\s|$)")


_FUNCTION_END = re.compile(r"(?:[,;—–-]|\b(?:the|a|an|of|to|and|or|but|in|on|at|for|with|from|by|that|as|is|was|were|"
                           r"has|have|had|be|will|would|said|says|its|their|his|her|this|than))$", re.IGNORECASE)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) per paragraph: a hard-wrapped line (50+ characters, no closing punctuation, and
    the next line going on in lower case or this one ending on a comma or a small word) joins the next."""
    raw = [line.strip() for line in text.split("\n")]
    wrapped = _hard_wrapped(raw)
    out: list[tuple[int, str]] = []
    joining = False
    for index, line in enumerate(raw):
        if not line:
            joining = False
            continue
        if joining and out:
            out[-1] = (out[-1][0], out[-1][1] + " " + line)
        else:
            out.append((index + 1, line))
        following = raw[index + 1] if index + 1 < len(raw) else ""
        joining = False if _title_case(line) else len(line) >= 40 if wrapped else len(line) >= 50 and not re.search(r"[.!?:”\"’)]$", line) and bool(
            _FUNCTION_END.search(line) or following[:1].islower())
    return out


def _title_case(line: str) -> bool:
    words = re.findall(r"[A-Za-z][\w’'-]*", line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words) and not line.endswith((".", ","))


def _hard_wrapped(lines: list[str]) -> bool:
    """Paragraphs set apart by blank lines, their lines broken at a fixed width: join each block's lines."""
    filled = [line for line in lines if line]
    if len(filled) < 4 or len(lines) - len(filled) < 0.15 * len(lines):
        return False
    lengths = sorted(len(line) for line in filled)
    continued = sum(1 for a, b in zip(lines, lines[1:]) if a and b)
    return 40 <= lengths[len(lengths) // 2] <= 100 and continued >= 0.4 * len(filled)


def prose_share(text: str) -> float:
    """The share of the text's characters on lines that read as sentences (not `key: value`, lists or code)."""
    lines = [line for _, line in logical_lines(text)]
    total = sum(len(line) for line in lines) or 1
    return sum(len(line) for line in lines if _PROSE_LINE.search(line)) / total
