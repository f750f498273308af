"""Which of trafilatura's extractions of a page to trust: the evidence the page itself gives.

trafilatura's fast pass (its own extractor, no second opinion) is right on
most news pages and costs two thirds of its full cascade (which also runs a
readability port and jusText, and takes one of them when its own result looks
deficient). On some layouts the fast pass takes one box of the page (a
summary, the first section, a product card) and leaves out the article: the
page's paragraphs say so. The page's **long paragraphs** (``<p>`` elements of
at least ``LONG_PARAGRAPH_CHARS`` characters, read before the cascade prunes
the tree) are where an article's prose lives on nearly every site, whatever
its language; menus, cards and footers rarely write such paragraphs.

* :func:`long_paragraphs` reads them (under a millisecond on a news page).
* :func:`under_covered`: the fast pass kept less than ``COVERAGE`` of their
  characters — the evidence that calls for the full cascade. So does
  :func:`merged_block`: the fast pass returned the page as one or two lines,
  one of them holding several long paragraphs whole (it took a box whose
  blocks it did not tell apart, captions and credits run in with the prose). With the
  short and run-on tests of :mod:`wirewash.tasks.clean.extraction`, the full cascade runs
  on 61 of wcxb-dev's 709 pages and 14 of aeb's 181, and is kept on 29 and 2.
* Under ``SECOND_OPINION_COVERAGE`` of them (and wherever the full cascade
  runs), trafilatura's readability port gives a third opinion, taken only
  where it agrees better and :func:`adds_text` the others lack.
* :func:`referee`: of two extractions, the one whose word 4-grams agree
  better (F1) with the long paragraphs; a tie keeps the first, and where
  neither agrees with them at all the paragraphs say nothing.
  The full cascade is not taken blindly: on some pages its readability port
  grabs the whole page (menus, every teaser) and the fast pass was right.

Leaves alone: pages whose fast pass already covers the paragraphs (nearly all),
and pages with no long paragraphs (lists, tables, short posts), where the
length and run-on tests of :mod:`wirewash.tasks.clean.extraction` decide as before.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

LONG_PARAGRAPH_CHARS = 80
"""A ``<p>`` with at least this many characters of text is a paragraph of prose, not a label or a card."""
COVERAGE = 0.7
"""The fast pass must keep at least this share of the long paragraphs' characters, else the full cascade runs
(0.5 and 0.7 tried on the even ids of wcxb-dev: 0.7 gained 0.0013 there and changed nothing on the odd ids or aeb)."""
SECOND_OPINION_COVERAGE = 0.9
"""Under this share, trafilatura's readability port is asked too: it costs a third of the full cascade, so it is
asked on a looser doubt (0.8, 0.9, 1.0 tried on the even ids of wcxb-dev: 0.9 took three quarters of what 1.0 gains
on a third of the pages; asking it on every page would gain a little more at half again the cost of the extraction)."""
MIN_AGREEMENT = 0.2
"""An extraction must share at least this F1 of word 4-grams with the long paragraphs for them to referee."""
LINK_SHARE = 0.5
"""A block at least this share link text (of its visible characters) is navigation or a card, not prose."""
MIN_EVIDENCE_CHARS = 500
"""Below this many characters of long paragraphs the page says too little to referee two extractions."""
NEW_TEXT_SHARE = 0.1
"""A third opinion replaces an extraction only if at least this share of its word 4-grams is text the extraction lacks."""
LAGGING_AGREEMENT = 0.5
"""An extraction sharing less than this F1 of word 4-grams with the long paragraphs has missed the article: only
there is the top node asked (:mod:`wirewash.tasks.clean.top_node`). Asked on every doubted page, it gained on the
even ids of wcxb-dev (three pages, each for the better) but not on the odd ones (one better, two worse: footnotes
and an FAQ after the article, which the top node's container holds and the gold leaves out)."""
TOP_NODE_MARGIN = 0.05
"""The top node's text (:mod:`wirewash.tasks.clean.top_node`) replaces trafilatura's only where it agrees with the long
paragraphs by at least this much more F1: one container also holds bylines, calls to action and an author's bio, so
a near tie is trafilatura's (0, 0.05, 0.1 tried on the even ids of wcxb-dev, the top node asked on every doubted
page: 0 also took two pages for the worse, 0.05 and 0.1 took the same three pages, each for the better)."""

MERGED_MAX_LINES = 2
"""An extraction of at most this many lines, one of which holds two or more long paragraphs whole, is one merged
block (:func:`merged_block`). Such a line among more lines is no such evidence (73 pages of wcxb-dev and aeb): the
full cascade returned the same lines on 64 of them, and readability's agreement with the long paragraphs did not tell
where it scored better (it agreed less on the two pages where it gained most, more on two where it lost)."""

_WORD_RE = re.compile(r"\w+")
_BLOCK_TAGS = ("p", "li", "dd", "blockquote")
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "figure"})
"""Page chrome: navigation, header, footer, sidebars, and figures (whose captions describe a picture)."""


def long_paragraphs(tree: Any) -> str:
    """The text of the page's long prose blocks, one per line, whitespace folded.

    Blocks are paragraphs, list items, definitions and quotations of at least
    ``LONG_PARAGRAPH_CHARS`` characters. Left out, as not the article's:

    * a block inside the page's navigation, header, footer or sidebars
      (``<nav>``, ``<header>``, ``<footer>``, ``<aside>``), inside a figure
      (its caption, however long, describes a picture), or inside a reader
      comment section (the containers trafilatura itself prunes when comments
      are left out: its ``REMOVE_COMMENTS_AND_LISTS_XPATH``);
    * a block inside an ``<article>`` nested in another: HTML's markup for
      an item of its own (a comment, another post) within the article;
    * a block that is mostly link text (``LINK_SHARE``: a menu, a teaser card),
      or inside a link (a card whose whole box is one link);
    * a list item holding a list or paragraphs of its own (a menu's top item,
      or an item whose paragraphs are read themselves), or a picture (a slide
      of a gallery, a card: its text is a caption or a teaser).

    Scripts hold no such elements.
    """
    in_comments = comment_test(tree)
    out: list[str] = []
    for element in tree.iter(_BLOCK_TAGS):
        if element.tag == "li" and next(element.iter("ul", "ol", "p", "img", "picture"), element) is not element:
            continue
        text = " ".join(element.text_content().split())
        if len(text) < LONG_PARAGRAPH_CHARS or _outside_article(element, in_comments):
            continue
        if link_chars(element) < LINK_SHARE * len(text.replace(" ", "")):
            out.append(text)
    return "\n".join(out)


def link_chars(element: Any) -> int:
    """The visible characters (whitespace left out) of the link text inside ``element``."""
    return sum(len("".join(link.text_content().split())) for link in element.iter("a"))


def _outside_article(element: Any, in_comments: Callable[[Any], bool]) -> bool:
    """Whether an ancestor places ``element`` in page chrome, reader comments, a link or a nested ``<article>``."""
    articles = 0
    for ancestor in element.iterancestors():
        if ancestor.tag in CHROME_TAGS or ancestor.tag == "a" or in_comments(ancestor):
            return True
        articles += ancestor.tag == "article"
    return articles > 1


@lru_cache(maxsize=1)
def _comment_xpaths() -> tuple[Any, ...]:
    """trafilatura's XPaths of reader comment sections (internal to it; none where the installed version lacks them)."""
    from trafilatura import xpaths

    return tuple(getattr(xpaths, "REMOVE_COMMENTS_AND_LISTS_XPATH", ()))


_EXSLT_REGEX = "http://exslt.org/regular-expressions"


@lru_cache(maxsize=1)
def _comment_self_tests() -> tuple[Any, ...] | None:
    """trafilatura's XPaths of reader comment sections (internal to it), each turned from a search of the tree
    (``.//*[…]``) into a test of one element (``self::*[…]``); ``None`` if one is not of that form."""
    from lxml import etree

    tests = []
    for xpath in _comment_xpaths():
        path = xpath.path.strip()
        if not path.startswith(".//*"):
            return None
        tests.append(etree.XPath("self::*" + path[len(".//*"):], namespaces={"re": _EXSLT_REGEX}))
    return tuple(tests)


def comment_test(tree: Any) -> Callable[[Any], bool]:
    """Whether an element is a reader comment section, as trafilatura's pruning would find it.

    Only the ancestors of the page's long blocks are ever asked about, a few dozen elements, so each is
    tested by itself (and remembered) rather than searching the whole tree with each XPath; the tree's
    root, which a search of its descendants never returns, is never one."""
    tests = _comment_self_tests()
    if tests is None:  # an XPath of another form: search the tree, as trafilatura does
        found = {element for xpath in _comment_xpaths() for element in xpath(tree)}
        return found.__contains__
    root = tree.getroottree().getroot()
    seen: dict[Any, bool] = {}

    def in_comments(element: Any) -> bool:
        if element not in seen:
            seen[element] = element is not root and any(test(element) for test in tests)
        return seen[element]

    return in_comments


def can_referee(paragraphs: str) -> bool:
    """The page has enough long paragraphs to judge extractions by."""
    return len(paragraphs) >= MIN_EVIDENCE_CHARS


def under_covered(extracted_chars: int, paragraphs: str, coverage: float = COVERAGE) -> bool:
    """The page has enough long paragraphs to judge, and the extraction kept under ``coverage`` of them."""
    return can_referee(paragraphs) and extracted_chars < coverage * len(paragraphs)


def merged_block(texts: list[str], paragraphs: str) -> bool:
    """Whether the extraction is the page run together: at most ``MERGED_MAX_LINES`` lines, one of which holds
    two or more of the long paragraphs whole (whitespace folded).

    Catches a fast pass that took the article's box as one block: every paragraph, caption and photo credit
    on one line, which no line rule can take apart. Leaves alone an extraction of several lines (a long line
    among them is a paragraph the page itself printed as one, or a table) and a one-line extraction holding at
    most one long paragraph (a short post).
    """
    if len(texts) > MERGED_MAX_LINES or not paragraphs:
        return False
    blocks = paragraphs.split("\n")
    for text in texts:
        folded = " ".join(text.split())
        if sum(block in folded for block in blocks) >= 2:
            return True
    return False


def _grams(texts: Iterable[str]) -> set[tuple[str, ...]]:
    """The word 4-grams of each text (a text of one to three words is one gram), case folded."""
    grams: set[tuple[str, ...]] = set()
    for text in texts:
        words = _WORD_RE.findall(text.lower())
        grams.update(tuple(words[i:i + 4]) for i in range(max(len(words) - 3, 1 if words else 0)))
    return grams


def agreement(texts: Iterable[str], paragraphs: str) -> float:
    """F1 of the word 4-grams of ``texts`` against those of ``paragraphs`` (0 when either has none)."""
    ours, theirs = _grams(texts), _grams([paragraphs])
    if not ours or not theirs:
        return 0.0
    shared = len(ours & theirs)
    return 2 * shared / (len(ours) + len(theirs))


def lags(texts: list[str], paragraphs: str) -> bool:
    """The page has long paragraphs to judge by, and ``texts`` agree with them under ``LAGGING_AGREEMENT``."""
    return can_referee(paragraphs) and agreement(texts, paragraphs) < LAGGING_AGREEMENT


def adds_text(first: list[str], second: list[str]) -> bool:
    """Whether ``second`` holds text ``first`` lacks: at least ``NEW_TEXT_SHARE`` of its word 4-grams.

    The long paragraphs referee what an extraction keeps, not what it drops:
    they leave out headings, lists and tables, so an extraction that is a
    part of another (the same prose without its list) agrees with them
    better for dropping text the article holds. A second opinion that only
    drops text is therefore never taken on their word.
    """
    theirs = _grams(second)
    return bool(theirs) and len(theirs - _grams(first)) >= NEW_TEXT_SHARE * len(theirs)


def referee(first: list[str], second: list[str], paragraphs: str, margin: float = 0.0) -> bool | None:
    """Whether ``second`` agrees strictly better (by more than ``margin``) than ``first`` with the page's long paragraphs.

    ``None`` when neither agrees with them at ``MIN_AGREEMENT`` or more: the
    long paragraphs are then something else (reader comments, another post)
    and say nothing about which extraction holds the article.
    """
    a, b = agreement(first, paragraphs), agreement(second, paragraphs)
    if max(a, b) < MIN_AGREEMENT:
        return None
    return b > a + margin
