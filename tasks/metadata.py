"""Metadata recovered from the lines the cleaner drops: dates, authors, copyright holders.

Parsers here are small and strict: they return ``None`` rather than guess, so
a wrong date never reaches ``clean/corpus.jsonl``.
"""
from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAME = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_MDY_RE = re.compile(rf"\b{_MONTH_NAME}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_DMY_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_NAME},?\s+(\d{{4}})\b", re.IGNORECASE)
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SLASH_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_COPYRIGHT_RE = re.compile(
    r"(?:copyright|©|\(c\))\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?P<holder>.+?)"
    r"\s*(?:all rights reserved.*|\|.*)?$",
    re.IGNORECASE,
)
_BY_PREFIX_RE = re.compile(r"^(?:by|written by|words by|reporting by|story by|von|por|di|par|автор)\s*:?\s+", re.IGNORECASE)
_NAME_RE = re.compile(r"^[^\W\d_a-z][\w.'’-]*(?:\s+(?:[^\W\d_a-z][\w.'’-]*|de|da|van|von|der|la|le)){1,4}$")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first calendar date written in ``text`` as ISO ``YYYY-MM-DD``, or ``None``.

    Reads "June 19, 2023", "19 June 2023", "2023-06-19" and US "6/19/2023";
    whichever appears first in the text wins.
    """
    found: list[tuple[int, str]] = []
    for match in _MDY_RE.finditer(text):
        iso = _iso(int(match.group(3)), _MONTHS[match.group(1).lower()[:3]], int(match.group(2)))
        if iso:
            found.append((match.start(), iso))
            break
    for match in _DMY_RE.finditer(text):
        iso = _iso(int(match.group(3)), _MONTHS[match.group(2).lower()[:3]], int(match.group(1)))
        if iso:
            found.append((match.start(), iso))
            break
    for match in _ISO_RE.finditer(text):
        iso = _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if iso:
            found.append((match.start(), iso))
            break
    for match in _SLASH_RE.finditer(text):
        iso = _iso(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        if iso:
            found.append((match.start(), iso))
            break
    return min(found)[1] if found else None


def parse_copyright_holder(text: str) -> str | None:
    """The holder named in a copyright line ("Copyright 2024 Example Media Inc. All rights…" → "Example Media Inc.")."""
    match = _COPYRIGHT_RE.search(text)
    if not match:
        return None
    holder = match.group("holder").strip(" ,;-–")
    if not holder or len(holder) > 80 or holder.lower().startswith(("all rights", "this material")):
        return None
    return holder


def parse_author(text: str) -> str | None:
    """The author named by a byline ("By Jane Doe, CNN" → "Jane Doe"), or a bare name line."""
    name = _BY_PREFIX_RE.sub("", text.strip())
    name = re.split(r"\s*(?:,|\||\band\b|&|\bfor\b)\s*", name)[0].strip()
    return name if looks_like_name(name) else None


def looks_like_name(text: str) -> bool:
    """Two to five capitalised words and nothing else: how a person's name looks on its own line."""
    return bool(_NAME_RE.match(text.strip())) and len(text) <= 60
