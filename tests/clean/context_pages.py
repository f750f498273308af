"""Pages for the context rules' golden cases: a small document of each kind and the decision it gives a line.

A context rule decides a line from its neighbours, its position or the batch,
so its golden case is a page, not a line. Each kind of page here runs the
code that implements the rule and answers one question: what ``(action, rule)``
did the line holding a given text end with?

* :class:`TextPage`: a flattened text scrape through the text cleaner (with an
  outlet's template lines, when given);
* :class:`HtmlPage`: an HTML page through trafilatura and the rules after it,
  optionally with a fast pass that keeps only the page's first box (to stand
  in for a fast pass that misses the article);
* :class:`ExtractedPage`: lines as trafilatura extracts them (with the share
  of link text of each), through the rules after trafilatura alone;
* :class:`ClusterPage`: two documents sharing a paragraph, through the reuse
  stage's removal of near-duplicate copies.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol
from unittest import mock

from wirewash.tasks.clean import html_trafilatura
from wirewash.tasks.clean.cleaner import clean_text
from wirewash.tasks.clean.extraction import extract_html
from wirewash.tasks.clean.html_decide import decide_lines
from wirewash.tasks.clean.html_trafilatura import ExtractedLine
from wirewash.tasks.records import Cluster, Document, ParagraphRef, Segment
from wirewash.tasks.reuse.annotation import drop_duplicates

BODY = (
    "The city council voted on Tuesday to expand the bus network into three new districts, officials said.",
    "Supporters argued that the expansion would cut commuting times for thousands of residents in the east.",
    "Critics said the plan would cost far more than the council had budgeted and would take years to finish.",
    "The mayor said she expected the first new routes to open before the end of next year, if funding allows.",
    "A final vote on the budget for the project is expected at the council's next meeting in the spring.",
)
"""Five paragraphs of a story: prose, each a sentence of fifteen words or more."""
HEADLINE = "Council expands bus network to three districts"

# parts of pages several tests print: a reader comment, a share bar and the cards under it, cards of other
# stories, a recipe's ingredients, a list's items, a flattened table
COMMENT = ("Hi Jane, I have ridden these buses for twenty years and the new routes will not help anyone past the river.",
           "What I am wondering is whether the council asked riders at all before it drew the new map for the east.")
BAR = "Whatsapp   Facebook   Pint   Baixar"
SHARED = ("Union leaders accepted a revised offer on pay and hours after talks that ran past midnight on Sunday …",
          "The wing, paid for by local donors, adds reading rooms, a workshop and space for school visits in town.",
          "Engineers will start work in the spring on walls that the agency says will protect two thousand homes …")
CARDS = ("Rail strike called off after late talks",
         "Union leaders accepted a revised offer on pay and hours after talks that ran past midnight on Sunday.",
         "Library opens new wing for young readers",
         "The wing, paid for by local donors, adds reading rooms, a workshop and space for school visits.",
         "Flood defences to be raised along the river",
         "Engineers will start work in the spring on walls that the agency says will protect two thousand homes.")
INGREDIENTS = ("8-9 ripe pears, cored and peeled", "1 lemon, or about 1/4 cup lemon juice", "6 tbsp fruit pectin powder",
               "1 tsp cinnamon", "½ tsp ground cloves")
ITEMS = ("Three new bus routes in the east", "A night line to the airport", "Free rides for pupils under twelve",
         "New shelters at forty stops")
TABLE = ("Pos.", "Team", "Played", "Pts") + tuple(
    cell for i, name in enumerate(("Rovers", "United", "Athletic", "City"), 1) for cell in (str(i), name, "12", str(30 - 3 * i)))


class Page(Protocol):
    """A small document of some kind that says how the line holding ``text`` was decided."""

    def decision(self, text: str, occurrence: int | None = None) -> tuple[str, str]:
        """``(action, rule id)`` of the line holding ``text``: the page holds it exactly once, or ``occurrence``
        says which of its copies (0 for the first)."""
        ...


def spaced(*lines: str) -> tuple[str, ...]:
    """``lines`` with a blank line after each, as most scrapes print paragraphs."""
    return tuple(part for line in lines for part in (line, ""))


def _covering(segments: list[Segment], number: int) -> list[Segment]:
    return [seg for seg in segments if seg.lines[0] <= number <= seg.lines[1]]


@lru_cache(maxsize=None)
def _clean(lines: tuple[str, ...], template: frozenset[str]) -> Document:
    return clean_text("doc", "doc.txt", "outlet", "\n".join(lines), template)


def _line_number(holding: list[int], text: str, occurrence: int | None) -> int:
    if occurrence is not None:
        return holding[occurrence]
    assert len(holding) == 1, f"the page should hold {text!r} on exactly one line, not {len(holding)}"
    return holding[0]


@dataclass(frozen=True)
class TextPage:
    """A flattened text scrape, a line each, cleaned with the outlet's ``template`` lines."""

    lines: tuple[str, ...]
    template: frozenset[str] = frozenset()

    def decision(self, text: str, occurrence: int | None = None) -> tuple[str, str]:
        holding = [number for number, line in enumerate(self.lines, 1) if line == text]
        (seg,) = _covering(_clean(self.lines, self.template).segments, _line_number(holding, text, occurrence))
        return seg.action, seg.rule


@lru_cache(maxsize=None)
def _extract(html: str, first_box_only: bool, full_misses: bool = False, readability_misses: bool = False) -> Document:
    if not first_box_only:
        return extract_html("page", "page.html", "outlet", html)
    real_fast, real_full = html_trafilatura._fast_body, html_trafilatura._full_lines

    def first_box(tree: object, options: dict[str, object]) -> object:
        body = real_fast(tree, options)
        for child in list(body)[1:]:
            body.remove(child)
        return body

    def nothing(tree: object, options: dict[str, object]) -> list[ExtractedLine]:
        return []

    real_readability = html_trafilatura._readability_lines
    with mock.patch.object(html_trafilatura, "_fast_body", first_box), \
            mock.patch.object(html_trafilatura, "_full_lines", nothing if full_misses else real_full), \
            mock.patch.object(html_trafilatura, "_readability_lines",
                              (lambda tree: []) if readability_misses else real_readability):
        return extract_html("page", "page.html", "outlet", html)


@dataclass(frozen=True)
class HtmlPage:
    """An HTML page; with ``first_box_only``, trafilatura's fast pass keeps only the first box it extracts,
    with ``full_misses`` too, its full cascade extracts nothing, and with ``readability_misses``, nor does its
    readability port."""

    html: str
    first_box_only: bool = False
    full_misses: bool = False
    readability_misses: bool = False

    def decision(self, text: str, occurrence: int | None = None) -> tuple[str, str]:
        holding = [number for number, line in enumerate(self.html.split("\n"), 1) if text in line]
        segments = _covering(_extract(self.html, self.first_box_only, self.full_misses,
                                                self.readability_misses).segments, _line_number(holding, text, occurrence))
        exact = [seg for seg in segments if seg.text == text]
        (seg,) = exact or segments
        return seg.action, seg.rule


def html_page(body: str) -> str:
    """An HTML page around ``body``, a line for each part of the frame."""
    return f"<!DOCTYPE html>\n<html>\n<head><title>{HEADLINE}</title></head>\n<body>\n{body}\n</body>\n</html>\n"


@dataclass(frozen=True)
class ExtractedPage:
    """Lines as trafilatura extracts them, each with the share of its text that is link text."""

    lines: tuple[tuple[str, float], ...]
    title: str | None = None

    def decision(self, text: str, occurrence: int | None = None) -> tuple[str, str]:
        decided = decide_lines([ExtractedLine(line, share) for line, share in self.lines], self.title)
        holding = [number for number, (line, _) in enumerate(self.lines, 1) if line == text]
        found = decided[_line_number(holding, text, occurrence) - 1]
        return found.action, found.rule


@dataclass(frozen=True)
class ClusterPage:
    """Two cleaned documents sharing a paragraph clustered as near-duplicates, the first's copy canonical;
    ``side`` says whose line is asked about."""

    canonical: tuple[str, ...]
    copy: tuple[str, ...]
    shared: str
    side: Literal["canonical", "copy"]

    def decision(self, text: str, occurrence: int | None = None) -> tuple[str, str]:
        docs = [clean_text(name, f"{name}.txt", name, "\n".join(lines))
                for name, lines in (("a", self.canonical), ("b", self.copy))]
        refs = [ParagraphRef(doc.id, doc.source, doc.outlet, doc.paragraphs[i].lines, i, self.shared)
                for doc in docs for i, p in enumerate(doc.paragraphs) if p.text == self.shared]
        docs, _ = drop_duplicates(docs, [Cluster("c1", refs[0], tuple(refs))])
        doc, lines = (docs[0], self.canonical) if self.side == "canonical" else (docs[1], self.copy)
        holding = [number for number, line in enumerate(lines, 1) if line == text]
        (seg,) = _covering(doc.segments, _line_number(holding, text, occurrence))
        return seg.action, seg.rule
