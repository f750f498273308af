"""The page around the story: where the story starts and ends, the header above it and the footer below.

The story window (:func:`wirewash.tasks.clean.story.find_story_window`) is the
densest run of prose; this module settles its edges and names what lies
outside it:

* **the start** moves past a standfirst and byline printed at the window's
  top ("CHINA has sent troops …" / "By Jane Roe" / "PUBLISHED: …"), and a
  press release's place line ("BAAR, SWITZERLAND") opens the text
  (:func:`skip_lead_in`, :func:`place_line_decisions`);
* text that is already an article body (no line rule fired, the window holds
  nearly all words) is story to its last line (:func:`split_zones`);
* in the **header**, the headline is the last headline-shaped line before the
  byline (``title.headline``), a one-sentence summary under it the standfirst
  (``dek.standfirst``), a name next to a byline the author (``byline.by``),
  and the rest page header (``zone.header``);
* the **footer** is everything after the story (``zone.footer``).

:func:`recover_metadata` then reads the headline, author, date, address and
copyright holder from the lines decided so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from wirewash.tasks.clean.decision import Decision, Decisions, kept_by, overlay, removed_by
from wirewash.tasks.clean.lines import LineView
from wirewash.tasks.clean.metadata import looks_like_name, parse_author, parse_copyright_holder, parse_date
from wirewash.tasks.clean.rules.ids import (
    BODY_CLEAN_INPUT,
    BODY_HEADING,
    BYLINE_BY,
    CAPTION_REPEAT,
    DEK_STANDFIRST,
    TITLE_HEADLINE,
    ZONE_FOOTER,
    ZONE_HEADER,
)
from wirewash.tasks.clean.story import looks_clean

_LEAD_IN_VIEWS = 2  # a standfirst of a line or two printed above the byline
_LEAD_IN_MAX_WORDS = 60
_PLACE_LINE_RE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30},\s?[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30}$")
_LEADING_DATELINE_RE = re.compile(r"^[^\n]{0,60}?(?:\d{4}|\))\s*(?:[:—–-]|\(\w+\)\s*[—–-])\s")
_URL_RE = re.compile(r"https?://\S+")
_BYLINE_OR_DATE = ("byline", "dateline")


@dataclass(frozen=True)
class Zones:
    """A page split around its story: the lines before it, the story's own, the lines after it."""

    header: list[LineView]
    story: list[LineView]
    footer: list[LineView]
    clean_input: bool
    """The page is already an article body: every line from the story's start to the end is story."""


def skip_lead_in(views: list[LineView], decided: Decisions, start: int, end: int) -> int:
    """Move the story's start past a byline or dateline in its first lines: the sentence above a byline is the
    standfirst under the headline ("CHINA has sent troops …" / "By Jane Roe" / "PUBLISHED: …"), page header.
    A press release's place line ("BAAR, SWITZERLAND") opens its text: the summary above it is header too."""
    if end < start:
        return start
    for k in range(start, min(start + _LEAD_IN_VIEWS + 1, end + 1)):
        if k > start and views[k].number not in decided and _PLACE_LINE_RE.match(views[k].text):
            return k if sum(view.words for view in views[start:k]) <= _LEAD_IN_MAX_WORDS else start
        rule = decided.get(views[k].number)
        if rule is not None and rule.category in _BYLINE_OR_DATE:
            if k == start or sum(view.words for view in views[start:k]) > _LEAD_IN_MAX_WORDS:
                return start
            stop = k
            while stop + 1 <= end and (nxt := decided.get(views[stop + 1].number)) is not None and nxt.category in _BYLINE_OR_DATE:
                stop += 1
            return stop + 1 if stop < end else start
    return start


def place_line_decisions(views: list[LineView], decided: Decisions, start: int, end: int) -> dict[int, Decision]:
    """The place line that opens a press release's text ("BAAR, SWITZERLAND"), kept as the story's heading."""
    if start <= end and views[start].number not in decided and _PLACE_LINE_RE.match(views[start].text):
        return {views[start].number: kept_by(BODY_HEADING)}
    return {}


def split_zones(views: list[LineView], decided: Decisions, start: int, end: int) -> Zones:
    """Header, story and footer around the window ``start..end`` (no window: all header)."""
    clean_input = end >= start and looks_clean(views, decided, start, end)
    if clean_input:
        end = len(views) - 1  # an article body already: its closing lines are story, not footer
    if end < start:
        return Zones(list(views), views[start : end + 1], [], clean_input)
    return Zones(views[:start], views[start : end + 1], views[end + 1 :], clean_input)


def find_title(header: list[LineView], decided: Decisions) -> LineView | None:
    """The headline: the last headline-shaped line before the byline or dateline (or before the story)."""
    stop = len(header)
    for i, view in enumerate(header):
        rule = decided.get(view.number)
        if rule is not None and rule.category in _BYLINE_OR_DATE:
            stop = i
            break
        if rule is None and looks_like_name(view.text) and i + 1 < len(header):
            nxt = decided.get(header[i + 1].number)
            if nxt is not None and nxt.category == "byline":
                stop = i
                break
    for view in reversed(header[:stop]):
        if view.number not in decided and view.is_headline_shaped:
            return view
    for view in reversed(header[:stop]):
        if view.number not in decided and 3 <= view.words <= 40:
            return view
    return None


def title_decisions(title: LineView | None) -> dict[int, Decision]:
    """The headline's decision: kept out of the text, as the document's title."""
    return {} if title is None else {title.number: Decision("title", TITLE_HEADLINE)}


def _near_byline(header: list[LineView], i: int, decided: Decisions) -> bool:
    for j in (i - 1, i + 1):
        if 0 <= j < len(header):
            other = header[j]
            rule = decided.get(other.number)
            if other.text == "By" or (rule is not None and rule.category == "byline"):
                return True
    return False


def header_decisions(zones: Zones, title: LineView | None, decided: Decisions) -> dict[int, Decision]:
    """The header's open lines: the standfirst under the headline (and its copy opening the story), the
    author's name beside a byline, and page header."""
    found: dict[int, Decision] = {}
    seen = overlay(found, decided)
    dek_taken = False
    for i, view in enumerate(zones.header):
        if view.number in seen:
            continue
        if (not dek_taken and title is not None and 0 < view.number - title.number <= 4
                and view.sentence_end and view.words >= 6):
            dek_taken = True
            found[view.number] = removed_by(DEK_STANDFIRST)
            # the standfirst printed again as the story's first line (a copy further down is the story quoting it)
            lead = next((line for line in zones.story if line.number not in seen), None)
            if lead is not None and lead.text == view.text:
                found[lead.number] = removed_by(CAPTION_REPEAT, "repeats the standfirst under the headline")
        elif view.text == "By" or (looks_like_name(view.text) and _near_byline(zones.header, i, seen)):
            found[view.number] = Decision("metadata", BYLINE_BY, "the author's name on its own line")
        else:
            found[view.number] = removed_by(ZONE_HEADER)
    return found


def footer_decisions(zones: Zones, decided: Decisions) -> dict[int, Decision]:
    """The footer's open lines: page footer."""
    return {view.number: removed_by(ZONE_FOOTER) for view in zones.footer if view.number not in decided}


def clean_input_decisions(zones: Zones, decided: Decisions) -> dict[int, Decision]:
    """The story's open lines when the page is already an article body: kept whole."""
    if not zones.clean_input:
        return {}
    return {view.number: kept_by(BODY_CLEAN_INPUT) for view in zones.story if view.number not in decided}


def recover_metadata(views: list[LineView], decided: Decisions, title: LineView | None) -> dict[str, str | None]:
    """Headline, author, date, address and copyright holder, from the lines decided as such.

    The first byline names the author, the first dateline the date, the first
    address line the URL, the first legal line the copyright holder. Without a
    dateline, a date opening the story's first kept line ("LONDON, Nov 19
    2019 —") dates it.
    """
    meta: dict[str, str | None] = {"title": None if title is None else title.text, "author": None, "published": None,
                                   "url": None, "copyright": None}
    by_number = {view.number: view for view in views}
    for number, rule in sorted(decided.items()):
        text = by_number[number].text
        if rule.category == "byline" and meta["author"] is None and text != "By":
            meta["author"] = parse_author(text)
        elif rule.category == "dateline" and meta["published"] is None:
            meta["published"] = parse_date(text)
        elif rule.category == "source-url" and meta["url"] is None:
            match = _URL_RE.search(text)
            meta["url"] = match.group(0) if match else None
        elif rule.category == "legal" and meta["copyright"] is None:
            meta["copyright"] = parse_copyright_holder(text)
    if meta["published"] is None:
        first_body = next((by_number[n].text for n, r in sorted(decided.items()) if r.action == "kept"), "")
        lead = _LEADING_DATELINE_RE.match(first_body)
        if lead:
            meta["published"] = parse_date(lead.group(0))
    return meta
