"""Where each line trafilatura extracted sits in the page's HTML source: provenance by source line.

trafilatura returns text, not positions. :func:`locate_lines` finds each
extracted paragraph's first characters in the page's visible text (scripts,
styles and comments blanked out), and :func:`cover_source` turns the located
lines into provenance segments that cover every non-blank source line once:
the extracted text where it was found, "markup trafilatura left out"
(``extract.outside-article``) between.
"""
from __future__ import annotations

import bisect
import html as html_lib
import re

from wirewash.tasks.clean.rules import RULES
from wirewash.tasks.clean.rules.ids import EXTRACT_OUTSIDE_ARTICLE
from wirewash.tasks.records import Segment

LIST_MARK = "- "  # how trafilatura's text renderer starts a list item
OUTSIDE_RULE = EXTRACT_OUTSIDE_ARTICLE
_OUTSIDE_CATEGORY = RULES[OUTSIDE_RULE].category
OUTSIDE_REASON = "trafilatura placed this markup outside the article"
_TAG_RE = re.compile(r"<[^>]*>")
_CODE_OPENERS = {"<script": "</script", "<style": "</style", "<!--": "-->"}
"""Where scripts, styles and comments open and how they close (lower case, as nearly every page writes them:
an upper-case script is merely searched like text, which is what happened to every script before)."""
_CODE_OPENER_RE = re.compile("|".join(re.escape(opener) for opener in _CODE_OPENERS))
"""The next opener of any kind: one scan that starts with a literal ``<``, which ``re`` skips to at C speed."""
_PROBE_CHARS = 40
_SHORT_PROBE_CHARS = 20
"""A paragraph is looked up by its first ``_PROBE_CHARS`` characters, then by its first ``_SHORT_PROBE_CHARS``."""


def _flatten_source(html: str) -> tuple[str, list[int], list[int]]:
    """The page's visible text, folded, as one string, with the source line of each stretch.

    Per source line, tags become spaces, entities are unescaped, whitespace
    folds to single spaces and letters to lower case (a tag that spans lines
    leaves its attribute text behind, which no extracted paragraph matches).
    Returns the flat string, the offsets where each non-blank source line
    starts in it, and those lines' 1-based numbers.
    """
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    offset = 0
    for number, line in enumerate(html.split("\n"), start=1):
        if "<" in line:
            line = _TAG_RE.sub(" ", line)
        if "&" in line:
            line = html_lib.unescape(line)
        folded = " ".join(line.split()).lower()
        if folded:
            starts.append(offset)
            numbers.append(number)
            parts.append(folded)
            offset += len(folded) + 1
    return " ".join(parts), starts, numbers


def locate_lines(html: str, paragraphs: list[str]) -> list[int]:
    """The 1-based source line where each paragraph's text first appears (searching forward).

    Scripts, styles and comments are never searched: text there (a JSON-LD
    copy of the article, a commented-out teaser) is not where the page shows
    it. The search runs over the page's visible text, first as the source
    writes it (tags dropped, entities decoded, line breaks in place), which
    takes a few whole-page operations and places nearly every paragraph
    (:func:`_search_lines`); only a page where some paragraph is not found
    that way is flattened line by line, so that text which wraps across
    source lines is still found. There a paragraph not found after the
    previous one is searched from the top, then by its first few words, and
    else inherits the previous paragraph's line.
    """
    if not paragraphs:
        return []
    probes = [_probe_text(paragraph) for paragraph in paragraphs]
    html = _blank_code(html, _code_spans(html))
    # a probe is a substring: tags need not leave a space behind. Line by line, only lines with a tag: most
    # lines come out of the split in one byte per character, where the whole page, for one curly quote or
    # emoji anywhere, is two or four, and the pattern walks them all
    visible = "\n".join([_TAG_RE.sub("", line) if "<" in line else line for line in html.split("\n")])
    if "&" in visible:
        visible = html_lib.unescape(visible)
    if visible.count("\n") != html.count("\n"):  # an escaped line break would shift every line after it
        return _locate_flat(html, [probe.lower() for probe in probes])
    found = _search_lines(visible, probes)
    if None in found:  # text wrapped early, spaced oddly or split by a tag: the line-by-line flattening finds it
        flat = _locate_flat(html, [probe.lower() for probe in probes])
        return [line if line is not None else flat[i] for i, line in enumerate(found)]
    return found  # type: ignore[return-value]


def _probe_text(paragraph: str) -> str:
    """A paragraph as the page's visible text spells it: entities decoded, spaces single, without the
    list and table markup trafilatura's renderer adds (case is kept; :func:`_locate_flat` folds it)."""
    if paragraph.startswith(LIST_MARK):
        paragraph = paragraph[len(LIST_MARK):]
    if paragraph.startswith("| "):
        paragraph = paragraph[2:]
    return " ".join(html_lib.unescape(paragraph.split(" | ", 1)[0]).split())


def _code_spans(html: str) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of every script, style and comment in ``html``, in order.

    The next opener is found by one regular expression of literal openers
    (searching from the end of the previous span, so an opener inside a
    script or comment is never taken for one), its closer by a plain
    substring search. A pattern matching whole spans (``<script.*?</script``)
    would cost ten times as much: it walks every character of every script.
    """
    spans: list[tuple[int, int]] = []
    search = _CODE_OPENER_RE.search
    pos = 0
    while (found := search(html, pos)) is not None:
        start, opener = found.start(), found.group()
        closer = _CODE_OPENERS[opener]
        end = html.find(closer, start + len(opener))
        pos = len(html) if end < 0 else end + len(closer)
        spans.append((start, pos))
    return spans


def _blank_code(html: str, spans: list[tuple[int, int]]) -> str:
    """``html`` with the given spans emptied, their line breaks kept."""
    if not spans:
        return html
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(html[last:start])
        parts.append("\n" * html.count("\n", start, end))
        last = end
    parts.append(html[last:])
    return "".join(parts)


def _search_lines(visible: str, probes: list[str]) -> list[int | None]:
    """Source lines of ``probes`` within ``visible`` (the page's text, line breaks kept); ``None``: not found.

    A probe is its paragraph's first 40 characters, then its first 20 (its
    text may wrap to the next source line), each searched forward from the
    previous paragraph, then from the top.
    """
    found: list[int | None] = []
    cursor = 0
    counted_to, line = 0, 1  # line breaks are counted incrementally: the search mostly moves forward
    for folded in probes:
        hit = -1
        for probe in (folded[:_PROBE_CHARS], folded[:_SHORT_PROBE_CHARS]):
            if len(probe) < min(len(folded), _SHORT_PROBE_CHARS) or not probe:
                break
            hit = visible.find(probe, cursor)
            if hit < 0:
                hit = visible.find(probe)
            if hit >= 0:
                break
        if hit < 0:
            found.append(None)
            continue
        if hit < counted_to:
            counted_to, line = 0, 1
        line += visible.count("\n", counted_to, hit)
        counted_to = cursor = hit
        found.append(line)
    return found


def _locate_flat(html: str, probes: list[str]) -> list[int]:
    """:func:`locate_lines` over the page flattened line by line (text that wraps across lines is found)."""
    flat, starts, numbers = _flatten_source(html)
    if not numbers:
        return [1 for _ in probes]
    found: list[int] = []
    cursor = 0
    for folded in probes:
        probe = folded[:40]
        hit = flat.find(probe, cursor) if probe else -1
        if hit < 0 and probe:
            hit = flat.find(probe)
        if hit < 0:
            short = " ".join(folded.split()[:4])
            hit = flat.find(short, cursor) if short else -1
        if hit < 0:
            hit = cursor
        found.append(numbers[max(0, bisect.bisect_right(starts, hit) - 1)])
        cursor = hit
    return found


def cover_source(source: str, html: str, by_line: dict[int, list[Segment]]) -> list[Segment]:
    """One segment per run of source lines: extracted text where located, markup-left-out elsewhere.

    Several extracted lines that begin on one source line share one segment
    (the first kept line's decision names it), so every non-blank source
    line is covered exactly once. Only the gaps between located lines are
    read, each from its ends (a page has thousands of lines, a story dozens).
    """
    segments: list[Segment] = []
    lines = html.split("\n")

    def outside(after: int, before: int) -> None:
        """The markup segment for the non-blank lines strictly between two located lines (1-based)."""
        start = after + 1
        while start < before and not lines[start - 1].strip():
            start += 1
        if start < before:
            segments.append(Segment(source, (start, before - 1), "removed", _OUTSIDE_CATEGORY, OUTSIDE_RULE, "", OUTSIDE_REASON))

    previous = 0
    for number in sorted(by_line):
        outside(previous, number)
        parts = by_line[number]
        if len(parts) == 1:  # the usual case: the line's own segment already says it all
            segments.append(parts[0])
        else:
            first = next((p for p in parts if p.action == "kept"), parts[0])
            text = "\n".join(p.text for p in parts)
            segments.append(Segment(source, (number, number), first.action, first.category, first.rule, text,
                                    first.reason, tuple(f for p in parts for f in p.fixes)))
        previous = number
    last = len(lines)
    while last > previous and not lines[last - 1].strip():
        last -= 1
    outside(previous, last + 1)
    return segments
