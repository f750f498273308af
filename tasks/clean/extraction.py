"""Extraction: HTML pages through trafilatura, then through the same clutter rules as text.

trafilatura finds the article region of a page far better than any rule over
flattened text can, so HTML takes that road:

1. **One trafilatura pass** (fast mode: no second opinion from readability or
   jusText, which costs as much again and on news pages rarely helps) with
   links kept in the extracted tree, so that every extracted line knows how
   much of its text is link text; the page's metadata (title, author, date,
   URL, site name) comes from trafilatura's metadata functions on the same
   parsed tree. When that pass returns next to nothing, one run-on line
   that is mostly not sentences (a menu and the story flattened together),
   or under half of the page's long paragraphs (it took one box of the page,
   not the article), trafilatura's full cascade gets a second try, and the
   extraction that agrees better with the page's long paragraphs is kept
   (:mod:`wirewash.tasks.clean.extractor_choice`; its lines are kept as ``body.full-cascade``);
   there, trafilatura's readability port gives a third opinion, taken where it
   agrees better still (``body.readability``); where all of them failed, the
   page's top node, the container richest in stopwords (``body.top-node``).
   This step is :mod:`wirewash.tasks.clean.html_trafilatura` (the metadata:
   :mod:`wirewash.tasks.clean.html_metadata`); steps 2 to 7 are
   :mod:`wirewash.tasks.clean.html_decide`, and every extracted line ends with
   one :class:`~wirewash.tasks.clean.decision.Decision`.
2. **Line rules** (``tasks/clean/rules/``): captions, credits, promo, "read more"
   lines still leak through extraction, and each extracted line meets the
   same catalog as text input. Two rules are left out for HTML because they
   read artefacts of *flattened* text: a headline glued to its teaser
   (``related.glued-teaser``: in HTML, glued words come from inline markup
   inside real paragraphs) and a bare URL line (``source-url.line``: in a
   text dump it is the scrape's address, in an article body it is content).
   Three more are left out because on the lines trafilatura keeps they
   removed mostly article text (``promo.contact``, ``promo.check-out``,
   ``byline.role``: measured in ``html_decide.HTML_UNPROVEN_RULES``).
3. **Link lists** (``related.list``): two or more neighbouring short lines
   that are nearly all link text are a list of other stories (related links,
   tag clouds), wherever trafilatura left them; but not the linked items of a
   list whose other items are plain text (a checklist, a changelog: the
   article's own list).
4. **The headline** (``title.headline``): an extracted line repeating the
   page title (or the title without the site's name after a separator) is
   the headline, recorded as the title, not kept as text; so is an
   unpunctuated first line right above the story's first paragraph.
5. **Position**: the story runs from its first to its last paragraph of
   prose. Before it, a bare URL line is the page's address
   (``source-url.line``) and an unpunctuated line right under the headline
   is the standfirst (``dek.standfirst``). After it, linked list items are
   teasers of other stories (``related.list``), and once a footer rule
   (legal, promo, comments, related…) has fired there, the rest is page
   footer (``zone.footer``). A copyright notice right after a paragraph of
   the story is the story's own closing line (a wire story's notice) and is
   kept; elsewhere ``legal.copyright`` removes it.
6. **Back-off** (``guard.back-off``): when the rules that decide by shape
   and position alone (link lists, the footer, inline teasers) would remove
   more than half of what trafilatura kept, they have misread the page's
   layout; the lines they would remove are kept instead.
7. **A second copy** (``repeat.page-copy``): where the page prints its
   story twice (an AMP or print copy, a gallery repeating its captions), the
   lines no rule removed in a long run repeating an earlier run of the page
   are removed (:mod:`wirewash.tasks.clean.repeats`).

Provenance points at the HTML source line where each extracted line's text
begins; every other non-blank source line is recorded as markup trafilatura
left out (``extract.outside-article``); :mod:`wirewash.tasks.clean.source_map` finds those lines.
"""
from __future__ import annotations

from dataclasses import replace

from wirewash.tasks.clean.decision import Decision
from wirewash.tasks.clean.html_decide import KEPT_DECISION, decide_and_read, is_notice
from wirewash.tasks.clean.html_trafilatura import FULL_CASCADE, READABILITY, TOP_NODE, run_trafilatura
from wirewash.tasks.clean.metadata import parse_author, parse_copyright_holder, parse_date
from wirewash.tasks.clean.rules.ids import BODY_FULL_CASCADE, BODY_READABILITY, BODY_RESTORED_STRUCTURE, BODY_TOP_NODE
from wirewash.tasks.clean.source_map import cover_source, locate_lines
from wirewash.tasks.read.repair import repair_lines
from wirewash.tasks.records import Document, Paragraph, Segment

_CASCADE_DECISIONS = {
    FULL_CASCADE: Decision("kept", BODY_FULL_CASCADE, "extracted by trafilatura's full cascade"),
    READABILITY: Decision("kept", BODY_READABILITY, "extracted by trafilatura's readability port"),
    TOP_NODE: Decision("kept", BODY_TOP_NODE, "extracted from the page's top node, the container richest in stopwords"),
}
"""A line kept as the story's text, by the extraction it came from when that was not the fast pass."""
_RESTORED_DECISION = Decision("kept", BODY_RESTORED_STRUCTURE,
                              "a heading or list between the article's paragraphs that trafilatura's fallback dropped")


def extract_html(doc_id: str, source: str, outlet: str, html: str, url: str | None = None) -> Document:
    """Extract one HTML page into a :class:`Document` with provenance by source line."""
    extraction = run_trafilatura(html, url)
    texts = [line.text for line in extraction.lines]
    repaired, fixes = repair_lines(texts)
    # most lines come back from repair as they were: checking that costs less than copying every line
    lines = [line if (fixed := text.strip() or line.text) == line.text else replace(line, text=fixed)
             for line, text in zip(extraction.lines, repaired)]
    decisions, words, first_rules = decide_and_read(lines, extraction.title)
    for index in extraction.restored:
        if decisions[index] is KEPT_DECISION:
            decisions[index] = _RESTORED_DECISION
    if (kept := _CASCADE_DECISIONS.get(extraction.cascade)) is not None:
        decisions = [kept if decision is KEPT_DECISION else decision for decision in decisions]
    where = locate_lines(html, [line.text for line in lines])
    by_line: dict[int, list[Segment]] = {}
    paragraphs: list[Paragraph] = []
    for index, (line, decision, source_line) in enumerate(zip(lines, decisions, where)):
        steps = fixes.get(index + 1)
        line_fixes = tuple(f"L{source_line}:{step}" for step in steps) if steps else ()
        segment = Segment(source, (source_line, source_line), decision.action, decision.category, decision.rule,
                          line.text, decision.reason, line_fixes)
        if decision.action == "kept":
            paragraphs.append(Paragraph(f"{doc_id}#L{source_line}.{len(paragraphs)}", line.text, (source_line, source_line)))
        by_line.setdefault(source_line, []).append(segment)
    author = extraction.author or next(
        (name for line, decision in zip(lines, decisions)
         if decision.category == "byline" and (name := parse_author(line.text))), None)
    # the page's copyright line, removed or kept as a wire story's closing notice
    holder = next((holder for line, count, first in zip(lines, words, first_rules) if is_notice(line.text, count, first)
                   and (holder := parse_copyright_holder(line.text))), None)
    return Document(
        id=doc_id,
        source=source,
        outlet=extraction.sitename or outlet,
        title=extraction.title,
        author=author,
        copyright=holder,
        published=parse_date(extraction.date or "") if extraction.date else None,
        url=extraction.url or url,
        paragraphs=paragraphs,
        segments=cover_source(source, html, by_line),
        fixes=[f"L{where[n - 1]}:{step}" for n, steps in sorted(fixes.items()) for step in steps],
    )
