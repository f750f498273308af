"""Extraction: HTML pages through trafilatura, then through the same clutter rules as text.

trafilatura finds the article region of a page far better than any rule over
flattened text can, so HTML takes that road:

1. **One trafilatura pass** (fast mode: no second opinion from readability or
   jusText, which costs as much again and on news pages rarely helps), with
   its metadata (title, author, date, URL, site name) and with links kept in
   the extracted tree, so that every extracted line knows how much of its
   text is link text. When that pass returns next to nothing, trafilatura's
   full cascade runs as a fallback and the longer result wins.
2. **Line rules** (``tasks/rules.py``): captions, credits, promo, "read more"
   lines still leak through extraction, and each extracted line meets the
   same catalog as text input. Two rules are left out for HTML because they
   read artefacts of *flattened* text: a headline glued to its teaser
   (``related.glued-teaser``: in HTML, glued words come from inline markup
   inside real paragraphs) and a bare URL line (``source-url.line``: in a
   text dump it is the scrape's address, in an article body it is content).
3. **Link lists** (``related.list``): two or more neighbouring short lines
   that are nearly all link text are a list of other stories (related links,
   tag clouds), wherever trafilatura left them.
4. **The headline** (``title.headline``): an extracted line repeating the
   page title is the headline, recorded as the title, not kept as text.

Provenance points at the HTML source line where each extracted line's text
begins; every other non-blank source line is recorded as markup trafilatura
left out (``extract.outside-article``).
"""
from __future__ import annotations

import bisect
import html as html_lib
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tasks.lines import count_words
from tasks.metadata import parse_date
from tasks.records import Action, Document, Paragraph, Segment
from tasks.repair import repair_lines
from tasks.rules import LINE_RULES, RULES, Rule

if TYPE_CHECKING:
    from tasks.intake import RawText

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_URLISH_RE = re.compile(r"^\S*(?:https?://|www\.|@)\S*$")
OUTSIDE_RULE = "extract.outside-article"
OUTSIDE_REASON = "trafilatura placed this markup outside the article"
LINK_LIST_RULE = "related.list"
TITLE_RULE = "title.headline"
HTML_SKIPPED_RULES = frozenset({"related.glued-teaser", "source-url.line"})
"""Line rules that read artefacts of flattened text, not of extracted HTML (see the module docstring)."""

LINK_SHARE = 0.75
"""A line whose visible characters are at least this share link text is a link (card, tag, teaser)."""
LINK_MAX_WORDS = 15
"""Longer link lines are prose that happens to be linked (a deal description, a quoted source)."""
LINK_RUN = 2
"""This many neighbouring link lines make a link list."""
FALLBACK_CHARS = 500
"""Below this many extracted characters, trafilatura's full cascade gets a second try."""

_OPEN, _CLOSE = "\u2983", "\u2984"  # printable brackets marking link text through trafilatura's renderer
_MARK_RE = re.compile(f"([{_OPEN}{_CLOSE}])")
_HTML_LINE_RULES: tuple[Rule, ...] = tuple(rule for rule in LINE_RULES if rule.id not in HTML_SKIPPED_RULES)
_LONGEST_RULE_WORDS = max(rule.max_words for rule in _HTML_LINE_RULES)


class ExtractionError(RuntimeError):
    """trafilatura could not parse the page at all (the message says why)."""


@dataclass(frozen=True)
class ExtractedLine:
    """One line of trafilatura's text and the share of its visible characters that was link text."""

    text: str
    link_share: float = 0.0


@dataclass(frozen=True)
class Extraction:
    """What trafilatura found in a page: the article's lines and the page's metadata."""

    lines: tuple[ExtractedLine, ...]
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None


def _fold(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().lower()


# --- trafilatura --------------------------------------------------------------------------------


def _lines_with_link_share(body: Any) -> list[ExtractedLine]:
    """Render trafilatura's extracted tree as its own text output, measuring link text per line.

    Each link's text is wrapped in marker characters, the link elements are
    unwrapped (so the renderer writes plain text, not Markdown links), and
    trafilatura's own renderer produces the lines; the markers then say which
    characters of each line were link text, and are removed.
    """
    from lxml.etree import strip_tags
    from trafilatura.utils import sanitize_tree
    from trafilatura.xml import xmltotxt

    for ref in body.iter("ref"):
        ref.text = _OPEN + (ref.text or "")
        if len(ref):
            ref[-1].tail = (ref[-1].tail or "") + _CLOSE
        else:
            ref.text += _CLOSE
    strip_tags(body, "ref")
    sanitize_tree(body)
    out: list[ExtractedLine] = []
    for line in xmltotxt(body, False).split("\n"):
        if _OPEN not in line:
            text = " ".join(line.split())
            if text:
                out.append(ExtractedLine(text))
            continue
        inside = total = depth = 0
        for piece in _MARK_RE.split(line):
            if piece == _OPEN:
                depth += 1
            elif piece == _CLOSE:
                depth = max(0, depth - 1)
            else:
                visible = len("".join(piece.split()))
                total += visible
                inside += visible if depth else 0
        text = " ".join(line.replace(_OPEN, "").replace(_CLOSE, "").split())
        if text:
            out.append(ExtractedLine(text, inside / total if total else 0.0))
    return out


def run_trafilatura(html: str, url: str | None = None) -> Extraction:
    """Extract the article lines and metadata of one page (see the module docstring, step 1)."""
    import trafilatura

    try:
        tree = trafilatura.load_html(html)
    except Exception as err:  # noqa: BLE001 - lxml raises several types on hostile markup
        raise ExtractionError(f"unparseable HTML: {type(err).__name__}: {err}") from err
    if tree is None:
        return Extraction(())
    result = trafilatura.bare_extraction(
        tree, url=url, fast=True, with_metadata=True, include_comments=False, include_tables=True,
        include_links=True, deduplicate=False,
    )
    lines = _lines_with_link_share(result.body) if result is not None and result.body is not None else []
    if sum(len(line.text) for line in lines) < FALLBACK_CHARS:
        full = trafilatura.bare_extraction(
            tree, url=url, with_metadata=result is None, include_comments=False, include_tables=True,
            deduplicate=False,
        )
        text = (full.text or "") if full is not None else ""
        if len(text) > sum(len(line.text) for line in lines):
            lines = [ExtractedLine(" ".join(t.split())) for t in text.split("\n") if t.strip()]
            result = result or full
    meta = result.as_dict() if result is not None else {}
    return Extraction(tuple(lines), meta.get("title"), meta.get("author"), meta.get("date"), meta.get("url"),
                      meta.get("sitename") or meta.get("hostname"))


# --- deciding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineDecision:
    """What happens to one extracted line, and the catalog rule that decided (``None``: kept as body)."""

    action: Action
    rule: Rule | None


def _is_link_line(line: ExtractedLine, words: int) -> bool:
    return line.link_share >= LINK_SHARE and 2 <= words <= LINK_MAX_WORDS and not _URLISH_RE.match(line.text)


def decide_lines(lines: list[ExtractedLine], title: str | None) -> list[LineDecision]:
    """Keep or remove each extracted line (steps 2–4 of the module docstring), in order."""
    words = [count_words(line.text) for line in lines]
    rules: list[Rule | None] = []
    for line, count in zip(lines, words):
        if count > _LONGEST_RULE_WORDS:
            rules.append(None)  # longer than any line rule reads: prose
            continue
        rules.append(next((rule for rule in _HTML_LINE_RULES if rule.matches(line.text, count)), None))
    # link lists: runs of link lines, possibly interleaved with lines a related/promo rule caught
    link_list = RULES[LINK_LIST_RULE]
    i = 0
    while i < len(lines):
        if not _is_link_line(lines[i], words[i]):
            i += 1
            continue
        j, links = i, 0
        while j < len(lines) and (_is_link_line(lines[j], words[j]) or (rules[j] is not None and rules[j].category in ("related", "promo"))):
            links += _is_link_line(lines[j], words[j])
            j += 1
        if links >= LINK_RUN:
            for k in range(i, j):
                rules[k] = rules[k] or link_list
        i = max(j, i + 1)
    folded_title = _fold(title) if title else ""
    decisions: list[LineDecision] = []
    for line, rule in zip(lines, rules):
        if rule is None and folded_title and _fold(line.text) == folded_title:
            decisions.append(LineDecision("title", RULES[TITLE_RULE]))
        elif rule is None:
            decisions.append(LineDecision("kept", None))
        else:
            action: Action = "metadata" if rule.category in ("byline", "dateline", "source-url") else "removed"
            decisions.append(LineDecision(action, rule))
    return decisions


# --- provenance ---------------------------------------------------------------------------------


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

    The search runs over the page's folded visible text, so a paragraph whose
    text wraps across source lines or crosses inline tags is still found; a
    paragraph not found after the previous one is searched from the top, then
    by its first few words, and else inherits the previous paragraph's line.
    """
    flat, starts, numbers = _flatten_source(html)
    if not numbers:
        return [1 for _ in paragraphs]
    found: list[int] = []
    cursor = 0
    for paragraph in paragraphs:
        folded = _fold(html_lib.unescape(paragraph))
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


def extract_html(doc_id: str, source: str, outlet: str, html: str, url: str | None = None) -> Document:
    """Extract one HTML page into a :class:`Document` with provenance by source line."""
    extraction = run_trafilatura(html, url)
    texts = [line.text for line in extraction.lines]
    repaired, fixes = repair_lines(texts)
    lines = [replace(line, text=text.strip() or line.text) for line, text in zip(extraction.lines, repaired)]
    decisions = decide_lines(lines, extraction.title)
    where = locate_lines(html, [line.text for line in lines])
    by_line: dict[int, list[Segment]] = {}
    paragraphs: list[Paragraph] = []
    for index, (line, decision, source_line) in enumerate(zip(lines, decisions, where)):
        line_fixes = tuple(f"L{source_line}:{step}" for step in fixes.get(index + 1, ()))
        if decision.rule is None:
            segment = Segment(source, (source_line, source_line), "kept", "body", "body.paragraph", line.text,
                              "extracted by trafilatura", line_fixes)
            paragraphs.append(Paragraph(f"{doc_id}#L{source_line}.{len(paragraphs)}", line.text, (source_line, source_line)))
        else:
            segment = Segment(source, (source_line, source_line), decision.action, decision.rule.category,
                              decision.rule.id, line.text, decision.rule.rationale, line_fixes)
        by_line.setdefault(source_line, []).append(segment)
    return Document(
        id=doc_id,
        source=source,
        outlet=extraction.sitename or outlet,
        title=extraction.title,
        author=extraction.author,
        published=parse_date(extraction.date or "") if extraction.date else None,
        url=extraction.url or url,
        paragraphs=paragraphs,
        segments=_cover_source(source, html, by_line),
        fixes=[f"L{where[n - 1]}:{step}" for n, steps in sorted(fixes.items()) for step in steps],
    )


def _cover_source(source: str, html: str, by_line: dict[int, list[Segment]]) -> list[Segment]:
    """One segment per run of source lines: extracted text where located, markup-left-out elsewhere.

    Several extracted lines that begin on one source line share one segment
    (the first line's decision names it), so every non-blank source line is
    covered exactly once.
    """
    segments: list[Segment] = []
    run_start: int | None = None
    lines = html.split("\n")
    for number, line in enumerate(lines, start=1):
        if number in by_line:
            if run_start is not None:
                segments.append(Segment(source, (run_start, number - 1), "removed", "markup", OUTSIDE_RULE, "", OUTSIDE_REASON))
                run_start = None
            parts = by_line[number]
            first = next((p for p in parts if p.action == "kept"), parts[0])
            text = "\n".join(p.text for p in parts)
            segments.append(Segment(source, (number, number), first.action, first.category, first.rule, text,
                                    first.reason, tuple(f for p in parts for f in p.fixes)))
        elif line.strip() and run_start is None:
            run_start = number
    if run_start is not None:
        last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=run_start)
        segments.append(Segment(source, (run_start, max(run_start, last)), "removed", "markup", OUTSIDE_RULE, "", OUTSIDE_REASON))
    return segments


# --- archive records --------------------------------------------------------------------------


def with_record_metadata(doc: Document, raw: RawText) -> Document:
    """Fill what an archive said about a record (URL, title, date) where cleaning found nothing.

    A JSONL export's ``title``/``published``/``url`` fields and a WARC
    record's target URI are facts about the record; what the page itself
    says (trafilatura's metadata, a recovered headline) wins when present.
    Returns ``doc`` (mutated) so it can wrap ``clean_document``.
    """
    if raw.record is None:
        return doc
    doc.url = doc.url or raw.url
    doc.title = doc.title or raw.title
    if not doc.published and raw.published:
        doc.published = parse_date(raw.published) or doc.published
    return doc
