"""Extraction: HTML pages through trafilatura, then through the same clutter rules as text.

trafilatura finds the article region of a page far better than any rule over
flattened text can, so HTML takes that road. Captions, credits and promo lines
still leak through extraction, so each extracted line then meets the line
rules of ``tasks/rules.py``. Provenance points at the HTML source line where
each extracted paragraph's text begins; every other non-blank source line is
recorded as markup trafilatura left out.
"""
from __future__ import annotations

import html as html_lib
import re

from tasks.lines import pick_stoplist, view_lines
from tasks.metadata import parse_date
from tasks.records import Document, Paragraph, Segment
from tasks.repair import repair_lines
from tasks.rules import match_line

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
OUTSIDE_RULE = "extract.outside-article"
OUTSIDE_REASON = "trafilatura placed this markup outside the article"


def _fold(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().lower()


def locate_lines(html: str, paragraphs: list[str]) -> list[int]:
    """The 1-based source line where each paragraph's text first appears (searching forward)."""
    source_lines = html.split("\n")
    folded = [_fold(html_lib.unescape(_TAG_RE.sub(" ", line))) for line in source_lines]
    found: list[int] = []
    cursor = 0
    for paragraph in paragraphs:
        probe = _fold(paragraph)[:40]
        hit = next((i for i in range(cursor, len(folded)) if probe and probe in folded[i]), None)
        if hit is None:
            hit = next((i for i in range(0, len(folded)) if probe and probe in folded[i]), None)
        if hit is None:
            # text split across source lines: fall back to the first few words
            short = " ".join(_fold(paragraph).split()[:4])
            hit = next((i for i in range(cursor, len(folded)) if short and short in folded[i]), cursor)
        found.append(hit + 1)
        cursor = hit
    return found


def extract_html(doc_id: str, source: str, outlet: str, html: str) -> Document:
    """Extract one HTML page into a :class:`Document` with provenance by source line."""
    import trafilatura  # heavy import, paid only by runs that see HTML

    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, deduplicate=False
    )
    meta = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    extracted = [line.strip() for line in (meta.get("text") or "").split("\n") if line.strip()]
    repaired, fixes = repair_lines(extracted)
    views = view_lines(repaired, pick_stoplist(repaired))
    where = locate_lines(html, repaired)
    by_line: dict[int, list[Segment]] = {}
    paragraphs: list[Paragraph] = []
    for view, source_line in zip(views, where):
        rule = match_line(view.text, view.words)
        line_fixes = tuple(f"L{source_line}:{step}" for step in fixes.get(view.number, ()))
        if rule is None:
            segment = Segment(source, (source_line, source_line), "kept", "body", "body.paragraph", view.text,
                              "extracted by trafilatura", line_fixes)
            paragraphs.append(Paragraph(f"{doc_id}#L{source_line}.{len(paragraphs)}", view.text, (source_line, source_line)))
        else:
            action = "metadata" if rule.category in ("byline", "dateline", "source-url") else "removed"
            segment = Segment(source, (source_line, source_line), action, rule.category, rule.id, view.text,
                              rule.rationale, line_fixes)
        by_line.setdefault(source_line, []).append(segment)
    segments = _cover_source(source, html, by_line)
    return Document(
        id=doc_id,
        source=source,
        outlet=meta.get("sitename") or meta.get("hostname") or outlet,
        title=meta.get("title"),
        author=meta.get("author"),
        published=parse_date(meta.get("date") or "") if meta.get("date") else None,
        url=meta.get("url"),
        paragraphs=paragraphs,
        segments=segments,
        fixes=[f"L{n}:{step}" for n, steps in sorted(fixes.items()) for step in steps],
    )


def _cover_source(source: str, html: str, by_line: dict[int, list[Segment]]) -> list[Segment]:
    """One segment per run of source lines: extracted text where located, markup-left-out elsewhere."""
    segments: list[Segment] = []
    run_start: int | None = None
    lines = html.split("\n")
    for number, line in enumerate(lines, start=1):
        if number in by_line:
            if run_start is not None:
                segments.append(Segment(source, (run_start, number - 1), "removed", "markup", OUTSIDE_RULE, "", OUTSIDE_REASON))
                run_start = None
            parts = by_line[number]
            first = parts[0]
            text = "\n".join(p.text for p in parts)
            segments.append(Segment(source, (number, number), first.action, first.category, first.rule, text,
                                    first.reason, tuple(f for p in parts for f in p.fixes)))
        elif line.strip() and run_start is None:
            run_start = number
    if run_start is not None:
        last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=run_start)
        segments.append(Segment(source, (run_start, max(run_start, last)), "removed", "markup", OUTSIDE_RULE, "", OUTSIDE_REASON))
    return segments
