"""trafilatura on one page: its fast pass, and its full cascade where the fast pass kept too little.

One trafilatura pass (fast mode: no second opinion from readability or
jusText, which costs as much again and on news pages rarely helps) runs with
links kept in the extracted tree, so that every extracted line knows how
much of its text is link text (:class:`ExtractedLine`). The page's metadata
(title, author, date, URL, site name) comes from trafilatura's metadata
functions on the same parsed tree (:mod:`wirewash.tasks.clean.html_metadata`).
When that pass returns next to nothing, one run-on line that is mostly not
sentences (a menu and the story flattened together), the article's paragraphs
run together on one line, or under seven tenths of the page's long paragraphs
(it took one box of the page, not the article),
trafilatura's full cascade gets a second try, and the extraction that agrees
better with the page's long paragraphs is kept
(:mod:`wirewash.tasks.clean.extractor_choice`). On those pages, and where the
fast pass kept under nine tenths of the long paragraphs, trafilatura's port of
readability (one container of the page, the densest in prose) gives a third
opinion, kept where it agrees better still with the long paragraphs and adds
text: where trafilatura misses the article, it often misses it both ways.
Where it has failed outright (its extraction agrees under half with the long
paragraphs, or it kept next to nothing on a page with none to judge by), the
page's top node (:mod:`wirewash.tasks.clean.top_node`, read by stopwords, not
markup) gives a fourth opinion. Whichever is kept, headings and lists that
stood between two of its paragraphs and that trafilatura's fallback dropped
as a kind go back in place (:mod:`wirewash.tasks.clean.structure`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wirewash.tasks.clean.extractor_choice import (
    SECOND_OPINION_COVERAGE,
    TOP_NODE_MARGIN,
    adds_text,
    can_referee,
    lags,
    long_paragraphs,
    merged_block,
    referee,
    under_covered,
)
from wirewash.tasks.clean.html_metadata import page_metadata
from wirewash.tasks.clean.structure import outline_page, restore_structure
from wirewash.tasks.clean.top_node import best_nodes

SENTENCE_END_RE = re.compile(r"[.!?…。！？](?:[\"'”’»)\]]*)(?:\s|$)")
"""A sentence's end: its mark, closing quotes or brackets, then a space or the line's end."""
FALLBACK_CHARS = 500
"""Below this many extracted characters, trafilatura's full cascade gets a second try."""
RUN_ON_WORDS = 150
RUN_ON_WORDS_PER_SENTENCE = 60
"""A line of more than ``RUN_ON_WORDS`` words with fewer than one sentence end per this many words is run-on."""
RUN_ON_SHARE = 0.5
"""When run-on lines hold more than this share of the extracted text, trafilatura's full cascade gets a second try."""
FAST_PASS, FULL_CASCADE, READABILITY, TOP_NODE = "fast", "full", "readability", "top-node"
"""The extractions of :func:`run_trafilatura`: trafilatura's fast pass, its full cascade, its readability port, and
the page's top node (:mod:`wirewash.tasks.clean.top_node`)."""

_OPEN, _CLOSE = "\u2983", "\u2984"  # printable brackets marking link text through trafilatura's renderer
_MARK_RE = re.compile(f"([{_OPEN}{_CLOSE}])")


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
    cascade: str = "fast"
    """Which extraction the lines come from: ``FAST_PASS``, ``FULL_CASCADE``, ``READABILITY`` or ``TOP_NODE``."""
    restored: tuple[int, ...] = ()
    """The indices of the headings and list items put back between the article's paragraphs, which trafilatura's
    fallback for containers it does not recognise drops (:mod:`wirewash.tasks.clean.structure`)."""



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
        if _OPEN not in line and _CLOSE not in line:
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


def _run_on_share(lines: list[ExtractedLine]) -> float:
    """The share of extracted characters in run-on lines: long lines that are mostly not sentences.

    trafilatura's fast mode sometimes takes a whole page region (menu, story
    and footer) as one block, which comes out as one enormous line with few
    sentence ends; real paragraphs, however long, end a sentence every few
    dozen words.
    """
    total = sum(len(line.text) for line in lines)
    if not total:
        return 0.0
    run_on = 0
    for line in lines:
        words = line.text.count(" ") + 1
        if words > RUN_ON_WORDS and words > RUN_ON_WORDS_PER_SENTENCE * max(1, len(SENTENCE_END_RE.findall(line.text))):
            run_on += len(line.text)
    return run_on / total


def run_trafilatura(html: str, url: str | None = None) -> Extraction:
    """Extract the article lines and metadata of one page (see the module docstring, step 1)."""
    import trafilatura

    try:
        tree = trafilatura.load_html(html)
    except Exception as err:  # noqa: BLE001 - lxml raises several types on hostile markup
        raise ExtractionError(f"unparseable HTML: {type(err).__name__}: {err}") from err
    if tree is None:
        return Extraction(())
    meta = page_metadata(tree, url)  # first: the fast pass below consumes the tree
    paragraphs = long_paragraphs(tree)  # before it too: the cascade prunes the tree in place
    outline = outline_page(tree)  # the page's paragraphs, headings and lists in order, read before the pruning too
    # no url: trafilatura would resolve every link's target against it, and only link text is read here
    # output "txt": bare_extraction then leaves its tree unrendered (the lines are rendered here, with link markers)
    options = {"include_comments": False, "include_tables": True, "include_links": True, "deduplicate": False,
               "output_format": "txt"}
    body = _fast_body(tree, options)
    lines = _lines_with_link_share(body) if body is not None else []
    chars = sum(len(line.text) for line in lines)
    run_on = _run_on_share(lines)
    cascade = FAST_PASS
    fresh = None
    merged = merged_block([line.text for line in lines], paragraphs)
    if chars < FALLBACK_CHARS or run_on > RUN_ON_SHARE or under_covered(chars, paragraphs) or merged:
        # the fast pass pruned the tree in place: the page is parsed again (on about one page in twelve)
        fresh = trafilatura.load_html(html)
        second = _full_lines(fresh, options)  # the full cascade works on a copy: ``fresh`` stays whole
        if _take_second(lines, second, paragraphs, chars, run_on):
            lines, cascade = second, FULL_CASCADE
    if (fresh is not None and can_referee(paragraphs)) or under_covered(chars, paragraphs, SECOND_OPINION_COVERAGE):
        tree = fresh if fresh is not None else trafilatura.load_html(html)
        # the top node is read first (readability prunes the tree in place), and only where trafilatura failed
        fourth = _top_node_lines(tree) if lags([line.text for line in lines], paragraphs) else []
        if _better_opinion(lines, third := _readability_lines(tree), paragraphs, may_drop=merged):
            lines, cascade = third, READABILITY
        if _better_opinion(lines, fourth, paragraphs, TOP_NODE_MARGIN):
            lines, cascade = fourth, TOP_NODE
    elif fresh is not None and sum(len(line.text) for line in lines) < FALLBACK_CHARS:
        # next to nothing extracted and no long paragraphs to judge by: a longer top node is taken, as a longer
        # full cascade is (a page whose markup wraps the article in a popup or a header, which trafilatura prunes)
        fourth = _top_node_lines(fresh)
        if sum(len(line.text) for line in fourth) > sum(len(line.text) for line in lines):
            lines, cascade = fourth, TOP_NODE
    lines, restored = insert_lines(lines, restore_structure([line.text for line in lines], outline))
    return Extraction(tuple(lines), meta["title"], meta["author"], meta["date"], meta["url"], meta["sitename"], cascade,
                      restored)


def insert_lines(lines: list[ExtractedLine], restoring: dict[int, tuple[tuple[str, float], ...]]
                 ) -> tuple[list[ExtractedLine], tuple[int, ...]]:
    """The lines with ``restoring``'s lines (text, link share) put in after the line of their index
    (:func:`wirewash.tasks.clean.structure.restore_structure`), and the indices of those put in."""
    if not restoring:
        return lines, ()
    out: list[ExtractedLine] = []
    restored: list[int] = []
    for index, line in enumerate(lines):
        out.append(line)
        for text, link_share in restoring.get(index, ()):
            restored.append(len(out))
            out.append(ExtractedLine(text, link_share))
    return out, tuple(restored)


def _take_second(first: list[ExtractedLine], second: list[ExtractedLine], paragraphs: str, chars: int,
                 run_on: float) -> bool:
    """Whether the full cascade's lines replace the fast pass's (``chars``, ``run_on``: the fast pass's measures).

    Where the page has long paragraphs to judge by, the extraction that agrees
    better with them wins (:mod:`wirewash.tasks.clean.extractor_choice`). Elsewhere: a short
    fast pass gives way to a longer second, a run-on one to a second that is
    less run-on.
    """
    second_chars = sum(len(line.text) for line in second)
    if not second_chars:
        return False
    verdict = referee([line.text for line in first], [line.text for line in second], paragraphs) if can_referee(paragraphs) else None
    if verdict is not None:
        return verdict
    if chars < FALLBACK_CHARS:
        return second_chars > chars
    return _run_on_share(second) < run_on


def _full_lines(tree: Any, options: dict[str, Any]) -> list[ExtractedLine]:
    """The lines of trafilatura's full cascade on a parsed page (``bare_extraction`` copies the tree first)."""
    import trafilatura

    full = trafilatura.bare_extraction(tree, **options)
    return _lines_with_link_share(full.body) if full is not None and full.body is not None else []


def _better_opinion(current: list[ExtractedLine], offered: list[ExtractedLine], paragraphs: str,
                    margin: float = 0.0, *, may_drop: bool = False) -> bool:
    """Whether another opinion replaces the current lines: it adds text they lack and agrees (by more than ``margin``)
    better with the page's long paragraphs (:mod:`wirewash.tasks.clean.extractor_choice`).

    ``may_drop``: the fast pass ran this page's article together (:func:`~wirewash.tasks.clean.extractor_choice.
    merged_block`), so trafilatura's reading of its blocks is off, and an opinion that only drops text (the captions
    and credits it ran in with the prose) is taken on the long paragraphs' word too."""
    kept, new = [line.text for line in current], [line.text for line in offered]
    return (may_drop or adds_text(kept, new)) and bool(referee(kept, new, paragraphs, margin))


def _readability_lines(tree: Any) -> list[ExtractedLine]:
    """The lines of trafilatura's readability port on a parsed page (which it prunes in place), links kept.

    The same steps the full cascade takes when it prefers readability
    (``trafilatura.external``: ``try_readability``, then its ``sanitize_tree``
    converting the HTML to trafilatura's own tree), taken here whatever the
    cascade's length tests say. Both are internal to trafilatura: where the
    installed version lacks them, there is no third opinion.
    """
    from trafilatura import external

    readability = getattr(external, "try_readability", None)
    return _sanitized_lines(readability(tree)) if readability is not None else []


def _top_node_lines(tree: Any) -> list[ExtractedLine]:
    """The lines of the page's top node and the siblings joining it (:mod:`wirewash.tasks.clean.top_node`), links kept.

    The nodes are copied into one container (the page's tree stays whole) and
    turned into trafilatura's own tree and lines as readability's are.
    """
    from copy import deepcopy

    from lxml.html import Element

    nodes = best_nodes(tree)
    if not nodes:
        return []
    container = Element("div")
    container.extend(deepcopy(node) for node in nodes)
    return _sanitized_lines(container)


def _sanitized_lines(html: Any) -> list[ExtractedLine]:
    """An HTML element turned into trafilatura's tree (its ``sanitize_tree``, as the full cascade does with
    readability's choice) and rendered as lines; none where the installed version lacks it or it fails."""
    from trafilatura import external
    from trafilatura.settings import Extractor

    sanitize = getattr(external, "sanitize_tree", None)
    if sanitize is None:
        return []
    try:
        body, _ = sanitize(html, Extractor(output_format="txt", comments=False, links=True, tables=True, dedup=False))
    except (TypeError, ValueError):
        return []
    return _lines_with_link_share(body)


def _fast_body(tree: Any, options: dict[str, Any]) -> Any | None:
    """The body ``trafilatura.bare_extraction(tree, fast=True, **options)`` returns, without copying the page.

    Given a parsed tree, ``bare_extraction`` first deep-copies all of it
    (so that the caller's tree survives) and then runs trafilatura's cascade
    on the copy. Here nothing reads the tree afterwards (the metadata was
    read before), so the cascade (``trafilatura.core.trafilatura_sequence``)
    runs on the tree itself, which it prunes in place. The rest of what
    ``bare_extraction`` does with these options is repeated exactly: the
    same ``Extractor``, the same minimum output size, and ``None`` where it
    would have caught a ``TypeError`` or ``ValueError``. The copy it spares
    costs about half a millisecond on a news page.

    ``trafilatura_sequence`` is internal to trafilatura: where the installed
    version's does not take ``(tree, options, url)``, or where trafilatura's
    settings cap the extracted tree's size (a check not repeated here),
    ``bare_extraction`` itself runs, copy included.
    """
    import trafilatura
    from trafilatura.settings import Extractor

    sequence = _trafilatura_sequence()
    extractor = None if sequence is None else Extractor(
        output_format=options["output_format"], fast=True, comments=options["include_comments"],
        links=options["include_links"], tables=options["include_tables"], dedup=options["deduplicate"])
    if sequence is None or extractor is None or extractor.max_tree_size:
        result = trafilatura.bare_extraction(tree, fast=True, **options)
        return result.body if result is not None else None
    try:
        body, text, _, comments = sequence(tree, extractor, None)
    except (TypeError, ValueError):
        return None
    if len(text) < extractor.min_output_size and len(comments) < extractor.min_output_comm_size:
        return None
    return body


@lru_cache(maxsize=1)
def _trafilatura_sequence() -> Any | None:
    """trafilatura's extraction cascade when it has the signature :func:`_fast_body` relies on, else ``None``."""
    import inspect

    from trafilatura import core

    sequence = getattr(core, "trafilatura_sequence", None)
    if sequence is None or list(inspect.signature(sequence).parameters) != ["tree", "options", "url"]:
        return None
    return sequence
