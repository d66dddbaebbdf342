"""Step 3: split an article's lines into text and page noise (promotions, prompts, cookie text).

Each rule is a name and a pattern; a removed line keeps its line number and the rule that removed it,
so nothing is dropped silently.
"""
from __future__ import annotations

import re

from .decode import logical_lines
from .model import NoiseLine, Paragraph

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in (
    ("promotion", r"^(register|sign up|subscribe|join|enrol+|apply|book|grab|claim|download|try|buy|order|shop)\b.{0,150}"
                  r"\b(discounts?|early bird|newsletters?|syndicate|masterclass|course|offers?|trial|premium|membership|"
                  r"subscription|edition|co-invest|program+e?|webinar|e-?book|tickets?|promo|coupons?|app)\b"),
    ("promotion", r"^(subscribe|sign up|register|download)\b.{0,80}\b(today|now|free)\b"),
    ("promotion", r"\b(masterclass|mini-mba|early bird|promo code|coupon|sponsored|advertisement|advertorial|"
                  r"opens registrations?|co-invest in)\b"),
    ("promotion", r"^(do annual|go premium|upgrade to|become a (member|subscriber|supporter)|support (our|independent) journalism|"
                  r"enjoying this (article|story)|already a (subscriber|member)|you have \d+ free articles?)\b|"
                  r"\bunlimited access\b|\bfree articles? (left|remaining)\b"),
    ("social prompt", r"^(follow us|like us|find us|connect with us|share (this|on)|join us on|tweet this)\b"),
    ("social prompt", r"^(facebook|twitter|x|linkedin|instagram|whatsapp|telegram|email|print|copy link)"
                      r"(\s*[|·•,/]\s*(facebook|twitter|x|linkedin|instagram|whatsapp|telegram|email|print|copy link))*\s*$"),
    ("cookie notice", r"\b(cookies?|cookie policy|cookie settings|accept all|reject all|manage (your )?preferences|"
                      r"consent to (the use|our))\b"),
    ("related links", r"^(related( (articles?|stories|news|headlines|content|coverage|reading|topics|links|posts|videos|"
                      r"internet links))?|read more|read also|also read|read the full (story|article)|"
                      r"see also|more from( [\w ]{1,30})?|more on this( (story|article|topic))?|recommended( for you)?|you may also like|trending( now)?|most read|"
                      r"most popular|top stories|editor'?s picks|latest (news|stories)|don'?t miss|watch|listen)(\s*[:|>»-]|\s*$)"),
    ("newsletter", r"\b(newsletters?|in your inbox|sign up for|subscribe to)\b"),
    ("site furniture", r"^(©|\(c\)|copyright\b|all rights reserved|privacy policy|terms (of (use|service)|and conditions)|"
                       r"contact us|about us|advertise with us|skip to (main )?content|home\s*[|>»/]|menu$|search$|"
                       r"log ?in$|sign ?in$|back to top|click here|tap here|loading|comments?\s*\(?\d*\)?$)"),
    ("site furniture", r"\ball rights reserved\b"),
    ("site furniture", r"^(our standards|story continues below|continue reading|scroll to continue|advertisement\b|"
                       r"this (article|story) (was|has been) (originally )?(published|updated)|image (source|caption)|"
                       r"(photo|image|picture|video|file photo)( credit)?\s*:|getty images$)"),
    ("timestamp", r"^((published|updated|posted|last updated)\s+)?(\d+|an?|one)\s+(seconds?|minutes?|mins?|hours?|hrs?|"
                  r"days?|weeks?|months?)\s+ago$"),
    ("button", r"^(share|save|print|email|comment|comments|listen|listen to this article|play|pause|close|menu|search|"
               r"subscribe|login|log in|sign in|sign up|register|follow|like|tweet|copy link|bookmark|more|next|previous|"
               r"back|expand|collapse|show more|load more|see more|view comments|\d+\s+comments?|\d+ min(ute)? read)$"),
    ("contact", r"^(contact|email|write to) (the )?(author|reporter|writer|editor|newsroom)\b"),
    ("caption credit", r"\b(getty images|afp via getty|ap photo|shutterstock|epa-efe|pa media|reuters/[a-z])"),
    ("credits", r"^\(?(reporting by|additional reporting( by)?|editing by|edited by|writing by|written by|compiled by|"
                r"production by|graphics by)\b"),
    ("social prompt", r"\bfollow (him|her|them|me|us) on\b|^click to (share|email|print)\b"),
    ("promotion", r"^(paid|partner|sponsored|promoted) (content|post|story|partner)\b"),
    ("caption credit", r"\b[A-Z]{2,}/[A-Z][\w.-]+(/[A-Z][\w. -]+)*\s*$"),
))


def classify_line(text: str) -> str | None:
    """The rule that marks this line as noise, or None for article text."""
    stripped = text.strip()
    for name, pattern in _RULES:
        if pattern.search(stripped):
            if name in {"cookie notice", "newsletter", "promotion"} and (len(stripped.split()) > 40 or re.search(r"[“”\"]", stripped)):
                continue  # a long or quoting paragraph that mentions cookies or offers is prose, not a banner
            return name
    return None


_BYLINE = re.compile(r"^([Bb]y\s+)?([A-Z][a-z'’.-]+(\s+[A-Z][a-z'’.-]+){1,3})((?<=\w),\s*[^,.]{2,40}|\s+and\s+[A-Z][^,.]{2,40})?$")
_NOT_NAMES = {"What", "Next", "The", "More", "Related", "Share", "Follow", "Comments", "Advertisement", "Read",
              "Latest", "News", "Top", "Stories", "Key", "Takeaways", "Analysis", "Opinion", "Updated", "Home"}
_HEADLINE = re.compile(r"^[^.!?]{3,120}$")


_DATELINE = re.compile(r"^(published|updated|posted|first published|last updated)\b[^.]{0,60}\b(19|20)\d\d\b[^.]*$|"
                       r"^((mon|tues|wednes|thurs|fri|satur|sun)day,? )?(\d{1,2}(st|nd|rd|th)? [a-z]{3,9}\.?,? (19|20)\d\d|"
                       r"[a-z]{3,9}\.? \d{1,2}(st|nd|rd|th)?,? (19|20)\d\d)([ ,]+\d{1,2}[:.]\d\d ?([ap]\.?m\.?)?( [a-z]{2,4})?)?$",
                       re.IGNORECASE)
_BIO = re.compile(r"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3} is (?:a|an|the|[A-Z][\w ’'.-]+[’']s) [^.]{0,80}\b"
                  r"(correspondent|reporter|editor|writer|columnist|journalist|contributor|producer)\b")


def _bare(text: str) -> str:
    return " ".join(re.sub(r"[“”\"‘’'.,]", "", text).lower().split())


def _repeats(line: str, kept: list[Paragraph]) -> bool:
    """A line of six words or more whose words were already printed, in order, in an earlier paragraph."""
    bare = _bare(line)
    return len(bare.split()) >= 6 and any(bare in _bare(p.text) for p in kept)


def _byline(line: str, index: int, count: int) -> str | None:
    """A bare name on one of the first two or last two lines (or "By Name") is the byline."""
    m = _BYLINE.match(line)
    if not m or set(m[2].split()) & _NOT_NAMES or m[4] and not m[1]:
        return None
    return m[2] if m[1] or index >= count - 2 or index < 2 and m[1] else None


def split_noise(text: str) -> tuple[list[Paragraph], list[NoiseLine], str | None]:
    """Paragraphs kept, noise lines removed, and a byline found alone on a line at either end."""
    lines = logical_lines(text)
    kept: list[Paragraph] = []
    noise: list[NoiseLine] = []
    byline = None
    in_related = False
    for index, (number, line) in enumerate(lines):
        rule = classify_line(line)
        if rule is None and in_related and _HEADLINE.match(line) and len(line.split()) <= 16:
            rule = "related links"  # a headline listed under a "Related" heading
        in_related = rule == "related links"
        if rule is None and index < 3 and _DATELINE.match(line):
            rule = "dateline"
        if rule is None and index >= len(lines) - 3 and _BIO.match(line):
            rule = "author bio"
        if rule is None and _repeats(line, kept):
            rule = "repeated text"  # a pull quote or a standfirst printed twice
        if rule is None and (name := _byline(line, index, len(lines))):
            byline, rule = name, "byline"
        if rule:
            noise.append(NoiseLine(number, line, rule))
        else:
            kept.append(Paragraph(number, line))
    return kept, noise, byline
