"""Metadata recovered from the lines the cleaner drops: dates, authors, copyright holders; and an archive's.

Parsers here are small and strict: they return ``None`` rather than guess, so
a wrong date never reaches ``clean/corpus.jsonl``. What an archive says about
a record fills what the page itself did not say (:func:`with_record_metadata`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wirewash.tasks.read.intake import RawText
    from wirewash.tasks.records import Document

_MONTH_NAMES = {
    # English, German, French, Spanish, Italian, Portuguese, Dutch: full names and the usual abbreviations
    1: "january jan januar jänner jän janvier enero gennaio janeiro januari",
    2: "february feb februar février fév fevrier febrero febbraio fevereiro februari",
    3: "march mar märz mär maerz mars marzo março maart mrt",
    4: "april apr avril avr abril aprile",
    5: "may mai mayo maggio maio mei",
    6: "june jun juni juin junio giugno junho",
    7: "july jul juli juillet juil julio luglio julho",
    8: "august aug août aout agosto augustus",
    9: "september sept sep septembre septiembre setiembre settembre setembro",
    10: "october oct oktober okt octobre octubre ottobre outubro",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez décembre decembre diciembre dicembre dezembro",
}
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH_NAME = "(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_MDY_RE = re.compile(rf"\b{_MONTH_NAME}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
# "19 June 2023", "19. Juni 2023", "19 de junio de 2023", "1er mars 2023"
_DMY_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?{_MONTH_NAME},?\s+(?:de\s+)?(\d{{4}})\b",
                     re.IGNORECASE)
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=T\d|\b)")  # a date alone, or opening an ISO timestamp
_SLASH_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DOTTED_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")  # 19.06.2023: day first wherever it is written
_MONTH_FIRST_LANGUAGES = ("en-us", "en")
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


def _slash_date(day_or_month: int, month_or_day: int, year: int, language: str | None) -> str | None:
    """A date written with slashes: the order is certain when one part is over 12; else it is the page's
    language's (month first for US English, day first elsewhere), and unknown without a language."""
    if day_or_month > 12:
        return _iso(year, month_or_day, day_or_month)
    if month_or_day > 12 or day_or_month == month_or_day:
        return _iso(year, day_or_month, month_or_day)
    if language is None:
        return None  # 03/04/2023 is March or April: strict parsers do not guess
    if language.lower().replace("_", "-") in _MONTH_FIRST_LANGUAGES:
        return _iso(year, day_or_month, month_or_day)
    return _iso(year, month_or_day, day_or_month)


def parse_date(text: str, language: str | None = None) -> str | None:
    """The first calendar date written in ``text`` as ISO ``YYYY-MM-DD``, or ``None``.

    Reads ISO dates and timestamps ("2023-06-19", "2023-06-19T10:00+02:00"), dates with a month name
    in English, German, French, Spanish, Italian, Portuguese or Dutch ("June 19, 2023", "19. Juni 2023",
    "19 de junio de 2023"), day-first dotted dates ("19.06.2023") and slashed dates, whose order
    follows ``language`` (a BCP 47 tag such as the page's ``<html lang>``) when the numbers leave it
    open; whichever appears first in the text wins.
    """
    stripped = text.strip()
    try:
        return datetime.fromisoformat(stripped.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    found: list[tuple[int, str]] = []
    readers = (
        (_MDY_RE, lambda m: _iso(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))),
        (_DMY_RE, lambda m: _iso(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))),
        (_ISO_RE, lambda m: _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))),
        (_DOTTED_RE, lambda m: _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))),
        (_SLASH_RE, lambda m: _slash_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), language)),
    )
    for pattern, read in readers:
        for match in pattern.finditer(text):
            iso = read(match)
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
    """The author named by a byline ("By Jane Doe, CNN" → "Jane Doe"; "Von Anna Beispiel und Peter Muster" →
    "Anna Beispiel"), or a bare name line."""
    name = _BY_PREFIX_RE.sub("", text.strip())
    # the first of several authors: 'and' and its German, French, Spanish and Portuguese words join them
    name = re.split(r"\s*(?:,|\||\b(?:and|und|et|y|e)\b|&|\bfor\b)\s*", name)[0].strip()
    return name if looks_like_name(name) else None


def looks_like_name(text: str) -> bool:
    """Two to five capitalised words and nothing else: how a person's name looks on its own line."""
    return bool(_NAME_RE.match(text.strip())) and len(text) <= 60


def with_record_metadata(doc: Document, raw: RawText) -> Document:
    """Fill what an archive said about a record (URL, title, date) where cleaning found nothing.

    A JSONL export's ``title``/``published``/``url`` fields and a WARC
    record's target URI are facts about the record; what the page itself
    says (trafilatura's metadata, a recovered headline) wins when present.
    Returns the document with those fields filled (records are frozen), so it can wrap ``clean_document``.
    """
    if raw.record is None:
        return doc
    published = (parse_date(raw.published) or doc.published) if not doc.published and raw.published else doc.published
    return replace(doc, url=doc.url or raw.url, title=doc.title or raw.title, published=published)
